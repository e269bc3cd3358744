package attribution

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hallmark-dev/hallmark/internal/git"
)

// randomEdit makes an old file of runs and a -U0 diff of it, numbered as
// git numbers them (a hunk that removes no line comes after old line
// OldStart; one that adds none, after new line NewStart).
func randomEdit(seed uint64) (*fileState, *git.FileDiff, int) {
	rng := rand.New(rand.NewPCG(seed, seed>>7))
	var old []origin
	for len(old) < rng.IntN(60) {
		s, n := int32(rng.IntN(4))-1, int32(rng.IntN(30)+1)
		for k := range int32(rng.IntN(8) + 1) {
			old = append(old, origin{S: s, N: n + k})
		}
	}
	f := &git.FileDiff{Path: "f"}
	oi, ni := 0, 0
	for oi <= len(old) {
		if rng.IntN(3) == 0 {
			d := min(rng.IntN(4), len(old)-oi)
			a := rng.IntN(4)
			if d+a > 0 {
				h := git.Hunk{OldStart: oi, OldLines: d, NewStart: ni, NewLines: a}
				if d > 0 {
					h.OldStart = oi + 1
				}
				if a > 0 {
					h.NewStart = ni + 1
				}
				f.Hunks = append(f.Hunks, h)
				oi, ni = oi+d, ni+a
			}
		}
		keep := rng.IntN(5)
		if oi+keep > len(old) {
			ni += len(old) - oi
			break
		}
		oi, ni = oi+keep, ni+keep
	}
	return fromOrigins(old), f, ni
}

// FuzzSpliced holds the run-length splice to the line-by-line mapping it
// replaced (every new line's old line through FileDiff.OldLine).
func FuzzSpliced(f *testing.F) {
	for s := range uint64(20) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, seed uint64) {
		old, d, n := randomEdit(seed)
		const si = 7
		lines := old.origins()
		var want []origin
		for ln := 1; ln <= n; ln++ {
			if ol, ok := d.OldLine(ln); ok && ol >= 1 && ol <= len(lines) {
				want = append(want, lines[ol-1])
			} else {
				want = append(want, origin{S: si, N: int32(ln)})
			}
		}
		var scratch []run
		got := spliced(old, d, n, si, &scratch)
		if diff := cmp.Diff(want, got.origins(), cmpopts.EquateEmpty()); diff != "" || got.Count != n {
			t.Fatalf("old %v, hunks %+v: count %d, want %d (-line by line +runs)\n%s", old.Runs, d.Hunks, got.Count, n, diff)
		}
		for i := 1; i < len(got.Runs); i++ {
			if a, b := got.Runs[i-1], got.Runs[i]; a.S == b.S && a.N+a.Len == b.N {
				t.Fatalf("runs %d and %d not joined: %v", i-1, i, got.Runs)
			}
		}
	})
}
