package agenthook

import (
	"strings"
)

// modelPrefixes name the provider of a bare model name, in the provider
// names models.dev uses.
var modelPrefixes = []struct{ prefix, provider string }{
	{"claude", "anthropic"},
	{"gpt-", "openai"}, {"gpt5", "openai"}, {"o1", "openai"}, {"o3", "openai"}, {"o4", "openai"}, {"codex-", "openai"}, {"chatgpt", "openai"}, {"codex", "openai"},
	{"gemini", "google"}, {"gemma", "google"},
	{"grok", "xai"},
	{"deepseek", "deepseek"},
	{"qwen", "alibaba"},
	{"mistral", "mistral"}, {"codestral", "mistral"}, {"devstral", "mistral"}, {"magistral", "mistral"},
	{"kimi", "moonshotai"},
	{"glm", "zai"},
	{"llama", "meta"},
	{"composer", "cursor"},
	{"swe-", "windsurf"},
}

// routers are provider names that only pass a request on: the model's
// own provider follows them.
var routers = map[string]bool{"openrouter": true, "vercel": true, "github-copilot": true, "bedrock": true, "amazon-bedrock": true, "vertex": true, "google-vertex": true, "azure": true}

// NormalizeModel turns a model as an agent names it into the models.dev
// form provider/model ("claude-sonnet-4-5-20250929" becomes
// "anthropic/claude-sonnet-4-5-20250929", "models/gemini-2.5-pro" becomes
// "google/gemini-2.5-pro", "openrouter/anthropic/claude-opus-4.5" becomes
// "anthropic/claude-opus-4.5"). A name whose provider it cannot tell is
// returned as given, trimmed; names that say no model was chosen ("auto",
// "default", "unknown") become "".
func NormalizeModel(raw string) string {
	s := strings.TrimSpace(raw)
	switch strings.ToLower(s) {
	case "", "auto", "default", "unknown", "none", "null":
		return ""
	}
	if strings.ContainsAny(s, "\n\t") || len(s) > 200 {
		return ""
	}
	if rest, ok := strings.CutPrefix(s, "models/"); ok { // Gemini API form
		s = rest
	}
	if parts := strings.Split(s, "/"); len(parts) > 2 && routers[strings.ToLower(parts[0])] {
		s = strings.Join(parts[1:], "/")
	}
	if provider, model, ok := strings.Cut(s, "/"); ok && provider != "" && model != "" && !strings.Contains(provider, " ") {
		return strings.ToLower(provider) + "/" + model
	}
	// A display name ("Claude Opus 4.5") becomes a slug.
	name := strings.ToLower(strings.Join(strings.Fields(s), "-"))
	// Bedrock's "us.anthropic.claude-..." and "anthropic.claude-...".
	if i := strings.Index(name, "anthropic."); i >= 0 {
		name = name[i+len("anthropic."):]
	}
	for _, p := range modelPrefixes {
		if strings.HasPrefix(name, p.prefix) {
			return p.provider + "/" + name
		}
	}
	return s
}
