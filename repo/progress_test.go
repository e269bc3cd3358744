package repo

import (
	"context"
	"slices"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// TestProgress: Verify and StampRange call their progress callbacks with
// counts that grow to the range's size, and Sync names each step.
func TestProgress(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	for i := range 5 {
		g.Write("f.txt", gittest.Lines("line", i+1))
		g.Commit("c", "")
	}
	rp := openRepo(t, g.Dir)
	alice := newTestKey(t, "alice")

	growing := func(what string, calls [][2]int, size int) {
		t.Helper()
		if len(calls) == 0 {
			t.Fatalf("%s: progress never called", what)
		}
		for i, c := range calls {
			if c[1] != size || c[0] < 1 || c[0] > size || (i > 0 && c[0] <= calls[i-1][0]) {
				t.Fatalf("%s: progress calls %v do not grow to %d", what, calls, size)
			}
		}
		if last := calls[len(calls)-1]; last[0] != size {
			t.Errorf("%s: progress ended at %v, want %d of %d", what, last, size, size)
		}
	}
	var stamped [][2]int
	n, err := rp.StampRange(ctx, []string{"HEAD"}, &StampOptions{Signer: alice.signer, Progress: func(done, total int) {
		stamped = append(stamped, [2]int{done, total})
	}})
	if err != nil || n != 5 {
		t.Fatalf("stamp range: %d %v", n, err)
	}
	growing("stamp --range", stamped, 5)

	var verified [][2]int
	rep, err := rp.Verify(ctx, &VerifyOptions{Keyring: ringOf(t, alice), Range: []string{"HEAD~3..HEAD"}, Progress: func(done, total int) {
		verified = append(verified, [2]int{done, total})
	}})
	if err != nil || !rep.Pass {
		t.Fatalf("verify: %+v %v", rep, err)
	}
	growing("verify", verified, 3)

	bare := gittest.New(t)
	g.Git("remote", "add", "origin", bare.Dir)
	var steps []string
	if _, err := rp.Sync(ctx, "origin", &SyncOptions{Progress: func(s string) { steps = append(steps, s) }}); err != nil {
		t.Fatal(err)
	}
	// The remote has no notes yet: nothing to merge.
	if !slices.Equal(steps, []string{"fetch", "push"}) {
		t.Errorf("first sync's steps: %v", steps)
	}
	steps = nil
	if _, err := rp.Sync(ctx, "origin", &SyncOptions{Progress: func(s string) { steps = append(steps, s) }}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(steps, []string{"fetch", "merge"}) {
		t.Errorf("second sync's steps (nothing new to push): %v", steps)
	}
}
