package provenance

import (
	"fmt"
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
	// Class is what the convention says of the commit's lines: AI for most
	// (the tool wrote them), Mixed where the convention says a person
	// materially revised the model's work (OpenInfra's Assisted-By),
	// Human for a mark that says a tool ran the commit but not that it
	// wrote it (aider's committer name alone), Unknown where the mark says
	// a model wrote some lines without saying which (a commit-level share,
	// hallmark's own trailer without its note).
	Class Class
	// Share is a commit-level count the mark carries (Entire's
	// "Entire-Attribution: 71% agent (43/61 lines)"); nil when none.
	Share *Share
}

// Share is how many of a commit's lines a mark says the agent wrote. It
// is about the commit as a whole: which lines they are is not said.
type Share struct {
	AgentLines int `json:"agent_lines"`
	TotalLines int `json:"total_lines"`
	Percent    int `json:"percent"` // as written
}

// Author returns the model author the marker stands for: the models.dev
// id when the model is known, and the model as the text wrote it when
// that differs from the id.
func (m Marker) Author() Author {
	a := Author{Kind: Model, ModelID: m.ModelID, Tool: m.Tool, Session: m.Session}
	if m.Model != m.ModelID {
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
// a fixed order. Trailers are read with [ParseCommitTrailers], so only what
// git's own log readers call a trailer counts; the Claude Code line and
// aider's subject prefix are matched where those tools write them.
//
// Each convention is encoded as its tool or project writes it; the source
// read is cited beside its case (see also the package documentation's
// marker table).
func Detect(c CommitInfo) []Marker {
	var out []Marker
	add := func(m Marker) {
		// A commit message need not be UTF-8; a record's text must be.
		for _, p := range []*string{&m.Tool, &m.Model, &m.ModelID, &m.Session, &m.Evidence} {
			*p = strings.ToValidUTF8(*p, "\uFFFD")
		}
		if m.ModelID != "" && !ValidModelID(m.ModelID) {
			m.ModelID = ""
		}
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
			add(Marker{Convention: "claude-code", Tool: "claude-code", Evidence: l, Class: AI})
		}
	}
	subject, _, _ := strings.Cut(c.Message, "\n")
	if strings.HasPrefix(subject, "aider: ") {
		add(Marker{Convention: "aider", Tool: "aider", Evidence: "subject prefix \"aider: \"", Class: AI})
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

	for _, t := range ParseCommitTrailers(c.Message) {
		key := strings.ToLower(t.Key)
		switch key {
		case "co-authored-by":
			name, email := splitIdent(t.Value)
			if m, ok := coAuthor(name, email, t.String()); ok {
				add(m)
			}
		case "claude-session":
			add(Marker{Convention: "claude-code", Tool: "claude-code", Session: t.Value, Evidence: t.String(), Class: AI})
		case "amp-thread-id":
			add(Marker{Convention: "amp", Tool: "amp", Session: t.Value, Evidence: t.String(), Class: AI})
		case "made-with":
			if strings.EqualFold(t.Value, "Cursor") {
				add(Marker{Convention: "cursor", Tool: "cursor", Evidence: t.String(), Class: AI})
			}
		case "agent-logs-url":
			// GitHub Copilot's cloud agent links its session log in every
			// commit it makes (github.blog changelog, 2026-03; commits in
			// Z3Prover/z3 and go-kratos/kratos carry it).
			if t.Value != "" {
				add(Marker{Convention: "copilot", Tool: "copilot", Session: t.Value, Evidence: t.String(), Class: AI})
			}
		case "co-authored-by-ai":
			// Open Liberty's GENAI_GUIDELINES.md: "Co-authored-by-AI: <AI
			// Tool/IDE/Platform> (<Model Name/Version>)" on commits that
			// include AI-generated content.
			if m, ok := toolAndModel("co-authored-by-ai", t, AI); ok {
				add(m)
			}
		case "assisted-by":
			if m, ok := assistedBy(t); ok {
				add(m)
			}
		case "generated-by":
			// OpenInfra's AI policy (and Apache's generative tooling
			// guidance): "Generated-By: <tool-name> [model-version]" when the
			// change is mostly machine-authored.
			if m, ok := toolAndModel("generated-by", t, AI); ok {
				add(m)
			}
		case "entire-attribution":
			if m, ok := entireAttribution(t); ok {
				add(m)
			}
		case "entire-checkpoint":
			add(Marker{Convention: "entire", Tool: "entire", Session: t.Value, Evidence: t.String(), Class: Unknown})
		}
	}
	order := []string{"claude-code", "codex", "cursor", "aider", "amp", "copilot", "jules", "devin", "entire",
		"co-authored-by-ai", "kernel-assisted-by", "generated-by", "assisted-by", "hallmark", "aider-committer"}
	slices.SortStableFunc(out, func(a, b Marker) int {
		return slices.Index(order, a.Convention) - slices.Index(order, b.Convention)
	})
	return out
}

func merge(dst *Marker, m Marker) {
	switch {
	case m.Share != nil: // a count says more than a mark without one
		dst.Class, dst.Share = m.Class, m.Share
	case dst.Class == "", dst.Class == Unknown && dst.Share == nil:
		dst.Class = m.Class
	}
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
		return Marker{Convention: "copilot", Tool: "copilot", Evidence: ev, Class: AI}, true
	case name == julesBot || strings.HasSuffix(lowEmail, "+"+julesBot+"@users.noreply.github.com"):
		return Marker{Convention: "jules", Tool: "jules", Evidence: ev, Class: AI}, true
	case isDevin(name, lowEmail):
		return Marker{Convention: "devin", Tool: "devin", Evidence: ev, Class: AI}, true
	case strings.HasSuffix(name, " (aider)") && role == "author":
		// aider's repo.py, GitRepo.commit(): the author name gets
		// " (aider)" only `if aider_edits and self.attribute_author`, that
		// is when the commit holds the model's edits. aider's own
		// per-release figure (scripts/blame.py, get_commit_authors) counts
		// exactly these: the author name, an "aider:" subject or a
		// "co-authored-by: aider" line; never the committer.
		return Marker{Convention: "aider", Tool: "aider", Evidence: ev, Class: AI}, true
	case strings.HasSuffix(name, " (aider)"):
		// The same function sets GIT_COMMITTER_NAME to "NAME (aider)" on
		// every commit aider runs (attribute_committer), its /commit and
		// the dirty-file commits of the person's own changes included: it
		// says who ran git commit, not who wrote the lines.
		return Marker{Convention: "aider-committer", Tool: "aider", Evidence: ev, Class: Human}, true
	}
	return Marker{}, false
}

// isDevin recognizes Devin's bot identity (devin-ai-integration[bot], as
// author, or in Devin's "Co-Authored-By: Devin
// <158243242+devin-ai-integration[bot]@users.noreply.github.com>").
func isDevin(name, lowEmail string) bool {
	return name == devinBot || strings.HasSuffix(lowEmail, "+"+devinBot+"@users.noreply.github.com")
}

// coAuthor recognizes the Co-authored-by trailers agents add.
func coAuthor(name, email, ev string) (Marker, bool) {
	switch strings.ToLower(email) {
	case anthropicEmail:
		// Claude Code writes "Co-Authored-By: Claude <noreply@anthropic.com>",
		// newer versions the model: "Claude Opus 4.5 <noreply@anthropic.com>".
		// A person at that address who merely shares the name (Claude
		// Shannon) is not the model.
		if name != "Claude" && !isClaudeModelName(name) {
			return Marker{}, false
		}
		m := Marker{Convention: "claude-code", Tool: "claude-code", Evidence: ev, Class: AI}
		if name != "Claude" {
			m.Model = name
			m.ModelID = NormalizeModel(name)
		}
		return m, true
	case codexEmail:
		if !strings.EqualFold(name, "Codex") {
			return Marker{}, false
		}
		return Marker{Convention: "codex", Tool: "codex", Evidence: ev, Class: AI}, true
	case cursorEmail:
		return Marker{Convention: "cursor", Tool: "cursor", Evidence: ev, Class: AI}, true
	case aiderEmail:
		// aider's repo.py, GitRepo.commit(): "Co-authored-by: aider
		// (MODEL) <aider@aider.chat>" when attribute_co_authored_by and
		// the commit holds aider's edits.
		m := Marker{Convention: "aider", Tool: "aider", Evidence: ev, Class: AI}
		if rest, ok := strings.CutPrefix(name, "aider ("); ok && strings.HasSuffix(rest, ")") {
			m.Model = strings.TrimSuffix(rest, ")")
			m.ModelID = NormalizeModel(m.Model)
		}
		return m, true
	case ampEmail:
		return Marker{Convention: "amp", Tool: "amp", Evidence: ev, Class: AI}, true
	case copilotEmail:
		return Marker{Convention: "copilot", Tool: "copilot", Evidence: ev, Class: AI}, true
	}
	if isDevin(name, strings.ToLower(email)) {
		return Marker{Convention: "devin", Tool: "devin", Evidence: ev, Class: AI}, true
	}
	return Marker{}, false
}

// isClaudeModelName matches "Claude Opus 4.5", "Claude Sonnet 4",
// "Claude 3.5 Sonnet", "Claude Haiku 4.5": Claude, then a model family or
// a version.
func isClaudeModelName(name string) bool {
	f := strings.Fields(name)
	if len(f) < 2 || f[0] != "Claude" {
		return false
	}
	switch strings.ToLower(f[1]) {
	case "opus", "sonnet", "haiku", "instant", "code":
		return true
	}
	return f[1][0] >= '0' && f[1][0] <= '9'
}

// toolAndModel reads the free-form "TOOL [MODEL]" and "TOOL (MODEL)" values
// of Generated-By, Assisted-By and Co-authored-by-AI: the model is the
// bracketed part when there is one, else the first word that names a
// model NormalizeModel knows ("Generated-By: claude-code claude-opus-4-5",
// as OpenInfra writes it without the brackets of its notation).
func toolAndModel(convention string, t Trailer, class Class) (Marker, bool) {
	v := strings.TrimSpace(t.Value)
	if v == "" {
		return Marker{}, false
	}
	m := Marker{Convention: convention, Tool: v, Evidence: t.String(), Class: class}
	for _, br := range [][2]string{{"(", ")"}, {"[", "]"}} {
		if i := strings.LastIndex(v, br[0]); i > 0 && strings.HasSuffix(v, br[1]) {
			m.Tool = strings.TrimSpace(v[:i])
			m.Model = strings.TrimSpace(v[i+1 : len(v)-1])
			m.ModelID = NormalizeModel(m.Model)
			return m, true
		}
	}
	words := strings.Fields(v)
	for i, w := range words {
		if id := NormalizeModel(w); id != "" && (i > 0 || len(words) == 1) {
			m.Tool = strings.Join(words[:i], " ")
			m.Model, m.ModelID = strings.Join(words[i:], " "), id
			if len(words[i:]) > 1 {
				m.Model = w
			}
			if m.Tool == "" {
				m.Tool = w
			}
			return m, true
		}
	}
	return m, true
}

// entireAttribution reads Entire's "Entire-Attribution: 73% agent
// (146/200 lines)" (entireio/cli, docs/architecture/attribution.md): a
// share of the commit's lines, computed from line diffs and hook timing,
// that names no line. All agent lines make the commit the agent's, none
// make it the person's; anything between is a share, and the lines stay
// Unknown.
func entireAttribution(t Trailer) (Marker, bool) {
	var pct, agent, total int
	var rest string
	if n, err := fmt.Sscanf(t.Value, "%d%% agent (%d/%d lines)%s", &pct, &agent, &total, &rest); n < 3 || (err != nil && n != 3) {
		return Marker{}, false
	}
	if agent < 0 || total < 0 || agent > total || pct < 0 || pct > 100 {
		return Marker{}, false
	}
	m := Marker{Convention: "entire", Tool: "entire", Evidence: t.String(), Share: &Share{AgentLines: agent, TotalLines: total, Percent: pct}}
	switch {
	case total > 0 && agent == total:
		m.Class = AI
	case agent == 0:
		m.Class = Human
	default:
		m.Class = Unknown
	}
	return m, true
}

// AssistedBy is the trailer that says a model wrote some of a commit's
// lines, in the kernel's "AGENT_NAME:MODEL_VERSION [TOOL1] [TOOL2]" form:
// the author's tool (or "agent") and model, and hallmark as the tool that
// recorded it. It is what the prepare-commit-msg hook adds. Detect reads
// it back as a "hallmark" marker of class Unknown: the trailer says that
// some lines are the model's, and the commit's note says which; without
// the note, no line is the model's on the trailer's word alone.
func AssistedBy(a Author) Trailer {
	agent := a.Tool
	if agent == "" {
		agent = "agent"
	}
	model := a.ModelID
	if model == "" {
		model = a.Model
	}
	if model == "" || strings.ContainsAny(model, " \t") {
		return Trailer{Key: "Assisted-by", Value: agent + " " + hallmarkTool}
	}
	return Trailer{Key: "Assisted-by", Value: agent + ":" + model + " " + hallmarkTool}
}

// hallmarkTool is the tool AssistedBy names after the agent and model.
const hallmarkTool = "hallmark"

// assistedBy reads the Linux kernel's "AGENT_NAME:MODEL_VERSION [TOOL1]
// [TOOL2]" form (Documentation/process/coding-assistants.rst), hallmark's
// own (the kernel form with the tool "hallmark", see [AssistedBy]), and
// otherwise the free-form "TOOL [MODEL]" of OpenInfra's AI policy and
// Fedora's: "Assisted-By" there means a person materially revised the
// tool's output, so its lines are Mixed.
func assistedBy(t Trailer) (Marker, bool) {
	fields := strings.Fields(t.Value)
	if len(fields) > 0 {
		hallmark := slices.Contains(fields[1:], hallmarkTool)
		agent, model, ok := strings.Cut(fields[0], ":")
		if ok && agent != "" && model != "" {
			m := Marker{Convention: "kernel-assisted-by", Tool: agent, Model: model, ModelID: NormalizeModel(model), Evidence: t.String(), Class: AI}
			if hallmark {
				m.Convention, m.Class = "hallmark", Unknown
			}
			return m, true
		}
		if hallmark && len(fields) == 2 {
			return Marker{Convention: "hallmark", Tool: fields[0], Evidence: t.String(), Class: Unknown}, true
		}
	}
	return toolAndModel("assisted-by", t, Mixed)
}
