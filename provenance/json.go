package provenance

import (
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hallmark-dev/hallmark/internal/jsonx"
)

// appendRecord writes the record's JSON: the same bytes encoding/json
// writes for the struct (HTML escaping off), in one pass without
// reflection. The tests hold the two to the same output.
func appendRecord(b []byte, r *Record) []byte {
	b = append(b, '{')
	b = jsonx.AppendKey(b, "commit")
	b = jsonx.AppendString(b, r.Commit)
	if r.Tree != "" {
		b = append(b, ',')
		b = jsonx.AppendKey(b, "tree")
		b = jsonx.AppendString(b, r.Tree)
	}
	if len(r.Parents) > 0 {
		b = append(b, ',')
		b = jsonx.AppendKey(b, "parents")
		b = append(b, '[')
		for i, p := range r.Parents {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonx.AppendString(b, p)
		}
		b = append(b, ']')
	}
	b = append(b, ',')
	b = jsonx.AppendKey(b, "authors")
	b = append(b, '[')
	for i, a := range r.Authors {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendAuthor(b, a)
	}
	b = append(b, "],"...)
	b = jsonx.AppendKey(b, "files")
	b = append(b, '[')
	for i, f := range r.Files {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendFile(b, f)
	}
	b = append(b, ']')
	if len(r.DerivedFrom) > 0 {
		b = append(b, ',')
		b = jsonx.AppendKey(b, "derived_from")
		b = append(b, '[')
		for i, d := range r.DerivedFrom {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '{')
			b = jsonx.AppendKey(b, "digest")
			b = jsonx.AppendString(b, d.Digest)
			b = append(b, ',')
			b = jsonx.AppendKey(b, "commit")
			b = jsonx.AppendString(b, d.Commit)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if r.Method != "" {
		b = append(b, ',')
		b = jsonx.AppendKey(b, "method")
		b = jsonx.AppendString(b, string(r.Method))
	}
	b = append(b, ',')
	b = jsonx.AppendKey(b, "recorder")
	b = append(b, '{')
	b = jsonx.AppendKey(b, "name")
	b = jsonx.AppendString(b, r.Recorder.Name)
	if r.Recorder.Version != "" {
		b = append(b, ',')
		b = jsonx.AppendKey(b, "version")
		b = jsonx.AppendString(b, r.Recorder.Version)
	}
	return append(b, "}}"...)
}

func appendAuthor(b []byte, a Author) []byte {
	b = append(b, '{')
	b = jsonx.AppendKey(b, "kind")
	b = jsonx.AppendString(b, string(a.Kind))
	opt := func(key, v string) {
		if v != "" {
			b = append(b, ',')
			b = jsonx.AppendKey(b, key)
			b = jsonx.AppendString(b, v)
		}
	}
	opt("name", a.Name)
	opt("email", a.Email)
	opt("model_id", a.ModelID)
	opt("model", a.Model)
	opt("tool", a.Tool)
	opt("tool_version", a.ToolVersion)
	opt("session", a.Session)
	return append(b, '}')
}

func appendFile(b []byte, f File) []byte {
	b = append(b, '{')
	b = jsonx.AppendKey(b, "path")
	b = jsonx.AppendString(b, f.Path) // invalid UTF-8 becomes U+FFFD, a byte each
	if !utf8.ValidString(f.Path) {
		b = append(b, ',')
		b = jsonx.AppendKey(b, "path_bytes")
		b = append(b, '"')
		b = base64.StdEncoding.AppendEncode(b, []byte(f.Path))
		b = append(b, '"')
	}
	b = append(b, ',')
	b = jsonx.AppendKey(b, "digest")
	b = jsonx.AppendString(b, f.Digest)
	b = append(b, ',')
	b = jsonx.AppendKey(b, "lines")
	b = jsonx.AppendInt(b, f.Lines)
	b = append(b, ',')
	b = jsonx.AppendKey(b, "spans")
	b = append(b, '[')
	for i, s := range f.Spans {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"start":`...)
		b = jsonx.AppendInt(b, s.Start)
		b = append(b, `,"end":`...)
		b = jsonx.AppendInt(b, s.End)
		b = append(b, `,"author":`...)
		b = jsonx.AppendInt(b, s.Author)
		b = append(b, `,"class":`...)
		b = jsonx.AppendString(b, string(s.Class))
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// readRecord parses a record strictly: known fields only, each once.
func readRecord(data []byte) (*Record, error) {
	rd := jsonx.NewReader(data)
	var r Record
	err := rd.Object(func(key string) error {
		var err error
		switch key {
		case "commit":
			r.Commit, err = rd.String()
		case "tree":
			r.Tree, err = rd.String()
		case "parents":
			r.Parents, err = readStrings(rd)
		case "authors":
			if rd.IsNull() {
				return nil
			}
			r.Authors = []Author{}
			err = rd.Array(func() error {
				a, err := readAuthor(rd)
				r.Authors = append(r.Authors, a)
				return err
			})
		case "files":
			if rd.IsNull() {
				return nil
			}
			r.Files = []File{}
			err = rd.Array(func() error {
				f, err := readFile(rd)
				r.Files = append(r.Files, f)
				return err
			})
		case "derived_from":
			if rd.IsNull() {
				return nil
			}
			r.DerivedFrom = []Ref{}
			err = rd.Array(func() error {
				var ref Ref
				err := rd.Object(func(k string) error {
					var err error
					switch k {
					case "digest":
						ref.Digest, err = rd.String()
					case "commit":
						ref.Commit, err = rd.String()
					default:
						return unknownField("derived_from", k)
					}
					return err
				})
				r.DerivedFrom = append(r.DerivedFrom, ref)
				return err
			})
		case "method":
			var s string
			s, err = rd.String()
			r.Method = Method(s)
		case "recorder":
			err = rd.Object(func(k string) error {
				var err error
				switch k {
				case "name":
					r.Recorder.Name, err = rd.String()
				case "version":
					r.Recorder.Version, err = rd.String()
				default:
					return unknownField("recorder", k)
				}
				return err
			})
		default:
			return unknownField("record", key)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := rd.End(); err != nil {
		return nil, err
	}
	return &r, nil
}

func unknownField(where, key string) error {
	return fmt.Errorf("json: unknown field %q in %s", key, where)
}

func readStrings(rd *jsonx.Reader) ([]string, error) {
	if rd.IsNull() {
		return nil, nil
	}
	out := []string{}
	err := rd.Array(func() error {
		s, err := rd.String()
		out = append(out, s)
		return err
	})
	return out, err
}

func readAuthor(rd *jsonx.Reader) (Author, error) {
	var a Author
	err := rd.Object(func(k string) error {
		var err error
		var s string
		s, err = rd.String()
		switch k {
		case "kind":
			a.Kind = Kind(s)
		case "name":
			a.Name = s
		case "email":
			a.Email = s
		case "model_id":
			a.ModelID = s
		case "model":
			a.Model = s
		case "tool":
			a.Tool = s
		case "tool_version":
			a.ToolVersion = s
		case "session":
			a.Session = s
		default:
			return unknownField("author", k)
		}
		return err
	})
	return a, err
}

func readFile(rd *jsonx.Reader) (File, error) {
	var f File
	var raw []byte
	hasRaw := false
	err := rd.Object(func(k string) error {
		var err error
		switch k {
		case "path":
			f.Path, err = rd.String()
		case "path_bytes":
			hasRaw = true
			var s []byte
			if s, err = rd.Bytes(); err != nil {
				return err
			}
			raw, err = base64.StdEncoding.Strict().DecodeString(string(s))
			if err == nil && base64.StdEncoding.EncodeToString(raw) != string(s) {
				err = fmt.Errorf("json: path_bytes is not canonical base64")
			}
		case "digest":
			f.Digest, err = rd.String()
		case "lines":
			f.Lines, err = rd.Int()
		case "spans":
			if rd.IsNull() {
				return nil
			}
			f.Spans = []Span{}
			err = rd.Array(func() error {
				var s Span
				err := rd.Object(func(k string) error {
					var err error
					switch k {
					case "start":
						s.Start, err = rd.Int()
					case "end":
						s.End, err = rd.Int()
					case "author":
						s.Author, err = rd.Int()
					case "class":
						var c []byte
						c, err = rd.Bytes()
						s.Class = internClass(c)
					default:
						return unknownField("span", k)
					}
					return err
				})
				f.Spans = append(f.Spans, s)
				return err
			})
		default:
			return unknownField("file", k)
		}
		return err
	})
	if err != nil || !hasRaw {
		return f, err
	}
	// One form a name: path_bytes only for a name that is not UTF-8, and
	// path then its display form, so that nothing reads two names.
	if utf8.Valid(raw) {
		return f, fmt.Errorf("json: file %q: path_bytes given for a UTF-8 name", f.Path)
	}
	if shown := DisplayPath(string(raw)); shown != f.Path {
		return f, fmt.Errorf("json: file path %q does not match path_bytes (%q)", f.Path, shown)
	}
	f.Path = string(raw)
	return f, nil
}

// DisplayPath is a file name as valid UTF-8 text: the name itself when it
// is UTF-8, else the name with each byte that is not part of a UTF-8
// character replaced by U+FFFD, as a record's "path" field shows it.
func DisplayPath(p string) string {
	if utf8.ValidString(p) {
		return p
	}
	var b strings.Builder
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRuneInString(p[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(p[i : i+size])
		}
		i += size
	}
	return b.String()
}

// MarshalJSON writes the file as a record holds it: "path" as UTF-8 text
// and, for a name that is not UTF-8, "path_bytes" with its exact bytes.
func (f File) MarshalJSON() ([]byte, error) { return appendFile(nil, f), nil }

// UnmarshalJSON reads what MarshalJSON writes, strictly.
func (f *File) UnmarshalJSON(data []byte) error {
	rd := jsonx.NewReader(data)
	got, err := readFile(rd)
	if err != nil {
		return err
	}
	if err := rd.End(); err != nil {
		return err
	}
	*f = got
	return nil
}

// internClass returns the constant for the known classes, so that decoding
// 2,000 spans does not allocate 2,000 copies of "human".
func internClass(b []byte) Class {
	switch string(b) {
	case "human":
		return Human
	case "ai":
		return AI
	case "mixed":
		return Mixed
	case "unknown":
		return Unknown
	}
	return Class(b)
}
