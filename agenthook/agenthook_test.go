package agenthook

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

// Fixture is one payload of testdata/AGENT.txtar and the event it means.
type Fixture struct {
	Agent, Name, Event string
	Payload            []byte
	Want               *Event
}

// Fixtures reads every fixture under testdata. Each archive's comment
// cites the documentation its payloads were built from.
func Fixtures(t testing.TB) []Fixture {
	t.Helper()
	files, err := filepath.Glob("testdata/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	var out []Fixture
	for _, f := range files {
		ar, err := txtar.ParseFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if c := string(ar.Comment); !strings.Contains(c, "http") && !strings.Contains(c, ".md") && !strings.Contains(c, "doc.go") {
			t.Errorf("%s: the comment must cite the documentation the payloads come from", f)
		}
		agent := strings.TrimSuffix(filepath.Base(f), ".txtar")
		byName := map[string]map[string][]byte{}
		var order []string
		for _, file := range ar.Files {
			base, ext, _ := strings.Cut(file.Name, ".")
			if byName[base] == nil {
				byName[base] = map[string][]byte{}
				order = append(order, base)
			}
			byName[base][ext] = file.Data
		}
		for _, name := range order {
			parts := byName[name]
			fx := Fixture{Agent: agent, Name: name, Payload: parts["json"], Event: strings.TrimSpace(string(parts["event"]))}
			if err := json.Unmarshal(parts["want"], &fx.Want); err != nil || parts["json"] == nil {
				t.Fatalf("%s %s: need NAME.json and a NAME.want that reads (%v)", f, name, err)
			}
			out = append(out, fx)
		}
	}
	return out
}

func TestFixtures(t *testing.T) {
	seen := map[string]bool{}
	for _, fx := range Fixtures(t) {
		seen[fx.Agent] = true
		got, err := ParseEvent(fx.Agent, fx.Event, fx.Payload)
		if err != nil {
			t.Errorf("%s %s: %v", fx.Agent, fx.Name, err)
			continue
		}
		if diff := cmp.Diff(fx.Want, got); diff != "" {
			t.Errorf("%s %s: (-want +got)\n%s", fx.Agent, fx.Name, diff)
		}
	}
	for _, a := range Agents {
		if !seen[a] && a != "aider" {
			t.Errorf("no fixture for %s", a)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, bad := range []struct{ reason, agent, in string }{
		{"empty input", "claude-code", ""},
		{"not JSON", "claude-code", "not json"},
		{"nothing Claude Code sends", "claude-code", "{}"},
		{"neither notify nor hooks.json", "codex", `{"cwd":"/"}`},
		{"an array", "cursor", `[]`},
		{"null", "cursor", `null`},
		{"unknown agent", "vim", `{}`},
		{"files not a list", "generic", `{"files":"a.go"}`},
		{"unknown generic event", "generic", `{"event":"sideways"}`},
		{"copilot without its event", "copilot", `{"timestamp":1,"cwd":"/","toolName":"bash"}`},
		{"cline tool event without its call", "cline", `{"hookName":"PreToolUse","taskId":"t"}`},
		{"windsurf without action", "windsurf", `{"trajectory_id":"t"}`},
	} {
		if _, err := Parse(bad.agent, []byte(bad.in)); !errors.Is(err, ErrPayload) {
			t.Errorf("%s: got %v, want ErrPayload", bad.reason, err)
		}
	}
	if _, err := Parse("generic", make([]byte, MaxPayload+1)); !errors.Is(err, ErrPayload) {
		t.Errorf("oversized payload: %v", err)
	}
}

func TestNormalizeModel(t *testing.T) {
	for _, tt := range []struct{ reason, in, want string }{
		{"Claude Code's SessionStart model", "claude-sonnet-4-5-20250929", "anthropic/claude-sonnet-4-5-20250929"},
		{"already in models.dev form", "anthropic/claude-opus-4-5-20251101", "anthropic/claude-opus-4-5-20251101"},
		{"provider upper case", "OpenAI/gpt-5", "openai/gpt-5"},
		{"Codex slug", "gpt-5.1-codex-max", "openai/gpt-5.1-codex-max"},
		{"o-series", "o3", "openai/o3"},
		{"Gemini API form", "models/gemini-2.5-pro", "google/gemini-2.5-pro"},
		{"a router in front", "openrouter/anthropic/claude-opus-4.5", "anthropic/claude-opus-4.5"},
		{"display name", "Claude Opus 4.5", "anthropic/claude-opus-4.5"},
		{"Bedrock id", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "anthropic/claude-sonnet-4-5-20250929-v1:0"},
		{"Cursor's own model", "composer-1", "cursor/composer-1"},
		{"Cursor's auto is no model", "auto", ""},
		{"unknown is no model", "Unknown", ""},
		{"a name of no known provider is kept", "SomeLocalModel", "SomeLocalModel"},
		{"control characters are no model", "gpt\n5", ""},
	} {
		if got := NormalizeModel(tt.in); got != tt.want {
			t.Errorf("%s: NormalizeModel(%q) = %q, want %q", tt.reason, tt.in, got, tt.want)
		}
	}
}

func TestCanonical(t *testing.T) {
	for in, want := range map[string]string{"claude": "claude-code", "Claude-Code": "claude-code", "gemini-cli": "gemini", "github-copilot": "copilot", "vim": ""} {
		if got := Canonical(in); got != want {
			t.Errorf("Canonical(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, a := range Agents {
		f.Add(a, "", `{"hook_event_name":"PostToolUse","tool_name":"Edit","tool_input":{"file_path":"x"}}`)
	}
	if files, _ := filepath.Glob("testdata/*.txtar"); len(files) > 0 {
		for _, file := range files {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				continue
			}
			agent := strings.TrimSuffix(filepath.Base(file), ".txtar")
			for _, x := range ar.Files {
				if strings.HasSuffix(x.Name, ".json") {
					f.Add(agent, "", string(x.Data))
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, agent, event, in string) {
		ev, err := ParseEvent(agent, event, []byte(in))
		if err != nil {
			if !errors.Is(err, ErrPayload) {
				t.Fatalf("error does not wrap ErrPayload: %v", err)
			}
			return
		}
		if ev.Agent != Canonical(agent) {
			t.Fatalf("agent %q read as %q", agent, ev.Agent)
		}
		if ev.Phase != Before && ev.Phase != After && ev.Phase != None {
			t.Fatalf("phase %q", ev.Phase)
		}
		if ev.Shell && (ev.Phase != After || len(ev.Paths) > 0) {
			t.Fatalf("shell on %+v", ev)
		}
		if ev.Phase == After && !ev.Shell && len(ev.Paths) == 0 {
			t.Fatalf("an after event with neither paths nor shell: %+v", ev)
		}
	})
}
