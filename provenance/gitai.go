package provenance

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrGitAI is wrapped by every error about a git-ai note.
var ErrGitAI = errors.New("provenance: git-ai note")

// GitAINote is a git-ai authorship log: the note git-ai attaches to a
// commit in refs/notes/ai ("Git AI Standard v3.0.0", schema
// authorship/3.0.0, specs/git_ai_standard_v3.0.0.md of
// github.com/git-ai-project/git-ai). Its attestation section lists files,
// each followed by "  KEY RANGES" lines; a line "---" ends it, and a JSON
// object of metadata follows.
type GitAINote struct {
	Files    []GitAIFile
	Metadata GitAIMetadata
}

// GitAIFile is one file of the attestation section.
type GitAIFile struct {
	Path    string
	Entries []GitAIEntry
}

// GitAIEntry is one "  KEY RANGES" line: which session, known human or
// legacy prompt wrote which lines.
type GitAIEntry struct {
	Key    string
	Ranges [][2]int // inclusive, 1-based
}

// GitAIMetadata is the note's JSON section. Sessions and humans may be
// absent on older notes; prompts is the legacy (pre-1.4.0) form.
type GitAIMetadata struct {
	SchemaVersion string                   `json:"schema_version"`
	GitAIVersion  string                   `json:"git_ai_version,omitempty"`
	BaseCommitSHA string                   `json:"base_commit_sha"`
	Prompts       map[string]GitAISession  `json:"prompts"`
	Sessions      map[string]GitAISession  `json:"sessions,omitempty"`
	Humans        map[string]GitAIHumanRec `json:"humans,omitempty"`
}

// GitAISession is a session record, or a legacy prompt record (which adds
// line counts hallmark does not need).
type GitAISession struct {
	AgentID     GitAIAgentID `json:"agent_id"`
	HumanAuthor string       `json:"human_author,omitempty"`
}

// GitAIAgentID names the agent of a session.
type GitAIAgentID struct {
	Tool  string `json:"tool"`
	ID    string `json:"id"`
	Model string `json:"model"`
}

// GitAIHumanRec is a known human: "Name <email>", as git's committer ident.
type GitAIHumanRec struct {
	Author string `json:"author"`
}

// GitAISchema is the schema version this reads.
const GitAISchema = "authorship/3.0.0"

