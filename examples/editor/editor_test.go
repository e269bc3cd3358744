package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hallmark-dev/hallmark/hallmarktest"
	"github.com/hallmark-dev/hallmark/internal/testtool"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

const model = "hallmark-examples/scripted-model-1"

// The file before the session, and after it: line 1 committed; 2-3 and
// 7 typed by the person; 4-6 the model's completion, 5 and 6 then edited
// by the person.
const (
	before = "package sum\n"
	after  = "package sum\n// Sum is typed by Ada.\nfunc Sum(a, b int) int {\n\t// add them\n\tsum := a + b\n\treturn sum\n}\n"
)

// TestMain says which tests went unrun for a missing program (Neovim).
func TestMain(m *testing.M) { os.Exit(testtool.Main(m)) }

// Neovim headless, its built-in LSP client, the server as a process: the
// person types, a completion is accepted through the server's command, the
// person edits the model's lines, the file is saved; then the commit's
// record says who wrote each line.
func TestNeovimSession(t *testing.T) {
	nvim := testtool.Need(t, testtool.Neovim, "the Neovim session is not tested")
	r := hallmarktest.NewRepo(t)
	r.Write("sum.go", before)
	r.Commit("start")
	bin := filepath.Join(t.TempDir(), "hallmark-lsp")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	script, err := filepath.Abs("testdata/session.lua")
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "authors.json")
	cmd := exec.Command(nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", "luafile "+script, "sum.go")
	cmd.Dir = r.Dir
	cmd.Env = append(r.Env(), "HALLMARK_LSP="+bin, "OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nvim: %v\n%s", err, b)
	}
	if got := r.Read("sum.go"); got != after {
		t.Fatalf("saved file:\n%s\nwant:\n%s", got, after)
	}
	ai, mixed, human := "ai "+model, "mixed "+model, "human "+hallmarktest.PersonName
	want := []string{"", human, human, ai, mixed, mixed, human}
	var server []lineAuthor
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &server); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range server {
		got = append(got, strings.TrimSpace(l.Class+" "+l.Who))
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("the server's lines (-want +got):\n%s", d)
	}

	// The commit the person makes next has it all, signed.
	key := hallmarktest.NewKey(t, "dev")
	r.Commit("feat: Sum")
	if _, err := r.Open().Stamp(context.Background(), "HEAD", &repo.StampOptions{Signer: key.Signer}); err != nil {
		t.Fatal(err)
	}
	rec := r.StoredRecord("HEAD", hallmarktest.Keyring(t, key))
	hallmarktest.ExpectLines(t, rec, "sum.go",
		hallmarktest.Want{From: 2, To: 3, Class: provenance.Human, Who: hallmarktest.PersonName},
		hallmarktest.Want{From: 4, To: 4, Class: provenance.AI, Who: model},
		hallmarktest.Want{From: 5, To: 6, Class: provenance.Mixed, Who: model},
		hallmarktest.Want{From: 7, To: 7, Class: provenance.Human, Who: hallmarktest.PersonName})
	if err := hallmarktest.CheckCoverage(r.Dir, rec); err != nil {
		t.Error(err)
	}
}
