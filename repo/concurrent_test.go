package repo_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/attribution"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/repo"
)

// TestConcurrentRepo shares one *repo.Repo among goroutines that verify,
// read records back, summarize, report and read commits, while others
// stamp distinct commits, the first call of all starting the shared
// cat-file process from whichever goroutine comes first. Every read gives
// what the same read gives alone, and every stamp lands. Run it with -race
// (.ci/run does).
func TestConcurrentRepo(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	priv, err := attest.GenerateKey(attest.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := attest.NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	ring := &attest.Keyring{}
	if err := ring.Add(attest.TrustedKey{Name: "ci", Key: priv.Public()}); err != nil {
		t.Fatal(err)
	}
	trust := &repo.Trust{Keyring: ring}

	// The stamped history the readers read, then commits for the stampers.
	const stamped, fresh = 6, 8
	var ids []string
	for i := range stamped + fresh {
		msg := fmt.Sprintf("commit %d", i)
		if i%3 == 1 {
			msg += "\n\nCo-Authored-By: Claude <noreply@anthropic.com>"
		}
		g.Write(fmt.Sprintf("f%d.go", i), gittest.Lines(fmt.Sprint("l", i), 3+i))
		ids = append(ids, g.Commit(msg, ""))
	}
	setup, err := repo.Open(ctx, g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := setup.StampRange(ctx, []string{ids[stamped-1]}, &repo.StampOptions{Signer: signer}); err != nil || n != stamped {
		t.Fatalf("stamp the readers' history: %d, %v", n, err)
	}
	setup.Close()

	// What each read gives alone, from a Repo of its own.
	type answers struct {
		verify  string
		records []string
		summary string
		report  string
		commits []string
	}
	read := func(r *repo.Repo) (answers, error) {
		var a answers
		rep, err := r.Verify(ctx, &repo.VerifyOptions{Keyring: ring, Range: []string{ids[stamped-1]}})
		if err != nil {
			return a, err
		}
		a.verify = fmt.Sprint(rep.Pass, rep.Lines, len(rep.Commits), rep.Violations)
		for _, id := range ids[:stamped] {
			rec, err := r.StoredRecord(ctx, id, trust)
			if err != nil {
				return a, err
			}
			a.records = append(a.records, fmt.Sprint(rec.Commit, rec.Count()))
			c, err := r.CommitObject(ctx, id)
			if err != nil {
				return a, err
			}
			a.commits = append(a.commits, c.Tree+" "+strings.SplitN(c.Message, "\n", 2)[0])
		}
		sum, err := r.Summarize(ctx, ids[stamped-1], nil)
		if err != nil {
			return a, err
		}
		a.summary = fmt.Sprintf("%+v", sum)
		an, err := attribution.Analyze(ctx, r, &attribution.Options{Rev: ids[stamped-1], Keyring: ring})
		if err != nil {
			return a, err
		}
		rp, err := an.Report(ctx, "model")
		if err != nil {
			return a, err
		}
		rp.FromCache = false
		a.report = fmt.Sprintf("%+v", rp)
		return a, nil
	}
	alone, err := repo.Open(ctx, g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	want, err := read(alone)
	alone.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(want.verify, "true") {
		t.Fatalf("the readers' history does not verify alone: %s", want.verify)
	}

	shared, err := repo.Open(ctx, g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer shared.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	const readers, stampers = 4, 4
	for range readers {
		wg.Go(func() {
			got, err := read(shared)
			if err != nil {
				errs <- fmt.Errorf("reader: %w", err)
				return
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(answers{})); diff != "" {
				errs <- fmt.Errorf("a reader sharing the Repo read otherwise than alone (-alone +shared):\n%s", diff)
			}
		})
	}
	for s := range stampers {
		wg.Go(func() {
			for i := stamped + s; i < len(ids); i += stampers {
				if _, err := shared.Stamp(ctx, ids[i], &repo.StampOptions{Signer: signer}); err != nil {
					errs <- fmt.Errorf("stamp %s: %w", ids[i], err)
				}
			}
		})
	}
	wg.Go(func() {
		for range 20 {
			if shared.Config(ctx)["user.name"] != "Ada Human" {
				errs <- fmt.Errorf("config: %v", shared.Config(ctx))
				return
			}
		}
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// Every stamp landed: the whole history verifies.
	rep, err := shared.Verify(ctx, &repo.VerifyOptions{Keyring: ring})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Pass || len(rep.Commits) != len(ids) {
		t.Errorf("after concurrent stamps: pass %v, %d commits of %d, %v", rep.Pass, len(rep.Commits), len(ids), rep.Violations)
	}
}

// TestRepoOutlivesFirstContext: the cat-file process a Repo shares is not
// tied to the context of the call that happened to start it.
func TestRepoOutlivesFirstContext(t *testing.T) {
	g := gittest.New(t)
	g.Write("a", "a\n")
	id := g.Commit("one", "")
	r, err := repo.Open(context.Background(), g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := r.CommitObject(ctx, "HEAD"); err != nil {
		t.Fatal(err)
	}
	cancel()
	// A process start gives the cancelled context's kill time to act.
	if _, err := r.MergeBase(context.Background(), "HEAD", "HEAD"); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if c, err := r.CommitObject(context.Background(), "HEAD"); err != nil || c.ID != id {
			t.Fatalf("after the first caller's context ended: %v, %v", c, err)
		}
	}
}