// ParseGitAINote reads a note as git-ai's own reader does
// (src/authorship/authorship_log_serialization.rs,
// deserialize_from_string): lines split on "\n" (a "\r" before it dropped),
// trailing whitespace trimmed, blank lines skipped, the first line that is
// exactly "---" the divider; a line starting with two spaces is "KEY
// RANGES", any other a file path, between double quotes when git-ai quoted
// it (it does for names with a space, tab or newline, and does not escape).
// A file with no entries is dropped, as git-ai drops it.
func ParseGitAINote(data []byte) (*GitAINote, error) {
	if len(data) > MaxRecordSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(data), MaxRecordSize)
	}
	lines := strings.Split(string(data), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	div := -1
	for i, l := range lines {
		if l == "---" {
			div = i
			break
		}
	}
	if div < 0 {
		return nil, fmt.Errorf("%w: no --- divider", ErrGitAI)
	}
	n := &GitAINote{}
	var cur *GitAIFile
	flush := func() {
		if cur != nil && len(cur.Entries) > 0 {
			n.Files = append(n.Files, *cur)
		}
		cur = nil
	}
	for i, l := range lines[:div] {
		l = strings.TrimRight(l, " \t\r\n\v\f")
		if l == "" {
			continue
		}
		if entry, ok := strings.CutPrefix(l, "  "); ok {
			key, rs, ok := strings.Cut(entry, " ")
			if !ok {
				return nil, fmt.Errorf("%w: line %d: entry without ranges", ErrGitAI, i+1)
			}
			if cur == nil {
				return nil, fmt.Errorf("%w: line %d: entry before any file", ErrGitAI, i+1)
			}
			ranges, err := parseGitAIRanges(rs)
			if err != nil {
				return nil, fmt.Errorf("%w: line %d: %v", ErrGitAI, i+1, err)
			}
			cur.Entries = append(cur.Entries, GitAIEntry{Key: key, Ranges: ranges})
			continue
		}
		flush()
		path := l
		if len(l) >= 2 && strings.HasPrefix(l, `"`) && strings.HasSuffix(l, `"`) {
			path = l[1 : len(l)-1]
		}
		cur = &GitAIFile{Path: path}
	}
	flush()
	meta := strings.Join(lines[div+1:], "\n")
	dec := json.NewDecoder(strings.NewReader(meta))
	if err := dec.Decode(&n.Metadata); err != nil {
		return nil, fmt.Errorf("%w: metadata: %v", ErrGitAI, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%w: metadata: data after the JSON object", ErrGitAI)
	}
	if n.Metadata.SchemaVersion != GitAISchema {
		return nil, fmt.Errorf("%w: schema %q, this reads %s", ErrGitAI, n.Metadata.SchemaVersion, GitAISchema)
	}
	return n, nil
}

// parseGitAIRanges reads "1,2,19-222": singles and inclusive ranges,
// comma-separated, no spaces (git-ai skips empty parts).
func parseGitAIRanges(s string) ([][2]int, error) {
	var out [][2]int
	for _, part := range strings.Split(s, ",") {
		if part == "" {
			continue
		}
		a, b, isRange := strings.Cut(part, "-")
		start, err := strconv.ParseUint(a, 10, 31)
		if err != nil {
			return nil, fmt.Errorf("bad line %q", part)
		}
		end := start
		if isRange {
			if end, err = strconv.ParseUint(b, 10, 31); err != nil {
				return nil, fmt.Errorf("bad line %q", part)
			}
		}
		if start < 1 || end < start {
			return nil, fmt.Errorf("bad range %q", part)
		}
		out = append(out, [2]int{int(start), int(end)})
	}
	return out, nil
}

// gitAITools maps git-ai's agent ids (its Agent ID Object's "tool") to the
// names hallmark's conventions use for the same agents.
var gitAITools = map[string]string{"claude": "claude-code", "gemini": "gemini-cli"}

// Claims returns what the note says: lines of a session key ("s_…::t_…",
// looked up by its session part) or a legacy prompt key (16 or 7 hex) are
// the session's model, class AI; lines of an "h_" key are the known human,
// class Human. A key the metadata does not resolve is an error: the note
// is not what git-ai writes. Lines no key covers get no claim (git-ai
// calls them untracked).
func (n *GitAINote) Claims() ([]Claim, error) {
	var out []Claim
	for _, f := range n.Files {
		for _, e := range f.Entries {
			a, class, err := n.author(e.Key)
			if err != nil {
				return nil, fmt.Errorf("%w: file %q: %v", ErrGitAI, f.Path, err)
			}
			for _, r := range e.Ranges {
				out = append(out, Claim{Path: f.Path, Start: r[0], End: r[1], Author: a, Class: class})
			}
		}
	}
	return out, nil
}

func (n *GitAINote) author(key string) (Author, Class, error) {
	switch {
	case strings.HasPrefix(key, "h_"):
		h, ok := n.Metadata.Humans[key]
		if !ok {
			return Author{}, "", fmt.Errorf("human key %q not in metadata.humans", key)
		}
		name, email := splitIdent(h.Author)
		if name == "" && email == "" {
			return Author{}, "", fmt.Errorf("human %q has no author", key)
		}
		return Author{Kind: Person, Name: name, Email: email}, Human, nil
	case strings.HasPrefix(key, "s_"):
		sid, _, _ := strings.Cut(key, "::")
		s, ok := n.Metadata.Sessions[sid]
		if !ok {
			return Author{}, "", fmt.Errorf("session %q not in metadata.sessions", sid)
		}
		return s.author(), AI, nil
	default:
		s, ok := n.Metadata.Prompts[key]
		if !ok {
			return Author{}, "", fmt.Errorf("prompt key %q not in metadata.prompts", key)
		}
		return s.author(), AI, nil
	}
}

func (s GitAISession) author() Author {
	tool := s.AgentID.Tool
	if t, ok := gitAITools[tool]; ok {
		tool = t
	}
	if s.AgentID.Model == "" {
		return Author{Kind: Model, Tool: cmp.Or(tool, "git-ai"), Session: s.AgentID.ID}
	}
	a := modelAuthor(s.AgentID.Model, tool)
	a.Session = s.AgentID.ID
	if a.Tool == "" && a.ModelID == "" && a.Model == "" {
		a.Tool = "git-ai"
	}
	return a
}
