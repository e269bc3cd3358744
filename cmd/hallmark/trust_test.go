package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// TestPolicyFromBase mounts the pull-request attack: the branch under
// verification edits .hallmark/policy.yaml to trust its own key and to
// raise max_ai_share. Verification of BASE..HEAD reads the policy at BASE
// from git, so the edit changes nothing; a --policy file inside the work
// tree is refused; --key means exactly those keys.
func TestPolicyFromBase(t *testing.T) {
	g := gittest.New(t)
	env := []string{"HALLMARK_PASSWORD=pw"}
	keys := t.TempDir()
	for _, k := range []string{"dev", "mallory"} {
		if res := hallmark(t, g.Dir, env, "keys", "generate", "--output", filepath.Join(keys, k)); res.code != 0 {
			t.Fatal(res)
		}
	}
	pub := func(k string) string {
		b, err := os.ReadFile(filepath.Join(keys, k+".pub"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	g.Write(".hallmark/keys/dev.pub", pub("dev"))
	g.Write(".hallmark/policy.yaml", "keys:\n  - {name: dev, public_key: .hallmark/keys/dev.pub, may: [record]}\nrequire:\n  max_ai_share: 0.1\n")
	g.Commit("adopt hallmark", "")
	if res := hallmark(t, g.Dir, env, "stamp", "--key", filepath.Join(keys, "dev.key")); res.code != 0 {
		t.Fatal(res)
	}
	base := strings.TrimSpace(g.Git("rev-parse", "HEAD"))

	// The pull request: model code signed by mallory, and a policy that
	// trusts mallory and allows any share.
	g.Write("a.go", gittest.Lines("model", 8))
	g.Write(".hallmark/keys/mallory.pub", pub("mallory"))
	g.Write(".hallmark/policy.yaml", "keys:\n  - {name: dev, public_key: .hallmark/keys/dev.pub}\n  - {name: mallory, public_key: .hallmark/keys/mallory.pub}\nrequire:\n  max_ai_share: 1.0\n")
	g.Commit("feat: all of it\n\nCo-Authored-By: Claude <noreply@anthropic.com>", "")
	if res := hallmark(t, g.Dir, env, "stamp", "--key", filepath.Join(keys, "mallory.key")); res.code != 0 {
		t.Fatal(res)
	}
	res := hallmark(t, g.Dir, nil, "verify", base+"..HEAD")
	if res.code != 1 || !strings.Contains(res.stdout, "signed only by keys not trusted") {
		t.Errorf("the PR's own policy was used: %+v", res)
	}
	// With the PR's policy given as a file from the work tree: refused.
	res = hallmark(t, g.Dir, nil, "verify", base+"..HEAD", "--policy", filepath.Join(g.Dir, ".hallmark", "policy.yaml"))
	if res.code != 2 || !strings.Contains(res.stderr, "in the work tree") {
		t.Errorf("--policy from the work tree: %+v", res)
	}
	// dev signs it: the signature is trusted, and BASE's max_ai_share (10%) judges it.
	if res := hallmark(t, g.Dir, env, "stamp", "--force", "--key", filepath.Join(keys, "dev.key")); res.code != 0 {
		t.Fatal(res)
	}
	res = hallmark(t, g.Dir, nil, "verify", base+"..HEAD", "--json")
	if res.code != 1 || !strings.Contains(res.stdout, `"kind": "ai-share"`) || !strings.Contains(res.stdout, `"share_of": "surviving lines"`) {
		t.Errorf("BASE's max_ai_share must judge the PR: %+v", res)
	}
	// --key and --policy together are refused; --key alone is exactly that key.
	if res := hallmark(t, g.Dir, nil, "verify", base+"..HEAD", "--key", filepath.Join(keys, "dev.pub"), "--policy", "/nonexistent"); res.code != 2 {
		t.Errorf("--key with --policy: %+v", res)
	}
	// --key alone: exactly that key and no policy, so no share limit either.
	if res := hallmark(t, g.Dir, nil, "verify", base+"..HEAD", "--key", filepath.Join(keys, "dev.pub")); res.code != 0 || !strings.Contains(res.stdout, "PASS") {
		t.Errorf("--key dev.pub: %+v", res)
	}
}

// TestAIShareNotDiluted mounts the dilution attack on max_ai_share: the
// range adds many human lines and deletes them again, beside the model's
// lines that stay. Over the lines added the share is under the limit;
// over the lines that survive at HEAD it is not, and that is what counts.
func TestAIShareNotDiluted(t *testing.T) {
	g := gittest.New(t)
	env := []string{"HALLMARK_PASSWORD=pw"}
	keys := t.TempDir()
	if res := hallmark(t, g.Dir, env, "keys", "generate", "--output", filepath.Join(keys, "dev")); res.code != 0 {
		t.Fatal(res)
	}
	pub, _ := os.ReadFile(filepath.Join(keys, "dev.pub"))
	g.Write(".hallmark/keys/dev.pub", string(pub))
	g.Write(".hallmark/policy.yaml", "keys:\n  - {name: dev, public_key: .hallmark/keys/dev.pub}\nrequire:\n  max_ai_share: 0.5\n")
	g.Commit("adopt", "")
	base := strings.TrimSpace(g.Git("rev-parse", "HEAD"))
	g.Write("padding.txt", gittest.Lines("human padding", 100))
	g.Commit("padding", "")
	g.Write("model.go", gittest.Lines("model", 10))
	g.Commit("feat: model code\n\nCo-Authored-By: Claude <noreply@anthropic.com>", "")
	g.Git("rm", "-q", "padding.txt")
	g.Commit("drop the padding", "")
	if res := hallmark(t, g.Dir, env, "stamp", "--range", base+"..HEAD", "--key", filepath.Join(keys, "dev.key")); res.code != 0 {
		t.Fatal(res)
	}
	// Over every added line: 10 of 110, under 50%; --key has no policy.
	res := hallmark(t, g.Dir, nil, "verify", base+"..HEAD", "--key", filepath.Join(keys, "dev.pub"), "--json")
	if res.code != 0 || !strings.Contains(res.stdout, `"total_lines": 110`) {
		t.Fatalf("the range as added: %+v", res)
	}
	// The policy at BASE judges what survives: 10 of 10.
	res = hallmark(t, g.Dir, nil, "verify", base+"..HEAD")
	if res.code != 1 || !strings.Contains(res.stdout, "AI share 100.0% of the surviving lines is over the policy's maximum 50.0%") {
		t.Errorf("dilution by lines added and deleted: %+v", res)
	}
}

// TestVerifySaysNotesAreUnmerged: notes that `git fetch` brought into a
// remote's mirror but that sync has not merged are named on stderr, so
// a FAIL for missing records says where they are.
func TestVerifySaysNotesAreUnmerged(t *testing.T) {
	g := gittest.New(t)
	env := []string{"HALLMARK_PASSWORD=pw"}
	keys := t.TempDir()
	hallmark(t, g.Dir, env, "keys", "generate", "--output", filepath.Join(keys, "k"))
	g.Write("a.txt", "a\n")
	g.Commit("one", "")
	if res := hallmark(t, g.Dir, env, "stamp", "--key", filepath.Join(keys, "k.key")); res.code != 0 {
		t.Fatal(res)
	}
	clone := filepath.Join(t.TempDir(), "clone")
	g.Git("clone", "-q", g.Dir, clone)
	c := gittest.Wrap(t, clone)
	if res := hallmark(t, clone, nil, "init"); res.code != 0 {
		t.Fatal(res)
	}
	c.Git("fetch", "-q", "origin")
	res := hallmark(t, clone, nil, "verify", "--key", filepath.Join(keys, "k.pub"))
	if res.code != 1 || !strings.Contains(res.stderr, "remote origin has hallmark notes that are not merged here") {
		t.Errorf("verify with fetched, unmerged notes: %+v", res)
	}
	if res := hallmark(t, clone, nil, "sync", "--no-push"); res.code != 0 {
		t.Fatal(res)
	}
	if res := hallmark(t, clone, nil, "verify", "--key", filepath.Join(keys, "k.pub")); res.code != 0 || strings.Contains(res.stderr, "not merged") {
		t.Errorf("after sync: %+v", res)
	}
}

// TestReportHonoursKeyRights mounts a record signed by a key the policy
// lists for reviews only: verify refuses it, so report and blame must not
// call its lines "signed" either, while the same key given alone with
// --key (exactly that key, no policy) does make them signed.
func TestReportHonoursKeyRights(t *testing.T) {
	g := gittest.New(t)
	env := []string{"HALLMARK_PASSWORD=pw"}
	keys := t.TempDir()
	for _, k := range []string{"dev", "rev"} {
		if res := hallmark(t, g.Dir, env, "keys", "generate", "--output", filepath.Join(keys, k)); res.code != 0 {
			t.Fatal(res)
		}
		b, err := os.ReadFile(filepath.Join(keys, k+".pub"))
		if err != nil {
			t.Fatal(err)
		}
		g.Write(".hallmark/keys/"+k+".pub", string(b))
	}
	g.Write(".hallmark/policy.yaml", "keys:\n  - {name: dev, public_key: .hallmark/keys/dev.pub, may: [record]}\n  - {name: rev, public_key: .hallmark/keys/rev.pub, may: [review]}\n")
	g.Commit("adopt hallmark", "")
	g.Write("a.go", gittest.Lines("model", 4))
	g.Commit("feat: a\n\nCo-Authored-By: Claude <noreply@anthropic.com>", "")
	if res := hallmark(t, g.Dir, env, "stamp", "--key", filepath.Join(keys, "rev.key")); res.code != 0 {
		t.Fatal(res)
	}
	if res := hallmark(t, g.Dir, nil, "verify", "HEAD~1..HEAD"); res.code != 1 {
		t.Errorf("verify accepted a record signed by a review-only key: %+v", res)
	}
	evidence := func(args ...string) string {
		t.Helper()
		res := hallmark(t, g.Dir, nil, append([]string{"blame", "a.go", "--json", "--no-cache"}, args...)...)
		if res.code != 0 {
			t.Fatal(res)
		}
		var out struct {
			Lines []struct {
				Evidence string `json:"evidence"`
			} `json:"lines"`
		}
		if err := json.Unmarshal([]byte(res.stdout), &out); err != nil || len(out.Lines) != 4 {
			t.Fatalf("blame --json: %v: %s", err, res.stdout)
		}
		return out.Lines[0].Evidence
	}
	if got := evidence(); got == "signed" {
		t.Errorf("blame under the policy calls a review-only key's record signed")
	}
	if got := evidence("--key", filepath.Join(keys, "rev.pub")); got != "signed" {
		t.Errorf("blame --key rev.pub: evidence %q, want signed", got)
	}
	keysOf := func(args ...string) string {
		t.Helper()
		res := hallmark(t, g.Dir, nil, append([]string{"report", "--json", "--no-cache"}, args...)...)
		if res.code != 0 {
			t.Fatal(res)
		}
		var rep struct {
			ByEvidence []struct {
				Key string `json:"key"`
			} `json:"by_evidence"`
		}
		if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
			t.Fatalf("report --json: %v: %s", err, res.stdout)
		}
		var ks []string
		for _, e := range rep.ByEvidence {
			ks = append(ks, e.Key)
		}
		return strings.Join(ks, ",")
	}
	if got := keysOf(); got != "none,untrusted" {
		t.Errorf("report under the policy: evidence %s, want none,untrusted", got)
	}
	if got := keysOf("--key", filepath.Join(keys, "rev.pub")); !strings.Contains(got, "signed") {
		t.Errorf("report --key rev.pub: evidence %s, want signed among them", got)
	}
}
