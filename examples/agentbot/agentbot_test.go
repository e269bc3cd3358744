package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/hallmarktest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

const model = "hallmark-examples/scripted-model-1"

const calc = "package calc\n\n// Add adds.\nfunc Add(a, b int) int {\n\treturn a + b\n}\n"

// The agent works in a clone while its person types; a fresh clone of the
// remote then sees every line attributed, through a record signed by the
// agent's key.
func TestAgentPushesAttributedCommit(t *testing.T) {
	ctx := context.Background()
	remote := hallmarktest.NewBare(t)
	seed := hallmarktest.Clone(t, remote.Dir)
	seed.Write("calc.go", calc)
	seed.Commit("calc")
	seed.Git("push", "-q", "origin", "HEAD:main")

	work := hallmarktest.Clone(t, remote.Dir)
	key := hallmarktest.NewKey(t, "agentbot")
	priv, _ := key.WriteFiles(t, t.TempDir())
	t.Setenv("AGENTBOT_PASSWORD", string(key.Password))
	// The person's typing before the agent starts: two lines.
	work.Write("calc.go", calc+"// TODO: multiply\n// keep it small\n")

	var out bytes.Buffer
	err := run(ctx, []string{"-C", work.Dir, "-script", "testdata/task.json", "-key", priv, "-push", "origin"}, &out)
	if err != nil {
		t.Fatalf("agentbot: %v\n%s", err, out.String())
	}
	t.Log(out.String())

	fresh := hallmarktest.Clone(t, remote.Dir)
	fresh.Git("fetch", "-q", "origin", repo.NotesRef+":"+repo.NotesRef)
	if fresh.Head() != work.Head() {
		t.Fatalf("fresh clone at %s, agent committed %s", fresh.Head(), work.Head())
	}
	rec := fresh.StoredRecord("HEAD", hallmarktest.Keyring(t, key))
	if rec.Method != provenance.MethodCapture {
		t.Errorf("method %q, want %q", rec.Method, provenance.MethodCapture)
	}
	hallmarktest.ExpectLines(t, rec, "mul.go", hallmarktest.Want{From: 1, To: 6, Class: provenance.AI, Who: model})
	hallmarktest.ExpectLines(t, rec, "calc.go",
		hallmarktest.Want{From: 7, To: 7, Class: provenance.AI, Who: model},                      // the person's TODO, replaced by the model
		hallmarktest.Want{From: 8, To: 8, Class: provenance.Human, Who: hallmarktest.PersonName}) // the person's line, kept
	hallmarktest.ExpectLines(t, rec, "CHANGES.md", hallmarktest.Want{From: 1, To: 3, Class: provenance.AI, Who: model})
	if err := hallmarktest.CheckCoverage(fresh.Dir, rec); err != nil {
		t.Error(err)
	}
	for _, a := range rec.Authors {
		if a.Kind == provenance.Model && (a.Tool != "agentbot" || a.Session != "session-0001") {
			t.Errorf("model author %+v: want tool agentbot, session session-0001", a)
		}
	}
}

// agentbot as an integration: with hallmark's hooks installed (they carry
// records through rewrites), its commits pass the kit's conformance.
func TestAgentConformance(t *testing.T) {
	bin := hallmarktest.BuildHallmark(t)
	key := hallmarktest.NewKey(t, "agentbot")
	priv, _ := key.WriteFiles(t, t.TempDir())
	script := filepath.Join(t.TempDir(), "task.json")
	err := os.WriteFile(script, []byte(`{"model_id": "`+model+`", "calls": [
		{"tool": "write_file", "path": "gen/out.txt", "content": "one\ntwo\nthree\n"},
		{"tool": "replace", "path": "base.txt", "old": "base 3\n", "new": "base three\n"}]}`), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	hallmarktest.Conformance(t, hallmarktest.Integration{
		Keyring: hallmarktest.Keyring(t, key),
		Setup: func(t testing.TB, r *hallmarktest.Repo) {
			if _, err := r.Open().Init(context.Background(), &repo.InitOptions{Binary: bin}); err != nil {
				t.Fatal(err)
			}
			key.UseForHooks(r)
			t.Setenv("AGENTBOT_PASSWORD", string(key.Password))
		},
		Change: func(t testing.TB, r *hallmarktest.Repo) {
			var out bytes.Buffer
			if err := run(context.Background(), []string{"-C", r.Dir, "-script", script, "-key", priv}, &out); err != nil {
				t.Fatalf("agentbot: %v\n%s", err, out.String())
			}
			if !strings.Contains(out.String(), "committed") {
				t.Fatalf("agentbot said %q", out.String())
			}
		},
	})
}

func TestAgentRefusesEscapingPaths(t *testing.T) {
	r := hallmarktest.NewRepo(t)
	r.Write("a.txt", "a\n")
	r.Commit("a")
	key := hallmarktest.NewKey(t, "agentbot")
	priv, _ := key.WriteFiles(t, t.TempDir())
	t.Setenv("AGENTBOT_PASSWORD", string(key.Password))
	script := filepath.Join(t.TempDir(), "task.json")
	os.WriteFile(script, []byte(`{"model_id": "`+model+`", "calls": [{"tool": "write_file", "path": "../outside.txt", "content": "x\n"}]}`), 0o644)
	err := run(context.Background(), []string{"-C", r.Dir, "-script", script, "-key", priv}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "not inside the work tree") {
		t.Fatalf("escaping path: %v", err)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(r.Dir), "outside.txt")); err == nil {
		t.Error("the file outside the work tree was written")
	}
}
