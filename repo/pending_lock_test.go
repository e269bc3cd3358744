package repo

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/provenance"
)

// Checkpoints that run at once (two agents' hooks, a person's save) each
// read, change and write pending.json: the store's lock is what keeps one
// from writing over another's capture. Each Repo opens the lock file on
// its own, as separate hook processes do.
func TestCheckpointsAtOnceLoseNothing(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("base.txt", "base\n")
	g.Commit("initial", "")
	const n = 8
	for i := range n {
		g.Write(fmt.Sprintf("f%d.txt", i), gittest.Lines(fmt.Sprintf("model %d", i), 3))
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := provenance.Author{Kind: provenance.Model, ModelID: fmt.Sprintf("vendor/model-%d", i), Tool: "test"}
			_, errs[i] = openRepo(t, g.Dir).Checkpoint(ctx, CheckpointOptions{Author: a, Paths: []string{fmt.Sprintf("f%d.txt", i)}})
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("checkpoint %d: %v", i, err)
		}
	}
	pending, err := openRepo(t, g.Dir).Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		p := fmt.Sprintf("f%d.txt", i)
		if c := pending[p]; c.AI != 3 {
			t.Errorf("%s: pending %+v, want 3 ai lines (a concurrent checkpoint wrote over it)", p, c)
		}
	}
}
