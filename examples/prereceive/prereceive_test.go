package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/hallmarktest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
	"github.com/sigstore/sigstore/pkg/signature"
)

var model = provenance.Author{Kind: provenance.Model, ModelID: "hallmark-examples/scripted-model-1", Tool: "test"}

// hook is the built hook, shared by the tests.
var hook string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "prereceive-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	hook = filepath.Join(dir, "pre-receive")
	if out, err := exec.Command("go", "build", "-o", hook, ".").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		fmt.Fprintf(os.Stderr, "build the hook: %v\n%s", err, out)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a bare repository with a policy on main and the hook installed.
func server(t *testing.T, dev *hallmarktest.Key, extra string) *hallmarktest.Repo {
	t.Helper()
	bin, err := os.ReadFile(hook)
	if err != nil {
		t.Fatal(err)
	}
	srv := hallmarktest.NewBare(t)
	seed := hallmarktest.Clone(t, srv.Dir)
	seed.Write("keys/dev.pub", string(dev.PublicPEM))
	if extra != "no policy" {
		seed.Write(".hallmark/policy.yaml", "keys:\n  - {name: dev, public_key: keys/dev.pub}\nrequire:\n  signed: true\n"+extra)
	}
	seed.Write("app.txt", hallmarktest.Lines("app", 3))
	seed.Commit("policy")
	seed.Git("push", "-q", "origin", "main")
	// Installed after the seed: the first push has no base to judge by.
	if err := os.WriteFile(filepath.Join(srv.Dir, "hooks", "pre-receive"), bin, 0o755); err != nil {
		t.Fatal(err)
	}
	return srv
}

