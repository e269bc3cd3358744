package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hallmark-dev/hallmark/hallmarktest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
	"go.yaml.in/yaml/v3"
)

var model = provenance.Author{Kind: provenance.Model, ModelID: "hallmark-examples/scripted-model-1", Tool: "test"}

// api is a loopback GitHub-compatible issue comments API that records what
// it is asked.
type api struct {
	mu       sync.Mutex
	requests []recorded
	comments []comment
}

type recorded struct {
	Method, Path, Auth, Accept string
	Body                       string
}

func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	a.requests = append(a.requests, recorded{r.Method, r.URL.Path, r.Header.Get("Authorization"), r.Header.Get("Accept"), string(body)})
	var in struct{ Body string }
	json.Unmarshal(body, &in)
	switch {
	case r.Method == "GET" && r.URL.Path == "/repos/acme/app/issues/7/comments":
		json.NewEncoder(w).Encode(a.comments)
	case r.Method == "POST" && r.URL.Path == "/repos/acme/app/issues/7/comments":
		c := comment{ID: int64(100 + len(a.comments)), Body: in.Body, HTMLURL: "http://example.invalid/c/1"}
		a.comments = append(a.comments, c)
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(c)
	case r.Method == "PATCH" && r.URL.Path == "/repos/acme/app/issues/comments/100":
		a.comments[0].Body = in.Body
		json.NewEncoder(w).Encode(a.comments[0])
	default:
		http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
	}
}

// pullRequest makes a remote whose main holds a policy trusting dev, and a
// branch "feature" of two commits: the model's and the person's lines, then
// the person deleting one of the model's lines. signed says whether the
// second commit is stamped.
func pullRequest(t *testing.T, dev *hallmarktest.Key, signed bool) (remote *hallmarktest.Repo, base string) {
	ctx := context.Background()
	remote = hallmarktest.NewBare(t)
	w := hallmarktest.Clone(t, remote.Dir)
	w.Write("keys/dev.pub", string(dev.PublicPEM))
	w.Write(".hallmark/policy.yaml", "keys:\n  - {name: dev, public_key: keys/dev.pub}\nrequire:\n  signed: true\n")
	w.Write("README", "app\n")
	base = w.Commit("policy")
	for i := range 20 { // history for the shallow clone to deepen through
		w.Write("README", hallmarktest.Lines("app", i+2))
		base = w.Commit("readme")
	}
	w.Git("push", "-q", "origin", "main")
	w.Git("checkout", "-q", "-b", "feature")
	lib := w.Open()
	w.Write("notes.txt", "by Ada\nalso Ada\n")
	if _, err := lib.Checkpoint(ctx, repo.CheckpointOptions{}); err != nil {
		t.Fatal(err)
	}
	w.Write("gen/gen.go", hallmarktest.Lines("gen", 4))
	if _, err := lib.Checkpoint(ctx, repo.CheckpointOptions{Author: model}); err != nil {
		t.Fatal(err)
	}
	w.Commit("feat: gen")
	if _, err := lib.Stamp(ctx, "HEAD", &repo.StampOptions{Signer: dev.Signer}); err != nil {
		t.Fatal(err)
	}
	w.Write("gen/gen.go", "gen 1\ngen 2\ngen 4\n")
	if _, err := lib.Checkpoint(ctx, repo.CheckpointOptions{}); err != nil {
		t.Fatal(err)
	}
	w.Commit("fix: drop gen 3")
	if signed {
		if _, err := lib.Stamp(ctx, "HEAD", &repo.StampOptions{Signer: dev.Signer}); err != nil {
			t.Fatal(err)
		}
	}
	w.Git("push", "-q", "origin", "feature", repo.NotesRef)
	return remote, base
}

// ci is what a CI job checks out: one commit of the branch, no notes.
func ci(t *testing.T, remote *hallmarktest.Repo) *hallmarktest.Repo {
	c := &hallmarktest.Repo{T: t, Dir: t.TempDir()}
	c.Git("clone", "-q", "--depth", "1", "--branch", "feature", "file://"+remote.Dir, ".")
	if c.Git("rev-parse", "--is-shallow-repository") != "true\n" {
		t.Fatal("the clone is not shallow")
	}
	return c
}

