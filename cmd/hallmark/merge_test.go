package main

import (
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/provenance"
)

// TestPlainMergeIsStamped: with the hooks of 'hallmark init', a real `git
// merge` that makes a merge commit gets a record on that commit; a
// fast-forward (onto a plain commit, or onto a merge commit made
// elsewhere) stamps nothing; a merge whose conflict is resolved by hand
// is stamped when `git commit` concludes it; `merge --squash` is left to
// the commit that follows.
func TestPlainMergeIsStamped(t *testing.T) {
	w := newWorld(t)
	notes := func() int {
		out, _ := w.g.TryGit("notes", "--ref=refs/notes/hallmark", "list")
		return strings.Count(out, "\n")
	}
	parents := func(rev string) int { return len(strings.Fields(w.git("log", "-1", "--format=%P", rev))) }
	noFailure := func(what, out string) {
		t.Helper()
		if strings.Contains(out, "failed") {
			t.Errorf("%s: a hook failed:\n%s", what, out)
		}
	}

	w.git("checkout", "-q", "-b", "feature")
	w.edit("M", "feat.txt", "M one", "M two")
	w.commit("feat")
	w.git("checkout", "-q", "main")
	w.edit("H", "main.txt", "H main")
	w.commit("main work")
	noFailure("merge", w.git("merge", "--no-edit", "feature"))
	if parents("HEAD") != 2 {
		t.Fatal("git merge made no merge commit")
	}
	merge := strings.TrimSpace(w.git("rev-parse", "HEAD"))
	if rec := w.record("HEAD"); rec.Commit != merge {
		t.Errorf("the merge's record is of %s", rec.Commit)
	}

	// A fast-forward onto a plain commit: nothing new is stamped.
	w.git("checkout", "-q", "-b", "ahead")
	w.edit("H", "ahead.txt", "H ahead")
	w.commit("ahead")
	w.git("checkout", "-q", "main")
	before := notes()
	noFailure("fast-forward", w.git("merge", "--ff-only", "ahead"))
	if notes() != before {
		t.Errorf("a fast-forward stamped: %d notes, were %d", notes(), before)
	}

	// A fast-forward onto a merge commit made without the hooks: it is not
	// this clone's merge, and is not stamped here.
	w.git("checkout", "-q", "-b", "elsewhere")
	w.git("checkout", "-q", "-b", "side")
	w.edit("H", "side.txt", "H side")
	w.commit("side")
	w.git("checkout", "-q", "elsewhere")
	w.git("-c", "core.hooksPath=/dev/null", "merge", "-q", "--no-ff", "--no-edit", "side")
	foreign := strings.TrimSpace(w.git("rev-parse", "HEAD"))
	w.git("checkout", "-q", "main")
	noFailure("fast-forward onto a merge", w.git("merge", "--ff-only", "elsewhere"))
	if out, err := w.g.TryGit("notes", "--ref=refs/notes/hallmark", "show", foreign); err == nil {
		t.Errorf("a fast-forward onto another's merge stamped it: %s", out)
	}

	// A conflict resolved by hand: git commit concludes the merge.
	w.git("checkout", "-q", "-b", "conflict")
	w.edit("H", "main.txt", "H theirs")
	w.commit("theirs")
	w.git("checkout", "-q", "main")
	w.edit("H", "main.txt", "H ours")
	w.commit("ours")
	if out, err := w.g.TryGit("merge", "--no-edit", "conflict"); err == nil {
		t.Fatalf("the merge did not conflict:\n%s", out)
	}
	w.edit("H", "main.txt", "H resolved")
	w.git("add", "-A")
	noFailure("commit of a merge", w.git("commit", "-q", "--no-edit"))
	if parents("HEAD") != 2 {
		t.Fatal("no merge commit")
	}
	w.record("HEAD")

	// merge --squash: no commit, nothing stamped; the commit after carries.
	w.git("checkout", "-q", "-b", "topic")
	w.edit("M", "topic.txt", "M topic")
	w.commit("topic")
	w.git("checkout", "-q", "main")
	before = notes()
	noFailure("merge --squash", w.git("merge", "--squash", "topic"))
	if notes() != before {
		t.Errorf("merge --squash stamped before any commit")
	}
	noFailure("commit of a squash", w.git("commit", "-q", "--no-edit"))
	if rec := w.record("HEAD"); rec.Method != provenance.MethodCarried {
		t.Errorf("the squash commit's record is %q, want carried", rec.Method)
	}
}
