package hallmarktest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/hallmarktest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

const model = "anthropic/claude-opus-4-5-20251101"

var claude = provenance.Author{Kind: provenance.Model, ModelID: model, Tool: "test-agent", ToolVersion: "1.0"}

// referenceIntegration is hallmark's own: the library's checkpoints, and
// the hallmark command's hooks (installed by Init) stamping and carrying,
// signed with key.
func referenceIntegration(t *testing.T, hooks bool) (hallmarktest.Integration, *hallmarktest.Key) {
	key := hallmarktest.NewKey(t, "agent")
	bin := ""
	if hooks {
		bin = hallmarktest.BuildHallmark(t)
	}
	ctx := context.Background()
	return hallmarktest.Integration{
		Keyring: hallmarktest.Keyring(t, key),
		Setup: func(t testing.TB, r *hallmarktest.Repo) {
			if !hooks {
				return
			}
			if _, err := r.Open().Init(ctx, &repo.InitOptions{Binary: bin}); err != nil {
				t.Fatal(err)
			}
			key.UseForHooks(r)
		},
		Change: func(t testing.TB, r *hallmarktest.Repo) {
			lib := r.Open()
			r.Write("base.txt", hallmarktest.Lines("base", 10)+"typed by Ada\n")
			if _, err := lib.Checkpoint(ctx, repo.CheckpointOptions{}); err != nil {
				t.Fatal(err)
			}
			r.Write("gen.go", hallmarktest.Lines("generated", 4))
			if _, err := lib.Checkpoint(ctx, repo.CheckpointOptions{Author: claude}); err != nil {
				t.Fatal(err)
			}
			r.Git("add", "-A")
			r.Git("commit", "-q", "-m", "feat: generated")
			if !hooks {
				// Stamped by the integration itself, signed.
				if _, err := lib.Stamp(ctx, "HEAD", &repo.StampOptions{Signer: key.Signer}); err != nil {
					t.Fatal(err)
				}
			}
		},
	}, key
}

func TestConformanceReference(t *testing.T) {
	in, _ := referenceIntegration(t, true)
	hallmarktest.Conformance(t, in)
}

func TestExpectLinesOfStoredRecord(t *testing.T) {
	in, key := referenceIntegration(t, false)
	r := hallmarktest.NewRepo(t)
	r.Write("base.txt", hallmarktest.Lines("base", 10))
	r.Commit("base")
	in.Change(t, r)
	rec := r.StoredRecord("HEAD", hallmarktest.Keyring(t, key))
	hallmarktest.ExpectLines(t, rec, "gen.go", hallmarktest.Want{From: 1, To: 4, Class: provenance.AI, Who: model})
	hallmarktest.ExpectLines(t, rec, "base.txt", hallmarktest.Want{From: 11, To: 11, Class: provenance.Human, Who: hallmarktest.PersonName})
	if err := hallmarktest.CheckCoverage(r.Dir, rec); err != nil {
		t.Error(err)
	}

	// The checks fail when they should.
	for _, tc := range []struct {
		reason string
		want   []hallmarktest.Want
	}{
		{"a model's line claimed human", []hallmarktest.Want{{From: 1, To: 4, Class: provenance.Human, Who: hallmarktest.PersonName}}},
		{"another model", []hallmarktest.Want{{From: 1, To: 4, Class: provenance.AI, Who: "openai/gpt-5"}}},
		{"a covered line left out", []hallmarktest.Want{{From: 1, To: 3, Class: provenance.AI, Who: model}}},
		{"lines past the end", []hallmarktest.Want{{From: 1, To: 5, Class: provenance.AI, Who: model}}},
	} {
		if err := hallmarktest.CheckLines(rec, "gen.go", tc.want...); !errors.Is(err, hallmarktest.ErrLines) {
			t.Errorf("%s: CheckLines = %v, want ErrLines", tc.reason, err)
		}
	}
	if err := hallmarktest.CheckLines(rec, "absent.go"); !errors.Is(err, hallmarktest.ErrLines) {
		t.Errorf("absent file: CheckLines = %v, want ErrLines", err)
	}

	// A record that claims a line the commit did not add fails coverage.
	rec.Files[0].Spans[0].Start = 1
	if err := hallmarktest.CheckCoverage(r.Dir, rec); !errors.Is(err, hallmarktest.ErrCoverage) {
		t.Errorf("widened span: CheckCoverage = %v, want ErrCoverage", err)
	}

	// Another key's keyring finds no record that verifies.
	other := hallmarktest.NewKey(t, "other")
	if _, err := hallmarktest.ReadRecord(r.Dir, "HEAD", hallmarktest.Keyring(t, other)); !errors.Is(err, hallmarktest.ErrNoRecord) {
		t.Errorf("untrusted key: ReadRecord = %v, want ErrNoRecord", err)
	}
	if _, err := hallmarktest.ReadRecord(r.Dir, "HEAD~1", nil); !errors.Is(err, hallmarktest.ErrNoRecord) {
		t.Errorf("unstamped commit: ReadRecord = %v, want ErrNoRecord", err)
	}
}

