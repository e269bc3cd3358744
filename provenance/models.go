package provenance

import "strings"

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