// change commits a model's and a person's lines in c, stamped by signer
// (nil: not stamped).
func change(t *testing.T, c *hallmarktest.Repo, file string, signer signature.Signer) string {
	t.Helper()
	ctx := context.Background()
	lib := c.Open()
	c.Write(file, hallmarktest.Lines("generated", 4))
	if _, err := lib.Checkpoint(ctx, repo.CheckpointOptions{Author: model}); err != nil {
		t.Fatal(err)
	}
	id := c.Commit("change " + file)
	if signer != nil {
		if _, err := lib.Stamp(ctx, "HEAD", &repo.StampOptions{Signer: signer}); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// push runs a real git push and returns its standard error, where the
// pusher sees the hook's words.
func push(t *testing.T, c *hallmarktest.Repo, refs ...string) (string, error) {
	t.Helper()
	if len(refs) > 1 && refs[1] == repo.NotesRef {
		if _, err := c.TryGit("rev-parse", "-q", "--verify", repo.NotesRef); err != nil {
			refs = refs[:1] // nothing stamped: no notes to push
		}
	}
	cmd := exec.Command("git", append([]string{"push", "origin"}, refs...)...)
	cmd.Dir = c.Dir
	cmd.Env = c.Env()
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func serverMain(t *testing.T, srv *hallmarktest.Repo) string { return srv.Rev("refs/heads/main") }

func TestSignedPushWithNotesIsAccepted(t *testing.T) {
	dev := hallmarktest.NewKey(t, "dev")
	srv := server(t, dev, "")
	c := hallmarktest.Clone(t, srv.Dir)
	id := change(t, c, "a.txt", dev.Signer)
	out, err := push(t, c, "main", repo.NotesRef)
	if err != nil {
		t.Fatalf("push rejected: %v\n%s", err, out)
	}
	if !strings.Contains(out, "remote: hallmark: refs/heads/main: 1 new commits verified") {
		t.Errorf("the pusher was not told: %s", out)
	}
	if serverMain(t, srv) != id {
		t.Error("server's main did not move")
	}

	// Notes pushed first, the branch after: the notes already on the
	// server are read.
	id = change(t, c, "b.txt", dev.Signer)
	if out, err := push(t, c, repo.NotesRef); err != nil {
		t.Fatalf("notes alone rejected: %v\n%s", err, out)
	}
	if out, err := push(t, c, "main"); err != nil {
		t.Fatalf("push after notes rejected: %v\n%s", err, out)
	}
	if serverMain(t, srv) != id {
		t.Error("server's main did not move")
	}
}

func TestRejectedPushes(t *testing.T) {
	dev := hallmarktest.NewKey(t, "dev")
	mallory := hallmarktest.NewKey(t, "mallory")
	for _, tc := range []struct {
		reason string
		extra  string // more policy requirements
		make   func(t *testing.T, c *hallmarktest.Repo)
		want   []string // on the pusher's terminal
	}{
		{
			reason: "a commit with no record",
			make:   func(t *testing.T, c *hallmarktest.Repo) { change(t, c, "x.txt", nil) },
			want:   []string{"no record signed by a trusted key: no record"},
		},
		{
			reason: "a record signed by a key the policy does not trust",
			make:   func(t *testing.T, c *hallmarktest.Repo) { change(t, c, "x.txt", mallory.Signer) },
			want:   []string{"signed only by keys not trusted"},
		},
		{
			reason: "one good commit, then a bad one: the push is judged whole",
			make: func(t *testing.T, c *hallmarktest.Repo) {
				change(t, c, "ok.txt", dev.Signer)
				change(t, c, "x.txt", nil)
			},
			want: []string{"no record signed by a trusted key: no record"},
		},
		{
			reason: "a push that rewrites the policy is still judged by the base's",
			make: func(t *testing.T, c *hallmarktest.Repo) {
				c.Write(".hallmark/policy.yaml", "keys:\n  - {name: dev, public_key: keys/dev.pub}\n")
				c.Commit("relax the policy")
			},
			want: []string{"no record signed by a trusted key: no record"},
		},
		{
			reason: "signed, but over the policy's AI share",
			extra:  "  max_ai_share: 0.5\n",
			make:   func(t *testing.T, c *hallmarktest.Repo) { change(t, c, "x.txt", dev.Signer) },
			want:   []string{"AI share 100.0% of the added lines is over the policy's maximum 50.0%"},
		},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			srv := server(t, dev, tc.extra)
			before := serverMain(t, srv)
			c := hallmarktest.Clone(t, srv.Dir)
			tc.make(t, c)
			out, err := push(t, c, "main", repo.NotesRef)
			if err == nil {
				t.Fatalf("push accepted:\n%s", out)
			}
			t.Logf("the pusher sees:\n%s", out)
			for _, w := range append(tc.want, "remote: hallmark: refs/heads/main rejected by the policy of", "pre-receive hook declined") {
				if !strings.Contains(out, w) {
					t.Errorf("the pusher's terminal lacks %q:\n%s", w, out)
				}
			}
			if serverMain(t, srv) != before {
				t.Error("server's main moved")
			}
		})
	}
}

// A new branch is judged by the policy of the server's HEAD.
func TestNewBranchJudgedByHead(t *testing.T) {
	dev := hallmarktest.NewKey(t, "dev")
	srv := server(t, dev, "")
	c := hallmarktest.Clone(t, srv.Dir)
	c.Git("checkout", "-q", "-b", "topic")
	change(t, c, "x.txt", nil)
	out, err := push(t, c, "topic")
	if err == nil || !strings.Contains(out, "refs/heads/topic rejected") {
		t.Fatalf("unsigned new branch: %v\n%s", err, out)
	}
	// A new branch at a commit the server has brings nothing new to judge;
	// deleting a branch is let through.
	c.Git("branch", "-q", "release", "origin/main")
	if out, err := push(t, c, "release"); err != nil || !strings.Contains(out, "refs/heads/release: 0 new commits verified") {
		t.Fatalf("branch at the server's tip: %v\n%s", err, out)
	}
	if out, err := push(t, c, ":release"); err != nil {
		t.Fatalf("deleting a branch: %v\n%s", err, out)
	}
	if _, err := srv.TryGit("rev-parse", "-q", "--verify", "refs/heads/release"); err == nil {
		t.Error("the branch is still on the server")
	}
}

// Without a policy at the base there is nothing to judge by: rejected.
func TestNoPolicyFailsClosed(t *testing.T) {
	dev := hallmarktest.NewKey(t, "dev")
	srv := server(t, dev, "no policy")
	c := hallmarktest.Clone(t, srv.Dir)
	change(t, c, "x.txt", dev.Signer)
	out, err := push(t, c, "main", repo.NotesRef)
	if err == nil || !strings.Contains(out, "refs/heads/main rejected") || !strings.Contains(out, "no policy") {
		t.Fatalf("push without a policy at the base: %v\n%s", err, out)
	}
}

// The notes only grow: deleting them or forcing an older notes history is
// rejected; the server's notes stay.
func TestNotesCannotBeRewound(t *testing.T) {
	dev := hallmarktest.NewKey(t, "dev")
	srv := server(t, dev, "")
	c := hallmarktest.Clone(t, srv.Dir)
	change(t, c, "a.txt", dev.Signer)
	if out, err := push(t, c, "main", repo.NotesRef); err != nil {
		t.Fatalf("first push: %v\n%s", err, out)
	}
	notes := srv.Rev(repo.NotesRef)
	if out, err := push(t, c, ":"+repo.NotesRef); err == nil || !strings.Contains(out, "it deletes the notes") {
		t.Errorf("deleting the notes: %v\n%s", err, out)
	}
	// Another clone's notes history, forced over the server's.
	other := hallmarktest.Clone(t, srv.Dir)
	change(t, other, "b.txt", dev.Signer)
	if out, err := push(t, other, "+"+repo.NotesRef); err == nil || !strings.Contains(out, "not a fast-forward") {
		t.Errorf("forcing other notes: %v\n%s", err, out)
	}
	if srv.Rev(repo.NotesRef) != notes {
		t.Error("the server's notes moved")
	}
}

func TestReadUpdates(t *testing.T) {
	got, err := readUpdates(strings.NewReader("0000000000000000000000000000000000000000 1111111111111111111111111111111111111111 refs/heads/main\n"))
	if err != nil || len(got) != 1 || got[0].ref != "refs/heads/main" || !zero(got[0].old) || zero(got[0].new) {
		t.Fatalf("readUpdates = %+v, %v", got, err)
	}
	if _, err := readUpdates(strings.NewReader("garbage\n")); err == nil {
		t.Error("garbage accepted")
	}
}
