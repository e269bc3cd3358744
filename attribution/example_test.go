package attribution_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/hallmark-dev/hallmark/attribution"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/repo"
)

// Who wrote the tree, on a repository with no records at all: the commit
// conventions alone (here Codex's co-author trailer) say which lines are a
// model's.
func ExampleAnalysis_Report() {
	dir, _ := os.MkdirTemp("", "example-report-")
	defer os.RemoveAll(dir)
	git := func(args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, gittest.Env(dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			panic(fmt.Sprintf("git %v: %v: %s", args, err, out))
		}
	}
	git("init", "-q", "-b", "main")
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {\n\tprintln(answer())\n}\n"), 0o644)
	git("add", "-A")
	git("commit", "-q", "-m", "initial")
	os.WriteFile(filepath.Join(dir, "answer.go"), []byte("package main\n\nfunc answer() int { return 42 }\n"), 0o644)
	git("add", "-A")
	git("commit", "-q", "-m", "feat: answer\n\nCo-authored-by: Codex <noreply@openai.com>")

	ctx := context.Background()
	r, err := repo.Open(ctx, dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	a, err := attribution.Analyze(ctx, r, &attribution.Options{NoCache: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := a.Report(ctx, "model")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d lines, ai share %.1f%%\n", rep.Lines.Total(), 100*rep.Lines.AIShare())
	for _, row := range rep.Breakdown {
		fmt.Printf("%-20s %d lines\n", row.Key, row.Lines.Total())
	}
	for _, row := range rep.Evidence {
		fmt.Printf("evidence %-10s %d lines\n", row.Key, row.Lines.Total())
	}
	// Output:
	// 8 lines, ai share 37.5%
	// (human)              5 lines
	// codex, model not named 3 lines
	// evidence none       5 lines
	// evidence inferred   3 lines
}
