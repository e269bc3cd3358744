package attribution

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"
)

// FuzzTree holds trees, forked and changed at random, to plain maps
// copied at every fork, as the engine used to hold a commit's files:
// whatever the order of changes, forks and flattenings, each tree has the
// files its map has, and no change to one is seen by another.
func FuzzTree(f *testing.F) {
	f.Add(uint64(1), 200)
	f.Add(uint64(7), 3000)
	f.Fuzz(func(t *testing.T, seed uint64, steps int) {
		steps = min(max(steps, 0), 5000)
		rng := rand.New(rand.NewPCG(seed, 0))
		trees := []*tree{newTree()}
		want := []map[string]*fileState{{}}
		states := make([]*fileState, 8)
		for i := range states {
			states[i] = boundaryFile(i + 1)
		}
		for range steps {
			k := rng.IntN(len(trees))
			p := fmt.Sprintf("f%d", rng.IntN(300))
			switch op := rng.IntN(10); {
			case op < 6:
				fs := states[rng.IntN(len(states))]
				trees[k].set(p, fs)
				want[k][p] = fs
			case op < 9:
				trees[k].del(p)
				delete(want[k], p)
			case len(trees) < 40:
				trees = append(trees, trees[k].fork())
				want = append(want, maps.Clone(want[k]))
			}
		}
		for k, tr := range trees {
			got := maps.Collect(tr.all())
			if !maps.Equal(got, want[k]) {
				t.Fatalf("tree %d has %d files, want %d", k, len(got), len(want[k]))
			}
			for p, fs := range want[k] {
				if tr.get(p) != fs {
					t.Fatalf("tree %d: get(%s) differs", k, p)
				}
			}
			if tr.get("absent") != nil {
				t.Fatalf("tree %d has a file never set", k)
			}
			if m := tr.files(); !maps.Equal(m, want[k]) {
				t.Fatalf("tree %d: files() has %d files, want %d", k, len(m), len(want[k]))
			}
		}
	})
}
