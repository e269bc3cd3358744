package repo

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/internal/histgen"
)

func generated(t testing.TB, o histgen.Options) *gittest.Repo {
	g := gittest.New(t)
	if _, err := histgen.Generate(g.Dir, o); err != nil {
		t.Fatal(err)
	}
	return g
}

func TestBulkRecordsMatchSingle(t *testing.T) {
	ctx := context.Background()
	g := generated(t, histgen.Options{Commits: 60, Files: 30, MergeEvery: 11, RenameEvery: 7})
	rp := openRepo(t, g.Dir)
	recs, err := rp.Records(ctx, []string{"HEAD"})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 60 {
		t.Fatalf("%d records", len(recs))
	}
	compared := 0
	for _, rec := range recs {
		single, err := rp.Record(ctx, rec.Commit)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(single, rec); diff != "" {
			t.Fatalf("%s: bulk and single records differ:\n%s", rec.Commit[:8], diff)
		}
		// And every record covers exactly what git blame gives its commit.
		for _, f := range rec.Files {
			want := blamedTo(t, g, rec.Commit, f.Path)
			if diff := cmp.Diff(want, spanLines(f)); diff != "" {
				t.Errorf("%s %s vs git blame: %s", rec.Commit[:8], f.Path, diff)
			}
			compared += len(want)
		}
	}
	t.Logf("%d records, %d lines compared with git blame", len(recs), compared)
}

func TestStampRangeThenVerify(t *testing.T) {
	ctx := context.Background()
	g := generated(t, histgen.Options{Commits: 40, Files: 20, MergeEvery: 9, RenameEvery: 5})
	rp := openRepo(t, g.Dir)
	k := newTestKey(t, "ci")
	n, err := rp.StampRange(ctx, []string{"HEAD"}, &StampOptions{Signer: k.signer})
	if err != nil {
		t.Fatal(err)
	}
	total := len(strings.Fields(g.Git("rev-list", "HEAD")))
	if n != total {
		t.Errorf("stamped %d of %d", n, total)
	}
	if n, _ := rp.StampRange(ctx, []string{"HEAD"}, &StampOptions{Signer: k.signer}); n != 0 {
		t.Errorf("second bulk stamp stamped %d", n)
	}
	rep, err := rp.Verify(ctx, &VerifyOptions{Keyring: ringOf(t, k)})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range rep.Commits {
		if c.Status != StatusVerified || len(c.Problems) > 0 {
			t.Errorf("%s %s: %s %v", c.Commit[:8], c.Subject, c.Status, c.Problems)
		}
	}
	if !rep.Pass || rep.Envelopes != total {
		t.Errorf("pass %v, %d envelopes for %d commits", rep.Pass, rep.Envelopes, total)
	}
}
