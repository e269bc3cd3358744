package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/hallmarktest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

const modelID = "hallmark-examples/scripted-model-1"

var model = provenance.Author{Kind: provenance.Model, ModelID: modelID, Tool: "test"}

// A branch of two stamped commits is squash-merged by "the server" (a clone
// with no hooks, as a forge is); the CI job carries the records onto the
// squashed commit, and a fresh clone verifies it against a policy that lets
// the CI key carry.
func TestCarryAfterServerSquash(t *testing.T) {
	ctx := context.Background()
	dev, ciKey := hallmarktest.NewKey(t, "dev"), hallmarktest.NewKey(t, "ci")
	remote := hallmarktest.NewBare(t)
	w := hallmarktest.Clone(t, remote.Dir)
	w.Write("keys/dev.pub", string(dev.PublicPEM))
	w.Write("keys/ci.pub", string(ciKey.PublicPEM))
	w.Write(".hallmark/policy.yaml", "keys:\n  - {name: dev, public_key: keys/dev.pub, may: [record]}\n  - {name: ci, public_key: keys/ci.pub, may: [carry]}\nrequire:\n  signed: true\n")
	w.Write("app.txt", hallmarktest.Lines("app", 3))
	w.Commit("policy")
	lib := w.Open()
	if _, err := lib.Stamp(ctx, "HEAD", &repo.StampOptions{Signer: dev.Signer}); err != nil {
		t.Fatal(err)
	}
	w.Git("push", "-q", "origin", "main")
	base := w.Head()

	w.Git("checkout", "-q", "-b", "feature")
	w.Write("gen.go", hallmarktest.Lines("gen", 5))
	if _, err := lib.Checkpoint(ctx, repo.CheckpointOptions{Author: model}); err != nil {
		t.Fatal(err)
	}
	w.Commit("feat: gen")
	if _, err := lib.Stamp(ctx, "HEAD", &repo.StampOptions{Signer: dev.Signer}); err != nil {
		t.Fatal(err)
	}
	w.Write("app.txt", hallmarktest.Lines("app", 3)+"typed by Ada\n")
	if _, err := lib.Checkpoint(ctx, repo.CheckpointOptions{}); err != nil {
		t.Fatal(err)
	}
	w.Commit("docs: app")
	if _, err := lib.Stamp(ctx, "HEAD", &repo.StampOptions{Signer: dev.Signer}); err != nil {
		t.Fatal(err)
	}
	head := w.Head()
	w.Git("push", "-q", "origin", "feature", repo.NotesRef)

	// The server squashes, with its own identity, and deletes the branch.
	forge := hallmarktest.Clone(t, remote.Dir)
	forge.Git("merge", "-q", "--squash", "origin/feature")
	forge.Git("-c", "user.name=GitHub", "-c", "user.email=noreply@github.com", "commit", "-q", "-m", "feat: gen (#7)")
	merge := forge.Head()
	forge.Git("push", "-q", "origin", "main", ":feature")

	// CI: a clone of main only, the PR head fetched by id.
	ci := hallmarktest.Clone(t, remote.Dir)
	remote.Git("update-ref", "refs/pull/7/head", head) // what the forge keeps
	priv, _ := ciKey.WriteFiles(t, t.TempDir())
	t.Setenv("SQUASHMERGE_PASSWORD", string(ciKey.Password))
	var out bytes.Buffer
	if err := run(ctx, []string{"-C", ci.Dir, "-base", base, "-head", head, "-merge", merge, "-key", priv, "-remote", "origin"}, &out); err != nil {
		t.Fatalf("squashmerge: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "carried 2 records onto") {
		t.Errorf("output: %s", out.String())
	}

	fresh := hallmarktest.Clone(t, remote.Dir)
	fresh.Git("fetch", "-q", "origin", repo.NotesRef+":"+repo.NotesRef)
	rec := fresh.StoredRecord(merge, hallmarktest.Keyring(t, ciKey))
	if rec.Method != provenance.MethodCarried || len(rec.DerivedFrom) != 2 {
		t.Errorf("method %q, derived from %d records; want carried from 2", rec.Method, len(rec.DerivedFrom))
	}
	hallmarktest.ExpectLines(t, rec, "gen.go", hallmarktest.Want{From: 1, To: 5, Class: provenance.AI, Who: modelID})
	hallmarktest.ExpectLines(t, rec, "app.txt", hallmarktest.Want{From: 4, To: 4, Class: provenance.Human, Who: hallmarktest.PersonName})
	if err := hallmarktest.CheckCoverage(fresh.Dir, rec); err != nil {
		t.Error(err)
	}

	// The policy at main verifies the squashed commit: carried by ci,
	// derived from records dev signed.
	flib := fresh.Open()
	pol, ring, err := flib.PolicyAt(ctx, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := flib.Verify(ctx, &repo.VerifyOptions{Keyring: ring, Policy: pol, Range: []string{base + "..HEAD"}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Pass || len(rep.Commits) != 1 || rep.Commits[0].Status != repo.StatusVerified {
		t.Errorf("verify: pass %v, %+v, violations %v", rep.Pass, rep.Commits, rep.Violations)
	}
}

func TestMissingFlags(t *testing.T) {
	if err := run(context.Background(), []string{"-base", "x"}, &bytes.Buffer{}); err == nil {
		t.Error("no -head and -key: no error")
	}
}
