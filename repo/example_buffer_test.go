package repo_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"

	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// An editor's buffer: the person types a line, a model's completion is
// accepted, the person edits the model's line; on save the buffer's
// attribution becomes the file's pending attribution. (The file is new
// here, so its first line, in the editor when it opened, is the person's.)
func ExampleRepo_OpenBuffer() {
	dir, _ := os.MkdirTemp("", "example-buffer-")
	defer os.RemoveAll(dir)
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"}, {"config", "user.name", "Ada Human"}, {"config", "user.email", "ada@example.com"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, gittest.Env(dir)
		if err := cmd.Run(); err != nil {
			fmt.Println(err)
			return
		}
	}
	ctx := context.Background()
	r, _ := repo.Open(ctx, dir)
	defer r.Close()
	model := provenance.Author{Kind: provenance.Model, ModelID: "anthropic/claude-opus-4-5-20251101"}

	buf, err := r.OpenBuffer(ctx, "main.go", []byte("package main\n"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	buf.Apply(repo.Edit{StartLine: 1, EndLine: 1, Text: "// typed by Ada\n"})
	buf.Apply(repo.Edit{StartLine: 2, EndLine: 2, Text: "func main() {\n\tprintln(1)\n}\n", Author: model})
	buf.Apply(repo.Edit{StartLine: 3, StartCol: 9, EndLine: 3, EndCol: 10, Text: "42"}) // println(1) -> println(42)
	for i := range buf.Len() {
		a, class, _ := buf.LineAuthor(i)
		fmt.Printf("%d %-6s %-36s %q\n", i+1, class, a, buf.Line(i))
	}
	os.WriteFile(dir+"/main.go", buf.Content(), 0o644) // the editor saves
	res, err := buf.Checkpoint(ctx)
	fmt.Println(res.Lines, "lines stored", err)
	// Output:
	// 1 human  Ada Human <ada@example.com>          "package main\n"
	// 2 human  Ada Human <ada@example.com>          "// typed by Ada\n"
	// 3 ai     anthropic/claude-opus-4-5-20251101   "func main() {\n"
	// 4 mixed  anthropic/claude-opus-4-5-20251101   "\tprintln(42)\n"
	// 5 ai     anthropic/claude-opus-4-5-20251101   "}\n"
	// 5 lines stored <nil>
}
