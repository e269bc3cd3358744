package provenance

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestDetect is the marker table: each row is a mark as its tool or
// project writes it, with the source that says so.
func TestDetect(t *testing.T) {
	human := CommitInfo{AuthorName: "Ada", AuthorEmail: "ada@example.com", CommitterName: "Ada", CommitterEmail: "ada@example.com"}
	with := func(msg string) CommitInfo { c := human; c.Message = msg; return c }
	tests := []struct {
		reason string
		source string // where the convention is defined or seen
		in     CommitInfo
		want   []Marker
	}{
		{"a plain commit has no marker", "", with("fix typo\n\nSigned-off-by: Ada <ada@example.com>\n"), nil},
		{"Claude Code line and co-author", "Claude Code's default commit attribution (docs: settings, includeCoAuthoredBy)",
			with("feat: x\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"),
			[]Marker{{Convention: "claude-code", Tool: "claude-code", Class: AI}}},
		{"Claude Code old link alone", "Claude Code before 2025-10 linked claude.ai/code",
			with("feat: x\n\n🤖 Generated with [Claude Code](https://claude.ai/code)\n"),
			[]Marker{{Convention: "claude-code", Tool: "claude-code", Class: AI}}},
		{"Claude Code with the model in the co-author name", "Claude Code 2.x co-author line",
			with("feat: x\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>\n"),
			[]Marker{{Convention: "claude-code", Tool: "claude-code", Model: "Claude Opus 4.5", ModelID: "anthropic/claude-opus-4-5", Class: AI}}},
		{"Claude Sonnet co-author alone", "Claude Code 2.x co-author line",
			with("x\n\nCo-authored-by: Claude Sonnet 4.5 <noreply@anthropic.com>\n"),
			[]Marker{{Convention: "claude-code", Tool: "claude-code", Model: "Claude Sonnet 4.5", ModelID: "anthropic/claude-sonnet-4-5", Class: AI}}},
		{"Claude session trailer", "Claude Code's Claude-Session trailer",
			with("x\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nClaude-Session: abc123\n"),
			[]Marker{{Convention: "claude-code", Tool: "claude-code", Session: "abc123", Class: AI}}},
		{"a person at anthropic is not Claude", "", with("x\n\nCo-authored-by: Jane Doe <noreply@anthropic.com>\n"), nil},
		{"a person named Claude at anthropic's address is not the model", "",
			with("x\n\nCo-authored-by: Claude Shannon <noreply@anthropic.com>\n"), nil},
		{"people named Claude stay human", "",
			with("x\n\nCo-authored-by: Claude Monet <claude@monet.fr>\nSigned-off-by: Claude Shannon <shannon@bell-labs.com>\n"), nil},
		{"an author named Claude stays human", "",
			CommitInfo{AuthorName: "Claude", AuthorEmail: "claude@example.org", CommitterName: "Claude", CommitterEmail: "claude@example.org", Message: "x\n"}, nil},
		{"prose mentions stay human", "",
			with("refactor: ask Claude later\n\nClaude suggested this, Codex too; generated with care.\nWritten with Cursor open.\n"), nil},
		{"Codex", "Codex cloud and CLI co-author line",
			with("x\n\nCo-authored-by: Codex <noreply@openai.com>\n"),
			[]Marker{{Convention: "codex", Tool: "codex", Class: AI}}},
		{"Cursor co-author", "Cursor agent commits",
			with("x\n\nCo-authored-by: Cursor <cursoragent@cursor.com>\n"),
			[]Marker{{Convention: "cursor", Tool: "cursor", Class: AI}}},
		{"Cursor Made-with", "Cursor's Made-with trailer",
			with("x\n\nMade-with: Cursor\n"),
			[]Marker{{Convention: "cursor", Tool: "cursor", Class: AI}}},
		{"aider co-author with model", "aider repo.py GitRepo.commit(), attribute_co_authored_by",
			with("x\n\nCo-authored-by: aider (openrouter/anthropic/claude-3.5-sonnet) <aider@aider.chat>\n"),
			[]Marker{{Convention: "aider", Tool: "aider", Model: "openrouter/anthropic/claude-3.5-sonnet", ModelID: "openrouter/anthropic/claude-3.5-sonnet", Class: AI}}},
		{"aider co-author with a bare model name, normalised", "aider repo.py GitRepo.commit()",
			with("x\n\nCo-authored-by: aider (gpt-4o) <aider@aider.chat>\n"),
			[]Marker{{Convention: "aider", Tool: "aider", Model: "gpt-4o", ModelID: "openai/gpt-4o", Class: AI}}},
		{"aider author name: the model's edits", "aider repo.py GitRepo.commit(): author name only if aider_edits and attribute_author",
			CommitInfo{AuthorName: "Ada (aider)", AuthorEmail: "ada@example.com", CommitterName: "Ada (aider)", CommitterEmail: "ada@example.com", Message: "x\n"},
			[]Marker{{Convention: "aider", Tool: "aider", Class: AI}, {Convention: "aider-committer", Tool: "aider", Class: Human}}},
		{"aider committer name alone: aider ran git commit, the lines may be the person's", "aider repo.py GitRepo.commit(): committer name on every commit (attribute_committer)",
			CommitInfo{AuthorName: "Ada", CommitterName: "Ada (aider)", Message: "x\n"},
			[]Marker{{Convention: "aider-committer", Tool: "aider", Class: Human}}},
		{"aider old subject prefix", "aider before 0.x: \"aider: \" subject prefix on aider's edits",
			with("aider: Added tests\n\n# Aider chat conversation:\n"),
			[]Marker{{Convention: "aider", Tool: "aider", Class: AI}}},
		{"Amp", "Amp's commit trailers",
			with("x\n\nAmp-Thread-ID: https://ampcode.com/threads/T-1\nCo-authored-by: Amp <amp@ampcode.com>\n"),
			[]Marker{{Convention: "amp", Tool: "amp", Session: "https://ampcode.com/threads/T-1", Class: AI}}},
		{"Copilot as author", "GitHub Copilot coding agent's bot identity",
			CommitInfo{AuthorName: "Copilot", AuthorEmail: "198982749+Copilot@users.noreply.github.com", Message: "x\n"},
			[]Marker{{Convention: "copilot", Tool: "copilot", Class: AI}}},
		{"Copilot as co-author", "GitHub squash-merges of Copilot's pull requests",
			with("x\n\nCo-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>\n"),
			[]Marker{{Convention: "copilot", Tool: "copilot", Class: AI}}},
		{"Copilot cloud agent: bot author and Agent-Logs-Url", "commits of Copilot's cloud agent (Z3Prover/z3 #9465, go-kratos/kratos #3808)",
			CommitInfo{AuthorName: "copilot-swe-agent[bot]", AuthorEmail: "198982749+Copilot@users.noreply.github.com",
				Message: "fix: clone transport\n\nCo-authored-by: dev <1+dev@users.noreply.github.com>\nAgent-Logs-Url: https://github.com/o/r/sessions/6ae6cae0\n"},
			[]Marker{{Convention: "copilot", Tool: "copilot", Session: "https://github.com/o/r/sessions/6ae6cae0", Class: AI}}},
		{"Jules", "google-labs-jules[bot] identity",
			CommitInfo{AuthorName: "google-labs-jules[bot]", AuthorEmail: "161369871+google-labs-jules[bot]@users.noreply.github.com", Message: "x\n"},
			[]Marker{{Convention: "jules", Tool: "jules", Class: AI}}},
		{"Devin as author", "devin-ai-integration[bot] identity",
			CommitInfo{AuthorName: "devin-ai-integration[bot]", AuthorEmail: "158243242+devin-ai-integration[bot]@users.noreply.github.com", Message: "x\n"},
			[]Marker{{Convention: "devin", Tool: "devin", Class: AI}}},
		{"Devin as co-author", "Devin's Co-Authored-By trailer on commits it makes for a person",
			with("x\n\nCo-Authored-By: Devin <158243242+devin-ai-integration[bot]@users.noreply.github.com>\n"),
			[]Marker{{Convention: "devin", Tool: "devin", Class: AI}}},
		{"kernel Assisted-by with tools", "Linux Documentation/process/coding-assistants.rst",
			with("x\n\nAssisted-by: Claude:claude-3-opus coccinelle sparse\nSigned-off-by: Ada <ada@example.com>\n"),
			[]Marker{{Convention: "kernel-assisted-by", Tool: "Claude", Model: "claude-3-opus", ModelID: "anthropic/claude-3-opus", Class: AI}}},
		{"kernel Assisted-by with a models.dev id", "Linux Documentation/process/coding-assistants.rst",
			with("x\n\nAssisted-by: claude-code:anthropic/claude-opus-4-5\n"),
			[]Marker{{Convention: "kernel-assisted-by", Tool: "claude-code", Model: "anthropic/claude-opus-4-5", ModelID: "anthropic/claude-opus-4-5", Class: AI}}},
		{"hallmark's own Assisted-by: some lines are the model's, the note says which", "provenance.AssistedBy",
			with("x\n\n" + AssistedBy(Author{Kind: Model, ModelID: "anthropic/claude-opus-4-5", Tool: "claude-code"}).String() + "\n"),
			[]Marker{{Convention: "hallmark", Tool: "claude-code", Model: "anthropic/claude-opus-4-5", ModelID: "anthropic/claude-opus-4-5", Class: Unknown}}},
		{"OpenInfra Assisted-By: a person materially revised it", "OpenInfra AI policy; nova contributor/commit-messages",
			with("x\n\nAssisted-By: claude-code claude-sonnet-4-5\n"),
			[]Marker{{Convention: "assisted-by", Tool: "claude-code", Model: "claude-sonnet-4-5", ModelID: "anthropic/claude-sonnet-4-5", Class: Mixed}}},
		{"OpenInfra Generated-By: mostly machine-written", "OpenInfra AI policy; nova contributor/commit-messages",
			with("x\n\nGenerated-By: claude-code claude-sonnet-4-5\n"),
			[]Marker{{Convention: "generated-by", Tool: "claude-code", Model: "claude-sonnet-4-5", ModelID: "anthropic/claude-sonnet-4-5", Class: AI}}},
		{"free-form Assisted-by (Fedora, OpenStack reviews)", "Fedora AI-assisted contributions policy",
			with("x\n\nAssisted-by: GitHub Copilot\n"),
			[]Marker{{Convention: "assisted-by", Tool: "GitHub Copilot", Class: Mixed}}},
		{"Assisted-By naming only a model", "nova-specs review 951222",
			with("x\n\nAssisted-By: deepseek-r1\n"),
			[]Marker{{Convention: "assisted-by", Tool: "deepseek-r1", Model: "deepseek-r1", ModelID: "deepseek/deepseek-r1", Class: Mixed}}},
		{"Generated-by (Apache)", "ASF generative tooling guidance",
			with("x\n\nGenerated-by: ChatGPT 4o\n"),
			[]Marker{{Convention: "generated-by", Tool: "ChatGPT 4o", Class: AI}}},
		{"Open Liberty Co-authored-by-AI", "OpenLiberty/open-liberty GENAI_GUIDELINES.md",
			with("x\n\nCo-authored-by-AI: GitHub Copilot (gpt-4.1)\n"),
			[]Marker{{Convention: "co-authored-by-ai", Tool: "GitHub Copilot", Model: "gpt-4.1", ModelID: "openai/gpt-4.1", Class: AI}}},
		{"Open Liberty Co-authored-by-AI, tool only", "OpenLiberty/open-liberty GENAI_GUIDELINES.md",
			with("x\n\nCo-authored-by-AI: IBM Bob 1.0.0\n"),
			[]Marker{{Convention: "co-authored-by-ai", Tool: "IBM Bob 1.0.0", Class: AI}}},
		{"Entire: a share, not every line", "entireio/cli docs/architecture/attribution.md",
			with("feat: x\n\nEntire-Checkpoint: a3b2c4d5e6f7\nEntire-Attribution: 73% agent (146/200 lines)\n"),
			[]Marker{{Convention: "entire", Tool: "entire", Session: "a3b2c4d5e6f7", Class: Unknown, Share: &Share{AgentLines: 146, TotalLines: 200, Percent: 73}}}},
		{"Entire: every line the agent's", "entireio/cli docs/architecture/attribution.md",
			with("feat: x\n\nEntire-Attribution: 100% agent (61/61 lines)\nEntire-Checkpoint: a3b2c4d5e6f7\n"),
			[]Marker{{Convention: "entire", Tool: "entire", Session: "a3b2c4d5e6f7", Class: AI, Share: &Share{AgentLines: 61, TotalLines: 61, Percent: 100}}}},
		{"Entire: none of them", "entireio/cli docs/architecture/attribution.md",
			with("feat: x\n\nEntire-Attribution: 0% agent (0/12 lines)\n"),
			[]Marker{{Convention: "entire", Tool: "entire", Class: Human, Share: &Share{AgentLines: 0, TotalLines: 12, Percent: 0}}}},
		{"a trailer outside the trailer block does not count", "git trailer.c",
			with("x\n\nCo-authored-by: Codex <noreply@openai.com>\n\nthis paragraph is prose, so the block above is not the trailer block\n"), nil},
		{"a --- line does not end a commit message", "git pretty.c %(trailers): no_divider",
			with("feat: x\n\nbody\n---\nmore\n\nAssisted-by: claude-code:claude-opus-4-5\n"),
			[]Marker{{Convention: "kernel-assisted-by", Tool: "claude-code", Model: "claude-opus-4-5", ModelID: "anthropic/claude-opus-4-5", Class: AI}}},
		{"several conventions come in a fixed order", "",
			with("x\n\nCo-authored-by: Codex <noreply@openai.com>\nCo-authored-by: Claude <noreply@anthropic.com>\n"),
			[]Marker{{Convention: "claude-code", Tool: "claude-code", Class: AI}, {Convention: "codex", Tool: "codex", Class: AI}}},
	}
	for _, tt := range tests {
		got := Detect(tt.in)
		if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Marker{}, "Evidence"), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s (%s): (-want +got)\n%s", tt.reason, tt.source, diff)
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

func TestNormalizeModel(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"gpt-5.2", "openai/gpt-5.2"},
		{"openai/gpt-5.2", "openai/gpt-5.2"},
		{"GPT-5.2", "openai/gpt-5.2"},
		{"o3-mini", "openai/o3-mini"},
		{"o3", "openai/o3"},
		{"Claude Opus 4.5", "anthropic/claude-opus-4-5"},
		{"claude-opus-4-5-20251101", "anthropic/claude-opus-4-5-20251101"},
		{"anthropic/claude-opus-4.5", "anthropic/claude-opus-4-5"},
		{"claude-3.5-sonnet", "anthropic/claude-3-5-sonnet"},
		{"gemini-2.5-pro", "google/gemini-2.5-pro"},
		{"Gemini 2.5 Pro", "google/gemini-2.5-pro"},
		{"grok-4", "xai/grok-4"},
		{"deepseek-r1", "deepseek/deepseek-r1"},
		{"openrouter/anthropic/claude-3.5-sonnet", "openrouter/anthropic/claude-3.5-sonnet"},
		{"devstral-small", "mistral/devstral-small"},
		{"Claude", ""},
		{"Claude Shannon", "anthropic/claude-shannon"}, // a name in a model's place: callers check the name first
		{"ChatGPT", ""},
		{"oxygen", ""},
		{"someco/model", ""},
		{"", ""},
	} {
		if got := NormalizeModel(tt.in); got != tt.want {
			t.Errorf("NormalizeModel(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestOneModelInEveryBreakdown: the same model written two ways is one
// author.
func TestOneModelInEveryBreakdown(t *testing.T) {
	a := Detect(CommitInfo{Message: "x\n\nAssisted-by: codex:gpt-5.2\n"})
	b := Detect(CommitInfo{Message: "x\n\nAssisted-by: codex:openai/gpt-5.2\n"})
	if len(a) != 1 || len(b) != 1 || a[0].Author().ModelID != b[0].Author().ModelID || a[0].Author().ModelID != "openai/gpt-5.2" {
		t.Fatalf("%+v vs %+v", a, b)
	}
	if a[0].Author().Model != "gpt-5.2" || b[0].Author().Model != "" {
		t.Errorf("the text as written is kept when it differs from the id: %+v, %+v", a[0].Author(), b[0].Author())
	}
}
