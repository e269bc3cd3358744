package agenthook

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		reason, tool, in string
		want             *Event
	}{
		{"Claude Code PostToolUse Edit", "claude-code",
			`{"session_id":"abc","transcript_path":"/t.jsonl","cwd":"/repo","hook_event_name":"PostToolUse","tool_name":"Edit","tool_input":{"file_path":"/repo/a.go","old_string":"x","new_string":"y"},"tool_response":{"success":true}}`,
			&Event{Tool: "claude-code", Session: "abc", Cwd: "/repo", Paths: []string{"/repo/a.go"}, Edit: true}},
		{"Claude Code Read changes nothing", "claude-code",
			`{"session_id":"abc","hook_event_name":"PostToolUse","tool_name":"Read","tool_input":{"file_path":"/repo/a.go"}}`,
			&Event{Tool: "claude-code", Session: "abc", Paths: []string{"/repo/a.go"}}},
		{"Claude Code Bash may change anything", "claude-code",
			`{"session_id":"abc","hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{"command":"sed -i s/a/b/ *.go"}}`,
			&Event{Tool: "claude-code", Session: "abc", Edit: true}},
		{"Codex notify", "codex",
			`{"type":"agent-turn-complete","thread-id":"th1","turn-id":"t1","cwd":"/repo","input-messages":["fix it"],"last-assistant-message":"done"}`,
			&Event{Tool: "codex", Session: "th1", Cwd: "/repo", Edit: true}},
		{"Cursor afterFileEdit", "cursor",
			`{"conversation_id":"c1","generation_id":"g1","hook_event_name":"afterFileEdit","file_path":"/repo/b.ts","edits":[{"old_string":"a","new_string":"b"}],"workspace_roots":["/repo"]}`,
			&Event{Tool: "cursor", Session: "c1", Cwd: "/repo", Paths: []string{"/repo/b.ts"}, Edit: true}},
		{"generic", "generic",
			`{"files":["a.go","b.go"],"session_id":"s","model":"openai/gpt-5"}`,
			&Event{Tool: "generic", Session: "s", Model: "openai/gpt-5", Paths: []string{"a.go", "b.go"}, Edit: true}},
	}
	for _, tt := range tests {
		got, err := Parse(tt.tool, strings.NewReader(tt.in))
		if err != nil {
			t.Errorf("%s: %v", tt.reason, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tt.reason, diff)
		}
	}
	for _, bad := range []struct{ tool, in string }{
		{"claude-code", ""}, {"claude-code", "not json"}, {"claude-code", "{}"}, {"codex", `{"cwd":"/"}`},
		{"cursor", `[]`}, {"vim", `{}`}, {"generic", `{"files":"a.go"}`},
	} {
		if _, err := Parse(bad.tool, strings.NewReader(bad.in)); !errors.Is(err, ErrPayload) {
			t.Errorf("%s %q: got %v, want ErrPayload", bad.tool, bad.in, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("claude-code", `{"session_id":"a","tool_name":"Edit","tool_input":{"file_path":"x"}}`)
	f.Fuzz(func(t *testing.T, tool, in string) {
		ev, err := Parse(tool, strings.NewReader(in))
		if err == nil && ev.Tool != tool {
			t.Fatal("tool mismatch")
		}
	})
}