func TestCommentPostedThenUpdated(t *testing.T) {
	dev := hallmarktest.NewKey(t, "dev")
	remote, base := pullRequest(t, dev, true)
	c := ci(t, remote)
	fake := &api{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	t.Setenv("GITHUB_TOKEN", "test-token")
	args := []string{"-C", c.Dir, "-base", base, "-head", "HEAD", "-fetch", "origin", "-api", srv.URL, "-repo", "acme/app", "-pr", "7"}

	var out bytes.Buffer
	code, err := run(context.Background(), args, &out)
	if err != nil || code != 0 {
		t.Fatalf("reviewbot = %d, %v\n%s", code, err, out.String())
	}
	if len(fake.requests) != 2 || fake.requests[0].Method != "GET" || fake.requests[1].Method != "POST" {
		t.Fatalf("requests: %+v", fake.requests)
	}
	post := fake.requests[1]
	if post.Auth != "Bearer test-token" || post.Accept != "application/vnd.github+json" {
		t.Errorf("headers: auth %q accept %q", post.Auth, post.Accept)
	}
	body := fake.comments[0].Body
	t.Logf("comment:\n%s", body)
	for _, want := range []string{
		marker,
		"✅ 2 commits verified",
		": 2 verified",
		// 3 of the model's 4 lines survive, and the person's 2: 60%.
		"Of the **5 lines** this pull request adds that are still at its head, models wrote **60.0%** (3 by a model, 0 by a model then edited by a person, 2 by people, 0 unknown).",
		"Evidence: signed 5.",
		"| `hallmark-examples/scripted-model-1` | 3 | 3 | 0 | 0 | 100.0% |",
		"| `gen/gen.go` | 3 | 3 | 0 | 0 | 100.0% |",
		"| `notes.txt` | 2 | 0 | 0 | 2 | 0.0% |",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("comment lacks %q", want)
		}
	}

	// The next run updates the same comment.
	if code, err := run(context.Background(), args, &out); err != nil || code != 0 {
		t.Fatalf("second run = %d, %v", code, err)
	}
	if n := len(fake.requests); n != 4 || fake.requests[3].Method != "PATCH" {
		t.Fatalf("second run's requests: %+v", fake.requests[2:])
	}
	if len(fake.comments) != 1 {
		t.Errorf("%d comments, want the one updated", len(fake.comments))
	}
}

func TestFailingPolicyIsCommentedAndExitsOne(t *testing.T) {
	dev := hallmarktest.NewKey(t, "dev")
	remote, base := pullRequest(t, dev, false)
	// A checkout of main only, as CI has for a merge ref: the head is
	// fetched by its id.
	head := remote.Rev("refs/heads/feature")
	c := &hallmarktest.Repo{T: t, Dir: t.TempDir()}
	c.Git("clone", "-q", "--depth", "1", "--branch", "main", "file://"+remote.Dir, ".")
	fake := &api{}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	code, err := run(context.Background(), []string{"-C", c.Dir, "-base", base, "-head", head, "-fetch", "origin", "-api", srv.URL, "-repo", "acme/app", "-pr", "7"}, io.Discard)
	if err != nil || code != 1 {
		t.Fatalf("reviewbot = %d, %v; want 1", code, err)
	}
	body := fake.comments[0].Body
	for _, want := range []string{"❌ the policy at", "1 verified, 1 missing", "no record signed by a trusted key: no record"} {
		if !strings.Contains(body, want) {
			t.Errorf("comment lacks %q:\n%s", want, body)
		}
	}
}

func TestAPIErrorIsAnError(t *testing.T) {
	dev := hallmarktest.NewKey(t, "dev")
	remote, base := pullRequest(t, dev, true)
	c := ci(t, remote)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
	}))
	defer srv.Close()
	code, err := run(context.Background(), []string{"-C", c.Dir, "-base", base, "-fetch", "origin", "-api", srv.URL, "-repo", "acme/app", "-pr", "7"}, io.Discard)
	if code != 2 || err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("reviewbot = %d, %v; want 2 and the API's status", code, err)
	}
}

// The action passes only flags the bot has.
func TestActionFlags(t *testing.T) {
	data, err := os.ReadFile("action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Runs struct {
			Using string
			Steps []struct{ Run string }
		}
	}
	if err := yaml.Unmarshal(data, &action); err != nil {
		t.Fatal(err)
	}
	if action.Runs.Using != "composite" {
		t.Errorf("runs.using = %q", action.Runs.Using)
	}
	var script string
	for _, s := range action.Runs.Steps {
		script += s.Run
	}
	flags := regexp.MustCompile(` -([a-z-]+) `).FindAllStringSubmatch(script, -1)
	if len(flags) < 5 {
		t.Fatalf("found %d flags in the action's script:\n%s", len(flags), script)
	}
	for _, f := range flags {
		if _, err := run(context.Background(), []string{"-" + f[1] + "=x", "-h"}, io.Discard); err != nil && strings.Contains(err.Error(), "not defined") {
			t.Errorf("the action passes -%s, which the bot does not define", f[1])
		}
	}
}

func TestEscape(t *testing.T) {
	if got := escape("a|b`c<d>\ne"); got != `a\|b'c&lt;d&gt; e` {
		t.Errorf("escape = %q", got)
	}
}
