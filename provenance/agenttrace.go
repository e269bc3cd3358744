package provenance

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// AgentTraceVersion is the version of the Agent Trace format we read and write.
const AgentTraceVersion = "0.1.0"

// ErrAgentTrace is wrapped by every error about an Agent Trace record.
var ErrAgentTrace = errors.New("provenance: agent trace")

// AgentTrace is an Agent Trace v0.1 record (github.com/cursor/agent-trace,
// README section 6.1): files, each with the conversations that wrote line
// ranges of it.
type AgentTrace struct {
	Version   string           `json:"version"`
	ID        string           `json:"id,omitempty"`
	Timestamp string           `json:"timestamp,omitempty"`
	VCS       *AgentTraceVCS   `json:"vcs,omitempty"`
	Tool      *AgentTraceTool  `json:"tool,omitempty"`
	Files     []AgentTraceFile `json:"files"`
	Metadata  json.RawMessage  `json:"metadata,omitempty"`
}

// AgentTraceVCS names the revision the ranges refer to.
type AgentTraceVCS struct {
	Type     string `json:"type"`
	Revision string `json:"revision"`
}

// AgentTraceTool names the tool that wrote the trace.
type AgentTraceTool struct {
	Name    string `json:"name,omitempty"`
	Version string `json:"version,omitempty"`
}

// AgentTraceFile is one file of a trace.
type AgentTraceFile struct {
	Path          string                   `json:"path"`
	Conversations []AgentTraceConversation `json:"conversations"`
}

// AgentTraceConversation is a contributor and the ranges it wrote. A
// conversation without a contributor is "unknown"; a range's own
// contributor overrides the conversation's.
type AgentTraceConversation struct {
	URL         string                 `json:"url,omitempty"`
	Contributor *AgentTraceContributor `json:"contributor,omitempty"`
	Ranges      []AgentTraceRange      `json:"ranges"`
	Related     []AgentTraceRelated    `json:"related,omitempty"`
}

// AgentTraceRelated links a conversation to another resource.
type AgentTraceRelated struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// AgentTraceContributor is who wrote a conversation's ranges.
type AgentTraceContributor struct {
	Type    string `json:"type"` // human, ai, mixed, unknown
	ModelID string `json:"model_id,omitempty"`
}

// AgentTraceRange is a 1-based inclusive line range.
type AgentTraceRange struct {
	StartLine   int                    `json:"start_line"`
	EndLine     int                    `json:"end_line"`
	ContentHash string                 `json:"content_hash,omitempty"`
	Contributor *AgentTraceContributor `json:"contributor,omitempty"`
}

// ExportOptions supplies what an Agent Trace needs that a record does not
// hold. A nil value means the defaults.
type ExportOptions struct {
	// Timestamp is when the trace was recorded (the commit's time, say);
	// zero means now.
	Timestamp time.Time
}

// hallmarkMetadata is the "dev.hallmark" object of an exported trace's
// metadata (the spec's section 7.2 asks vendors for reverse-domain keys).
type hallmarkMetadata struct {
	// Record is the digest of the record the trace was made from.
	Record string `json:"record"`
	// PathBytes maps each path written in its display form (a name that
	// is not UTF-8, see File) to its bytes in standard base64.
	PathBytes map[string]string `json:"path_bytes,omitempty"`
}

// ExportAgentTrace converts a record to an Agent Trace record that
// validates against the spec's schema. Its id is a UUID (version 8, RFC
// 9562) made from the record's digest, so that one record always exports
// with one id. Agent Trace has no file digests, line counts, people or
// sessions; those are dropped. Spans become ranges grouped by contributor
// (class and model) per file.
func ExportAgentTrace(r *Record, opts *ExportOptions) (*AgentTrace, error) {
	if opts == nil {
		opts = &ExportOptions{}
	}
	digest, err := r.Digest() // normalizes and validates
	if err != nil {
		return nil, err
	}
	ts := opts.Timestamp
	if ts.IsZero() {
		ts = time.Now()
	}
	meta := hallmarkMetadata{Record: digest}
	t := &AgentTrace{
		Version:   AgentTraceVersion,
		ID:        uuidFromDigest(digest),
		Timestamp: ts.UTC().Format(time.RFC3339),
		VCS:       &AgentTraceVCS{Type: "git", Revision: r.Commit},
		Tool:      &AgentTraceTool{Name: r.Recorder.Name, Version: r.Recorder.Version},
		Files:     []AgentTraceFile{},
	}
	for _, f := range r.Files {
		path := f.Path
		if !utf8.ValidString(path) {
			path = DisplayPath(f.Path)
			if meta.PathBytes == nil {
				meta.PathBytes = map[string]string{}
			}
			meta.PathBytes[path] = base64.StdEncoding.EncodeToString([]byte(f.Path))
		}
		af := AgentTraceFile{Path: path, Conversations: []AgentTraceConversation{}}
		for _, s := range f.Spans {
			c := AgentTraceContributor{Type: string(s.Class), ModelID: r.Authors[s.Author].ModelID}
			i := slices.IndexFunc(af.Conversations, func(x AgentTraceConversation) bool { return *x.Contributor == c })
			if i < 0 {
				af.Conversations = append(af.Conversations, AgentTraceConversation{Contributor: &c, Ranges: []AgentTraceRange{}})
				i = len(af.Conversations) - 1
			}
			af.Conversations[i].Ranges = append(af.Conversations[i].Ranges, AgentTraceRange{StartLine: s.Start, EndLine: s.End})
		}
		t.Files = append(t.Files, af)
	}
	b, err := json.Marshal(map[string]hallmarkMetadata{"dev.hallmark": meta})
	if err != nil {
		return nil, err
	}
	t.Metadata = b
	return t, nil
}