// An integration that stamps but installs no hooks loses its records in
// rewrites, and the amend and rebase steps say so.
func TestConformanceCatchesMissingHooks(t *testing.T) {
	in, _ := referenceIntegration(t, false)
	for name, step := range map[string]func(testing.TB, hallmarktest.Integration) error{
		"amend":  hallmarktest.StepAmend,
		"rebase": hallmarktest.StepRebase,
	} {
		t.Run(name, func(t *testing.T) {
			err := step(t, in)
			if !errors.Is(err, hallmarktest.ErrRewrite) {
				t.Fatalf("%s without hooks = %v, want ErrRewrite", name, err)
			}
			if !strings.Contains(err.Error(), "no note") {
				t.Errorf("error does not say the note is missing: %v", err)
			}
		})
	}
	if err := hallmarktest.StepRecord(t, in); err != nil {
		t.Errorf("record step of a stamping integration: %v", err)
	}
}

func TestIsolation(t *testing.T) {
	r := hallmarktest.NewRepo(t)
	if out, err := r.TryGit("config", "--global", "--list"); err == nil && strings.TrimSpace(out) != "" {
		t.Errorf("global config visible: %q", out)
	}
	if got := strings.TrimSpace(r.Git("config", "user.name")); got != hallmarktest.PersonName {
		t.Errorf("user.name = %q", got)
	}
	// Fixed identity and clock: the same commit twice is the same id.
	a := hallmarktest.NewRepo(t)
	a.Write("x", "x\n")
	b := hallmarktest.NewRepo(t)
	b.Write("x", "x\n")
	if a.Commit("same") == b.Commit("same") {
		t.Error("two commits at different ticks share an id: the clock does not move")
	}
	if a.Git("log", "-1", "--format=%an <%ae>") != hallmarktest.PersonName+" <"+hallmarktest.PersonEmail+">\n" {
		t.Error("author is not the kit's person")
	}
}

func FuzzParseAddedLines(f *testing.F) {
	f.Add("+++ b/a.go\n@@ -0,0 +1,3 @@\n+a\n+b\n+c\n")
	f.Add("+++ \"b/sp\\303\\251\"\n@@ -1 +1 @@\n-a\n+b\n")
	f.Add("+++ /dev/null\n@@ -1,2 +0,0 @@\n")
	f.Add("@@ -1 +1,2147483647 @@\n")
	f.Fuzz(func(t *testing.T, patch string) {
		added, err := hallmarktest.ParseAddedLines(patch)
		if err != nil {
			return
		}
		for p, lines := range added {
			for _, l := range lines {
				if l < 1 {
					t.Fatalf("%s: line %d", p, l)
				}
			}
		}
	})
}
