package analysis

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hallmark-dev/hallmark/attribution"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/repo"
)

// The benchmark module: golang.org/x/tools, copied from the module cache
// into a git repository of one commit. Hundreds of packages, a dozen
// dependencies. Its dependencies are downloaded once (the Go module proxy).
var toolsOnce struct {
	sync.Once
	dir string
	err error
}

const toolsVersion = "v0.52.0"

func toolsModule(b *testing.B) string {
	toolsOnce.Do(func() {
		gomodcache, err := exec.Command("go", "env", "GOMODCACHE").Output()
		if err != nil {
			toolsOnce.err = err
			return
		}
		src := filepath.Join(string(trim(gomodcache)), "golang.org", "x", "tools@"+toolsVersion)
		if _, err := os.Stat(src); err != nil {
			if out, err := exec.Command("go", "mod", "download", "golang.org/x/tools@"+toolsVersion).CombinedOutput(); err != nil {
				toolsOnce.err = err
				b.Logf("%s", out)
				return
			}
		}
		dir, _ := os.MkdirTemp("", "hallmark-xtools")
		if out, err := exec.Command("cp", "-r", src+"/.", dir).CombinedOutput(); err != nil {
			toolsOnce.err, _ = err, out
			return
		}
		exec.Command("chmod", "-R", "u+w", dir).Run()
		g := gittest.Wrap(b, dir)
		g.Git("init", "-q", "-b", "main")
		g.Git("add", "-A")
		g.Git("commit", "-q", "-m", "x/tools "+toolsVersion)
		dl := exec.Command("go", "mod", "download")
		dl.Dir = dir
		if out, err := dl.CombinedOutput(); err != nil {
			toolsOnce.err = err
			b.Logf("%s", out)
			return
		}
		toolsOnce.dir = dir
	})
	if toolsOnce.err != nil {
		b.Skipf("golang.org/x/tools is not available: %v", toolsOnce.err)
	}
	return toolsOnce.dir
}

func trim(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// BenchmarkGoListDeps is the baseline: `go list -deps -json ./...`.
func BenchmarkGoListDeps(b *testing.B) {
	dir := toolsModule(b)
	for b.Loop() {
		cmd := exec.Command("go", "list", "-deps", "-json", "./...")
		cmd.Dir = dir
		if out, err := cmd.Output(); err != nil || len(out) == 0 {
			b.Fatal(err)
		}
	}
}

// BenchmarkMainAttribution is the other part of the budget: the engine
// over the main module's history, uncached.
func BenchmarkMainAttribution(b *testing.B) {
	dir := toolsModule(b)
	rp, err := repo.Open(context.Background(), dir)
	if err != nil {
		b.Fatal(err)
	}
	defer rp.Close()
	for b.Loop() {
		if _, err := attribution.Analyze(context.Background(), rp, &attribution.Options{NoCache: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadDeps is the whole report: load every package and its
// dependencies, attribute, add up (uncached).
func BenchmarkLoadDeps(b *testing.B) {
	dir := toolsModule(b)
	var pkgs int
	for b.Loop() {
		res, err := Load(context.Background(), &Options{Dir: dir, Deps: true, NoCache: true})
		if err != nil {
			b.Fatal(err)
		}
		pkgs = len(res.Packages)
	}
	b.ReportMetric(float64(pkgs), "packages")
}