// uuidFromDigest is RFC 9562's version 8 (custom) UUID over the first 16
// bytes of a "sha256:<hex>" digest.
func uuidFromDigest(digest string) string {
	raw, _ := hex.DecodeString(strings.TrimPrefix(digest, "sha256:"))
	var u [16]byte
	copy(u[:], raw)
	u[6] = u[6]&0x0f | 0x80 // version 8
	u[8] = u[8]&0x3f | 0x80 // variant 10
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// ParseAgentTraces reads Agent Trace records: one JSON record, or several
// one after another (JSONL, as `.agent-trace/traces.jsonl` holds them).
// Each must have a 0.x version and files; the rest is checked as it is
// used.
func ParseAgentTraces(b []byte) ([]AgentTrace, error) {
	if len(b) > MaxRecordSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(b), MaxRecordSize)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var out []AgentTrace
	for n := 1; ; n++ {
		var t AgentTrace
		err := dec.Decode(&t)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: record %d: %v", ErrAgentTrace, n, err)
		}
		if !strings.HasPrefix(t.Version, "0.") {
			return nil, fmt.Errorf("%w: record %d: unsupported version %q (this reads 0.x)", ErrAgentTrace, n, t.Version)
		}
		if t.Files == nil {
			return nil, fmt.Errorf("%w: record %d: no files", ErrAgentTrace, n)
		}
		if t.VCS != nil && t.VCS.Type != "git" {
			return nil, fmt.Errorf("%w: record %d: vcs %q is not git", ErrAgentTrace, n, t.VCS.Type)
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no record", ErrAgentTrace)
	}
	return out, nil
}

// Claim is what imported evidence says of lines Start..End (1-based,
// inclusive) of a file: who wrote them, and how. A later claim about the
// same line overrides an earlier one. A zero Author with class Unknown
// leaves the line to whoever the importer names for unknown lines.
type Claim struct {
	Path       string
	Start, End int
	Author     Author
	Class      Class
}

// ClaimOptions says who the claims' people are.
type ClaimOptions struct {
	// Human is the author of "human" ranges; nil means a person named
	// "unknown".
	Human *Author
}

// Claims returns what the trace says, range by range, in its order. A
// range's contributor overrides its conversation's, and a conversation
// without one is "unknown". A model is named by its models.dev id (the
// text as written kept when it differs); an AI range without a model is
// the trace's tool's.
func (t *AgentTrace) Claims(opts *ClaimOptions) ([]Claim, error) {
	human := Author{Kind: Person, Name: "unknown"}
	if opts != nil && opts.Human != nil {
		human = *opts.Human
	}
	// The tool that wrote the trace is the agent (Cursor, Claude Code),
	// except when hallmark exported it: then the record's authors say.
	tool := ""
	if t.Tool != nil && t.Tool.Name != "hallmark" {
		tool = t.Tool.Name
	}
	paths, err := t.pathBytes()
	if err != nil {
		return nil, err
	}
	var out []Claim
	for _, af := range t.Files {
		path := af.Path
		if p, ok := paths[path]; ok {
			path = p
		}
		if path == "" {
			return nil, fmt.Errorf("%w: a file without a path", ErrAgentTrace)
		}
		for _, c := range af.Conversations {
			for _, rg := range c.Ranges {
				who := c.Contributor
				if rg.Contributor != nil {
					who = rg.Contributor
				}
				if who == nil {
					who = &AgentTraceContributor{Type: string(Unknown)}
				}
				class := Class(who.Type)
				if !class.Valid() {
					return nil, fmt.Errorf("%w: file %q: unknown contributor type %q", ErrAgentTrace, af.Path, who.Type)
				}
				if rg.StartLine < 1 || rg.EndLine < rg.StartLine {
					return nil, fmt.Errorf("%w: file %q: bad range %d-%d", ErrAgentTrace, af.Path, rg.StartLine, rg.EndLine)
				}
				cl := Claim{Path: path, Start: rg.StartLine, End: rg.EndLine, Class: class}
				switch {
				case class == Human:
					cl.Author = human
				case who.ModelID != "":
					cl.Author = modelAuthor(who.ModelID, tool)
				case class != Unknown:
					cl.Author = Author{Kind: Model, Tool: cmp.Or(tool, "unknown")}
				}
				out = append(out, cl)
			}
		}
	}
	return out, nil
}

