package attribution

import (
	"context"
	"os"
	"testing"

	"github.com/hallmark-dev/hallmark/repo"
)

// TestExactOnRealRepository compares every line of a real repository's
// tree with git blame. It runs when HALLMARK_REAL_REPO names a clone (see
// BENCHMARKS.md for the one we use); CI has none.
func TestExactOnRealRepository(t *testing.T) {
	dir := os.Getenv("HALLMARK_REAL_REPO")
	if dir == "" {
		t.Skip("set HALLMARK_REAL_REPO to a clone with a long history")
	}
	ctx := context.Background()
	rp, err := repo.Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Close()
	rounds := []string{""}
	if s := os.Getenv("HALLMARK_REAL_SINCE"); s != "" {
		rounds = append(rounds, s)
	}
	for _, since := range rounds {
		a, err := Analyze(ctx, rp, &Options{Since: since, NoCache: true})
		if err != nil {
			t.Fatal(err)
		}
		ex := compare(t, dir, a, a.Since)
		pct := 100 * float64(ex.agree) / float64(ex.lines)
		t.Logf("since %q: %d lines, %.3f%% agree with git blame; ai share %.2f%% vs %.2f%%", since, ex.lines, pct, 100*ex.ours.AIShare(), 100*ex.theirs.AIShare())
		if pct < 99.5 {
			t.Errorf("since %q: %.3f%% agreement", since, pct)
		}
	}
}
