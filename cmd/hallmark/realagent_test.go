package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// The plugins install-agent writes for OpenCode and Amp, run inside the
// real agents. These tests are opt-in: they need the agent's program,
// which .ci/run does not install (OpenCode: npm install -g opencode-ai;
// HALLMARK_OPENCODE names the binary when it is not on PATH).

// findAgent returns the agent's program from the environment variable
// env or PATH, or skips with one line saying what is missing.
func findAgent(t *testing.T, env, name, install string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		return p
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	t.Skipf("%s is not installed (%s, or %s=PATH): the real-agent test of its plugin did not run", name, install, env)
	return ""
}

// fakeModel is an OpenAI-compatible chat completions endpoint on the
// loopback that answers the first request offering a write tool with a
// call of it (writing path with content), and every later one with text.
func fakeModel(t *testing.T, path, content string) *httptest.Server {
	var mu sync.Mutex
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasSuffix(r.URL.Path, "/chat/completions") {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"object":"list","data":[{"id":"fake-model","object":"model"}]}`)
			return
		}
		var req struct {
			Stream   bool `json:"stream"`
			Messages []struct {
				Role string `json:"role"`
			} `json:"messages"`
			Tools []struct {
				Function struct {
					Name string `json:"name"`
				} `json:"function"`
			} `json:"tools"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 8<<20)).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		mu.Lock()
		calls++
		mu.Unlock()
		answered, canWrite := false, false
		for _, m := range req.Messages {
			answered = answered || m.Role == "tool"
		}
		for _, tl := range req.Tools {
			canWrite = canWrite || tl.Function.Name == "write"
		}
		delta := map[string]any{"role": "assistant", "content": "Done."}
		finish := "stop"
		if canWrite && !answered {
			args, _ := json.Marshal(map[string]string{"filePath": path, "content": content})
			delta = map[string]any{"role": "assistant", "tool_calls": []any{map[string]any{
				"index": 0, "id": "call_1", "type": "function",
				"function": map[string]any{"name": "write", "arguments": string(args)}}}}
			finish = "tool_calls"
		}
		chunk := func(d map[string]any, fin any) string {
			b, _ := json.Marshal(map[string]any{"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "fake-model",
				"choices": []any{map[string]any{"index": 0, "delta": d, "finish_reason": fin}}})
			return "data: " + string(b) + "\n\n"
		}
		if !req.Stream {
			b, _ := json.Marshal(map[string]any{"id": "c1", "object": "chat.completion", "created": 1, "model": "fake-model",
				"choices": []any{map[string]any{"index": 0, "message": delta, "finish_reason": finish}}})
			w.Header().Set("Content-Type", "application/json")
			w.Write(b)
			return
		}
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, chunk(delta, nil)+chunk(map[string]any{}, finish)+"data: [DONE]\n\n")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestOpenCodePluginInTheAgent: OpenCode, run headless (`opencode run`)
// against the loopback model, loads the plugin install-agent wrote; the
// person's uncommitted line is the person's, the file the model's write
// tool made is the model's, in the stamped record.
func TestOpenCodePluginInTheAgent(t *testing.T) {
	opencode := findAgent(t, "HALLMARK_OPENCODE", "opencode", "npm install -g opencode-ai")
	g := gittest.New(t)
	g.Write("base.txt", "base\n")
	g.Commit("base", "")
	gen := filepath.Join(g.Dir, "gen.txt")
	srv := fakeModel(t, gen, "one by the model\ntwo by the model\n")
	home := t.TempDir()
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config")}
	if res := hallmark(t, g.Dir, env, "install-agent", "opencode", "--bin", hallmarkBin); res.code != 0 {
		t.Fatalf("install-agent: %+v", res)
	}
	cfg := fmt.Sprintf(`{"$schema": "https://opencode.ai/config.json", "provider": {"fake": {"npm": "@ai-sdk/openai-compatible", "name": "Fake",
  "options": {"baseURL": %q, "apiKey": "x"}, "models": {"fake-model": {"name": "Fake", "tool_call": true}}}},
  "model": "fake/fake-model"}`, srv.URL+"/v1")
	if err := os.WriteFile(filepath.Join(g.Dir, "opencode.json"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	g.Git("add", "opencode.json", ".opencode")
	g.Git("commit", "-q", "-m", "agent config")
	g.Write("base.txt", "base\ntyped by Ada\n")

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, opencode, "run", "--print-logs", "--model", "fake/fake-model", "create gen.txt")
	cmd.Dir = g.Dir
	// PWD too: OpenCode takes the directory it works in from it.
	cmd.Env = append(append(gittest.Env(home), env...), "PWD="+g.Dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("opencode run: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "hallmark: opencode PostToolUse write: 2 lines in 1 file attributed to fake/fake-model") {
		t.Fatalf("the plugin did not report the write:\n%s", out)
	}
	g.Git("add", "gen.txt", "base.txt")
	g.Git("commit", "-q", "-m", "made by the agent")
	if res := hallmark(t, g.Dir, env, "stamp"); res.code != 0 {
		t.Fatalf("stamp: %+v", res)
	}
	stored := storedRecord(t, g.Dir)
	if head := strings.TrimSpace(g.Git("rev-parse", "HEAD")); stored.Commit != head {
		t.Fatalf("stored record of %s, HEAD is %s", stored.Commit, head)
	}
	who := map[string]string{}
	for _, f := range stored.Files {
		for _, s := range f.Spans {
			a := stored.Authors[s.Author]
			name := a.ModelID
			if a.Kind == provenance.Person {
				name = a.Name
			}
			for n := s.Start; n <= s.End; n++ {
				who[fmt.Sprintf("%s:%d", f.Path, n)] = string(s.Class) + " " + name + " " + a.Tool
			}
		}
	}
	for line, want := range map[string]string{
		"gen.txt:1":  "ai fake/fake-model opencode",
		"gen.txt:2":  "ai fake/fake-model opencode",
		"base.txt:2": "human Ada Human ",
	} {
		if who[line] != want {
			t.Errorf("%s: %q, want %q (all: %v)", line, who[line], want, who)
		}
	}
}

// storedRecord reads HEAD's record from its note, unverified (the stamp
// had no key).
func storedRecord(t *testing.T, dir string) *provenance.Record {
	t.Helper()
	cmd := exec.Command("git", "notes", "--ref", repo.NotesRef, "show", "HEAD")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("no note on HEAD: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	rec, err := attest.ReadUnverified([]byte(lines[len(lines)-1]))
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestAmpPluginInTheAgent would run Amp the same way, but Amp cannot run
// against a loopback model: its model calls go through Amp's own service
// (AMP_URL, ampcode.com by default) with an Amp access token
// (AMP_API_KEY), not through an OpenAI-compatible endpoint, and without a
// token `amp -x` starts a browser login. With amp installed and
// AMP_API_KEY set (and that service reachable) it runs against the real
// service, asking for one file and checking it is the model's.
func TestAmpPluginInTheAgent(t *testing.T) {
	amp := findAgent(t, "HALLMARK_AMP", "amp", "npm install -g @ampcode/cli")
	if os.Getenv("AMP_API_KEY") == "" {
		t.Skip("AMP_API_KEY is not set: Amp needs an Amp access token and its service (AMP_URL) for its model; it cannot run against a loopback model")
	}
	g := gittest.New(t)
	g.Write("base.txt", "base\n")
	g.Commit("base", "")
	home := t.TempDir()
	env := []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "AMP_API_KEY=" + os.Getenv("AMP_API_KEY")}
	if res := hallmark(t, g.Dir, env, "install-agent", "amp", "--scope", "user", "--bin", hallmarkBin); res.code != 0 {
		t.Fatalf("install-agent: %+v", res)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, amp, "--dangerously-allow-all", "-x", "Create the file gen.txt holding exactly two lines: one, two. Do nothing else.")
	cmd.Dir = g.Dir
	cmd.Env = append(append(gittest.Env(home), env...), "PWD="+g.Dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("amp: %v\n%s", err, out)
	}
	g.Git("add", "gen.txt")
	g.Git("commit", "-q", "-m", "made by amp")
	if res := hallmark(t, g.Dir, env, "stamp"); res.code != 0 {
		t.Fatalf("stamp: %+v", res)
	}
	rec := storedRecord(t, g.Dir)
	for _, f := range rec.Files {
		for _, s := range f.Spans {
			if f.Path == "gen.txt" && (s.Class != provenance.AI || rec.Authors[s.Author].Tool != "amp") {
				t.Errorf("gen.txt lines %d-%d: %s by %+v, want ai via amp", s.Start, s.End, s.Class, rec.Authors[s.Author])
			}
		}
	}
}
