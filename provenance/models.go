package provenance

import (
	"cmp"
	"strings"
)

// NormalizeModel returns the models.dev id ("provider/model") of a model
// as a commit message or a tool names it, or "" when the provider cannot
// be told from the text. "gpt-5.2", "openai/gpt-5.2" and "GPT-5.2" are one
// model, "openai/gpt-5.2"; "Claude Opus 4.5" and "claude-opus-4-5" are
// "anthropic/claude-opus-4-5". A name that already starts with a provider
// ("openrouter/anthropic/claude-3.5-sonnet") keeps it. The original text is
// for the caller to keep beside the id ([Author.Model]).
//
// The forms follow models.dev's catalogue (github.com/anomalyco/models.dev,
// formerly sst/models.dev: providers/PROVIDER/models/MODEL.toml, such as
// providers/anthropic/models/claude-opus-4-5.toml and
// providers/openai/models/gpt-5.2.toml): Anthropic ids use dashes for the
// version ("claude-sonnet-4-5"), OpenAI, Google and xAI ids keep dots
// ("gpt-5.2", "gemini-2.5-pro").
func NormalizeModel(text string) string {
	s := strings.ToLower(strings.TrimSpace(text))
	s = strings.Join(strings.Fields(s), "-")
	if s == "" {
		return ""
	}
	if provider, rest, ok := strings.Cut(s, "/"); ok {
		if knownProviders[provider] && rest != "" && ValidModelID(s) {
			if provider == "anthropic" {
				return "anthropic/" + strings.ReplaceAll(rest, ".", "-")
			}
			return s
		}
		return ""
	}
	var provider string
	switch {
	case strings.HasPrefix(s, "claude-"):
		provider, s = "anthropic", strings.ReplaceAll(s, ".", "-")
	case strings.HasPrefix(s, "gpt-"), strings.HasPrefix(s, "chatgpt-"), strings.HasPrefix(s, "codex-"),
		isOpenAIReasoning(s):
		provider = "openai"
	case strings.HasPrefix(s, "gemini-"), strings.HasPrefix(s, "gemma-"):
		provider = "google"
	case strings.HasPrefix(s, "grok-"):
		provider = "xai"
	case strings.HasPrefix(s, "deepseek-"):
		provider = "deepseek"
	case strings.HasPrefix(s, "mistral-"), strings.HasPrefix(s, "codestral"), strings.HasPrefix(s, "devstral"),
		strings.HasPrefix(s, "magistral"):
		provider = "mistral"
	default:
		return ""
	}
	id := provider + "/" + s
	if !ValidModelID(id) {
		return ""
	}
	return id
}

// isOpenAIReasoning matches "o1", "o3-mini", "o4-mini-high": the letter o,
// a digit, then nothing or a dash.
func isOpenAIReasoning(s string) bool {
	if len(s) < 2 || s[0] != 'o' || s[1] < '1' || s[1] > '9' {
		return false
	}
	return len(s) == 2 || s[2] == '-'
}

// knownProviders are models.dev provider ids a model name may start with.
var knownProviders = map[string]bool{
	"anthropic": true, "openai": true, "google": true, "google-vertex": true, "xai": true,
	"deepseek": true, "mistral": true, "openrouter": true, "amazon-bedrock": true,
	"azure": true, "github-copilot": true, "groq": true, "meta": true, "alibaba": true,
	"moonshotai": true, "zai": true, "cohere": true, "fireworks-ai": true, "togetherai": true,
	"vercel": true, "ollama": true, "lmstudio": true, "opencode": true,
}

// ModelName is the one name a breakdown by model gives an author's lines,
// so that the spellings of one model make one row: "(human)" for a
// person; for a model, its id ([Author.ModelID], else the name the
// evidence gave) as [NormalizeModel] writes it, without a router in front
// ("openrouter/anthropic/claude-opus-4.5" is "anthropic/claude-opus-4-5")
// and without a snapshot's date ("claude-sonnet-4-5-20250929" is
// "anthropic/claude-sonnet-4-5", "gpt-4o-2024-08-06" is "openai/gpt-4o");
// a model not named says what is known: "aider, model not named".
func ModelName(a Author) string {
	if a.Kind != Model {
		return "(human)"
	}
	s := a.ModelID
	if s == "" {
		s = a.Model
	}
	if s == "" {
		return cmp.Or(a.Tool, "unknown tool") + ", model not named"
	}
	if parts := strings.Split(s, "/"); len(parts) > 2 && routers[strings.ToLower(parts[0])] {
		s = strings.Join(parts[1:], "/")
	}
	if id := NormalizeModel(s); id != "" {
		s = id
	}
	return withoutDate(s)
}

// routers pass a request on to the model's own provider, named after them.
var routers = map[string]bool{"openrouter": true, "vercel": true, "github-copilot": true, "amazon-bedrock": true, "google-vertex": true, "azure": true}

// withoutDate drops a snapshot date at the end of an id: -YYYYMMDD
// (Anthropic) or -YYYY-MM-DD (OpenAI).
func withoutDate(s string) string {
	digits := func(t string) bool {
		for _, c := range t {
			if c < '0' || c > '9' {
				return false
			}
		}
		return t != ""
	}
	if i := strings.LastIndexByte(s, '-'); i > 0 && len(s)-i-1 == 8 && digits(s[i+1:]) && strings.HasPrefix(s[i+1:], "20") {
		return s[:i]
	}
	if n := len(s); n > 11 && s[n-11] == '-' && s[n-6] == '-' && s[n-3] == '-' &&
		digits(s[n-10:n-6]) && digits(s[n-5:n-3]) && digits(s[n-2:]) && strings.HasPrefix(s[n-10:], "20") {
		return s[:n-11]
	}
	return s
}
