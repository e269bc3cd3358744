package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/internal/testtool"
)

// TestShow stamps three commits (unsigned, signed by dev, signed by
// mallory) and shows each with and without dev's key: the signature words
// and verify's verdict must be what a reader needs.
func TestShow(t *testing.T) {
	r := sampleRepo(t)
	env := []string{"HALLMARK_PASSWORD=pw"}
	keys := t.TempDir()
	for _, k := range []string{"dev", "mallory"} {
		if res := hallmark(t, r.Dir, env, "keys", "generate", "--output", filepath.Join(keys, k)); res.code != 0 {
			t.Fatal(res)
		}
	}
	if res := hallmark(t, r.Dir, env, "stamp", "HEAD~1"); res.code != 0 {
		t.Fatal(res)
	}
	if res := hallmark(t, r.Dir, env, "stamp", "--key", filepath.Join(keys, "dev.key")); res.code != 0 {
		t.Fatal(res)
	}
	r.Write("more.go", "x\n")
	r.Commit("more", "")
	if res := hallmark(t, r.Dir, env, "stamp", "--key", filepath.Join(keys, "mallory.key")); res.code != 0 {
		t.Fatal(res)
	}
	r.Write("none.go", "y\n")
	r.Commit("no note", "")
	dev := "--key=" + filepath.Join(keys, "dev.pub")
	tests := []struct {
		reason string
		args   []string
		want   []string
	}{
		{"an unsigned record", []string{"HEAD~3"}, []string{"record, unsigned", "main.go: 5 lines of 5 added", "signatures not checked"}},
		{"an unsigned record judged", []string{"HEAD~3", dev}, []string{"record, unsigned", "verify: unsigned"}},
		{"a signed record, no key", []string{"HEAD~2"}, []string{"record, signed, not checked (key ", "gen.go: 7 lines of 7 added", "1-7         ai      anthropic/claude-opus-4-5"}},
		{"a signed record, its key", []string{"HEAD~2", dev}, []string{"record, verified by dev", "verify: verified"}},
		{"signed by another key", []string{"HEAD~1", dev}, []string{"record, signed, key not trusted (key ", "more.go: 1 line of 1 added", "verify: untrusted"}},
		{"no note", []string{"HEAD", dev}, []string{"no record: the commit has no note", "verify: missing"}},
	}
	for _, tt := range tests {
		res := hallmark(t, r.Dir, nil, append([]string{"show"}, tt.args...)...)
		if res.code != 0 {
			t.Errorf("%s: %+v", tt.reason, res)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(res.stdout, w) {
				t.Errorf("%s: no %q in:\n%s", tt.reason, w, res.stdout)
			}
		}
	}

	res := hallmark(t, r.Dir, nil, "show", "HEAD~2", dev, "--json")
	var rep showReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("show --json: %v\n%s", err, res.stdout)
	}
	if got := strings.TrimSpace(r.Git("rev-parse", "HEAD~2")); rep.Commit != got || rep.Verdict != "verified" || len(rep.Lines) != 1 || rep.Lines[0].Record == nil || rep.Lines[0].Signers[0] != "dev" {
		t.Errorf("show --json: %+v", rep)
	}
	if !strings.Contains(res.stdout, `"problems": []`) {
		t.Errorf("show --json prints null for no problems:\n%s", res.stdout)
	}
}

