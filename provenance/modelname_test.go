package provenance

import "testing"

// TestModelName: the spellings one model is given by agents' trailers,
// hook payloads and records are one row. The spellings are real: Claude
// Code's trailer "Co-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>"
// and its hook payloads' "claude-sonnet-4-5-20250929"; aider's
// "Co-authored-by: aider (openrouter/anthropic/claude-sonnet-4.5)";
// opencode's "anthropic/claude-sonnet-4.5"; OpenAI's dated snapshot ids
// ("gpt-4o-2024-08-06").
func TestModelName(t *testing.T) {
	tests := []struct {
		reason string
		author Author
		want   string
	}{
		{"a person", Author{Kind: Person, Name: "Ada"}, "(human)"},
		{"Claude Code's trailer name", Author{Kind: Model, Model: "Claude Sonnet 4.5"}, "anthropic/claude-sonnet-4-5"},
		{"a normalised id", Author{Kind: Model, ModelID: "anthropic/claude-sonnet-4-5"}, "anthropic/claude-sonnet-4-5"},
		{"dots for the version", Author{Kind: Model, ModelID: "anthropic/claude-sonnet-4.5"}, "anthropic/claude-sonnet-4-5"},
		{"a hook payload's dated id", Author{Kind: Model, ModelID: "anthropic/claude-sonnet-4-5-20250929"}, "anthropic/claude-sonnet-4-5"},
		{"no provider", Author{Kind: Model, Model: "claude-sonnet-4-5"}, "anthropic/claude-sonnet-4-5"},
		{"through a router", Author{Kind: Model, ModelID: "openrouter/anthropic/claude-sonnet-4.5"}, "anthropic/claude-sonnet-4-5"},
		{"OpenAI's dated snapshot", Author{Kind: Model, ModelID: "openai/gpt-4o-2024-08-06"}, "openai/gpt-4o"},
		{"GPT by its name", Author{Kind: Model, Model: "GPT-5.2"}, "openai/gpt-5.2"},
		{"a version that is not a date", Author{Kind: Model, ModelID: "openai/gpt-5.2-codex"}, "openai/gpt-5.2-codex"},
		{"an unknown provider's model kept as given", Author{Kind: Model, Model: "SuperCoder 9"}, "SuperCoder 9"},
		{"no model named", Author{Kind: Model, Tool: "aider"}, "aider, model not named"},
	}
	for _, tt := range tests {
		if got := ModelName(tt.author); got != tt.want {
			t.Errorf("%s: ModelName(%+v) = %q, want %q", tt.reason, tt.author, got, tt.want)
		}
	}
}
