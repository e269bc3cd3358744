// Package gittest builds real git repositories in temporary directories for
// tests, with a fixed identity and clock and no user configuration.
package gittest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/stampwait"
)

// Repo is a repository under construction.
type Repo struct {
	t    testing.TB
	Dir  string
	env  []string
	tick int
}

// Env returns an environment that isolates git from the user's settings.
func Env(home string) []string {
	return append(os.Environ(),
		"HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1", "LC_ALL=C",
		"GIT_AUTHOR_NAME=Ada Human", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada Human", "GIT_COMMITTER_EMAIL=ada@example.com",
	)
}

// New makes an empty repository on branch main.
func New(t testing.TB) *Repo {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is required: install git")
	}
	dir := t.TempDir()
	t.Cleanup(func() { stampwait.Settle(dir) }) // runs before the directory's removal
	r := &Repo{t: t, Dir: dir, env: Env(t.TempDir())}
	r.Git("init", "-q", "-b", "main")
	r.Git("config", "core.autocrlf", "false")
	// The same person in the config, for what reads user.name (checkpoints,
	// notes commits), as in the environment, for what git itself writes.
	r.Git("config", "user.name", "Ada Human")
	r.Git("config", "user.email", "ada@example.com")
	return r
}

// Setenv adds KEY=VALUE settings to the environment git runs with (and so
// to the hooks it runs).
func (r *Repo) Setenv(kv ...string) { r.env = append(r.env, kv...) }

// Wrap drives an existing repository at dir with the same isolated
// environment.
func Wrap(t testing.TB, dir string) *Repo {
	t.Cleanup(func() { stampwait.Settle(dir) })
	return &Repo{t: t, Dir: dir, env: Env(t.TempDir())}
}

// Git runs git in the repository and returns its output; it fails the test
// on error.
func (r *Repo) Git(args ...string) string {
	r.t.Helper()
	out, err := r.TryGit(args...)
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// TryGit runs git and returns its combined output and error.
func (r *Repo) TryGit(args ...string) (string, error) {
	out, err := r.run(args...)
	// A commit's hook may stamp in the background: what the test does
	// next sees the stamp done, as a person typing the next command would.
	stampwait.Settle(r.Dir)
	return out, err
}

// GitNoWait is Git returning as soon as git does, while a stamp its hooks
// started may still run: for a benchmark timing the commit itself.
func (r *Repo) GitNoWait(args ...string) string {
	r.t.Helper()
	out, err := r.run(args...)
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func (r *Repo) run(args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = r.Dir
	r.tick++
	date := fmt.Sprintf("%d +0000", 1700000000+r.tick*60)
	cmd.Env = append(r.env, "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// Write writes a file (creating directories) without staging it.
func (r *Repo) Write(path, content string) {
	r.t.Helper()
	p := filepath.Join(r.Dir, path)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// Commit stages everything and commits with msg, as the given author
// ("Name <email>"; empty means the default person). It returns the id.
func (r *Repo) Commit(msg, author string) string {
	r.t.Helper()
	r.Git("add", "-A")
	args := []string{"commit", "-q", "--allow-empty", "--cleanup=verbatim", "-m", msg}
	if author != "" {
		args = append(args, "--author", author)
	}
	r.Git(args...)
	return strings.TrimSpace(r.Git("rev-parse", "HEAD"))
}

// Lines makes n numbered lines with a prefix.
func Lines(prefix string, n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s %d\n", prefix, i)
	}
	return b.String()
}
