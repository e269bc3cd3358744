package aishare

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// TestGoVet runs the analyzer for real: built as a vet tool, over a module
// in a git repository whose lines the engine attributes, through `go vet
// -vettool` (one process per package, facts passed between them) and as a
// singlechecker.
func TestGoVet(t *testing.T) {
	ctx := context.Background()
	bin := filepath.Join(t.TempDir(), "aishare")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/aishare").CombinedOutput(); err != nil {
		t.Fatalf("build: %v %s", err, out)
	}
	g := gittest.New(t)
	g.Write("go.mod", "module example.com/diamond\n\ngo 1.22\n")
	g.Write("a/a.go", "package a\n\nimport (\n\t_ \"example.com/diamond/b\"\n\t_ \"example.com/diamond/c\"\n)\n")
	g.Write("b/b.go", "package b\n\nimport _ \"example.com/diamond/d\"\n")
	g.Write("c/c.go", "package c\n\nimport _ \"example.com/diamond/d\"\n")
	g.Commit("people", "")
	rp, err := repo.Open(ctx, g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Close()
	g.Write("d/d.go", "package d\n\nfunc D() int {\n\treturn 1\n}\n")
	rp.Checkpoint(ctx, repo.CheckpointOptions{Author: provenance.Author{Kind: provenance.Model, ModelID: "openai/gpt-5-codex", Tool: "codex"}})
	g.Commit("model writes d", "")
	rp.Stamp(ctx, "HEAD", nil)

	env := append(os.Environ(), "GOFLAGS=", "GOWORK=off", "GOTOOLCHAIN=local", "GOPROXY=off")
	vet := exec.Command("go", "vet", "-vettool="+bin, "-sensitive=example.com/diamond/d", "-unsigned", "./...")
	vet.Dir, vet.Env = g.Dir, env
	out, err := vet.CombinedOutput()
	if err == nil {
		t.Fatalf("go vet passed a sensitive package written by a model:\n%s", out)
	}
	for _, want := range []string{
		"package d is sensitive and 100% of its lines were written by models (at most 50% allowed)",
		"5 lines of d.go were written by models without a signed record",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("go vet output lacks %q:\n%s", want, out)
		}
	}
	// The singlechecker prints the facts it computed with -json.
	sc := exec.Command(bin, "-json", "./...")
	sc.Dir, sc.Env = g.Dir, env
	out, err = sc.CombinedOutput()
	if err != nil {
		t.Fatalf("singlechecker: %v\n%s", err, out)
	}
	// Without the flags, nothing is reported.
	if strings.Contains(string(out), "sensitive") {
		t.Errorf("unexpected diagnostics:\n%s", out)
	}
}
