package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// world is a repository with hallmark's hooks installed, where the model
// writes lines that start with "M", the person lines that start with "H",
// and the person's edits of model lines start with "X". The truth of every
// line is in its text, so after any git operation each commit's record can
// be checked line by line.
type world struct {
	t   *testing.T
	g   *gittest.Repo
	env []string
}

const model = "anthropic/claude-opus-4-5-20251101"

func newWorld(t *testing.T) *world {
	g := gittest.New(t)
	w := &world{t: t, g: g}
	g.Write("README", "H readme\n")
	g.Commit("initial", "")
	if res := w.run("init"); res.code != 0 {
		t.Fatalf("init: %+v", res)
	}
	// Commits made before init are stamped by hand.
	w.run("stamp")
	return w
}

// pending is how many files have pending attribution.
func (w *world) pending() int {
	w.t.Helper()
	r, err := repo.Open(context.Background(), w.g.Dir)
	if err != nil {
		w.t.Fatal(err)
	}
	defer r.Close()
	p, err := r.Pending(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	return len(p)
}

func (w *world) run(args ...string) result {
	w.t.Helper()
	return hallmark(w.t, w.g.Dir, w.env, args...)
}

// gitEnv runs git with the hooks' environment (the test's HOME, no user config).
func (w *world) git(args ...string) string {
	w.t.Helper()
	return w.g.Git(args...)
}

// edit writes lines into a file and checkpoints them as who ("M" or "H").
func (w *world) edit(who, path string, lines ...string) {
	w.t.Helper()
	w.g.Write(path, strings.Join(lines, "\n")+"\n")
	w.checkpoint(who)
}

func (w *world) checkpoint(who string) {
	w.t.Helper()
	var res result
	if who == "M" {
		res = w.run("checkpoint", "--ai", "--model", model, "--tool", "claude-code/2.1.3")
	} else {
		res = w.run("checkpoint", "--human")
	}
	if res.code != 0 {
		w.t.Fatalf("checkpoint: %+v", res)
	}
}

func (w *world) commit(msg string) string {
	w.t.Helper()
	w.git("add", "-A")
	w.git("commit", "-q", "-m", msg)
	return strings.TrimSpace(w.git("rev-parse", "HEAD"))
}

// record reads the record in rev's note.
func (w *world) record(rev string) *provenance.Record {
	w.t.Helper()
	id := strings.TrimSpace(w.git("rev-parse", rev))
	out, err := w.g.TryGit("notes", "--ref=refs/notes/hallmark", "show", id)
	if err != nil {
		w.t.Fatalf("%s (%s) has no note: %s", rev, id[:8], out)
	}
	var found *provenance.Record
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		rec, err := attest.ReadUnverified([]byte(l))
		if err == nil && rec.Commit == id {
			found = rec // the last record wins: it is the newest
		}
	}
	if found == nil {
		w.t.Fatalf("%s: no record in the note", rev)
	}
	return found
}

// check compares every line of every commit in revs with the truth in its
// text, and the covered lines with git blame.
func (w *world) check(revs ...string) {
	w.t.Helper()
	for _, rev := range revs {
		rec := w.record(rev)
		for _, f := range rec.Files {
			if strings.HasPrefix(f.Path, ".hallmark/") {
				continue // configuration, not lines of the story
			}
			content := w.git("show", rec.Commit+":"+f.Path)
			lines := strings.Split(content, "\n")
			var covered []int
			for _, s := range f.Spans {
				a := rec.Authors[s.Author]
				for n := s.Start; n <= s.End; n++ {
					covered = append(covered, n)
					text := lines[n-1]
					want := map[byte]provenance.Class{'M': provenance.AI, 'H': provenance.Human, 'X': provenance.Mixed}[text[0]]
					if s.Class != want {
						w.t.Errorf("%s %s:%d %q is %s, want %s", rev, f.Path, n, text, s.Class, want)
					}
					if want != provenance.Human && a.ModelID != model {
						w.t.Errorf("%s %s:%d %q: author %v, want the model", rev, f.Path, n, text, a)
					}
				}
			}
			if blamed := blame(w, rec.Commit, f.Path); !slices.Equal(blamed, covered) {
				w.t.Errorf("%s %s: record covers %v, git blame gives the commit %v", rev, f.Path, covered, blamed)
			}
		}
	}
}