// TestGlobalFlags: --version, -C DIR, and verify --quiet.
func TestGlobalFlags(t *testing.T) {
	r := sampleRepo(t)
	v := hallmark(t, t.TempDir(), nil, "--version")
	vv := hallmark(t, t.TempDir(), nil, "version")
	if v.code != 0 || !strings.HasPrefix(v.stdout, "hallmark ") || v.stdout != vv.stdout {
		t.Errorf("--version %+v, version %+v", v, vv)
	}

	outside := t.TempDir()
	here := hallmark(t, r.Dir, nil, "record", "HEAD")
	there := hallmark(t, outside, nil, "-C", r.Dir, "record", "HEAD")
	if here.code != 0 || here.stdout != there.stdout {
		t.Errorf("-C DIR: %+v, want %+v", there, here)
	}
	if res := hallmark(t, outside, nil, "-C", filepath.Join(outside, "nope"), "record"); res.code != 2 || !strings.Contains(res.stderr, "no such directory") || strings.Count(res.stderr, "\n") != 1 {
		t.Errorf("-C into nothing: %+v", res)
	}

	keys := t.TempDir()
	env := []string{"HALLMARK_PASSWORD=pw"}
	if res := hallmark(t, r.Dir, env, "keys", "generate", "--output", filepath.Join(keys, "dev")); res.code != 0 {
		t.Fatal(res)
	}
	if res := hallmark(t, r.Dir, env, "stamp", "--key", filepath.Join(keys, "dev.key")); res.code != 0 {
		t.Fatal(res)
	}
	full := hallmark(t, r.Dir, nil, "verify", "--key", filepath.Join(keys, "dev.pub"))
	quiet := hallmark(t, r.Dir, nil, "verify", "--quiet", "--key", filepath.Join(keys, "dev.pub"))
	if full.code != 1 || quiet.code != 1 {
		t.Fatalf("verify: %+v %+v", full, quiet)
	}
	if !strings.Contains(full.stdout, "initial") || strings.Contains(quiet.stdout, "initial") || !strings.Contains(quiet.stdout, "FAIL:") || !strings.Contains(quiet.stdout, "2 commits: 1 verified, 1 missing") {
		t.Errorf("verify --quiet must keep the summary and violations only:\n%s\nfull:\n%s", quiet.stdout, full.stdout)
	}
}

// TestCompletion asks cobra's completion entry point, as the shells do.
func TestCompletion(t *testing.T) {
	r := sampleRepo(t)
	r.Git("tag", "v0.1.0")
	r.Git("branch", "feature")
	tests := []struct {
		reason string
		args   []string
		want   []string
	}{
		{"--by values", []string{"report", "--by", ""}, []string{"model", "quarter", "module"}},
		{"--hook agents", []string{"checkpoint", "--hook", ""}, []string{"claude-code", "codex", "generic"}},
		{"--verdict values", []string{"review", "--verdict", ""}, []string{"approved", "rejected"}},
		{"revisions as arguments", []string{"show", ""}, []string{"HEAD", "v0.1.0", "feature"}},
		{"the other end of a range", []string{"verify", "v0.1.0.."}, []string{"v0.1.0..HEAD", "v0.1.0..feature"}},
		{"revision flags", []string{"report", "--since", ""}, []string{"v0.1.0"}},
	}
	for _, tt := range tests {
		res := hallmark(t, r.Dir, nil, append([]string{"__complete"}, tt.args...)...)
		got := strings.Split(res.stdout, "\n")
		for _, w := range tt.want {
			found := false
			for _, g := range got {
				found = found || strings.SplitN(g, "\t", 2)[0] == w
			}
			if !found {
				t.Errorf("%s: no %q in:\n%s", tt.reason, w, res.stdout)
			}
		}
	}
}

// TestColor: verify colors PASS and FAIL on a terminal (a pseudo-terminal
// from util-linux's script), and never under NO_COLOR or into a pipe.
func TestColor(t *testing.T) {
	testtool.Need(t, testtool.Script, "nothing is run on a pseudo-terminal")
	r := sampleRepo(t)
	keys := t.TempDir()
	if res := hallmark(t, r.Dir, []string{"HALLMARK_PASSWORD=pw"}, "keys", "generate", "--output", filepath.Join(keys, "dev")); res.code != 0 {
		t.Fatal(res)
	}
	args := []string{"verify", "--key", filepath.Join(keys, "dev.pub")}
	onTTY := func(extra ...string) string {
		cmd := exec.Command("script", "-qec", hallmarkBin+" "+strings.Join(args, " "), os.DevNull)
		cmd.Dir = r.Dir
		cmd.Env = append(gittest.Env(t.TempDir()), append([]string{"TERM=xterm", "NO_COLOR="}, extra...)...)
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	if out := onTTY(); !strings.Contains(out, "\x1b[31mFAIL\x1b[0m:") {
		t.Errorf("no color on a terminal:\n%q", out)
	}
	if out := onTTY("NO_COLOR=1"); strings.Contains(out, "\x1b[") || !strings.Contains(out, "FAIL:") {
		t.Errorf("color under NO_COLOR:\n%q", out)
	}
	if res := hallmark(t, r.Dir, nil, args...); strings.Contains(res.stdout, "\x1b[") || !strings.Contains(res.stdout, "FAIL:") {
		t.Errorf("color into a pipe:\n%q", res.stdout)
	}
}
