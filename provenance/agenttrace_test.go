package provenance

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// agentTraceSchema compiles the spec's own schema (testdata/agent-trace,
// see SOURCE.md there), with format assertions on (uuid, date-time, uri).
func agentTraceSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "agent-trace", "trace-record.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("trace-record.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("trace-record.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func validateTrace(t *testing.T, s *jsonschema.Schema, b []byte) error {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return s.Validate(v)
}

func TestExportValidatesAgainstSpecSchema(t *testing.T) {
	s := agentTraceSchema(t)
	// The schema is not vacuous: the old export (no id, no timestamp) and
	// a wrong id fail it.
	for _, bad := range []string{
		`{"version":"0.1.0","vcs":{"type":"git","revision":"x"},"files":[]}`,
		`{"version":"0.1.0","id":"not-a-uuid","timestamp":"2026-01-01T00:00:00Z","files":[]}`,
		`{"version":"0.1.0","id":"550e8400-e29b-41d4-a716-446655440000","timestamp":"yesterday","files":[]}`,
	} {
		if err := validateTrace(t, s, []byte(bad)); err == nil {
			t.Fatalf("the schema accepts %s", bad)
		}
	}
	odd := sampleRecord()
	odd.Files[1].Path = "caf\xe9 latin1.go"
	odd.Authors = append(odd.Authors, Author{Kind: Person, Name: "Bo"})
	odd.Files[0].Spans[1].Class = Unknown
	for _, r := range []*Record{sampleRecord(), odd} {
		tr, err := ExportAgentTrace(r, &ExportOptions{Timestamp: time.Unix(1700000000, 0)})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(tr)
		if err != nil {
			t.Fatal(err)
		}
		if err := validateTrace(t, s, b); err != nil {
			t.Errorf("export does not validate: %v\n%s", err, b)
		}
		again, _ := ExportAgentTrace(r, &ExportOptions{Timestamp: time.Unix(1700000000, 0)})
		if again.ID != tr.ID || tr.Timestamp != "2023-11-14T22:13:20Z" {
			t.Errorf("id %s then %s, timestamp %s", tr.ID, again.ID, tr.Timestamp)
		}
	}
}

