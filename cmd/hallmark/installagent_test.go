package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// TestInstallAgent installs every agent's hooks into a repository whose
// configuration files already hold the user's own settings: the user's
// settings stay, hallmark's are added once, a second run changes nothing,
// --remove takes out only hallmark's.
func TestInstallAgent(t *testing.T) {
	userClaude := `{
  "model": "opus",
  "hooks": {
    "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "./guard.sh"}]}]
  },
  "permissions": {"allow": ["Bash(go test:*)"]}
}
`
	for _, tt := range []struct {
		agent, file, existing string
		wantEntries           int // hallmark's commands in the file once installed
	}{
		{"claude-code", ".claude/settings.json", userClaude, 4},
		{"codex", ".codex/hooks.json", "", 4},
		{"cursor", ".cursor/hooks.json", `{"version": 1, "hooks": {"afterFileEdit": [{"command": "prettier --write"}]}}`, 8},
		{"gemini", ".gemini/settings.json", `{"theme": "GitHub"}`, 5},
		{"copilot", ".github/hooks/hallmark.json", "", 4},
		{"windsurf", ".windsurf/hooks.json", "", 7},
	} {
		t.Run(tt.agent, func(t *testing.T) {
			g := gittest.New(t)
			path := filepath.Join(g.Dir, tt.file)
			if tt.existing != "" {
				os.MkdirAll(filepath.Dir(path), 0o755)
				os.WriteFile(path, []byte(tt.existing), 0o644)
			}
			res := hallmark(t, g.Dir, nil, "install-agent", tt.agent)
			if res.code != 0 || !strings.Contains(res.stdout, "added") {
				t.Fatalf("install: %+v", res)
			}
			installed, _ := os.ReadFile(path)
			if n := strings.Count(string(installed), "checkpoint --hook "+tt.agent); n != tt.wantEntries {
				t.Errorf("%d hallmark hooks, want %d:\n%s", n, tt.wantEntries, installed)
			}
			if !json.Valid(installed) {
				t.Fatalf("not JSON:\n%s", installed)
			}
			if tt.existing != "" {
				var before, after map[string]any
				json.Unmarshal([]byte(tt.existing), &before)
				json.Unmarshal(installed, &after)
				for k := range before {
					if k != "hooks" && !jsonEqual(before[k], after[k]) {
						t.Errorf("the user's %q changed: %v -> %v", k, before[k], after[k])
					}
				}
				for _, keep := range []string{"./guard.sh", "prettier --write"} {
					if strings.Contains(tt.existing, keep) && !strings.Contains(string(installed), keep) {
						t.Errorf("the user's hook %q is gone", keep)
					}
				}
			}
			// Idempotent.
			res = hallmark(t, g.Dir, nil, "install-agent", tt.agent)
			again, _ := os.ReadFile(path)
			if res.code != 0 || !strings.Contains(res.stdout, "unchanged") || !bytes.Equal(again, installed) {
				t.Errorf("second install: %+v\n%s", res, again)
			}
			// Reversible.
			res = hallmark(t, g.Dir, nil, "install-agent", tt.agent, "--remove")
			if res.code != 0 || !strings.Contains(res.stdout, "removed") {
				t.Errorf("remove: %+v", res)
			}
			removed, _ := os.ReadFile(path)
			if strings.Contains(string(removed), "checkpoint --hook") {
				t.Errorf("hallmark's hooks left after --remove:\n%s", removed)
			}
			if tt.existing != "" {
				var before, after map[string]any
				json.Unmarshal([]byte(tt.existing), &before)
				json.Unmarshal(removed, &after)
				delete(after, "tools") // Gemini's enableHooks stays: the user's other hooks may need it
				if !jsonEqual(before, after) {
					t.Errorf("after --remove the file is not the user's again:\n%s\nwant\n%s", removed, tt.existing)
				}
			}
		})
	}
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// TestInstalledHooksRun runs the commands install-agent wrote, as the
// agent would run them (a shell, hallmark on PATH, the payload on stdin),
// and checks that the person's and the model's lines come out as theirs.
func TestInstalledHooksRun(t *testing.T) {
	pathEnv := "PATH=" + filepath.Dir(hallmarkBin) + string(os.PathListSeparator) + os.Getenv("PATH")
	for _, tt := range []struct {
		agent, file       string
		before, after     string // fixtures
		beforeEv, afterEv string // the config keys their commands are under
		model             string
	}{
		{"claude-code", ".claude/settings.json", "pre-tool-use-write", "post-tool-use-write", "PreToolUse", "PostToolUse", model},
		{"cursor", ".cursor/hooks.json", "before-submit-prompt", "after-file-edit", "beforeSubmitPrompt", "afterFileEdit", "openai/gpt-5"},
		{"copilot", ".github/hooks/hallmark.json", "cli-session-start", "cli-post-tool-use-edit", "sessionStart", "postToolUse", ""},
		{"codex", ".codex/hooks.json", "pre-tool-use-apply-patch", "post-tool-use-apply-patch", "PreToolUse", "PostToolUse", "openai/gpt-5.1-codex"},
		{"cline", ".clinerules/hooks", "task-start", "post-tool-use-replace", "TaskStart", "PostToolUse", "anthropic/claude-opus-4.5"},
	} {
		t.Run(tt.agent, func(t *testing.T) {
			w := newWorld(t)
			w.env = append(w.env, pathEnv)
			args := []string{"install-agent", tt.agent}
			if tt.agent == "claude-code" {
				args = append(args, "--model", model)
			}
			if res := w.run(args...); res.code != 0 {
				t.Fatalf("install: %+v", res)
			}
			fx := loadFixtures(t, tt.agent, w.g.Dir)
			target := relToRepo(w, fx[tt.after].want.Paths[0])
			w.g.Write(target, "H person\n")
			runInstalled(t, w, tt.agent, tt.file, tt.beforeEv, fx[tt.before].payload)
			w.g.Write(target, "H person\nM model\n")
			out := runInstalled(t, w, tt.agent, tt.file, tt.afterEv, fx[tt.after].payload)
			if !strings.Contains(out, "1 line in 1 file attributed") {
				t.Errorf("after event: %s", out)
			}
			w.commit("agent")
			// Copilot CLI names no model, and the installed hook passes none.
			if got := lineAuthors(t, w, "HEAD", target); got[0] != "H" || got[1] != "M:"+tt.model {
				t.Errorf("lines: %v (want H, M:%s)", got, tt.model)
			}
		})
	}
}

// runInstalled runs the command install-agent configured for event.
func runInstalled(t *testing.T, w *world, agent, file, event string, payload []byte) string {
	t.Helper()
	path := filepath.Join(w.g.Dir, file)
	var command string
	if agent == "cline" {
		command = filepath.Join(path, event)
	} else {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var cfg struct {
			Hooks map[string][]struct {
				Command string `json:"command"`
				Bash    string `json:"bash"`
				Hooks   []struct {
					Command string `json:"command"`
				} `json:"hooks"`
			} `json:"hooks"`
		}
		if err := json.Unmarshal(b, &cfg); err != nil {
			t.Fatal(err)
		}
		for _, e := range cfg.Hooks[event] {
			for _, c := range append([]string{e.Command, e.Bash}, func() (s []string) {
				for _, h := range e.Hooks {
					s = append(s, h.Command)
				}
				return
			}()...) {
				if strings.Contains(c, "hallmark") {
					command = c
				}
			}
		}
	}
	if command == "" {
		t.Fatalf("no hallmark command for %s in %s", event, file)
	}
	cmd := exec.Command("sh", "-c", command)
	cmd.Dir = t.TempDir()
	cmd.Env = append(gittest.Env(t.TempDir()), w.env...)
	cmd.Stdin = bytes.NewReader(payload)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", command, err, out)
	}
	return string(out)
}

