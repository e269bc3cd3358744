package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/internal/testtool"
)

// TestErrorsAreOneLine drives each error path issue 14 lists through the
// real binary: the message is one line that says what is wrong and what
// to do, and git's command line appears only with HALLMARK_TRACE.
func TestErrorsAreOneLine(t *testing.T) {
	keys := t.TempDir()
	if res := hallmark(t, keys, []string{"HALLMARK_PASSWORD=pw"}, "keys", "generate", "--output", filepath.Join(keys, "dev")); res.code != 0 {
		t.Fatal(res)
	}
	history := func(t *testing.T) *gittest.Repo {
		r := gittest.New(t)
		for i := 1; i <= 4; i++ {
			r.Write("f.txt", gittest.Lines("line", i))
			r.Commit("commit", "")
		}
		return r
	}
	tests := []struct {
		reason string
		setup  func(t *testing.T) string // the directory to run in
		env    []string
		args   []string
		want   []string // in the one line
		never  []string // anywhere on stderr
		gitCmd string   // with HALLMARK_TRACE=1, this git command is shown
	}{{
		reason: "--since after --rev",
		setup:  func(t *testing.T) string { return history(t).Dir },
		args:   []string{"report", "--since", "HEAD", "--rev", "HEAD~3"},
		want:   []string{"--since HEAD is not in the history of --rev HEAD~3", "swap them"},
		never:  []string{"replayed"},
	}, {
		reason: "sync against a remote that is not there",
		setup: func(t *testing.T) string {
			r := history(t)
			r.Git("remote", "add", "origin", filepath.Join(t.TempDir(), "gone.git"))
			return r.Dir
		},
		args:   []string{"sync"},
		want:   []string{"does not appear to be a git repository", "git remote -v"},
		never:  []string{"--no-write-fetch-head", "Please make sure"},
		gitCmd: "git fetch --quiet",
	}, {
		reason: "verify on an unborn branch",
		setup:  func(t *testing.T) string { return gittest.New(t).Dir },
		args:   []string{"verify", "--key", filepath.Join(keys, "dev.pub")},
		want:   []string{"no commits yet", "make a first commit"},
		never:  []string{"git log", "commit something first"},
	}, {
		reason: "a missing blob",
		setup: func(t *testing.T) string {
			r := history(t)
			blob := strings.TrimSpace(r.Git("rev-parse", "HEAD~1:f.txt"))
			if err := os.Remove(filepath.Join(r.Dir, ".git", "objects", blob[:2], blob[2:])); err != nil {
				t.Fatal(err)
			}
			return r.Dir
		},
		args:   []string{"stamp"},
		want:   []string{"unable to read", "git fsck", "--verbose"},
		never:  []string{"--no-commit-id", "-c core.quotePath"},
		gitCmd: "git diff-tree",
	}, {
		reason: "HALLMARK_PASSWORD unset",
		setup:  func(t *testing.T) string { return history(t).Dir },
		args:   []string{"stamp", "--key", filepath.Join(keys, "dev.key")},
		want:   []string{"is encrypted and HALLMARK_PASSWORD is not set", "set HALLMARK_PASSWORD"},
		never:  []string{"wrong password", "decryption"},
	}, {
		reason: "a wrong HALLMARK_PASSWORD",
		setup:  func(t *testing.T) string { return history(t).Dir },
		env:    []string{"HALLMARK_PASSWORD=nope"},
		args:   []string{"stamp", "--key", filepath.Join(keys, "dev.key")},
		want:   []string{"HALLMARK_PASSWORD does not open the key", "check HALLMARK_PASSWORD"},
		never:  []string{"decryption"},
	}, {
		reason: "keys generate into a missing directory",
		setup:  func(t *testing.T) string { return t.TempDir() },
		env:    []string{"HALLMARK_PASSWORD=pw"},
		args:   []string{"keys", "generate", "--output", "no/such/dir/k"},
		want:   []string{"the directory no/such/dir does not exist", "create it first"},
		never:  []string{".tmp"},
	}}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			dir := tt.setup(t)
			res := hallmark(t, dir, tt.env, tt.args...)
			if res.code != 2 || res.stdout != "" {
				t.Errorf("want exit 2 and no output: %+v", res)
			}
			if strings.Count(res.stderr, "\n") != 1 || !strings.HasPrefix(res.stderr, "hallmark: ") {
				t.Errorf("not one line:\n%s", res.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.stderr, w) {
					t.Errorf("no %q in %q", w, res.stderr)
				}
			}
			for _, n := range tt.never {
				if strings.Contains(res.stderr, n) {
					t.Errorf("%q leaks into %q", n, res.stderr)
				}
			}
			traced := hallmark(t, dir, append(tt.env, "HALLMARK_TRACE=1"), tt.args...)
			first, _, _ := strings.Cut(traced.stderr, "\n")
			if first+"\n" != strings.Replace(res.stderr, "; --verbose shows the git command", "", 1) {
				t.Errorf("the first line changes under trace:\n%s\nvs\n%s", traced.stderr, res.stderr)
			}
			if tt.gitCmd != "" && !strings.Contains(traced.stderr, "the git command: "+tt.gitCmd) {
				t.Errorf("HALLMARK_TRACE=1 must show %q:\n%s", tt.gitCmd, traced.stderr)
			}
		})
	}
}

// TestPasswordPrompt runs hallmark on a pseudo-terminal (util-linux's
// script): with HALLMARK_PASSWORD unset it asks for the key's password, as
// cosign does, and a wrong one is said once.
func TestPasswordPrompt(t *testing.T) {
	testtool.Need(t, testtool.Script, "nothing is run on a pseudo-terminal")
	r := sampleRepo(t)
	keys := t.TempDir()
	if res := hallmark(t, r.Dir, []string{"HALLMARK_PASSWORD=pw"}, "keys", "generate", "--output", filepath.Join(keys, "dev")); res.code != 0 {
		t.Fatal(res)
	}
	onTTY := func(typed string, args ...string) string {
		line := hallmarkBin + " " + strings.Join(args, " ")
		cmd := exec.Command("script", "-qec", line, os.DevNull)
		cmd.Dir = r.Dir
		var env []string
		for _, kv := range gittest.Env(t.TempDir()) {
			if !strings.HasPrefix(kv, "HALLMARK_PASSWORD=") {
				env = append(env, kv)
			}
		}
		cmd.Env = env
		in, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// The prompt turns echo off before reading; what is typed waits in
		// the terminal's buffer until then.
		in.Write([]byte(typed + "\r"))
		cmd.Wait()
		in.Close()
		return out.String()
	}
	good := onTTY("pw", "stamp", "--key", filepath.Join(keys, "dev.key"))
	if !strings.Contains(good, "Enter password for private key") || !strings.Contains(good, "(signed, ") {
		t.Errorf("with the right password typed:\n%s", good)
	}
	bad := onTTY("nope", "stamp", "--force", "--key", filepath.Join(keys, "dev.key"))
	if !strings.Contains(bad, "the password typed does not open the key") || strings.Contains(bad, "decryption") {
		t.Errorf("with a wrong password typed:\n%s", bad)
	}
}
