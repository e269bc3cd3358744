package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/repo"
)

// TestAgentFlow is the README's agent-side flow, end to end: init, a
// Claude Code hook payload, commit, verify against a policy.
func TestAgentFlow(t *testing.T) {
	w := newWorld(t)
	keys := t.TempDir()
	env := []string{"HALLMARK_PASSWORD=pw"}
	w.env = env
	w.g.Setenv(env...)
	if res := w.run("keys", "generate", "--output", filepath.Join(keys, "dev")); res.code != 0 {
		t.Fatal(res)
	}
	w.git("config", "hallmark.key", filepath.Join(keys, "dev.key"))
	os.MkdirAll(filepath.Join(w.g.Dir, ".hallmark"), 0o755)
	os.MkdirAll(filepath.Join(w.g.Dir, ".hallmark", "keys"), 0o755)
	pub, _ := os.ReadFile(filepath.Join(keys, "dev.pub"))
	os.WriteFile(filepath.Join(w.g.Dir, ".hallmark", "keys", "dev.pub"), pub, 0o644)
	os.WriteFile(filepath.Join(w.g.Dir, ".hallmark", "policy.yaml"), []byte("keys:\n  - name: dev\n    public_key: .hallmark/keys/dev.pub\nrequire:\n  max_ai_share: 1.0\n"), 0o644)
	w.checkpoint("H")
	w.commit("policy")

	// Claude Code edits a file and its PostToolUse hook runs hallmark.
	w.g.Write("parser.go", "M package parser\nM func Parse() {}\n")
	payload := `{"session_id":"sess-1","hook_event_name":"PostToolUse","tool_name":"Write","tool_input":{"file_path":"` + filepath.Join(w.g.Dir, "parser.go") + `"},"cwd":"` + w.g.Dir + `"}`
	cmd := exec.Command(hallmarkBin, "checkpoint", "--hook", "claude-code", "--model", model)
	cmd.Dir, cmd.Env, cmd.Stdin = w.g.Dir, append(gittest.Env(t.TempDir()), env...), strings.NewReader(payload)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hook checkpoint: %v\n%s", err, out)
	}
	w.git("add", "parser.go")
	w.git("commit", "-q", "-m", "parser")
	res := w.run("verify", "HEAD~1..HEAD", "--json")
	if res.code != 0 {
		t.Fatalf("verify: %+v", res)
	}
	var rep repo.VerifyReport
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	c := rep.Commits[0]
	if c.Status != repo.StatusVerified || c.Lines.AI != 2 || c.Method != "capture" || c.Signers[0] != "dev" {
		t.Errorf("verdict: %+v", c)
	}
	// The whole history: the first commit was stamped unsigned by hand.
	// A whole history has no BASE to take a policy from: trust is given.
	if res = w.run("verify"); res.code != 2 || !strings.Contains(res.stderr, "--key PUB or --policy FILE") {
		t.Errorf("whole history without trust: %+v", res)
	}
	res = w.run("verify", "--key", filepath.Join(keys, "dev.pub"))
	if res.code != 1 || !strings.Contains(res.stdout, "only an unsigned record") {
		t.Errorf("whole history, unsigned first commit: %+v", res)
	}
	res = w.run("verify", "--key", filepath.Join(keys, "dev.pub"), "--allow-unsigned")
	if res.code != 0 || !strings.Contains(res.stdout, "2 verified, 1 unsigned") {
		t.Errorf("whole history with --allow-unsigned: %+v", res)
	}
	// A garbage payload is a clear warning that does not block the agent
	// (exit 0), and the edit is still covered by the next checkpoint.
	w.g.Write("parser.go", "M package parser\nM func Parse() {}\nM func More() {}\n")
	cmd = exec.Command(hallmarkBin, "checkpoint", "--hook", "claude-code", "--model", model)
	cmd.Dir, cmd.Env, cmd.Stdin = w.g.Dir, append(gittest.Env(t.TempDir()), env...), strings.NewReader("not json")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "unreadable hook payload") {
		t.Errorf("garbage payload: %v %s", err, out)
	}
	w.checkpoint("M")
	w.commit("more")
	w.check("HEAD")
}

