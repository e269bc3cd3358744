package provenance

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	commitA = "0123456789abcdef0123456789abcdef01234567"
	digestA = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

func sampleRecord() *Record {
	return &Record{
		Commit:  commitA,
		Parents: []string{strings.Repeat("1", 40)},
		Authors: []Author{
			{Kind: Person, Name: "Ada", Email: "ada@example.com"},
			{Kind: Model, ModelID: "anthropic/claude-opus-4-5-20251101", Tool: "claude-code", ToolVersion: "2.1.3", Session: "s1"},
		},
		Files: []File{
			{Path: "z.go", Digest: digestA, Lines: 10, Spans: []Span{{Start: 1, End: 5, Author: 1, Class: AI}, {Start: 6, End: 10, Author: 0, Class: Human}}},
			{Path: "a/b.go", Digest: digestA, Lines: 3, Spans: []Span{{Start: 2, End: 2, Author: 1, Class: Mixed}}},
		},
		Recorder: Recorder{Name: "hallmark", Version: "test"},
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		reason string
		mutate func(r *Record)
		want   string // substring of the error; "" for valid
	}{
		{"a sample record is valid", func(r *Record) {}, ""},
		{"commit must be an object id", func(r *Record) { r.Commit = "HEAD" }, "not a hex object id"},
		{"uppercase hex is not canonical", func(r *Record) { r.Commit = strings.ToUpper(commitA) }, "not a hex object id"},
		{"sha256 object ids are accepted", func(r *Record) { r.Commit = strings.Repeat("a", 64) }, ""},
		{"span past end of file", func(r *Record) { r.Files[0].Spans[0].End = 11 }, "outside lines"},
		{"span before line 1", func(r *Record) { r.Files[0].Spans[1].Start = 0 }, "outside lines"},
		{"span ending before it starts", func(r *Record) { r.Files[1].Spans[0].End = 1 }, "outside lines"},
		{"spans out of order", func(r *Record) {
			r.Files[0].Spans[0], r.Files[0].Spans[1] = r.Files[0].Spans[1], r.Files[0].Spans[0]
		}, "out of order"},
		{"overlapping spans", func(r *Record) {
			r.Files[0].Spans = []Span{{1, 5, 0, Human}, {5, 6, 0, AI}}
		}, "overlaps"},
		{"unknown class", func(r *Record) { r.Files[1].Spans[0].Class = "robot" }, "unknown class"},
		{"author out of range", func(r *Record) { r.Files[1].Spans[0].Author = 2 }, "names author 2"},
		{"negative author", func(r *Record) { r.Files[1].Spans[0].Author = -1 }, "names author -1"},
		{"unknown kind", func(r *Record) { r.Authors[0].Kind = "alien" }, "unknown kind"},
		{"bad model id", func(r *Record) { r.Authors[1].ModelID = "claude opus" }, "provider/model"},
		{"model known only by tool", func(r *Record) { r.Authors[1].ModelID = "" }, ""},
		{"model with nothing", func(r *Record) { r.Authors[1] = Author{Kind: Model} }, "no model_id"},
		{"person without name", func(r *Record) { r.Authors[0] = Author{Kind: Person} }, "neither name"},
		{"duplicate path", func(r *Record) { r.Files[1].Path = "z.go" }, "listed twice"},
		{"absolute path", func(r *Record) { r.Files[1].Path = "/etc/passwd" }, "relative"},
		{"dot-dot path", func(r *Record) { r.Files[1].Path = "a/../b" }, "not clean"},
		{"a name that is not UTF-8 is a name", func(r *Record) { r.Files[1].Path = "a\xff" }, ""},
		{"NUL in a path", func(r *Record) { r.Files[1].Path = "a\x00b" }, "NUL"},
		{"bad digest", func(r *Record) { r.Files[1].Digest = "md5:00" }, "digest"},
		{"no recorder", func(r *Record) { r.Recorder.Name = "" }, "recorder"},
		{"bad derivation", func(r *Record) { r.DerivedFrom = []Ref{{Digest: "x", Commit: commitA}} }, "derived_from"},
	}
	for _, tt := range tests {
		r := sampleRecord()
		tt.mutate(r)
		err := r.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: unexpected error %v", tt.reason, err)
		case tt.want != "" && err == nil:
			t.Errorf("%s: no error, want %q", tt.reason, tt.want)
		case tt.want != "" && !strings.Contains(err.Error(), tt.want):
			t.Errorf("%s: error %q, want it to mention %q", tt.reason, err, tt.want)
		case tt.want != "" && !errors.Is(err, ErrInvalid):
			t.Errorf("%s: error %v does not wrap ErrInvalid", tt.reason, err)
		}
	}
}

