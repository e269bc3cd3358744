package attribution

import (
	"context"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hallmark-dev/hallmark/internal/histgen"
	"github.com/hallmark-dev/hallmark/internal/repolink"
	"github.com/hallmark-dev/hallmark/repo"
)

// The benchmark histories: a generated one (5,000 commits on the main line
// plus side branches, 1,000 files, merges and renames), and a real one when
// HALLMARK_REAL_REPO names a clone (BENCHMARKS.md says which and how).
var benchRepos struct {
	once sync.Once
	gen  string
	err  error
}

func generatedRepo(b *testing.B) string {
	benchRepos.once.Do(func() {
		dir, err := os.MkdirTemp("", "hallmark-engine-bench")
		if err != nil {
			benchRepos.err = err
			return
		}
		_, benchRepos.err = histgen.Generate(dir, histgen.Options{Commits: 5000, Files: 1000, MergeEvery: 25, RenameEvery: 40, Seed: 7})
		benchRepos.gen = dir
	})
	if benchRepos.err != nil {
		b.Fatal(benchRepos.err)
	}
	return benchRepos.gen
}

type benchCase struct {
	name, dir, since string
}

func benchCases(b *testing.B) []benchCase {
	gen := generatedRepo(b)
	cases := []benchCase{{"generated/tree", gen, ""}, {"generated/since", gen, "HEAD~300"}}
	if real := os.Getenv("HALLMARK_REAL_REPO"); real != "" {
		cases = append(cases, benchCase{"real/tree", real, ""})
		if s := os.Getenv("HALLMARK_REAL_SINCE"); s != "" {
			cases = append(cases, benchCase{"real/since", real, s})
		}
	}
	return cases
}

func openBench(b *testing.B, dir string) *repo.Repo {
	rp, err := repo.Open(context.Background(), dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { rp.Close() })
	return rp
}

// BenchmarkReport is hallmark's whole-tree report (no cache), against
// BenchmarkGitBlamePerFile over the same files: the way tools do it today.
func BenchmarkReport(b *testing.B) {
	for _, c := range benchCases(b) {
		b.Run(c.name, func(b *testing.B) {
			rp := openBench(b, c.dir)
			var lines int
			b.ReportAllocs()
			for b.Loop() {
				a, err := Analyze(context.Background(), rp, &Options{Since: c.since, NoCache: true})
				if err != nil {
					b.Fatal(err)
				}
				rep, err := a.Report(context.Background(), "model")
				if err != nil {
					b.Fatal(err)
				}
				lines = rep.Lines.Total()
			}
			b.ReportMetric(float64(lines), "lines")
		})
	}
}

// BenchmarkReportCached is the second report at the same commit.
func BenchmarkReportCached(b *testing.B) {
	for _, c := range benchCases(b) {
		b.Run(c.name, func(b *testing.B) {
			rp := openBench(b, c.dir)
			if _, err := Analyze(context.Background(), rp, &Options{Since: c.since}); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				a, err := Analyze(context.Background(), rp, &Options{Since: c.since})
				if err != nil || !a.FromCache {
					b.Fatalf("cache not used: %v", err)
				}
				if _, err := a.Report(context.Background(), "model"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkGitBlamePerFile(b *testing.B) {
	for _, c := range benchCases(b) {
		b.Run(c.name, func(b *testing.B) {
			rp := openBench(b, c.dir)
			a, err := Analyze(context.Background(), rp, &Options{Since: c.since})
			if err != nil {
				b.Fatal(err)
			}
			files := a.Files()
			agree, total := 0, 0
			for b.Loop() {
				agree, total = 0, 0
				for _, p := range files {
					want := gitBlame(b, c.dir, a.Commit, a.Since, p)
					ours, _ := a.File(p)
					for i := range want {
						total++
						if i < len(ours) && ours[i].Commit == want[i] {
							agree++
						}
					}
				}
			}
			b.ReportMetric(100*float64(agree)/float64(max(total, 1)), "%same")
			b.ReportMetric(float64(len(files)), "files")
		})
	}
}

// BenchmarkReportIncremental is a report after one new commit on top of a
// cached report (the report a CI job runs on every push), beside
// BenchmarkReport (uncached) in the same run. Each iteration copies the
// history's cache state back and replays the one new commit.
func BenchmarkReportIncremental(b *testing.B) {
	for _, c := range benchCases(b) {
		if c.since != "" {
			continue
		}
		b.Run(c.name, func(b *testing.B) {
			rp := openBench(b, c.dir)
			ctx := context.Background()
			// The cached states are the parents' (for a merge, the reports
			// CI ran on the main line and on the branch), HEAD the new commit.
			head, err := rp.CommitObject(ctx, "HEAD")
			if err != nil {
				b.Fatal(err)
			}
			for _, p := range head.Parents {
				if _, err := Analyze(ctx, rp, &Options{Rev: p}); err != nil {
					b.Fatal(err)
				}
			}
			dir := cacheDir(ctx, repolink.Of(rp).Git())
			replayed := 0
			for b.Loop() {
				os.Remove(entryPath(dir, head.ID, ""))
				a, err := Analyze(ctx, rp, &Options{Progress: func(done, total int) { replayed = total }})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := a.Report(ctx, "model"); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(replayed), "commits")
		})
	}
}

// BenchmarkReportScale is the whole-tree report (uncached) over generated
// histories of three lengths with the same tree size (1,000 files), so
// that the growth of time and memory in the history alone can be read off
// and extrapolated (BENCHMARKS.md: a history of chromium's length). Each
// size reports the peak of the live heap, sampled, beside the time;
// HALLMARK_SCALE_COMMITS overrides the lengths (comma-separated).
func BenchmarkReportScale(b *testing.B) {
	sizes := []int{1250, 5000, 20000}
	if s := os.Getenv("HALLMARK_SCALE_COMMITS"); s != "" {
		sizes = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				b.Fatal(err)
			}
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			dir := b.TempDir()
			if _, err := histgen.Generate(dir, histgen.Options{Commits: n, Files: 1000, MergeEvery: 25, RenameEvery: 40, Seed: 7}); err != nil {
				b.Fatal(err)
			}
			rp := openBench(b, dir)
			var lines int
			var peak uint64
			runtime.GC() // the generator's garbage is not the engine's
			for b.Loop() {
				stop := samplePeakHeap(&peak)
				a, err := Analyze(context.Background(), rp, &Options{NoCache: true})
				stop()
				if err != nil {
					b.Fatal(err)
				}
				rep, err := a.Report(context.Background(), "model")
				if err != nil {
					b.Fatal(err)
				}
				lines = rep.Lines.Total()
			}
			b.ReportMetric(float64(lines), "lines")
			b.ReportMetric(float64(peak)/(1<<20), "MB-heap-peak")
		})
	}
}

// samplePeakHeap keeps the largest live heap (runtime/metrics' heap
// objects) seen every 10 ms in *peak until stop is called.
func samplePeakHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			*peak = max(*peak, s[0].Value.Uint64())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}
