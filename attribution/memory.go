package attribution

import (
	"math"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// The replay's heap is what lives to its end (the line origins of the
// trees that commits still to come start from) and what its diffs leave
// behind. The collector lets the heap grow to about twice what is live
// (GOGC=100), and the process holds more than that heap: pages freed but
// not yet given back, partly used spans, stacks. On git.git that was 15 to
// 86 MB beyond the heap's goal from one run to the next (the goal at most
// 258-279 MB, the peak resident 293-344 MB), enough for the peak to cross
// 330 MB on some runs and not on others.
//
// So, for the replay's duration, the engine sets a soft memory limit
// (runtime/debug.SetMemoryLimit) of twice the live heap and 32 MiB more,
// at least 128 MiB: about the goal the collector aims at anyway, but one
// that the runtime holds all its memory to, not the heap alone. It follows
// the live heap as the replay goes on, so the collector never runs without
// end for a limit the heap has outgrown. A program that sets GOGC or
// GOMEMLIMIT in its environment, or a limit through runtime/debug, keeps
// its own: the engine sets nothing then.
//
// The floor leaves small replays alone: the limit is the whole process's,
// and a process's other memory (in BenchmarkReportScale, the history's
// generator's) made a 64 MiB floor bind on a live heap of 10 MB.
const (
	limitFloor    = 128 << 20
	limitHeadroom = 32 << 20
)

// softLimit is the replay's memory limit: shared by the replays that run
// at once, and given back when the last one ends.
var softLimit struct {
	sync.Mutex
	users int
	prev  int64
}

// holdMemory starts the replay's soft limit, if the program has set none,
// and returns a function that sets it again for the live heap of the
// moment (the replay calls it as it goes) and one that ends it.
func holdMemory() (follow, release func()) {
	softLimit.Lock()
	defer softLimit.Unlock()
	if softLimit.users == 0 {
		if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" || debug.SetMemoryLimit(-1) != math.MaxInt64 {
			return func() {}, func() {}
		}
		softLimit.prev = debug.SetMemoryLimit(-1)
	}
	softLimit.users++
	debug.SetMemoryLimit(limitFor(liveHeap()))
	follow = func() {
		softLimit.Lock()
		defer softLimit.Unlock()
		if softLimit.users > 0 {
			debug.SetMemoryLimit(limitFor(liveHeap()))
		}
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			softLimit.Lock()
			defer softLimit.Unlock()
			if softLimit.users--; softLimit.users == 0 {
				debug.SetMemoryLimit(softLimit.prev)
			}
		})
	}
	return follow, release
}

// limitFor is the soft limit for a live heap of live bytes.
func limitFor(live uint64) int64 {
	return max(limitFloor, 2*int64(min(live, math.MaxInt64/4))+limitHeadroom)
}

// liveHeap is the heap the last collection found live.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
