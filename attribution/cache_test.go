package attribution

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/internal/histgen"
	"github.com/hallmark-dev/hallmark/policy"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// analyzeCounting runs Analyze and returns how many commits it replayed.
func analyzeCounting(t *testing.T, rp *repo.Repo, o Options) (*Analysis, int) {
	t.Helper()
	replayed := 0
	o.Progress = func(done, total int) { replayed = total }
	a, err := Analyze(context.Background(), rp, &o)
	if err != nil {
		t.Fatal(err)
	}
	return a, replayed
}

// sameAsUncached holds every line of a (cached or incremental) analysis to
// an uncached one at the same commit, and to git blame.
func sameAsUncached(t *testing.T, dir string, rp *repo.Repo, a *Analysis) {
	t.Helper()
	fresh, err := Analyze(context.Background(), rp, &Options{Rev: a.Commit, NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(fresh.Files(), a.Files()); diff != "" {
		t.Fatalf("files (-uncached +cached)\n%s", diff)
	}
	for _, p := range a.Files() {
		want, _ := fresh.File(p)
		got, _ := a.File(p)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%s (-uncached +cached)\n%s", p, diff)
		}
	}
	if ex := compare(t, dir, a, ""); ex.agree != ex.lines {
		t.Errorf("%d of %d lines agree with git blame", ex.agree, ex.lines)
	}
}

func TestIncrementalCache(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	if _, err := histgen.Generate(g.Dir, histgen.Options{Commits: 60, Files: 12, MergeEvery: 7, RenameEvery: 11, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	g.Git("checkout", "-q", "-f", "main")
	g.Git("clean", "-fdxq")
	rp, err := repo.Open(ctx, g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Close()
	_, all := analyzeCounting(t, rp, Options{})

	t.Run("one new commit replays one commit", func(t *testing.T) {
		g.Write("new.txt", "one\ntwo\n")
		g.Commit("one more", "")
		a, n := analyzeCounting(t, rp, Options{})
		if n != 1 || all < 50 {
			t.Errorf("replayed %d commits after one new commit (the whole history is %d)", n, all)
		}
		sameAsUncached(t, g.Dir, rp, a)
	})

	t.Run("a branch from a cached commit merged into a cached main", func(t *testing.T) {
		base := strings.TrimSpace(g.Git("rev-parse", "HEAD"))
		g.Write("main.txt", "m\n")
		g.Commit("main moves on", "")
		analyzeCounting(t, rp, Options{}) // CI's report on main
		g.Git("checkout", "-q", "-b", "pr", base)
		g.Write("new.txt", "one\ntwo changed\n")
		g.Commit("pr 1", "")
		g.Write("pr.txt", "p\n")
		g.Commit("pr 2", "")
		g.Git("checkout", "-q", "main")
		g.Git("merge", "-q", "--no-ff", "-m", "merge pr", "pr")
		a, n := analyzeCounting(t, rp, Options{})
		if n != 3 {
			t.Errorf("replayed %d commits for a merge of two", n)
		}
		sameAsUncached(t, g.Dir, rp, a)
	})

	t.Run("a rewritten history", func(t *testing.T) {
		g.Git("reset", "-q", "--hard", "HEAD~1")
		g.Write("new.txt", "rewritten\ntwo\n")
		g.Git("commit", "-q", "-a", "--amend", "-m", "amended")
		a, _ := analyzeCounting(t, rp, Options{})
		sameAsUncached(t, g.Dir, rp, a)
	})

	t.Run("a new record changes the answer, not the cache", func(t *testing.T) {
		g.Write("agent.go", "package agent\n")
		if _, err := rp.Checkpoint(ctx, repo.CheckpointOptions{Author: model}); err != nil {
			t.Fatal(err)
		}
		g.Commit("agent work", "")
		before, _ := analyzeCounting(t, rp, Options{})
		lines, _ := before.File("agent.go")
		if lines[0].Class != provenance.Human {
			t.Fatalf("before the record: %+v", lines[0])
		}
		if _, err := rp.Stamp(ctx, "HEAD", nil); err != nil {
			t.Fatal(err)
		}
		after, n := analyzeCounting(t, rp, Options{})
		lines, _ = after.File("agent.go")
		if !after.FromCache || n != 0 || lines[0].Class != provenance.AI || lines[0].Evidence != Unsigned {
			t.Errorf("after the record: from cache %v, %d replayed, %+v", after.FromCache, n, lines[0])
		}
	})

	t.Run("a removed record changes the answer, not the cache", func(t *testing.T) {
		g.Git("notes", "--ref", repo.NotesRef, "remove", "HEAD")
		a, n := analyzeCounting(t, rp, Options{})
		lines, _ := a.File("agent.go")
		if !a.FromCache || n != 0 || lines[0].Class != provenance.Human || lines[0].Evidence != None {
			t.Errorf("after the record was removed: from cache %v, %d replayed, %+v", a.FromCache, n, lines[0])
		}
		if _, err := rp.Stamp(ctx, "HEAD", nil); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("a rebased branch", func(t *testing.T) {
		base := strings.TrimSpace(g.Git("rev-parse", "HEAD~2"))
		g.Git("checkout", "-q", "-b", "topic", base)
		g.Write("topic.txt", "t1\nt2\n")
		g.Commit("topic", "")
		analyzeCounting(t, rp, Options{}) // CI's report on the branch
		g.Git("rebase", "-q", "main")
		a, n := analyzeCounting(t, rp, Options{})
		if n != 1 {
			t.Errorf("replayed %d commits for a branch of one commit rebased onto a cached main", n)
		}
		sameAsUncached(t, g.Dir, rp, a)
		g.Git("checkout", "-q", "main")
		g.Git("branch", "-q", "-D", "topic")
	})

	t.Run("tallies at tags, incrementally", func(t *testing.T) {
		g.Git("tag", "v1", "HEAD~1")
		analyzeCounting(t, rp, Options{Tags: true})
		g.Write("later.txt", "l\n")
		g.Commit("after v2", "")
		g.Git("tag", "v2")
		a, n := analyzeCounting(t, rp, Options{Tags: true})
		fresh, err := Analyze(ctx, rp, &Options{NoCache: true, Tags: true})
		if err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("replayed %d commits for one new commit and tag", n)
		}
		if diff := cmp.Diff(fresh.Tags, a.Tags); diff != "" {
			t.Errorf("tags (-uncached +incremental)\n%s", diff)
		}
	})

	t.Run("bounded on disk", func(t *testing.T) {
		for i := range cacheEntries + 4 {
			analyzeCounting(t, rp, Options{Rev: "HEAD~" + strconv.Itoa(i)})
		}
		entries, _ := filepath.Glob(filepath.Join(rp.GitDir(), "hallmark", "cache", "*", "*.gob"))
		if len(entries) != cacheEntries {
			t.Errorf("%d cache entries, want at most %d", len(entries), cacheEntries)
		}
	})

	t.Run("a replacement changes the history under the same ids", func(t *testing.T) {
		head := strings.TrimSpace(g.Git("rev-parse", "HEAD"))
		analyzeCounting(t, rp, Options{})
		g.Write("later.txt", "replaced\nhistory\n")
		g.Git("add", "-A")
		tree := strings.TrimSpace(g.Git("write-tree"))
		other := strings.TrimSpace(g.Git("commit-tree", tree, "-p", "HEAD~1", "-m", "replacement"))
		g.Git("replace", head, other)
		a, n := analyzeCounting(t, rp, Options{})
		if n == 0 {
			t.Error("the cache was used across a replacement")
		}
		sameAsUncached(t, g.Dir, rp, a)
		g.Git("replace", "-d", head)
		if _, err := os.Stat(filepath.Join(rp.GitDir(), "hallmark")); err != nil {
			t.Fatal(err)
		}
	})
}

// TestPeriodsFromTheReplay: --by month and quarter come from the lines the
// replay counted (cached), and agree with Periods, which reads every
// commit's diff from git.
func TestPeriodsFromTheReplay(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	if _, err := histgen.Generate(g.Dir, histgen.Options{Commits: 80, Files: 15, MergeEvery: 6, RenameEvery: 9, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	rp, err := repo.Open(ctx, g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Close()
	for _, quarter := range []bool{false, true} {
		want, err := Periods(ctx, rp, &PeriodOptions{Quarter: quarter})
		if err != nil {
			t.Fatal(err)
		}
		by := map[bool]string{false: "month", true: "quarter"}[quarter]
		for _, o := range []Options{{NoCache: true}, {}, {}} {
			a, err := Analyze(ctx, rp, &o)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := a.Report(ctx, by)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, rep.Breakdown); diff != "" {
				t.Errorf("by %s, from cache %v (-Periods +report)\n%s", by, a.FromCache, diff)
			}
		}
	}
}

// TestCacheAcrossTrust: the cache holds no evidence, so a change of keys or
// of policy changes a cached report's answer as it changes an uncached
// one's.
func TestCacheAcrossTrust(t *testing.T) {
	ctx := context.Background()
	_, rp, ring := evidenceRepo(t)
	evidenceOf := func(o Options) (Evidence, bool) {
		t.Helper()
		a, err := Analyze(ctx, rp, &o)
		if err != nil {
			t.Fatal(err)
		}
		lines, err := a.File("signed.go")
		if err != nil {
			t.Fatal(err)
		}
		return lines[0].Evidence, a.FromCache
	}
	record := &policy.Policy{Keys: []policy.Key{{Name: "dev", PublicKey: "x", May: []policy.Claim{policy.ClaimRecord}}}}
	review := &policy.Policy{Keys: []policy.Key{{Name: "dev", PublicKey: "x", May: []policy.Claim{policy.ClaimReview}}}}
	for _, c := range []struct {
		reason string
		o      Options
		want   Evidence
	}{
		{"the key trusted, allowed to record", Options{Keyring: ring, Policy: record}, Signed},
		{"the policy changed: the key may only review", Options{Keyring: ring, Policy: review}, Untrusted},
		{"no keys", Options{}, Untrusted},
		{"the key trusted again", Options{Keyring: ring, Policy: record}, Signed},
	} {
		ev, cached := evidenceOf(c.o)
		if ev != c.want {
			t.Errorf("%s: evidence %q, want %q (from cache %v)", c.reason, ev, c.want, cached)
		}
	}
	if _, cached := evidenceOf(Options{Keyring: ring}); !cached {
		t.Error("the reports after the first were not read from the cache")
	}
}