func TestBadRepositories(t *testing.T) {
	env := []string{"HALLMARK_PASSWORD=pw"}
	// Empty repository, unborn branch.
	empty := gittest.New(t)
	if res := hallmark(t, empty.Dir, nil, "stamp"); res.code != 2 || !strings.Contains(res.stderr, "no commits") {
		t.Errorf("stamp in an empty repository: %+v", res)
	}
	empty.Write("a.txt", "x\n")
	if res := hallmark(t, empty.Dir, nil, "checkpoint", "--ai", "--model", model); res.code != 0 {
		t.Errorf("checkpoint on an unborn branch: %+v", res)
	}
	if res := hallmark(t, empty.Dir, []string{"HALLMARK_PASSWORD=x"}, "verify", "--key", "/nonexistent.pub"); res.code != 2 {
		t.Errorf("verify with a missing key file: %+v", res)
	}

	// Detached HEAD works as any commit.
	w := newWorld(t)
	w.edit("M", "a.go", "M1")
	w.commit("one")
	w.git("checkout", "-q", "--detach", "HEAD")
	w.edit("H", "b.go", "H1")
	w.commit("detached")
	w.check("HEAD")

	// A key with the wrong password: the commit is stamped unsigned, never
	// lost, and `hallmark stamp` signs it once the password is right.
	keys := t.TempDir()
	hallmark(t, w.g.Dir, env, "keys", "generate", "--output", filepath.Join(keys, "k"))
	w.git("config", "hallmark.key", filepath.Join(keys, "k.key"))
	w.env = []string{"HALLMARK_PASSWORD=wrong"}
	w.g.Setenv("HALLMARK_PASSWORD=wrong")
	w.edit("M", "c.go", "M1")
	w.git("add", "-A")
	out, _ := w.g.TryGit("commit", "-q", "-m", "wrong password")
	_ = out
	if rec := w.record("HEAD"); rec.Count().AI != 1 {
		t.Errorf("record of the commit made with a bad key: %+v", rec)
	}
	w.env = env
	if res := w.run("stamp"); res.code != 0 || !strings.Contains(res.stdout, "(signed,") {
		t.Errorf("signing later: %+v", res)
	}
	if res := w.run("verify", "HEAD~1..HEAD", "--key", filepath.Join(keys, "k.pub")); res.code != 0 {
		t.Errorf("verify after signing: %+v", res)
	}

	// A garbage note is reported, not a crash.
	w.git("notes", "--ref=refs/notes/hallmark", "append", "-m", "garbage", "HEAD")
	res := w.run("verify", "HEAD~1..HEAD", "--key", filepath.Join(keys, "k.pub"))
	if res.code != 1 || !strings.Contains(res.stdout, "not an attestation") {
		t.Errorf("a garbage note line fails verification: %+v", res)
	}

	// A shallow clone verifies what it has.
	shallow := t.TempDir()
	if out, err := exec.Command("git", "clone", "-q", "--depth", "2", "file://"+w.g.Dir, shallow).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	if out, err := exec.Command("git", "-C", shallow, "fetch", "-q", "origin", "refs/notes/hallmark:refs/notes/hallmark").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	res = hallmark(t, shallow, nil, "verify", "--key", filepath.Join(keys, "k.pub"), "--allow-unsigned", "--json")
	if !strings.Contains(res.stdout, `"shallow_boundary": true`) || !strings.Contains(res.stdout, `"history_incomplete": true`) {
		t.Errorf("shallow clone: %+v", res)
	}
	if res := hallmark(t, shallow, nil, "report"); res.code != 0 || !strings.Contains(res.stdout, "history incomplete: a shallow clone") {
		t.Errorf("report in a shallow clone: %+v", res)
	}
}
