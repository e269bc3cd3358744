package analysis_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/hallmark-dev/hallmark/analysis"
	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// A module's packages and the closure of each: the model wrote package
// util, which main imports.
func ExampleLoad() {
	dir, _ := os.MkdirTemp("", "example-load-")
	defer os.RemoveAll(dir)
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, gittest.Env(dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			panic(fmt.Sprintf("git %v: %v: %s", args, err, out))
		}
	}
	write := func(name, content string) {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644)
	}
	git("init", "-q", "-b", "main")
	write("go.mod", "module example.com/app\n\ngo 1.22\n")
	write("main.go", "package main\n\nimport \"example.com/app/util\"\n\nfunc main() { println(util.Two()) }\n")
	git("add", "-A")
	git("commit", "-q", "-m", "initial")
	write("util/util.go", "package util\n\n// Two is two.\nfunc Two() int { return 2 }\n")
	git("add", "-A")
	git("commit", "-q", "-m", "feat: util\n\nCo-Authored-By: Claude <noreply@anthropic.com>")

	env := append(gittest.Env(dir), "GOFLAGS=", "GOWORK=off", "GOTOOLCHAIN=local", "GOPROXY=off")
	res, err := analysis.Load(context.Background(), &analysis.Options{Dir: dir, Env: env, NoCache: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, m := range res.Modules {
		fmt.Printf("module %s (%s): %d lines, ai share %.0f%%\n", m.Path, m.Source, m.Lines.Total(), 100*m.Lines.AIShare())
	}
	for _, p := range res.Packages {
		fmt.Printf("%-20s own %d lines (%d ai), closure %d lines (%d ai)\n", p.Path, p.Own.Total(), p.Own.AI, p.Closure.Total(), p.Closure.AI)
	}
	// Output:
	// module example.com/app (repository): 9 lines, ai share 44%
	// example.com/app      own 5 lines (0 ai), closure 9 lines (4 ai)
	// example.com/app/util own 4 lines (4 ai), closure 4 lines (4 ai)
}
