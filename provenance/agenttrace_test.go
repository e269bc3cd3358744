package provenance

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAgentTraceRoundTrip(t *testing.T) {
	r := sampleRecord()
	r.Authors[1].Session = "" // Agent Trace carries no sessions.
	r.Authors[1].Tool, r.Authors[1].ToolVersion = "", ""
	r.Normalize()
	tr, err := ExportAgentTrace(r)
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

func TestImportAgentTraceSpecExample(t *testing.T) {
	// The example of the Agent Trace v0.1 specification.
	const spec = `{
  "version": "0.1.0",
  "id": "550e8400-e29b-41d4-a716-446655440000",
  "timestamp": "2026-01-23T14:30:00Z",
  "vcs": {"type": "git", "revision": "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0"},
  "tool": {"name": "cursor", "version": "2.4.0"},
  "files": [
    {"path": "src/utils/parser.ts", "conversations": [{
      "url": "https://api.cursor.com/v1/conversations/12345",
      "contributor": {"type": "ai", "model_id": "anthropic/claude-opus-4-5-20251101"},
      "ranges": [{"start_line": 42, "end_line": 67, "content_hash": "murmur3:9f2e8a1b"}],
      "related": [{"type": "session", "url": "https://api.cursor.com/v1/sessions/67890"}]}]},
    {"path": "src/utils/helpers.ts", "conversations": [{
      "url": "https://api.cursor.com/v1/conversations/12345",
      "contributor": {"type": "ai", "model_id": "openai/gpt-4o"},
      "ranges": [{"start_line": 10, "end_line": 25}]}]}
  ],
  "metadata": {"confidence": 0.95, "dev.cursor": {"workspace_id": "ws-abc123"}}
}`
	r, err := ImportAgentTrace([]byte(spec), &ImportOptions{Lines: func(string) (int, string, error) { return 100, digestA, nil }})
	if err != nil {
		t.Fatal(err)
	}
	want := Count{AI: 26 + 16}
	if diff := cmp.Diff(want, r.Count()); diff != "" {
		t.Error(diff)
	}
	if r.Recorder.Name != "cursor" || len(r.Authors) != 2 {
		t.Errorf("recorder %+v authors %+v", r.Recorder, r.Authors)
	}
}

func TestImportAgentTraceRejects(t *testing.T) {
	for _, in := range []string{
		`{}`,
		`{"version":"2.0","vcs":{"type":"git","revision":"x"},"files":[]}`,
		`{"version":"0.1.0","vcs":{"type":"hg","revision":"x"},"files":[]}`,
		`{"version":"0.1.0","vcs":{"type":"git","revision":"` + commitA + `"},"files":[{"path":"a","conversations":[{"contributor":{"type":"robot"},"ranges":[]}]}]}`,
		`not json`,
	} {
		if _, err := ImportAgentTrace([]byte(in), nil); err == nil {
			t.Errorf("accepted %s", in)
		}
	}
}
