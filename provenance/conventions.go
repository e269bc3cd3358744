package provenance

import (
	"slices"
	"strings"
)

// CommitInfo is what [Detect] reads of a commit.
type CommitInfo struct {
	AuthorName     string
	AuthorEmail    string
	CommitterName  string
	CommitterEmail string
	Message        string
}

// Marker is one sign of AI involvement found in a commit.
type Marker struct {
	Convention string // which convention matched, e.g. "claude-code", "kernel-assisted-by"
	Tool       string // the agent, normalized: "claude-code", "codex", "cursor", "aider", ...
	ModelID    string // models.dev id when the text names the model in a form we can map
	Model      string // the model exactly as the text names it, if it does
	Session    string // a session or thread id, if the text gives one
	Evidence   string // the text that matched, for people to check
}

// Author returns the model author the marker stands for.
func (m Marker) Author() Author {
	a := Author{Kind: Model, ModelID: m.ModelID, Tool: m.Tool, Session: m.Session}
	if m.ModelID == "" {
		a.Model = m.Model
	}
	return a
}

// The exact strings of the conventions. Each comes from commits in the wild.
const (
	claudeCodeLine    = "🤖 Generated with [Claude Code](https://claude.com/claude-code)"
	claudeCodeLineOld = "🤖 Generated with [Claude Code](https://claude.ai/code)"
	anthropicEmail    = "noreply@anthropic.com"
	codexEmail        = "noreply@openai.com"
	cursorEmail       = "cursoragent@cursor.com"
	aiderEmail        = "aider@aider.chat"
	ampEmail          = "amp@ampcode.com"
	copilotEmail      = "198982749+copilot@users.noreply.github.com"
	julesBot          = "google-labs-jules[bot]"
	devinBot          = "devin-ai-integration[bot]"
)

// Detect returns the AI markers of a commit, at most one per convention, in
// a fixed order. Trailers are read with [ParseTrailers], so only what git
// itself calls a trailer counts; the Claude Code line and aider's subject
// prefix are matched where those tools write them.
func Detect(c CommitInfo) []Marker {
	var out []Marker
	add := func(m Marker) {
		for i := range out {
			if out[i].Convention == m.Convention {
				merge(&out[i], m)
				return
			}
		}
		out = append(out, m)
	}

	for _, line := range strings.Split(c.Message, "\n") {
		l := strings.TrimSpace(line)
		if l == claudeCodeLine || l == claudeCodeLineOld {
			add(Marker{Convention: "claude-code", Tool: "claude-code", Evidence: l})
		}
	}
	subject, _, _ := strings.Cut(c.Message, "\n")
	if strings.HasPrefix(subject, "aider: ") {
		add(Marker{Convention: "aider", Tool: "aider", Evidence: "subject prefix \"aider: \""})
	}

	people := []struct{ name, email, role string }{
		{c.AuthorName, c.AuthorEmail, "author"},
		{c.CommitterName, c.CommitterEmail, "committer"},
	}
	for _, p := range people {
		if m, ok := botIdentity(p.name, p.email, p.role); ok {
			add(m)
		}
	}

	for _, t := range ParseTrailers(c.Message) {
		key := strings.ToLower(t.Key)
		switch key {
		case "co-authored-by":
			name, email := splitIdent(t.Value)
			if m, ok := coAuthor(name, email, t.String()); ok {
				add(m)
			}
		case "claude-session":
			add(Marker{Convention: "claude-code", Tool: "claude-code", Session: t.Value, Evidence: t.String()})
		case "amp-thread-id":
			add(Marker{Convention: "amp", Tool: "amp", Session: t.Value, Evidence: t.String()})
		case "made-with":
			if strings.EqualFold(t.Value, "Cursor") {
				add(Marker{Convention: "cursor", Tool: "cursor", Evidence: t.String()})
			}
		case "assisted-by":
			add(assistedBy(t))
		case "generated-by":
			if t.Value != "" {
				add(Marker{Convention: "generated-by", Tool: t.Value, Evidence: t.String()})
			}
		}
	}
	order := []string{"claude-code", "codex", "cursor", "aider", "amp", "copilot", "jules", "devin", "kernel-assisted-by", "assisted-by", "generated-by"}
	slices.SortStableFunc(out, func(a, b Marker) int {
		return slices.Index(order, a.Convention) - slices.Index(order, b.Convention)
	})
	return out
}

func merge(dst *Marker, m Marker) {
	if dst.ModelID == "" {
		dst.ModelID = m.ModelID
	}
	if dst.Model == "" {
		dst.Model = m.Model
	}
	if dst.Session == "" {
		dst.Session = m.Session
	}
	if m.Evidence != "" && !strings.Contains(dst.Evidence, m.Evidence) {
		dst.Evidence += "; " + m.Evidence
	}
}