func blame(w *world, commit, path string) []int {
	var out []int
	for _, l := range strings.Split(w.git("blame", "--porcelain", commit, "--", path), "\n") {
		f := strings.Fields(l)
		if len(f) >= 3 && f[0] == commit {
			n, _ := strconv.Atoi(f[2])
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out
}

func TestRewritesKeepAttribution(t *testing.T) {
	t.Run("commit, partial human edit", func(t *testing.T) {
		w := newWorld(t)
		w.edit("M", "a.go", "M1", "M2", "M3")
		w.edit("H", "a.go", "M1", "X2 edited", "M3", "H4")
		w.commit("feature")
		w.check("HEAD")
		if msg := w.git("log", "-1", "--format=%B"); !strings.Contains(msg, "Assisted-by: claude-code:"+model) {
			t.Errorf("no Assisted-by trailer:\n%s", msg)
		}
	})
	t.Run("Assisted-by only for staged model lines, and switched off", func(t *testing.T) {
		w := newWorld(t)
		w.edit("M", "a.go", "M1", "M2")
		w.edit("H", "b.go", "H1")
		w.git("add", "b.go")
		w.git("commit", "-q", "-m", "human part")
		w.check("HEAD")
		if msg := w.git("log", "-1", "--format=%B"); strings.Contains(msg, "Assisted-by") {
			t.Errorf("Assisted-by without model lines staged:\n%s", msg)
		}
		if n := w.pending(); n != 1 {
			t.Fatalf("%d files pending, want a.go's model lines", n)
		}
		w.git("config", "hallmark.assistedBy", "false")
		w.commit("model part")
		w.check("HEAD")
		if msg := w.git("log", "-1", "--format=%B"); strings.Contains(msg, "Assisted-by") {
			t.Errorf("Assisted-by although switched off:\n%s", msg)
		}
		// Everything captured is committed: nothing is pending any more,
		// and the next commit is plain human work by its conventions.
		if n := w.pending(); n != 0 {
			t.Errorf("%d files pending after everything was committed", n)
		}
		w.git("config", "hallmark.assistedBy", "true")
		w.g.Write("c.go", "H1\nH2\n")
		w.commit("uncaptured human work")
		w.check("HEAD")
		if msg := w.git("log", "-1", "--format=%B"); strings.Contains(msg, "Assisted-by") {
			t.Errorf("Assisted-by with nothing captured:\n%s", msg)
		}
	})
	t.Run("amend", func(t *testing.T) {
		w := newWorld(t)
		w.edit("M", "a.go", "M1", "M2")
		w.commit("feature")
		w.edit("H", "a.go", "M1", "M2", "H3")
		w.git("add", "-A")
		w.git("commit", "-q", "--amend", "--no-edit")
		w.check("HEAD")
	})
	t.Run("rebase onto a moved main", func(t *testing.T) {
		w := newWorld(t)
		w.git("checkout", "-q", "-b", "feature")
		w.edit("M", "a.go", "M1", "M2")
		w.commit("one")
		w.edit("H", "b.go", "H1")
		w.commit("two")
		w.git("checkout", "-q", "main")
		w.edit("H", "c.go", "H main")
		w.commit("main moves")
		w.git("checkout", "-q", "feature")
		w.git("rebase", "-q", "main")
		w.check("HEAD", "HEAD~1", "HEAD~2")
	})
	t.Run("interactive squash, fixup, reorder, drop", func(t *testing.T) {
		w := newWorld(t)
		w.edit("M", "a.go", "M1", "M2")
		w.commit("one")
		w.edit("H", "b.go", "H1")
		w.commit("two")
		w.edit("M", "a.go", "M1", "M2", "M3")
		w.commit("three")
		w.edit("H", "d.go", "H dropped")
		w.commit("four")
		w.edit("M", "e.go", "M e")
		w.commit("five")
		// Reorder two after five, squash three into one, drop four.
		ids := strings.Fields(w.git("rev-parse", "HEAD~4", "HEAD~2", "HEAD", "HEAD~3"))
		todo := filepath.Join(t.TempDir(), "todo")
		os.WriteFile(todo, []byte("pick "+ids[0]+"\nsquash "+ids[1]+"\npick "+ids[2]+"\npick "+ids[3]+"\n"), 0o644)
		cmd := exec.Command("git", "rebase", "-q", "-i", "HEAD~5")
		cmd.Dir = w.g.Dir
		cmd.Env = append(gittest.Env(t.TempDir()), "GIT_SEQUENCE_EDITOR=cp "+todo, "GIT_EDITOR=true")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("rebase -i: %v\n%s", err, out)
		}
		if got := strings.Fields(w.git("log", "--format=%s", "-3")); !slices.Equal(got, []string{"two", "five", "one"}) {
			t.Fatalf("history after rebase: %v", got)
		}
		w.check("HEAD", "HEAD~1", "HEAD~2")
	})
	t.Run("interactive fixup", func(t *testing.T) {
		w := newWorld(t)
		w.edit("M", "a.go", "M1", "M2")
		w.commit("one")
		w.edit("H", "a.go", "M1", "M2", "H3")
		w.commit("fixup! one")
		w.edit("M", "b.go", "M b")
		w.commit("two")
		cmd := exec.Command("git", "rebase", "-q", "-i", "--autosquash", "HEAD~3")
		cmd.Dir = w.g.Dir
		cmd.Env = append(gittest.Env(t.TempDir()), "GIT_SEQUENCE_EDITOR=true", "GIT_EDITOR=true")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("rebase --autosquash: %v\n%s", err, out)
		}
		if got := strings.Fields(w.git("log", "--format=%s", "-2")); !slices.Equal(got, []string{"two", "one"}) {
			t.Fatalf("history after fixup: %v", got)
		}
		w.check("HEAD", "HEAD~1")
	})
	t.Run("cherry-pick", func(t *testing.T) {
		w := newWorld(t)
		w.git("checkout", "-q", "-b", "feature")
		w.edit("M", "a.go", "M1", "M2")
		pick := w.commit("one")
		w.git("checkout", "-q", "main")
		w.edit("H", "c.go", "H main")
		w.commit("main moves")
		w.git("cherry-pick", pick)
		w.check("HEAD")
	})
	t.Run("cherry-pick -n", func(t *testing.T) {
		w := newWorld(t)
		w.git("checkout", "-q", "-b", "feature")
		w.edit("M", "a.go", "M1", "M2")
		pick := w.commit("one")
		w.git("checkout", "-q", "main")
		w.git("cherry-pick", "-n", pick)
		w.git("commit", "-q", "--no-edit")
		w.check("HEAD")
	})
	t.Run("reset --soft and recommit", func(t *testing.T) {
		w := newWorld(t)
		w.edit("M", "a.go", "M1", "M2")
		w.commit("one")
		w.edit("H", "a.go", "M1", "M2", "H3")
		w.commit("two")
		w.git("reset", "-q", "--soft", "HEAD~2")
		w.git("commit", "-q", "-m", "both at once")
		w.check("HEAD")
	})
	t.Run("edit and split during rebase -i", func(t *testing.T) {
		w := newWorld(t)
		w.edit("M", "a.go", "M1", "M2")
		w.edit("H", "b.go", "H1")
		w.commit("both")
		todo := filepath.Join(t.TempDir(), "todo")
		os.WriteFile(todo, []byte("edit "+strings.TrimSpace(w.git("rev-parse", "HEAD"))+"\n"), 0o644)
		cmd := exec.Command("git", "rebase", "-q", "-i", "HEAD~1")
		cmd.Dir = w.g.Dir
		cmd.Env = append(gittest.Env(t.TempDir()), "GIT_SEQUENCE_EDITOR=cp "+todo, "GIT_EDITOR=true")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("rebase -i: %v\n%s", err, out)
		}
		w.git("reset", "-q", "HEAD~1")
		w.git("add", "a.go")
		w.git("commit", "-q", "-m", "model part")
		w.git("add", "b.go")
		w.git("commit", "-q", "-m", "human part")
		cont := exec.Command("git", "rebase", "--continue")
		cont.Dir = w.g.Dir
		cont.Env = append(gittest.Env(t.TempDir()), "GIT_EDITOR=true")
		if out, err := cont.CombinedOutput(); err != nil {
			t.Fatalf("rebase --continue: %v\n%s", err, out)
		}
		w.check("HEAD", "HEAD~1")
	})
	t.Run("merge --squash", func(t *testing.T) {
		w := newWorld(t)
		w.git("checkout", "-q", "-b", "feature")
		w.edit("M", "a.go", "M1", "M2")
		w.commit("one")
		w.edit("H", "a.go", "M1", "M2", "H3")
		w.commit("two")
		w.git("checkout", "-q", "main")
		w.git("merge", "-q", "--squash", "feature")
		w.git("commit", "-q", "--no-edit")
		w.check("HEAD")
	})
	t.Run("server squash-merge carried by CI", func(t *testing.T) {
		w := newWorld(t)
		w.git("checkout", "-q", "-b", "feature")
		w.edit("M", "a.go", "M1", "M2")
		w.commit("one")
		w.edit("H", "a.go", "M1", "H2 rewritten", "H3")
		w.commit("two")
		w.git("checkout", "-q", "main")
		// The server makes the commit: no hooks run.
		tree := strings.TrimSpace(w.git("rev-parse", "feature^{tree}"))
		merged := strings.TrimSpace(w.git("commit-tree", tree, "-p", "main", "-m", "Feature (#1)"))
		w.git("update-ref", "refs/heads/main", merged)
		if res := w.run("carry", "main~1..feature", "--onto", merged); res.code != 0 {
			t.Fatalf("carry: %+v", res)
		}
		w.check(merged)
		rec := w.record(merged)
		if rec.Method != provenance.MethodCarried || len(rec.DerivedFrom) != 2 {
			t.Errorf("carried record: method %s, derived from %v", rec.Method, rec.DerivedFrom)
		}
	})
	t.Run("stash and pop", func(t *testing.T) {
		w := newWorld(t)
		w.edit("M", "README", "H readme", "M1", "M2")
		w.git("stash", "-q")
		w.edit("H", "b.go", "H1")
		w.commit("meanwhile")
		w.git("stash", "pop", "-q")
		w.commit("after pop")
		w.check("HEAD", "HEAD~1")
	})
}