// modelAuthor names a model by its models.dev id when one is known, keeping
// the text as written beside it when it differs.
func modelAuthor(text, tool string) Author {
	a := Author{Kind: Model, Tool: tool}
	switch id := NormalizeModel(text); {
	case id != "":
		a.ModelID = id
		if id != text {
			a.Model = text
		}
	case ValidModelID(text):
		a.ModelID = text
	default:
		a.Model = text
	}
	return a
}

// pathBytes reads hallmark's own map of display paths to bytes from the
// trace's metadata, if it is there.
func (t *AgentTrace) pathBytes() (map[string]string, error) {
	if len(t.Metadata) == 0 {
		return nil, nil
	}
	var m struct {
		Hallmark *hallmarkMetadata `json:"dev.hallmark"`
	}
	if err := json.Unmarshal(t.Metadata, &m); err != nil || m.Hallmark == nil {
		return nil, nil // another vendor's metadata: not ours to judge
	}
	out := map[string]string{}
	for shown, b64 := range m.Hallmark.PathBytes {
		raw, err := base64.StdEncoding.Strict().DecodeString(b64)
		if err != nil || DisplayPath(string(raw)) != shown {
			return nil, fmt.Errorf("%w: metadata path_bytes for %q does not match", ErrAgentTrace, shown)
		}
		out[shown] = string(raw)
	}
	return out, nil
}

// ImportOptions supplies what an Agent Trace does not carry.
type ImportOptions struct {
	// Commit is the commit the ranges refer to when the trace has no vcs.
	Commit string
	// Lines returns the number of lines and the "sha256:<hex>" digest of a
	// file at the trace's revision. Nil leaves lines as the largest range end
	// and the digest empty, which a record must then fill in to validate.
	Lines func(path string) (lines int, digest string, err error)
	// Human is the author of "human" ranges; nil means a person named "unknown".
	Human *Author
}

// ImportAgentTrace converts one Agent Trace record to a record of method
// [MethodImported], over the ranges the trace names (a repository's
// importer covers the commit's other added lines too). Overlapping ranges
// are an error: a record covers each line once.
func ImportAgentTrace(b []byte, opts *ImportOptions) (*Record, error) {
	if opts == nil {
		opts = &ImportOptions{}
	}
	traces, err := ParseAgentTraces(b)
	if err != nil {
		return nil, err
	}
	if len(traces) != 1 {
		return nil, fmt.Errorf("%w: %d records, want one", ErrAgentTrace, len(traces))
	}
	t := traces[0]
	r := &Record{Commit: opts.Commit, Method: MethodImported, Recorder: Recorder{Name: "agent-trace"}}
	if t.VCS != nil {
		r.Commit = t.VCS.Revision
	}
	if r.Commit == "" {
		return nil, fmt.Errorf("%w: no vcs revision and no commit given", ErrAgentTrace)
	}
	if t.Tool != nil && t.Tool.Name != "" {
		r.Recorder = Recorder{Name: t.Tool.Name, Version: t.Tool.Version}
	}
	claims, err := t.Claims(&ClaimOptions{Human: opts.Human})
	if err != nil {
		return nil, err
	}
	files := map[string]*File{}
	var order []string
	for _, c := range claims {
		f := files[c.Path]
		if f == nil {
			f = &File{Path: c.Path}
			files[c.Path] = f
			order = append(order, c.Path)
		}
		a := c.Author
		if a == (Author{}) {
			a = Author{Kind: Tool, Tool: r.Recorder.Name}
		}
		f.Spans = append(f.Spans, Span{Start: c.Start, End: c.End, Author: authorIndex(r, a), Class: c.Class})
		f.Lines = max(f.Lines, c.End)
	}
	for _, p := range order {
		f := files[p]
		slices.SortFunc(f.Spans, func(x, y Span) int { return cmp.Compare(x.Start, y.Start) })
		if opts.Lines != nil {
			n, d, err := opts.Lines(p)
			if err != nil {
				return nil, fmt.Errorf("%w: file %q: %w", ErrAgentTrace, p, err)
			}
			f.Lines, f.Digest = n, d
		}
		r.Files = append(r.Files, *f)
	}
	r.Normalize()
	if opts.Lines != nil {
		if err := r.Validate(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// authorIndex returns a's index in r.Authors, adding it when new.
func authorIndex(r *Record, a Author) int {
	if i := slices.Index(r.Authors, a); i >= 0 {
		return i
	}
	r.Authors = append(r.Authors, a)
	return len(r.Authors) - 1
}