// splitIdent splits "Name <email>" into its parts.
func splitIdent(s string) (name, email string) {
	i := strings.LastIndexByte(s, '<')
	j := strings.LastIndexByte(s, '>')
	if i < 0 || j < i {
		return strings.TrimSpace(s), ""
	}
	return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1 : j])
}

// botIdentity recognizes agents that commit under their own identity.
func botIdentity(name, email, role string) (Marker, bool) {
	ev := role + " " + name + " <" + email + ">"
	lowEmail := strings.ToLower(email)
	switch {
	case lowEmail == copilotEmail:
		return Marker{Convention: "copilot", Tool: "copilot", Evidence: ev}, true
	case name == julesBot || strings.HasSuffix(lowEmail, "+"+julesBot+"@users.noreply.github.com"):
		return Marker{Convention: "jules", Tool: "jules", Evidence: ev}, true
	case name == devinBot || strings.HasSuffix(lowEmail, "+"+devinBot+"@users.noreply.github.com"):
		return Marker{Convention: "devin", Tool: "devin", Evidence: ev}, true
	case strings.HasSuffix(name, " (aider)"):
		return Marker{Convention: "aider", Tool: "aider", Evidence: ev}, true
	}
	return Marker{}, false
}

// coAuthor recognizes the Co-authored-by trailers agents add.
func coAuthor(name, email, ev string) (Marker, bool) {
	switch strings.ToLower(email) {
	case anthropicEmail:
		if name != "Claude" && !strings.HasPrefix(name, "Claude ") {
			return Marker{}, false
		}
		m := Marker{Convention: "claude-code", Tool: "claude-code", Evidence: ev}
		if model := strings.TrimSpace(strings.TrimPrefix(name, "Claude")); model != "" {
			m.Model = name
			m.ModelID = claudeModelID(name)
		}
		return m, true
	case codexEmail:
		if !strings.EqualFold(name, "Codex") {
			return Marker{}, false
		}
		return Marker{Convention: "codex", Tool: "codex", Evidence: ev}, true
	case cursorEmail:
		return Marker{Convention: "cursor", Tool: "cursor", Evidence: ev}, true
	case aiderEmail:
		m := Marker{Convention: "aider", Tool: "aider", Evidence: ev}
		if rest, ok := strings.CutPrefix(name, "aider ("); ok && strings.HasSuffix(rest, ")") {
			m.Model = strings.TrimSuffix(rest, ")")
			if ValidModelID(m.Model) {
				m.ModelID = m.Model
			}
		}
		return m, true
	case ampEmail:
		return Marker{Convention: "amp", Tool: "amp", Evidence: ev}, true
	case copilotEmail:
		return Marker{Convention: "copilot", Tool: "copilot", Evidence: ev}, true
	}
	return Marker{}, false
}

// claudeModelID maps the model name Claude Code writes ("Claude Opus 4.5")
// to the models.dev id of that model's alias ("anthropic/claude-opus-4-5").
// The dated snapshot is not in the text, so it is not invented.
func claudeModelID(name string) string {
	f := strings.Fields(strings.ToLower(name))
	for i := range f {
		f[i] = strings.ReplaceAll(f[i], ".", "-")
	}
	id := "anthropic/" + strings.Join(f, "-")
	if !ValidModelID(id) {
		return ""
	}
	return id
}

// AssistedBy is the trailer that says a model wrote some of a commit's
// lines, in the kernel's "AGENT_NAME:MODEL_VERSION" form: the author's tool
// (or "agent") and model. It is what the prepare-commit-msg hook adds, and
// what Detect reads back as a kernel-assisted-by marker.
func AssistedBy(a Author) Trailer {
	agent := a.Tool
	if agent == "" {
		agent = "agent"
	}
	model := a.ModelID
	if model == "" {
		model = a.Model
	}
	if model == "" {
		return Trailer{Key: "Assisted-by", Value: agent}
	}
	return Trailer{Key: "Assisted-by", Value: agent + ":" + model}
}

// assistedBy reads the kernel's "AGENT_NAME:MODEL_VERSION [TOOL1] [TOOL2]"
// form, and otherwise takes the value as the free-form name of the assistant
// (Fedora's policy).
func assistedBy(t Trailer) Marker {
	fields := strings.Fields(t.Value)
	if len(fields) > 0 {
		if agent, model, ok := strings.Cut(fields[0], ":"); ok && agent != "" && model != "" {
			m := Marker{Convention: "kernel-assisted-by", Tool: agent, Model: model, Evidence: t.String()}
			if ValidModelID(model) {
				m.ModelID = model
			}
			return m
		}
	}
	return Marker{Convention: "assisted-by", Tool: t.Value, Evidence: t.String()}
}
