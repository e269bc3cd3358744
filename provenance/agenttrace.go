package provenance

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
)

// AgentTraceVersion is the version of the Agent Trace format we read and write.
const AgentTraceVersion = "0.1.0"

// AgentTrace is an Agent Trace v0.1 record: files, each with the
// conversations that wrote line ranges of it.
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
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// AgentTraceFile is one file of a trace.
type AgentTraceFile struct {
	Path          string                   `json:"path"`
	Conversations []AgentTraceConversation `json:"conversations"`
}

// AgentTraceConversation is a contributor and the ranges it wrote.
type AgentTraceConversation struct {
	URL         string                `json:"url,omitempty"`
	Contributor AgentTraceContributor `json:"contributor"`
	Ranges      []AgentTraceRange     `json:"ranges"`
}

// AgentTraceContributor is who wrote a conversation's ranges.
type AgentTraceContributor struct {
	Type    string `json:"type"` // human, ai, mixed, unknown
	ModelID string `json:"model_id,omitempty"`
}

// AgentTraceRange is a 1-based inclusive line range.
type AgentTraceRange struct {
	StartLine   int    `json:"start_line"`
	EndLine     int    `json:"end_line"`
	ContentHash string `json:"content_hash,omitempty"`
}

// ExportAgentTrace converts a record to an Agent Trace. Agent Trace has no
// file digests, line counts, people or sessions; those are dropped. Spans
// become ranges grouped by (class, model) per file.
func ExportAgentTrace(r *Record) (*AgentTrace, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	t := &AgentTrace{
		Version: AgentTraceVersion,
		VCS:     &AgentTraceVCS{Type: "git", Revision: r.Commit},
		Tool:    &AgentTraceTool{Name: r.Recorder.Name, Version: r.Recorder.Version},
		Files:   []AgentTraceFile{},
	}
	for _, f := range r.Files {
		af := AgentTraceFile{Path: f.Path, Conversations: []AgentTraceConversation{}}
		for _, s := range f.Spans {
			c := AgentTraceContributor{Type: string(s.Class), ModelID: r.Authors[s.Author].ModelID}
			i := slices.IndexFunc(af.Conversations, func(x AgentTraceConversation) bool { return x.Contributor == c })
			if i < 0 {
				af.Conversations = append(af.Conversations, AgentTraceConversation{Contributor: c})
				i = len(af.Conversations) - 1
			}
			af.Conversations[i].Ranges = append(af.Conversations[i].Ranges, AgentTraceRange{StartLine: s.Start, EndLine: s.End})
		}
		t.Files = append(t.Files, af)
	}
	return t, nil
}

// ImportOptions supplies what an Agent Trace does not carry.
type ImportOptions struct {
	// Lines returns the number of lines and the "sha256:<hex>" digest of a
	// file at the trace's revision. Nil leaves lines as the largest range end
	// and the digest empty, which a record must then fill in to validate.
	Lines func(path string) (lines int, digest string, err error)
	// Human is the author of "human" ranges; nil means a person named "unknown".
	Human *Author
}

// ImportAgentTrace converts an Agent Trace to a record. Overlapping ranges
// are an error: a record covers each line once.
func ImportAgentTrace(b []byte, opts *ImportOptions) (*Record, error) {
	if opts == nil {
		opts = &ImportOptions{}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var t AgentTrace
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("provenance: agent trace: %w", err)
	}
	if t.Version == "" || t.Version[0] != '0' {
		return nil, fmt.Errorf("provenance: agent trace: unsupported version %q", t.Version)
	}
	if t.VCS == nil || t.VCS.Type != "git" {
		return nil, fmt.Errorf("provenance: agent trace: need vcs of type git")
	}
	r := &Record{Commit: t.VCS.Revision, Recorder: Recorder{Name: "agent-trace"}}
	if t.Tool != nil && t.Tool.Name != "" {
		r.Recorder = Recorder{Name: t.Tool.Name, Version: t.Tool.Version}
	}
	human := Author{Kind: Person, Name: "unknown"}
	if opts.Human != nil {
		human = *opts.Human
	}
	authorIndex := func(a Author) int {
		if i := slices.Index(r.Authors, a); i >= 0 {
			return i
		}
		r.Authors = append(r.Authors, a)
		return len(r.Authors) - 1
	}
	for _, af := range t.Files {
		f := File{Path: af.Path}
		for _, c := range af.Conversations {
			class := Class(c.Contributor.Type)
			if !class.Valid() {
				return nil, fmt.Errorf("provenance: agent trace: file %q: unknown contributor type %q", af.Path, c.Contributor.Type)
			}
			var a Author
			switch {
			case class == Human:
				a = human
			case c.Contributor.ModelID != "":
				a = Author{Kind: Model, ModelID: c.Contributor.ModelID}
			default:
				a = Author{Kind: Model, Tool: r.Recorder.Name}
			}
			ai := authorIndex(a)
			for _, rg := range c.Ranges {
				f.Spans = append(f.Spans, Span{Start: rg.StartLine, End: rg.EndLine, Author: ai, Class: class})
				f.Lines = max(f.Lines, rg.EndLine)
			}
		}
		slices.SortFunc(f.Spans, func(x, y Span) int { return cmp.Compare(x.Start, y.Start) })
		if opts.Lines != nil {
			n, d, err := opts.Lines(af.Path)
			if err != nil {
				return nil, fmt.Errorf("provenance: agent trace: file %q: %w", af.Path, err)
			}
			f.Lines, f.Digest = n, d
		}
		r.Files = append(r.Files, f)
	}
	r.Normalize()
	if opts.Lines != nil {
		if err := r.Validate(); err != nil {
			return nil, err
		}
	}
	return r, nil
}
