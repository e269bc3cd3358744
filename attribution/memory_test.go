package attribution

import (
	"context"
	"math"
	"runtime/debug"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/internal/histgen"
	"github.com/hallmark-dev/hallmark/repo"
)

// TestReplayHoldsMemory: during a replay the process has the soft memory
// limit memory.go describes, and after it the limit it had; a program's
// own limit, or GOGC or GOMEMLIMIT in the environment, is left alone.
func TestReplayHoldsMemory(t *testing.T) {
	if debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Skip("the test binary runs with a memory limit")
	}
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	ctx := context.Background()
	g := gittest.New(t)
	if _, err := histgen.Generate(g.Dir, histgen.Options{Commits: 600, Files: 20, MergeEvery: 10, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	rp, err := repo.Open(ctx, g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Close()
	// limits replays the history and returns the least and the largest
	// limit seen at each commit.
	limits := func() (lo, hi int64) {
		lo, hi = math.MaxInt64, 0
		_, err := Analyze(ctx, rp, &Options{NoCache: true, Progress: func(done, total int) {
			l := debug.SetMemoryLimit(-1)
			lo, hi = min(lo, l), max(hi, l)
		}})
		if err != nil {
			t.Fatal(err)
		}
		return lo, hi
	}
	for _, c := range []struct {
		name, reason string
		set          func()
		own          int64 // the limit to see during the replay and after; 0 for the engine's
	}{
		{name: "none set", reason: "the engine's limit during the replay, none after", set: func() {}},
		{name: "the program's limit", reason: "a limit through runtime/debug is the program's to decide",
			set: func() { debug.SetMemoryLimit(1 << 40) }, own: 1 << 40},
		{name: "GOGC", reason: "GOGC in the environment: the program chose its collector's pace",
			set: func() { t.Setenv("GOGC", "200") }, own: math.MaxInt64},
		{name: "GOMEMLIMIT", reason: "GOMEMLIMIT in the environment, even one that is no limit",
			set: func() { t.Setenv("GOMEMLIMIT", "off") }, own: math.MaxInt64},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer debug.SetMemoryLimit(math.MaxInt64)
			c.set()
			lo, hi := limits()
			after := debug.SetMemoryLimit(-1)
			if c.own != 0 {
				if lo != c.own || hi != c.own || after != c.own {
					t.Errorf("limits %d to %d during the replay, %d after; want %d throughout (%s)", lo, hi, after, c.own, c.reason)
				}
				return
			}
			if lo < limitFloor || hi >= math.MaxInt64 {
				t.Errorf("limits %d to %d during the replay: want at least %d, and set (%s)", lo, hi, limitFloor, c.reason)
			}
			if after != math.MaxInt64 {
				t.Errorf("limit %d after the replay, want none (%s)", after, c.reason)
			}
		})
	}
}

// TestSoftLimitShared: replays at once share the limit, which ends with
// the last of them.
func TestSoftLimitShared(t *testing.T) {
	if debug.SetMemoryLimit(-1) != math.MaxInt64 {
		t.Skip("the test binary runs with a memory limit")
	}
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetMemoryLimit(math.MaxInt64)
	_, release1 := holdMemory()
	follow2, release2 := holdMemory()
	release1()
	release1() // twice is once
	follow2()
	if l := debug.SetMemoryLimit(-1); l == math.MaxInt64 {
		t.Errorf("no limit while a replay still runs")
	}
	release2()
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Errorf("limit %d once every replay ended, want none", l)
	}
	if got, want := limitFor(100<<20), int64(232<<20); got != want {
		t.Errorf("limitFor(100 MiB) = %d, want %d", got, want)
	}
	if got := limitFor(0); got != limitFloor {
		t.Errorf("limitFor(0) = %d, want the floor %d", got, limitFloor)
	}
}
