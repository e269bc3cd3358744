package repo

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// BenchmarkCheckpoint measures a checkpoint against `git status` run on
// the same tree in the same iteration (the baseline: what any tool that
// asks git what changed pays):
//
//	file5000   a checkpoint of one named file of 5,000 lines, 3 lines of it
//	           changed since the last checkpoint
//	tree10000  a checkpoint of the whole tree of 10,000 files, 10 of them
//	           changed (git status finds them, each is diffed against its
//	           last snapshot or HEAD)
//	tree10000-clean  the same with nothing changed: what a pre-event hook
//	           pays before most tool calls
//
// Metrics are medians over iterations: the checkpoint's milliseconds,
// git status's, and their ratio.
func BenchmarkCheckpoint(b *testing.B) {
	ctx := context.Background()
	for _, bc := range []struct {
		name  string
		files int
		dirty int
		named bool
	}{
		{"file5000", 1, 1, true},
		{"tree10000", 10000, 10, false},
		{"tree10000-clean", 10000, 0, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			g := gittest.New(b)
			// No background gc writing objects while the benchmark runs.
			g.Git("config", "gc.auto", "0")
			g.Git("config", "maintenance.auto", "false")
			if bc.files == 1 {
				g.Write("big.go", gittest.Lines("line", 5000))
			} else {
				for i := range bc.files {
					g.Write(fmt.Sprintf("d%02d/f%04d.go", i%100, i), gittest.Lines(fmt.Sprintf("file %d line", i), 20))
				}
			}
			g.Git("add", "-A")
			g.Git("commit", "-q", "-m", "tree")
			rp := openRepo(b, g.Dir)
			target := func(i int) string {
				if bc.files == 1 {
					return "big.go"
				}
				return fmt.Sprintf("d%02d/f%04d.go", i%100, i)
			}
			var took, base, ratio []float64
			b.ResetTimer()
			for it := 0; it < b.N; it++ {
				b.StopTimer()
				for d := range bc.dirty {
					// Three lines change, differently each iteration.
					p := filepath.Join(g.Dir, target(d*97))
					data, err := os.ReadFile(p)
					if err != nil {
						b.Fatal(err)
					}
					lines := strings.SplitAfter(string(data), "\n")
					for k := range 3 {
						n := (it*7 + k*1013) % (len(lines) - 1)
						lines[n] = fmt.Sprintf("changed %d %d\n", it, k)
					}
					os.WriteFile(p, []byte(strings.Join(lines, "")), 0o644)
				}
				b.StartTimer()
				start := time.Now()
				opts := CheckpointOptions{Author: testModel}
				if bc.named {
					opts.Paths = []string{"big.go"}
				}
				if _, err := rp.Checkpoint(ctx, opts); err != nil {
					b.Fatal(err)
				}
				c := time.Since(start)
				b.StopTimer()
				start = time.Now()
				cmd := exec.Command("git", "status", "--porcelain=v1", "-z", "--untracked-files=all")
				cmd.Dir = g.Dir
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("git status: %v %s", err, out)
				}
				s := time.Since(start)
				b.StartTimer()
				took = append(took, float64(c.Microseconds())/1000)
				base = append(base, float64(s.Microseconds())/1000)
				ratio = append(ratio, float64(c)/float64(s))
			}
			b.ReportMetric(median(took), "checkpoint-ms")
			b.ReportMetric(median(base), "gitstatus-ms")
			b.ReportMetric(median(ratio), "x-gitstatus")
		})
	}
}
