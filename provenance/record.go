package provenance

import (
	"cmp"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Class says how a span of lines came to be.
type Class string

// The classes of a span.
const (
	Human   Class = "human"   // typed by a person
	AI      Class = "ai"      // written by a model
	Mixed   Class = "mixed"   // written by a model, then edited by a person
	Unknown Class = "unknown" // the recorder does not know
)

// Valid reports whether c is one of the four known classes.
func (c Class) Valid() bool {
	switch c {
	case Human, AI, Mixed, Unknown:
		return true
	}
	return false
}

// Kind says what sort of author an [Author] is.
type Kind string

// The kinds of author.
const (
	Person Kind = "person" // a human being, named by name and email
	Model  Kind = "model"  // a language model, named by a models.dev id
	Tool   Kind = "tool"   // a program that is not a model (formatter, codemod)
)

// Author is a person, a model or a tool that wrote lines.
//
// A model is named by ModelID in models.dev form ("provider/model", such as
// "anthropic/claude-opus-4-5-20251101"); Tool and ToolVersion name the agent
// that drove it ("claude-code", "2.1.3"); Session is an opaque id of the
// agent's session. Prompts and transcripts are never stored.
type Author struct {
	Kind        Kind   `json:"kind"`
	Name        string `json:"name,omitempty"`
	Email       string `json:"email,omitempty"`
	ModelID     string `json:"model_id,omitempty"`
	Model       string `json:"model,omitempty"` // the model as the evidence named it, when no models.dev id is known
	Tool        string `json:"tool,omitempty"`
	ToolVersion string `json:"tool_version,omitempty"`
	Session     string `json:"session,omitempty"`
}

// String returns a short human-readable name of the author.
func (a Author) String() string {
	switch a.Kind {
	case Model:
		s := a.ModelID
		if s == "" {
			s = a.Model
		}
		if s == "" {
			// Say what is known: "aider, model not named".
			return cmp.Or(a.Tool, "unknown tool") + ", model not named"
		}
		if a.Tool != "" {
			s += " via " + a.Tool
		}
		return s
	case Person:
		if a.Email != "" {
			return fmt.Sprintf("%s <%s>", a.Name, a.Email)
		}
		return a.Name
	}
	if a.ToolVersion != "" {
		return a.Tool + "/" + a.ToolVersion
	}
	return a.Tool
}

// key orders authors canonically.
func (a Author) key() string {
	return strings.Join([]string{string(a.Kind), a.ModelID, a.Model, a.Tool, a.ToolVersion, a.Session, a.Name, a.Email}, "\x00")
}

// Span is a run of lines, 1-based and inclusive, written by one author.
type Span struct {
	Start  int   `json:"start"`
	End    int   `json:"end"`
	Author int   `json:"author"` // index into Record.Authors
	Class  Class `json:"class"`
}

// Len returns the number of lines in the span.
func (s Span) Len() int { return s.End - s.Start + 1 }

// File is what a record says about one file of the commit.
//
// Path is the file's name exactly as git stores it in the tree: bytes
// that need not be UTF-8 (git allows any byte but NUL and '/' in a name
// element), never quoted or escaped as git's diff output shows them. In
// JSON a UTF-8 name is the "path" string; a name that is not UTF-8 is
// "path_bytes", its bytes in standard padded base64 (RFC 4648 section 4),
// beside a "path" that shows it with each stray byte as U+FFFD (see
// [DisplayPath]), for readers that only display names. A reader matches
// and looks names up by path_bytes when it is there, and a record with
// path_bytes for a UTF-8 name, or a path that does not show path_bytes,
// does not decode: one name has one encoding, which signing needs.
type File struct {
	Path   string `json:"path"`
	Digest string `json:"digest"` // "sha256:<hex>" of the file's bytes in the commit
	Lines  int    `json:"lines"`  // number of lines of the file in the commit
	Spans  []Span `json:"spans"`
}

// Ref names another record by the sha256 of its canonical encoding, and the
// commit it was about.
type Ref struct {
	Digest string `json:"digest"`
	Commit string `json:"commit"`
}

// Recorder names the program that made a record.
type Recorder struct {
	Name    string `json:"name"`
	Version string `json:"version,omitempty"`
}

// Method says how a record's attribution was obtained.
type Method string

// The methods of a record.
const (
	MethodCapture     Method = "capture"     // edits were captured as they were made
	MethodConventions Method = "conventions" // inferred from the commit's author and message
	MethodCarried     Method = "carried"     // carried from other records through a rewrite
	MethodSnapshot    Method = "snapshot"    // every line of a tree (a module bundle), not a commit's diff
	// MethodImported is a record converted from another tool's format
	// (Agent Trace, git-ai's notes): evidence weaker than a capture,
	// stronger than conventions.
	MethodImported Method = "imported"
)

// Record is the authorship record of one commit: every line the commit added
// or changed, in the coordinates of the commit's own version of each file.
type Record struct {
	Commit      string   `json:"commit"`
	Tree        string   `json:"tree,omitempty"`
	Parents     []string `json:"parents,omitempty"`
	Authors     []Author `json:"authors"`
	Files       []File   `json:"files"`
	DerivedFrom []Ref    `json:"derived_from,omitempty"`
	Method      Method   `json:"method,omitempty"`
	Recorder    Recorder `json:"recorder"`
}

// Limits on a record, so that a hostile input cannot exhaust a verifier.
const (
	MaxRecordSize = 64 << 20 // bytes of encoded JSON
	MaxFiles      = 200_000
	MaxSpans      = 2_000_000 // over all files
	MaxAuthors    = 10_000
)

// ErrInvalid is wrapped by every validation error.
var ErrInvalid = errors.New("provenance: invalid record")

// ErrTooLarge is wrapped when a record exceeds one of the size limits.
var ErrTooLarge = errors.New("provenance: record too large")

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Validate checks that the record is well formed: known classes and kinds,
// spans inside their file and not overlapping, authors that exist, object
// ids that look like object ids, and the size limits.
func (r *Record) Validate() error {
	if r == nil {
		return invalid("nil record")
	}
	if !isObjectID(r.Commit) {
		return invalid("commit %q is not a hex object id", r.Commit)
	}
	if r.Tree != "" && !isObjectID(r.Tree) {
		return invalid("tree %q is not a hex object id", r.Tree)
	}
	for _, p := range r.Parents {
		if !isObjectID(p) {
			return invalid("parent %q is not a hex object id", p)
		}
	}
	if len(r.Authors) > MaxAuthors {
		return fmt.Errorf("%w: %d authors, limit %d", ErrTooLarge, len(r.Authors), MaxAuthors)
	}
	if len(r.Files) > MaxFiles {
		return fmt.Errorf("%w: %d files, limit %d", ErrTooLarge, len(r.Files), MaxFiles)
	}
	for i, a := range r.Authors {
		if err := a.validate(); err != nil {
			return invalid("author %d: %v", i, err)
		}
	}
	switch r.Method {
	case "", MethodCapture, MethodConventions, MethodCarried, MethodSnapshot, MethodImported:
	default:
		return invalid("unknown method %q", r.Method)
	}
	if r.Recorder.Name == "" {
		return invalid("recorder name is empty")
	}
	if !utf8.ValidString(r.Recorder.Name) || !utf8.ValidString(r.Recorder.Version) {
		return invalid("recorder is not valid UTF-8")
	}
	seen := make(map[string]bool, len(r.Files))
	spans := 0
	for _, f := range r.Files {
		if seen[f.Path] {
			return invalid("file %q listed twice", f.Path)
		}
		seen[f.Path] = true
		spans += len(f.Spans)
		if spans > MaxSpans {
			return fmt.Errorf("%w: more than %d spans", ErrTooLarge, MaxSpans)
		}
		if err := f.validate(len(r.Authors)); err != nil {
			return err
		}
	}
	for _, d := range r.DerivedFrom {
		if !strings.HasPrefix(d.Digest, "sha256:") || !isHex(d.Digest[7:], 64) {
			return invalid("derived_from digest %q is not sha256:<64 hex>", d.Digest)
		}
		if !isObjectID(d.Commit) {
			return invalid("derived_from commit %q is not a hex object id", d.Commit)
		}
	}
	return nil
}

func (a Author) validate() error {
	for _, s := range []string{a.Name, a.Email, a.ModelID, a.Model, a.Tool, a.ToolVersion, a.Session} {
		if !utf8.ValidString(s) {
			return fmt.Errorf("text %q is not valid UTF-8", s)
		}
	}
	switch a.Kind {
	case Person:
		if a.Name == "" && a.Email == "" {
			return errors.New("person has neither name nor email")
		}
	case Model:
		// A model whose id is not known may be named by the tool that drove it.
		if a.ModelID == "" && a.Model == "" && a.Tool == "" {
			return errors.New("model author has no model_id, model or tool")
		}
		if a.ModelID != "" && !ValidModelID(a.ModelID) {
			return fmt.Errorf("model_id %q is not in provider/model form", a.ModelID)
		}
	case Tool:
		if a.Tool == "" {
			return errors.New("tool author has no tool name")
		}
	default:
		return fmt.Errorf("unknown kind %q", a.Kind)
	}
	return nil
}

func (f File) validate(authors int) error {
	// A name is bytes, as git stores it: any but NUL (see [File]).
	if f.Path == "" || strings.ContainsRune(f.Path, 0) || strings.HasPrefix(f.Path, "/") {
		return invalid("file path %q must be a relative path without NUL", f.Path)
	}
	for _, el := range strings.Split(f.Path, "/") {
		if el == "" || el == "." || el == ".." {
			return invalid("file path %q is not clean", f.Path)
		}
	}
	if !strings.HasPrefix(f.Digest, "sha256:") || !isHex(f.Digest[7:], 64) {
		return invalid("file %q: digest %q is not sha256:<64 hex>", f.Path, f.Digest)
	}
	if f.Lines < 0 {
		return invalid("file %q: negative line count", f.Path)
	}
	prevEnd := 0
	for i, s := range f.Spans {
		if s.Start < 1 || s.End < s.Start || s.End > f.Lines {
			return invalid("file %q: span %d [%d,%d] is outside lines 1..%d", f.Path, i, s.Start, s.End, f.Lines)
		}
		if s.Start <= prevEnd {
			return invalid("file %q: span %d [%d,%d] overlaps or is out of order", f.Path, i, s.Start, s.End)
		}
		prevEnd = s.End
		if s.Author < 0 || s.Author >= authors {
			return invalid("file %q: span %d names author %d of %d", f.Path, i, s.Author, authors)
		}
		if !s.Class.Valid() {
			return invalid("file %q: span %d has unknown class %q", f.Path, i, s.Class)
		}
	}
	return nil
}

// ValidModelID reports whether id has the models.dev form "provider/model":
// two or more non-empty parts separated by '/', without spaces.
func ValidModelID(id string) bool {
	if id == "" || strings.ContainsAny(id, " \t\n") {
		return false
	}
	parts := strings.Split(id, "/")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if p == "" {
			return false
		}
	}
	return true
}

func isObjectID(s string) bool { return isHex(s, 40) || isHex(s, 64) }

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Count tallies the record's lines by class.
func (r *Record) Count() Count {
	var c Count
	for _, f := range r.Files {
		for _, s := range f.Spans {
			c.Add(s.Class, s.Len())
		}
	}
	return c
}