// TestInstallAgentScopesScriptsPlugins: --scope user writes under the home
// directory; Cline's hook scripts and the OpenCode and Amp plugins are
// written once, a file of the same name that is not hallmark's is left
// alone, --remove takes hallmark's away; a new --model updates the entry.
func TestInstallAgentScopesScriptsPlugins(t *testing.T) {
	g := gittest.New(t)
	home := t.TempDir()
	env := []string{"HOME=" + home}
	run := func(args ...string) result {
		t.Helper()
		res := hallmark(t, g.Dir, env, append([]string{"install-agent"}, args...)...)
		if res.code != 0 {
			t.Fatalf("%v: %+v", args, res)
		}
		return res
	}
	run("codex", "--scope", "user")
	if b, err := os.ReadFile(filepath.Join(home, ".codex", "hooks.json")); err != nil || !strings.Contains(string(b), "checkpoint --hook codex") {
		t.Errorf("user scope: %v %s", err, b)
	}
	if res := run("codex", "--scope", "user", "--model", "openai/gpt-5.1-codex"); strings.Count(res.stdout, "updated") != 4 {
		t.Errorf("a new --model updates the entries: %+v", res)
	}

	// Cline: a PreToolUse script of the user's own stays.
	dir := filepath.Join(g.Dir, ".clinerules", "hooks")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "PreToolUse"), []byte("#!/bin/sh\necho '{\"cancel\":false}'\n"), 0o755)
	res := run("cline")
	if !strings.Contains(res.stdout, "kept PreToolUse") || strings.Count(res.stdout, "added") != 4 {
		t.Errorf("cline: %+v", res)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "PreToolUse")); strings.Contains(string(b), "hallmark") {
		t.Error("the user's PreToolUse script was overwritten")
	}
	if st, err := os.Stat(filepath.Join(dir, "PostToolUse")); err != nil || st.Mode()&0o111 == 0 {
		t.Errorf("PostToolUse script not executable: %v", err)
	}
	run("cline", "--remove")
	if _, err := os.Stat(filepath.Join(dir, "PreToolUse")); err != nil {
		t.Error("--remove took the user's script")
	}
	if _, err := os.Stat(filepath.Join(dir, "PostToolUse")); err == nil {
		t.Error("--remove left hallmark's script")
	}

	// Plugins.
	for _, tt := range []struct{ agent, scope, path, marker string }{
		{"opencode", "project", filepath.Join(g.Dir, ".opencode", "plugin", "hallmark.ts"), `"tool.execute.before"`},
		{"amp", "user", filepath.Join(home, ".config", "amp", "plugins", "hallmark.ts"), "amp.on('tool.call'"},
	} {
		if res := run(tt.agent, "--scope", tt.scope); !strings.Contains(res.stdout, "wrote the plugin") {
			t.Errorf("%s: %+v", tt.agent, res)
		}
		b, err := os.ReadFile(tt.path)
		if err != nil || !strings.Contains(string(b), tt.marker) || !strings.Contains(string(b), "hallmark checkpoint --hook "+tt.agent) {
			t.Errorf("%s plugin: %v\n%s", tt.agent, err, b)
		}
		if res := run(tt.agent, "--scope", tt.scope); !strings.Contains(res.stdout, "unchanged") {
			t.Errorf("%s again: %+v", tt.agent, res)
		}
		run(tt.agent, "--scope", tt.scope, "--remove")
		if _, err := os.Stat(tt.path); err == nil {
			t.Errorf("%s plugin left after --remove", tt.agent)
		}
	}
	if res := hallmark(t, g.Dir, env, "install-agent", "amp"); res.code != 2 || !strings.Contains(res.stderr, "--scope user") {
		t.Errorf("amp has no project scope: %+v", res)
	}
	if res := hallmark(t, g.Dir, env, "install-agent", "vim"); res.code != 2 {
		t.Errorf("unknown agent: %+v", res)
	}
	// A settings file that is not JSON is not overwritten.
	bad := filepath.Join(g.Dir, ".claude", "settings.json")
	os.MkdirAll(filepath.Dir(bad), 0o755)
	os.WriteFile(bad, []byte("{not json"), 0o644)
	if res := hallmark(t, g.Dir, env, "install-agent", "claude-code"); res.code != 2 {
		t.Errorf("broken settings: %+v", res)
	}
	if b, _ := os.ReadFile(bad); string(b) != "{not json" {
		t.Error("a broken settings file was overwritten")
	}
}

// FuzzReadObject: the order-keeping reader of settings files accepts
// exactly the JSON objects, and writes back what it read.
func FuzzReadObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"b":[1,2],"c":{"d":null}}`, `{"hooks":{"PreToolUse":[]}}`, `[]`, `{"a":1}{"b":2}`, `{"a":1,"a":2}`, ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		o, err := readObject([]byte(in))
		var want map[string]any
		jsonErr := json.Unmarshal([]byte(in), &want)
		if err != nil {
			if jsonErr == nil && want != nil {
				t.Fatalf("a JSON object was refused: %v", err)
			}
			return
		}
		if strings.TrimSpace(in) == "" {
			return
		}
		if jsonErr != nil || want == nil {
			t.Fatalf("accepted what is not a JSON object: %q", in)
		}
		var got map[string]any
		if err := json.Unmarshal(o.marshal(), &got); err != nil {
			t.Fatalf("wrote invalid JSON: %v", err)
		}
		if !jsonEqual(want, got) {
			t.Fatalf("read %v, wrote %v", want, got)
		}
	})
}