func TestInitChainsExistingHooks(t *testing.T) {
	g := gittest.New(t)
	hooks := filepath.Join(g.Dir, "custom-hooks")
	os.MkdirAll(hooks, 0o755)
	g.Git("config", "core.hooksPath", hooks)
	mine := filepath.Join(hooks, "post-commit")
	os.WriteFile(mine, []byte("#!/bin/sh\necho mine >> \"$(git rev-parse --git-dir)/mine.log\"\n"), 0o755)
	for i := 0; i < 2; i++ { // idempotent
		if res := hallmark(t, g.Dir, nil, "init"); res.code != 0 {
			t.Fatalf("init: %+v", res)
		}
	}
	if _, err := os.Stat(mine + ".hallmark-chained"); err != nil {
		t.Fatal("the existing hook was not kept")
	}
	g.Write("f", "x\n")
	g.Commit("c", "")
	if b, _ := os.ReadFile(filepath.Join(g.Dir, ".git", "mine.log")); string(b) != "mine\n" {
		t.Errorf("chained hook ran %q", b)
	}
	if _, err := g.TryGit("notes", "--ref=refs/notes/hallmark", "show", "HEAD"); err != nil {
		t.Error("hallmark's hook did not stamp")
	}
}

// TestPrepareCommitMsgWithoutHallmark checks the hook's shell path: with
// every captured file staged as captured, git adds the trailers hallmark
// computed ahead, exactly as provenance.AddTrailer would, and hallmark
// itself is not started (HALLMARK names no program here).
func TestPrepareCommitMsgWithoutHallmark(t *testing.T) {
	w := newWorld(t)
	w.edit("M", "a.go", "M1", "M2")
	w.git("add", "-A")
	hook := filepath.Join(w.g.Dir, ".git", "hooks", "prepare-commit-msg")
	want := provenance.AssistedBy(provenance.Author{Kind: provenance.Model, ModelID: model, Tool: "claude-code"})
	for _, msg := range []string{
		"subject\n",
		"subject\n\nbody\n\nSigned-off-by: A <a@example.com>\n",
		"subject\n\nAssisted-by: " + want.Value + "\n",
		"subject\n# Please enter the commit message for your changes.\n#\n# On branch main\n",
	} {
		f := filepath.Join(t.TempDir(), "MSG")
		if err := os.WriteFile(f, []byte(msg), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("sh", hook, f, "message")
		cmd.Dir = w.g.Dir
		cmd.Env = append(os.Environ(), "HALLMARK=/nonexistent/hallmark")
		if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
			t.Fatalf("hook: %v %s", err, out)
		}
		got, _ := os.ReadFile(f)
		if exp := provenance.AddTrailer(msg, want); string(got) != exp {
			t.Errorf("message %q:\nhook wrote %q\nAddTrailer %q", msg, got, exp)
		}
	}
	// Staged otherwise than captured: the shell path steps aside (and here
	// finds no hallmark to ask), leaving the message as it was.
	w.g.Write("a.go", "M1\nM2\nH3\n")
	w.git("add", "-A")
	f := filepath.Join(t.TempDir(), "MSG")
	os.WriteFile(f, []byte("subject\n"), 0o644)
	cmd := exec.Command("sh", hook, f, "message")
	cmd.Dir = w.g.Dir
	cmd.Env = append(os.Environ(), "HALLMARK=/nonexistent/hallmark")
	cmd.CombinedOutput()
	if got, _ := os.ReadFile(f); string(got) != "subject\n" {
		t.Errorf("the shell path answered for a file staged otherwise: %q", got)
	}
}