func TestAgentTraceRoundTrip(t *testing.T) {
	r := sampleRecord()
	r.Authors[1].Session = "" // Agent Trace carries no sessions.
	r.Authors[1].Tool, r.Authors[1].ToolVersion = "", ""
	r.Files[1].Path = "caf\xe9 latin1.go" // through the dev.hallmark metadata
	r.Method = MethodImported
	r.Normalize()
	tr, err := ExportAgentTrace(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(tr)
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]File{}
	for _, f := range r.Files {
		lines[f.Path] = f
	}
	var human Author
	for _, a := range r.Authors {
		if a.Kind == Person {
			human = a
		}
	}
	back, err := ImportAgentTrace(b, &ImportOptions{
		Human: &human,
		Lines: func(p string) (int, string, error) { return lines[p].Lines, lines[p].Digest, nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	r.Recorder = Recorder{Name: "hallmark", Version: "test"}
	r.Parents = nil // Agent Trace has no parents.
	if diff := cmp.Diff(r, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

// specRecord reads a fixture of the spec's README; a fragment is wrapped
// in the version, id and timestamp a record requires.
func specRecord(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "agent-trace", name))
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(name, "fragment-") {
		var files map[string]json.RawMessage
		if err := json.Unmarshal(b, &files); err != nil {
			t.Fatal(err)
		}
		b, _ = json.Marshal(map[string]any{"version": "0.1.0", "id": "550e8400-e29b-41d4-a716-446655440000",
			"timestamp": "2026-01-25T10:00:00Z", "files": files["files"]})
	}
	return b
}

func TestImportSpecExamples(t *testing.T) {
	s := agentTraceSchema(t)
	tests := []struct {
		file    string
		want    Count
		authors []Author
	}{
		{"example-6.2.json", Count{AI: 26 + 16}, []Author{
			{Kind: Model, ModelID: "anthropic/claude-opus-4-5-20251101", Tool: "cursor"},
			{Kind: Model, ModelID: "openai/gpt-4o", Tool: "cursor"}}},
		{"example-A.json", Count{AI: 50}, []Author{{Kind: Model, Tool: "unknown"}}},
		{"fragment-6.3.json", Count{AI: 16 + 16 + 16 + 3}, []Author{
			{Kind: Model, ModelID: "anthropic/claude-sonnet-4-20250514"},
			{Kind: Model, ModelID: "openai/gpt-4o"}}},
		{"fragment-6.6.json", Count{AI: 16}, []Author{{Kind: Model, ModelID: "anthropic/claude-opus-4-5-20251101"}}},
		{"fragment-6.8.json", Count{AI: 41}, []Author{{Kind: Model, ModelID: "anthropic/claude-opus-4-5-20251101"}}},
	}
	for _, tt := range tests {
		b := specRecord(t, tt.file)
		if err := validateTrace(t, s, b); err != nil {
			t.Errorf("%s: the spec's example fails the spec's schema: %v", tt.file, err)
		}
		r, err := ImportAgentTrace(b, &ImportOptions{Commit: commitA, Lines: func(string) (int, string, error) { return 100, digestA, nil }})
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if diff := cmp.Diff(tt.want, r.Count()); diff != "" {
			t.Errorf("%s: count (-want +got)\n%s", tt.file, diff)
		}
		want := append([]Author(nil), tt.authors...)
		got := r.Authors
		if diff := cmp.Diff(len(want), len(got)); diff != "" {
			t.Errorf("%s: authors %+v, want %+v", tt.file, got, want)
		}
		for _, a := range want {
			found := false
			for _, g := range got {
				found = found || g == a
			}
			if !found {
				t.Errorf("%s: author %+v missing from %+v", tt.file, a, got)
			}
		}
		if r.Method != MethodImported {
			t.Errorf("%s: method %q", tt.file, r.Method)
		}
	}
}

func TestAgentTraceContributors(t *testing.T) {
	// A range-level contributor overrides its conversation's; a
	// conversation without one is unknown; JSONL holds several records.
	const jsonl = `{"version":"0.1.0","id":"550e8400-e29b-41d4-a716-446655440000","timestamp":"2026-01-25T10:00:00Z","files":[{"path":"a.go","conversations":[{"contributor":{"type":"ai","model_id":"gpt-5.2"},"ranges":[{"start_line":1,"end_line":4},{"start_line":5,"end_line":6,"contributor":{"type":"human"}},{"start_line":7,"end_line":7,"contributor":{"type":"ai","model_id":"anthropic/claude-opus-4-5"}}]}]}]}
{"version":"0.1.0","id":"550e8400-e29b-41d4-a716-446655440001","timestamp":"2026-01-25T10:01:00Z","files":[{"path":"a.go","conversations":[{"ranges":[{"start_line":9,"end_line":9}]}]}]}
`
	traces, err := ParseAgentTraces([]byte(jsonl))
	if err != nil || len(traces) != 2 {
		t.Fatalf("%d traces, %v", len(traces), err)
	}
	var got []Claim
	for _, tr := range traces {
		c, err := tr.Claims(nil)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, c...)
	}
	want := []Claim{
		{Path: "a.go", Start: 1, End: 4, Author: Author{Kind: Model, ModelID: "openai/gpt-5.2", Model: "gpt-5.2"}, Class: AI},
		{Path: "a.go", Start: 5, End: 6, Author: Author{Kind: Person, Name: "unknown"}, Class: Human},
		{Path: "a.go", Start: 7, End: 7, Author: Author{Kind: Model, ModelID: "anthropic/claude-opus-4-5"}, Class: AI},
		{Path: "a.go", Start: 9, End: 9, Class: Unknown},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("claims (-want +got)\n%s", diff)
	}
}

func TestImportAgentTraceRejects(t *testing.T) {
	for _, in := range []string{
		`{}`,
		`{"version":"2.0","vcs":{"type":"git","revision":"x"},"files":[]}`,
		`{"version":"0.1.0","vcs":{"type":"hg","revision":"x"},"files":[]}`,
		`{"version":"0.1.0","files":[]}`, // no vcs and no commit given
		`{"version":"0.1.0","vcs":{"type":"git","revision":"` + commitA + `"},"files":[{"path":"a","conversations":[{"contributor":{"type":"robot"},"ranges":[{"start_line":1,"end_line":1}]}]}]}`,
		`{"version":"0.1.0","vcs":{"type":"git","revision":"` + commitA + `"},"files":[{"path":"a","conversations":[{"ranges":[{"start_line":3,"end_line":2}]}]}]}`,
		`not json`,
	} {
		if _, err := ImportAgentTrace([]byte(in), nil); err == nil {
			t.Errorf("accepted %s", in)
		}
	}
}

func FuzzParseAgentTraces(f *testing.F) {
	for _, name := range []string{"example-6.2.json", "example-A.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", "agent-trace", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"version":"0.1.0","files":[{"path":"a","conversations":[{"ranges":[{"start_line":1,"end_line":2,"contributor":{"type":"ai"}}]}]}],"metadata":{"dev.hallmark":{"record":"x","path_bytes":{"a":"YQ=="}}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		traces, err := ParseAgentTraces(b)
		if err != nil {
			return
		}
		for _, tr := range traces {
			claims, err := tr.Claims(nil)
			if err != nil {
				continue
			}
			for _, c := range claims {
				if c.Start < 1 || c.End < c.Start || !c.Class.Valid() || c.Path == "" {
					t.Fatalf("claim %+v from %s", c, b)
				}
			}
		}
	})
}
