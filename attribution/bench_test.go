package attribution

import (
	"context"
	"os"
	"sync"
	"testing"

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
