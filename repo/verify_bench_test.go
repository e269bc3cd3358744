package repo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// BenchmarkVerifyWideCommit verifies one signed commit that adds N files
// to one directory, at two sizes: the cost must grow linearly in N (files
// are read by blob id; reading them by commit:path walked the directory
// once a file, quadratic).
func BenchmarkVerifyWideCommit(b *testing.B) {
	for _, n := range []int{2000, 20000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			ctx := context.Background()
			g := gittest.New(b)
			dir := filepath.Join(g.Dir, "wide")
			if err := os.MkdirAll(dir, 0o755); err != nil {
				b.Fatal(err)
			}
			for i := range n {
				if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("f%05d.txt", i)), []byte(fmt.Sprintf("line %d\n", i)), 0o644); err != nil {
					b.Fatal(err)
				}
			}
			g.Commit("wide", "")
			rp := openRepo(b, g.Dir)
			k := newTestKey(b, "k")
			if _, err := rp.Stamp(ctx, "HEAD", &StampOptions{Signer: k.signer}); err != nil {
				b.Fatal(err)
			}
			opts := &VerifyOptions{Keyring: ringOf(b, k)}
			b.ResetTimer()
			for b.Loop() {
				rep, err := rp.Verify(ctx, opts)
				if err != nil || !rep.Pass {
					b.Fatalf("%v %v", err, rep.Violations)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/file")
		})
	}
}