func TestEncodeIsCanonical(t *testing.T) {
	a := sampleRecord()
	b := sampleRecord()
	// Same content, other order: authors swapped and spans renumbered.
	b.Authors[0], b.Authors[1] = b.Authors[1], b.Authors[0]
	for fi := range b.Files {
		for si := range b.Files[fi].Spans {
			b.Files[fi].Spans[si].Author = 1 - b.Files[fi].Spans[si].Author
		}
	}
	b.Files[0], b.Files[1] = b.Files[1], b.Files[0]
	ea, err := a.Encode()
	if err != nil {
		t.Fatal(err)
	}
	eb, err := b.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(ea), string(eb)); diff != "" {
		t.Fatalf("equal records encode differently:\n%s", diff)
	}
	dec, err := Decode(ea)
	if err != nil {
		t.Fatal(err)
	}
	again, err := dec.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(ea) {
		t.Fatalf("decode/encode is not stable:\n%s\n%s", ea, again)
	}
	if strings.Contains(string(ea), "\n") || strings.Contains(string(ea), "\\u003c") {
		t.Errorf("encoding is not compact or escapes HTML: %s", ea)
	}
}

func TestNormalizeMergesAdjacentSpans(t *testing.T) {
	r := sampleRecord()
	r.Files[0].Spans = []Span{{6, 10, 0, Human}, {1, 2, 1, AI}, {3, 5, 1, AI}}
	r.Normalize()
	want := []Span{{1, 5, 0, AI}, {6, 10, 1, Human}} // authors sorted: the model first
	// Files are sorted, so z.go is now second.
	if diff := cmp.Diff(want, r.Files[1].Spans); diff != "" {
		t.Error(diff)
	}
}

func TestDecodeRejects(t *testing.T) {
	good, err := sampleRecord().Encode()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		reason string
		in     string
		err    error
	}{
		{"unknown field", strings.Replace(string(good), `"commit"`, `"extra":1,"commit"`, 1), ErrInvalid},
		{"trailing data", string(good) + "{}", ErrInvalid},
		{"not JSON", "nope", ErrInvalid},
		{"empty", "", ErrInvalid},
		{"too large", strings.Repeat(" ", MaxRecordSize+1), ErrTooLarge},
	}
	for _, tt := range tests {
		if _, err := Decode([]byte(tt.in)); !errors.Is(err, tt.err) {
			t.Errorf("%s: got %v, want %v", tt.reason, err, tt.err)
		}
	}
}

func TestCount(t *testing.T) {
	c := sampleRecord().Count()
	want := Count{Human: 5, AI: 5, Mixed: 1}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Error(diff)
	}
	if got := c.AIShare(); got != 6.0/11.0 {
		t.Errorf("AIShare = %v", got)
	}
}

func FuzzDecode(f *testing.F) {
	good, _ := sampleRecord().Encode()
	f.Add(good)
	f.Add([]byte(`{"commit":"x"}`))
	odd := sampleRecord()
	odd.Files[1].Path = "caf\xe9 \"q\"\tx"
	oddEnc, _ := odd.Encode()
	f.Add(oddEnc)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Decode(b)
		if err != nil {
			return
		}
		// Whatever decodes must re-encode and decode to the same record.
		e, err := r.Encode()
		if err != nil {
			t.Fatalf("decoded record does not encode: %v", err)
		}
		r2, err := Decode(e)
		if err != nil {
			t.Fatalf("encoded record does not decode: %v", err)
		}
		e2, _ := r2.Encode()
		if string(e) != string(e2) {
			t.Fatalf("not stable: %s vs %s", e, e2)
		}
	})
}
