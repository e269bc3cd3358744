package repo_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/hallmarktest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// A vendor's own binary (testdata/vendorhook, built here) is the program
// the hooks Init installs run: real commits, an amend and a partially
// staged commit through it get records signed by the vendor's key that
// verify, with each line's author, and Assisted-by trailers.
func TestRunHookVendorBinary(t *testing.T) {
	ctx := context.Background()
	bin := filepath.Join(t.TempDir(), "vendorhook")
	if out, err := exec.Command("go", "build", "-o", bin, "./testdata/vendorhook").CombinedOutput(); err != nil {
		t.Fatalf("build vendorhook: %v\n%s", err, out)
	}
	r := hallmarktest.NewRepo(t)
	r.Write("base.txt", hallmarktest.Lines("base", 3))
	r.Commit("base")

	key := hallmarktest.NewKey(t, "vendor")
	priv, _ := key.WriteFiles(t, t.TempDir())
	log := filepath.Join(t.TempDir(), "hooks.log")
	t.Setenv("VENDORHOOK_KEY", priv)
	t.Setenv("VENDORHOOK_PASSWORD", string(key.Password))
	t.Setenv("VENDORHOOK_LOG", log)
	t.Setenv("HALLMARK", "")
	// No hallmark on PATH: only the vendor's binary can have run.
	t.Setenv("PATH", filepath.Dir(mustLook(t, "git"))+string(os.PathListSeparator)+filepath.Dir(mustLook(t, "sh")))

	lib := r.Open()
	if _, err := lib.Init(ctx, &repo.InitOptions{HookCommand: []string{bin, "git-hook"}}); err != nil {
		t.Fatal(err)
	}
	model := provenance.Author{Kind: provenance.Model, ModelID: "anthropic/claude-sonnet-4-5", Tool: "vendorbot"}
	r.Write("base.txt", hallmarktest.Lines("base", 3)+"typed by Ada\n")
	if _, err := lib.Checkpoint(ctx, repo.CheckpointOptions{}); err != nil {
		t.Fatal(err)
	}
	r.Write("gen.go", hallmarktest.Lines("generated", 4))
	r.Write("later.go", hallmarktest.Lines("later", 2))
	if _, err := lib.Checkpoint(ctx, repo.CheckpointOptions{Author: model}); err != nil {
		t.Fatal(err)
	}
	ring := hallmarktest.Keyring(t, key)
	modelLines := hallmarktest.Want{From: 1, To: 4, Class: provenance.AI, Who: model.ModelID}

	// Everything staged but later.go: the shell's fast path cannot answer,
	// so prepare-commit-msg runs the vendor's binary.
	r.Git("add", "base.txt", "gen.go")
	r.Git("commit", "-q", "-m", "feat: generated")
	rec := r.StoredRecord("HEAD", ring)
	hallmarktest.ExpectLines(t, rec, "gen.go", modelLines)
	hallmarktest.ExpectLines(t, rec, "base.txt", hallmarktest.Want{From: 4, To: 4, Class: provenance.Human, Who: hallmarktest.PersonName})
	if msg := r.Git("log", "-1", "--format=%B"); !strings.Contains(msg, "Assisted-by: vendorbot:anthropic/claude-sonnet-4-5") {
		t.Errorf("commit message has no Assisted-by trailer:\n%s", msg)
	}

	// An amend: post-rewrite, through the vendor's binary, carries the
	// record to the new commit, signed again.
	r.Git("commit", "-q", "--amend", "-m", "feat: generated, amended")
	rec = r.StoredRecord("HEAD", ring)
	hallmarktest.ExpectLines(t, rec, "gen.go", modelLines)

	r.Git("add", "later.go")
	r.Git("commit", "-q", "-m", "feat: later")
	hallmarktest.ExpectLines(t, r.StoredRecord("HEAD", ring), "later.go", hallmarktest.Want{From: 1, To: 2, Class: provenance.AI, Who: model.ModelID})

	ran, err := os.ReadFile(log)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"post-commit", "post-rewrite", "prepare-commit-msg"} {
		if !strings.Contains(string(ran), h+"\n") {
			t.Errorf("the vendor's binary did not run %s; it ran:\n%s", h, ran)
		}
	}
}

func mustLook(t *testing.T, prog string) string {
	t.Helper()
	p, err := exec.LookPath(prog)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunHookRefuses(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		reason string
		name   string
		args   []string
		want   error
	}{
		{"a hook hallmark has no part in", "pre-push", nil, repo.ErrUnknownHook},
		{"an empty name", "", nil, repo.ErrUnknownHook},
	} {
		if err := repo.RunHook(ctx, c.name, c.args, nil); !errors.Is(err, c.want) {
			t.Errorf("%s: RunHook(%q) = %v, want %v", c.reason, c.name, err, c.want)
		}
	}
	r := hallmarktest.NewRepo(t)
	for _, c := range []struct {
		reason string
		name   string
		args   []string
	}{
		{"post-commit takes no argument", "post-commit", []string{"extra"}},
		{"post-merge takes one", "post-merge", nil},
		{"post-rewrite takes one", "post-rewrite", []string{"amend", "x"}},
		{"prepare-commit-msg needs the message file", "prepare-commit-msg", nil},
	} {
		if err := repo.RunHook(ctx, c.name, c.args, &repo.HookOptions{Dir: r.Dir}); err == nil {
			t.Errorf("%s: RunHook(%q, %q) succeeded", c.reason, c.name, c.args)
		}
	}
	if _, err := r.Open().Init(ctx, &repo.InitOptions{Binary: "hallmark", HookCommand: []string{"x"}}); !errors.Is(err, repo.ErrInitOptions) {
		t.Errorf("Init with Binary and HookCommand: %v, want ErrInitOptions", err)
	}
}

// Hooks an earlier version installed look for files this version does not
// write, and would add no trailers without a word: the post-commit runner
// says to run init again, and says nothing once the hooks are current.
func TestRunHookWarnsOfOldHooks(t *testing.T) {
	ctx := context.Background()
	r := hallmarktest.NewRepo(t)
	if _, err := r.Open().Init(ctx, &repo.InitOptions{Binary: "/nonexistent/hallmark"}); err != nil {
		t.Fatal(err)
	}
	r.Write("a.txt", "a\n")
	r.Commit("a")
	run := func() string {
		var stderr bytes.Buffer
		if err := repo.RunHook(ctx, "post-commit", nil, &repo.HookOptions{Dir: r.Dir, Stderr: &stderr}); err != nil {
			t.Fatal(err)
		}
		return stderr.String()
	}
	if got := run(); strings.Contains(got, "hallmark init") {
		t.Errorf("current hooks: %q", got)
	}
	hook := r.Path(".git/hooks/prepare-commit-msg")
	b, err := os.ReadFile(hook)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(hook, bytes.Replace(b, []byte("# hallmark hook v4:"), []byte("# hallmark hook v2:"), 1), 0o755)
	if got := run(); !strings.Contains(got, "run 'hallmark init' to update them") {
		t.Errorf("v2 hooks: %q", got)
	}
}
