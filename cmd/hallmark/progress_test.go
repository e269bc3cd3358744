package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/internal/testtool"
)

// TestProgressOnlyOnATerminal: the long commands rewrite one progress line
// on a terminal (a pseudo-terminal from util-linux's script) and print
// nothing of it into a pipe, nor with --quiet or --json.
func TestProgressOnlyOnATerminal(t *testing.T) {
	script := testtool.Need(t, testtool.Script, "progress on a terminal is not tested")
	r := sampleRepo(t)
	keys := t.TempDir()
	env := []string{"HALLMARK_PASSWORD=pw"}
	k := filepath.Join(keys, "k")
	if res := hallmark(t, r.Dir, env, "keys", "generate", "--output", k); res.code != 0 {
		t.Fatal(res)
	}
	onTTY := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(script, "-qec", hallmarkBin+" "+strings.Join(args, " "), os.DevNull)
		cmd.Dir = r.Dir
		cmd.Env = append(gittest.Env(t.TempDir()), append(env, "TERM=xterm")...)
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	tests := []struct {
		reason string
		args   []string
		line   string // the progress line's words
	}{
		{"stamp --range", []string{"stamp", "--range", "HEAD", "--key", k + ".key"}, "reading the range: 2/2 commits"},
		{"verify", []string{"verify", "--key", k + ".pub"}, "verifying: 2/2 commits"},
		{"report", []string{"report", "--no-cache"}, "reading history: 2/2 commits"},
	}
	for _, tt := range tests {
		if out := onTTY(tt.args...); !strings.Contains(out, "\r"+tt.line) {
			t.Errorf("%s on a terminal: no progress line %q:\n%q", tt.reason, tt.line, out)
		}
		for _, quiet := range []string{"--json", "--quiet"} {
			if tt.args[0] != "verify" && quiet == "--quiet" {
				continue
			}
			if out := onTTY(append(tt.args, quiet)...); strings.Contains(out, tt.line) {
				t.Errorf("%s %s on a terminal shows progress:\n%q", tt.reason, quiet, out)
			}
		}
		res := hallmark(t, r.Dir, env, tt.args...)
		if strings.Contains(res.stderr, "\r") || strings.Contains(res.stderr, tt.line) {
			t.Errorf("%s into a pipe shows progress:\n%q", tt.reason, res.stderr)
		}
	}
}

// TestQuietAndJSON: the commands that list per commit take --quiet, those
// that print results take --json, and JSON lists are [] when empty, never
// null.
func TestQuietAndJSON(t *testing.T) {
	r := sampleRepo(t)
	keys := t.TempDir()
	env := []string{"HALLMARK_PASSWORD=pw"}
	k := filepath.Join(keys, "k")
	if res := hallmark(t, r.Dir, env, "keys", "generate", "--output", k); res.code != 0 {
		t.Fatal(res)
	}
	head := strings.TrimSpace(r.Git("rev-parse", "HEAD"))
	trace := filepath.Join(t.TempDir(), "trace.json")
	os.WriteFile(trace, []byte(`{"version":"0.1.0","id":"3f2a6b9e-1c4d-4e8f-9a7b-2d5c8e1f0a3b","timestamp":"2026-01-01T00:00:00Z",
"vcs":{"type":"git","revision":"`+head+`"},"files":[{"path":"gen.go","conversations":[{"contributor":{"type":"ai","model_id":"anthropic/claude-opus-4-5-20251101"},
"ranges":[{"start_line":1,"end_line":3}]}]}]}`), 0o644)

	// nulls lists the paths of the null values in a JSON document.
	var nulls func(path string, v any) []string
	nulls = func(path string, v any) []string {
		var out []string
		switch v := v.(type) {
		case nil:
			out = append(out, path)
		case map[string]any:
			for key, x := range v {
				out = append(out, nulls(path+"."+key, x)...)
			}
		case []any:
			for i, x := range v {
				out = append(out, nulls(path+"["+string(rune('0'+i%10))+"]", x)...)
			}
		}
		return out
	}
	tests := []struct {
		reason string
		args   []string
		code   int
		want   string // in the JSON
	}{
		{"import agent-trace --json is a list of what was stored", []string{"import", "agent-trace", trace, "--json"}, 0, `"action": "imported"`},
		{"review --json: the whole commit is an empty list of paths", []string{"review", "--key", k + ".key", "--json"}, 0, `"paths": []`},
		{"verify --json of a failing range: violations a list", []string{"verify", "--key", k + ".pub", "--json"}, 1, `"violations": [`},
		{"stamp --range --json", []string{"stamp", "--range", "HEAD", "--key", k + ".key", "--json"}, 0, `"stamped": 2`},
		{"verify --json of a passing range: violations an empty list", []string{"verify", "--key", k + ".pub", "--json"}, 0, `"violations": []`},
		{"report --json", []string{"report", "--json", "--key", k + ".pub"}, 0, `"by_evidence": [`},
		{"report --json of an empty pathspec", []string{"report", "--json", "--", "nothing/"}, 0, `"by_evidence": []`},
		{"show --json", []string{"show", "--json", "--key", k + ".pub"}, 0, `"lines": [`},
		{"keys generate --json", []string{"keys", "generate", "--json", "--output", filepath.Join(keys, "second")}, 0, `"algorithm": "ecdsa-p256"`},
	}
	for _, tt := range tests {
		res := hallmark(t, r.Dir, env, tt.args...)
		if res.code != tt.code {
			t.Errorf("%s: exit %d, want %d: %+v", tt.reason, res.code, tt.code, res)
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(res.stdout), &v); err != nil {
			t.Errorf("%s: not JSON: %v\n%s", tt.reason, err, res.stdout)
			continue
		}
		if n := nulls("", v); len(n) > 0 {
			t.Errorf("%s: null at %v:\n%s", tt.reason, n, res.stdout)
		}
		if !strings.Contains(res.stdout, tt.want) {
			t.Errorf("%s: no %s in:\n%s", tt.reason, tt.want, res.stdout)
		}
	}

	// --quiet: no line per commit, only what decides.
	res := hallmark(t, r.Dir, env, "verify", "--key", k+".pub", "--quiet")
	if res.code != 0 || strings.Contains(res.stdout, "initial") || !strings.Contains(res.stdout, "PASS") {
		t.Errorf("verify --quiet: %+v", res)
	}
	res = hallmark(t, r.Dir, env, "import", "agent-trace", trace, "--quiet", "--force")
	if res.code != 0 || res.stdout != "imported records for 1 commit\n" {
		t.Errorf("import --quiet: %+v", res)
	}
}
