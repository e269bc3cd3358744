package hallmarktest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/stampwait"
	"github.com/hallmark-dev/hallmark/repo"
)

// Identity is the person of every scratch repository: user.name and
// user.email, and git's author and committer.
const (
	PersonName  = "Ada Human"
	PersonEmail = "ada@example.com"
)

// Repo is a scratch git repository in a temporary directory.
type Repo struct {
	T   testing.TB
	Dir string // the work tree, or the repository itself when bare
}

// clock is shared by every repository of the process, so that commits of
// two repositories in one test never get the same date by accident.
var clock int

// Isolate shuts the user's and the system's git configuration out of the
// test: HOME and XDG_CONFIG_HOME in a temporary directory,
// GIT_CONFIG_GLOBAL=/dev/null, GIT_CONFIG_NOSYSTEM=1, git's identity fixed.
// NewRepo calls it; call it yourself before starting a program that runs git
// outside any scratch repository.
func Isolate(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("hallmarktest: git is required: install git")
	}
	if os.Getenv("HALLMARKTEST_ISOLATED") == "1" {
		return
	}
	home := t.TempDir()
	// A new HOME must not cost the go command its caches and settings:
	// an integration's test may build programs.
	for k, v := range goEnv() {
		t.Setenv(k, v)
	}
	for k, v := range map[string]string{
		"HOME":                home,
		"XDG_CONFIG_HOME":     filepath.Join(home, ".config"),
		"GIT_CONFIG_GLOBAL":   os.DevNull,
		"GIT_CONFIG_NOSYSTEM": "1",
		"GIT_TERMINAL_PROMPT": "0",
		"LC_ALL":              "C",
		"GIT_AUTHOR_NAME":     PersonName,
		"GIT_AUTHOR_EMAIL":    PersonEmail,
		"GIT_COMMITTER_NAME":  PersonName,
		"GIT_COMMITTER_EMAIL": PersonEmail,
		// Set by git for its hooks; a test run from a hook must not
		// drive the outer repository.
		"GIT_DIR":        "",
		"GIT_WORK_TREE":  "",
		"GIT_INDEX_FILE": "",

		"HALLMARKTEST_ISOLATED": "1",
	} {
		t.Setenv(k, v)
		if v == "" {
			os.Unsetenv(k)
		}
	}
}

var (
	goEnvOnce sync.Once
	goEnvVals map[string]string
)

// goEnv returns the go command's cache, module and settings locations as
// they are before HOME moves.
func goEnv() map[string]string {
	goEnvOnce.Do(func() {
		goEnvVals = map[string]string{}
		out, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH", "GOENV").Output()
		if err != nil {
			return // no go command: nothing to keep
		}
		vals := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
		for i, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOENV"} {
			if i < len(vals) && vals[i] != "" {
				goEnvVals[k] = vals[i]
			}
		}
	})
	return goEnvVals
}

// NewRepo makes an empty repository on branch main, isolated (see Isolate).
func NewRepo(t testing.TB) *Repo {
	t.Helper()
	Isolate(t)
	r := &Repo{T: t, Dir: t.TempDir()}
	t.Cleanup(func() { stampwait.Settle(r.Dir) }) // before the directory's removal
	r.Git("init", "-q", "-b", "main")
	r.configure()
	return r
}

// NewBare makes an empty bare repository, a remote to push to.
func NewBare(t testing.TB) *Repo {
	t.Helper()
	Isolate(t)
	r := &Repo{T: t, Dir: t.TempDir()}
	r.Git("init", "-q", "--bare", "-b", "main")
	return r
}

// Clone clones url (a path or a file:// URL) into a new scratch repository.
func Clone(t testing.TB, url string) *Repo {
	t.Helper()
	Isolate(t)
	r := &Repo{T: t, Dir: t.TempDir()}
	t.Cleanup(func() { stampwait.Settle(r.Dir) }) // before the directory's removal
	r.Git("clone", "-q", url, ".")
	r.configure()
	return r
}

func (r *Repo) configure() {
	r.Git("config", "core.autocrlf", "false")
	// The same person in the config, for what reads user.name (checkpoints,
	// notes commits), as in the environment, for what git itself writes.
	r.Git("config", "user.name", PersonName)
	r.Git("config", "user.email", PersonEmail)
}

// Git runs git in the repository and returns its standard output; it fails
// the test on error, with git's standard error.
func (r *Repo) Git(args ...string) string {
	r.T.Helper()
	out, err := r.TryGit(args...)
	if err != nil {
		r.T.Fatalf("hallmarktest: git %s: %v", strings.Join(args, " "), err)
	}
	return out
}

// TryGit runs git and returns its standard output and an error that holds
// its standard error.
func (r *Repo) TryGit(args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = r.Dir
	cmd.Env = r.Env()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	// A commit's post-commit hook stamps in the background: what the test
	// reads next is what the stamp stored, as for a person typing on.
	stampwait.Settle(r.Dir)
	if err != nil {
		return string(out), fmt.Errorf("%w\n%s", err, stderr.String())
	}
	return string(out), nil
}

// Env returns the environment a program started in this repository should
// get: the isolated process environment, with git's clock advanced.
func (r *Repo) Env() []string {
	clock++
	date := fmt.Sprintf("%d +0000", 1700000000+clock*60)
	return append(os.Environ(), "GIT_AUTHOR_DATE="+date, "GIT_COMMITTER_DATE="+date)
}

// Path returns the absolute path of a file of the work tree.
func (r *Repo) Path(rel string) string { return filepath.Join(r.Dir, filepath.FromSlash(rel)) }

// Write writes a file of the work tree (creating directories), unstaged.
func (r *Repo) Write(rel, content string) {
	r.T.Helper()
	p := r.Path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		r.T.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		r.T.Fatal(err)
	}
}

// Read returns a file of the work tree.
func (r *Repo) Read(rel string) string {
	r.T.Helper()
	b, err := os.ReadFile(r.Path(rel))
	if err != nil {
		r.T.Fatal(err)
	}
	return string(b)
}

// Commit stages everything and commits it with msg as the repository's
// person, and returns the new commit's id. Hooks run as git runs them.
func (r *Repo) Commit(msg string) string {
	r.T.Helper()
	r.Git("add", "-A")
	r.Git("commit", "-q", "--allow-empty", "-m", msg)
	return r.Head()
}

// Head returns the id of HEAD.
func (r *Repo) Head() string {
	r.T.Helper()
	return r.Rev("HEAD")
}

// Rev resolves a revision to a commit id.
func (r *Repo) Rev(rev string) string {
	r.T.Helper()
	return strings.TrimSpace(r.Git("rev-parse", "--verify", "--end-of-options", rev+"^{commit}"))
}

// Lines returns n numbered lines, "prefix 1\n" to "prefix n\n".
func Lines(prefix string, n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "%s %d\n", prefix, i)
	}
	return b.String()
}

// Open opens the repository with the library, closed when the test ends.
func (r *Repo) Open() *repo.Repo {
	r.T.Helper()
	lib, err := repo.Open(context.Background(), r.Dir)
	if err != nil {
		r.T.Fatalf("hallmarktest: open: %v", err)
	}
	r.T.Cleanup(func() { lib.Close() })
	return lib
}
