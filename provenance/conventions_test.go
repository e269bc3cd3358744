package provenance

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestDetect(t *testing.T) {
	human := CommitInfo{AuthorName: "Ada", AuthorEmail: "ada@example.com", CommitterName: "Ada", CommitterEmail: "ada@example.com"}
	with := func(msg string) CommitInfo { c := human; c.Message = msg; return c }
	tests := []struct {
		reason string
		in     CommitInfo
		want   []Marker
	}{
		{"a plain commit has no marker", with("fix typo\n\nSigned-off-by: Ada <ada@example.com>\n"), nil},
		{"Claude Code line and co-author",
			with("feat: x\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"),
			[]Marker{{Convention: "claude-code", Tool: "claude-code"}}},
		{"Claude Code old link alone",
			with("feat: x\n\n🤖 Generated with [Claude Code](https://claude.ai/code)\n"),
			[]Marker{{Convention: "claude-code", Tool: "claude-code"}}},
		{"Claude Code with the model in the co-author name",
			with("feat: x\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>\n"),
			[]Marker{{Convention: "claude-code", Tool: "claude-code", Model: "Claude Opus 4.5", ModelID: "anthropic/claude-opus-4-5"}}},
		{"Claude Sonnet co-author alone",
			with("x\n\nCo-authored-by: Claude Sonnet 4.5 <noreply@anthropic.com>\n"),
			[]Marker{{Convention: "claude-code", Tool: "claude-code", Model: "Claude Sonnet 4.5", ModelID: "anthropic/claude-sonnet-4-5"}}},
		{"Claude session trailer",
			with("x\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nClaude-Session: abc123\n"),
			[]Marker{{Convention: "claude-code", Tool: "claude-code", Session: "abc123"}}},
		{"a person at anthropic is not Claude",
			with("x\n\nCo-authored-by: Jane Doe <noreply@anthropic.com>\n"), nil},
		{"Codex",
			with("x\n\nCo-authored-by: Codex <noreply@openai.com>\n"),
			[]Marker{{Convention: "codex", Tool: "codex"}}},
		{"Cursor co-author",
			with("x\n\nCo-authored-by: Cursor <cursoragent@cursor.com>\n"),
			[]Marker{{Convention: "cursor", Tool: "cursor"}}},
		{"Cursor Made-with",
			with("x\n\nMade-with: Cursor\n"),
			[]Marker{{Convention: "cursor", Tool: "cursor"}}},
		{"aider co-author with model",
			with("x\n\nCo-authored-by: aider (openrouter/anthropic/claude-3.5-sonnet) <aider@aider.chat>\n"),
			[]Marker{{Convention: "aider", Tool: "aider", Model: "openrouter/anthropic/claude-3.5-sonnet", ModelID: "openrouter/anthropic/claude-3.5-sonnet"}}},
		{"aider co-author with a bare model name",
			with("x\n\nCo-authored-by: aider (gpt-4o) <aider@aider.chat>\n"),
			[]Marker{{Convention: "aider", Tool: "aider", Model: "gpt-4o"}}},
		{"aider author name",
			CommitInfo{AuthorName: "Ada (aider)", AuthorEmail: "ada@example.com", Message: "x\n"},
			[]Marker{{Convention: "aider", Tool: "aider"}}},
		{"aider committer name",
			CommitInfo{AuthorName: "Ada", CommitterName: "Ada (aider)", Message: "x\n"},
			[]Marker{{Convention: "aider", Tool: "aider"}}},
		{"aider old subject prefix",
			with("aider: Added tests\n\n# Aider chat conversation:\n"),
			[]Marker{{Convention: "aider", Tool: "aider"}}},
		{"Amp",
			with("x\n\nAmp-Thread-ID: https://ampcode.com/threads/T-1\nCo-authored-by: Amp <amp@ampcode.com>\n"),
			[]Marker{{Convention: "amp", Tool: "amp", Session: "https://ampcode.com/threads/T-1"}}},
		{"Copilot as author",
			CommitInfo{AuthorName: "Copilot", AuthorEmail: "198982749+Copilot@users.noreply.github.com", Message: "x\n"},
			[]Marker{{Convention: "copilot", Tool: "copilot"}}},
		{"Copilot as co-author",
			with("x\n\nCo-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>\n"),
			[]Marker{{Convention: "copilot", Tool: "copilot"}}},
		{"Jules",
			CommitInfo{AuthorName: "google-labs-jules[bot]", AuthorEmail: "161369871+google-labs-jules[bot]@users.noreply.github.com", Message: "x\n"},
			[]Marker{{Convention: "jules", Tool: "jules"}}},
		{"Devin",
			CommitInfo{AuthorName: "devin-ai-integration[bot]", AuthorEmail: "158243242+devin-ai-integration[bot]@users.noreply.github.com", Message: "x\n"},
			[]Marker{{Convention: "devin", Tool: "devin"}}},
		{"kernel Assisted-by with tools",
			with("x\n\nAssisted-by: Claude:claude-3-opus coccinelle sparse\nSigned-off-by: Ada <ada@example.com>\n"),
			[]Marker{{Convention: "kernel-assisted-by", Tool: "Claude", Model: "claude-3-opus"}}},
		{"kernel Assisted-by with a models.dev id",
			with("x\n\nAssisted-by: claude-code:anthropic/claude-opus-4-5\n"),
			[]Marker{{Convention: "kernel-assisted-by", Tool: "claude-code", Model: "anthropic/claude-opus-4-5", ModelID: "anthropic/claude-opus-4-5"}}},
		{"free-form Assisted-by (Fedora)",
			with("x\n\nAssisted-by: GitHub Copilot\n"),
			[]Marker{{Convention: "assisted-by", Tool: "GitHub Copilot"}}},
		{"Generated-by (Apache, OpenInfra)",
			with("x\n\nGenerated-by: ChatGPT 4o\n"),
			[]Marker{{Convention: "generated-by", Tool: "ChatGPT 4o"}}},
		{"a trailer outside the trailer block does not count",
			with("x\n\nCo-authored-by: Codex <noreply@openai.com>\n\nthis paragraph is prose, so the block above is not the trailer block\n"), nil},
		{"several conventions come in a fixed order",
			with("x\n\nCo-authored-by: Codex <noreply@openai.com>\nCo-authored-by: Claude <noreply@anthropic.com>\n"),
			[]Marker{{Convention: "claude-code", Tool: "claude-code"}, {Convention: "codex", Tool: "codex"}}},
	}
	for _, tt := range tests {
		got := Detect(tt.in)
		if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Marker{}, "Evidence"), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: (-want +got)\n%s", tt.reason, diff)
		}
		for _, m := range got {
			if m.Evidence == "" {
				t.Errorf("%s: marker %s has no evidence", tt.reason, m.Convention)
			}
			if err := m.Author().validate(); err != nil {
				t.Errorf("%s: marker author invalid: %v", tt.reason, err)
			}
		}
	}
}
