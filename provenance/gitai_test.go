package provenance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func readGitAI(t testing.TB, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", "gitai", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestGitAISpecExamples reads the spec's own complete examples.
func TestGitAISpecExamples(t *testing.T) {
	cursorSonnet := Author{Kind: Model, ModelID: "anthropic/claude-sonnet-4-5-20250514", Model: "claude-sonnet-4-5-20250514", Tool: "cursor", Session: "6ef2299e-a67f-432b-aa80-3d2fb4d28999"}
	claudeSonnet := Author{Kind: Model, ModelID: "anthropic/claude-sonnet-4-5-20250514", Model: "claude-sonnet-4-5-20250514", Tool: "claude-code", Session: "conv_abc123def456"}
	dev := Author{Kind: Person, Name: "Developer", Email: "dev@example.com"}
	tests := []struct {
		file string
		want []Claim
	}{
		{"spec-1.2.5-sessions.note", []Claim{
			{"src/main.rs", 1, 10, cursorSonnet, AI}, {"src/main.rs", 15, 20, cursorSonnet, AI},
			{"src/main.rs", 25, 25, cursorSonnet, AI}, {"src/main.rs", 30, 35, cursorSonnet, AI},
			{"src/main.rs", 42, 50, dev, Human},
			{"src/lib.rs", 1, 50, claudeSonnet, AI},
		}},
		{"spec-1.2.6-legacy.note", []Claim{
			{"src/main.rs", 1, 10, Author{Kind: Model, ModelID: "anthropic/claude-4-5-opus", Model: "claude-4.5-opus", Tool: "cursor", Session: "6ef2299e-a67f-432b-aa80-3d2fb4d28999"}, AI},
			{"src/main.rs", 15, 20, Author{Kind: Model, ModelID: "anthropic/claude-4-5-opus", Model: "claude-4.5-opus", Tool: "cursor", Session: "6ef2299e-a67f-432b-aa80-3d2fb4d28999"}, AI},
			{"src/main.rs", 25, 25, Author{Kind: Model, ModelID: "anthropic/claude-3-sonnet", Model: "claude-3-sonnet", Tool: "cursor", Session: "a1b2c3d4-e5f6-7890-abcd-ef1234567890"}, AI},
			{"src/main.rs", 30, 35, Author{Kind: Model, ModelID: "anthropic/claude-3-sonnet", Model: "claude-3-sonnet", Tool: "cursor", Session: "a1b2c3d4-e5f6-7890-abcd-ef1234567890"}, AI},
			{"src/lib.rs", 1, 50, Author{Kind: Model, ModelID: "anthropic/claude-4-5-opus", Model: "claude-4.5-opus", Tool: "cursor", Session: "6ef2299e-a67f-432b-aa80-3d2fb4d28999"}, AI},
		}},
	}
	for _, tt := range tests {
		n, err := ParseGitAINote(readGitAI(t, tt.file))
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		got, err := n.Claims()
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got)\n%s", tt.file, diff)
		}
	}
	// The mixed example parses; its keys all resolve or the note says why.
	n, err := ParseGitAINote(readGitAI(t, "spec-1.2.7-mixed.note"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Claims(); err != nil && !strings.Contains(err.Error(), "not in metadata") {
		t.Errorf("mixed: %v", err)
	}
	if len(n.Files) != 2 || len(n.Files[0].Entries) != 2 {
		t.Errorf("mixed: %+v", n.Files)
	}
}

func TestParseGitAINoteEdges(t *testing.T) {
	meta := "---\n{\"schema_version\":\"authorship/3.0.0\",\"base_commit_sha\":\"x\",\"prompts\":{\"abcd123\":{\"agent_id\":{\"tool\":\"cursor\",\"id\":\"1\",\"model\":\"gpt-4\"}}}}"
	for _, tt := range []struct {
		reason, in string
		ok         bool
	}{
		{"quoted path with a space, CRLF, a seven-hex legacy key", "\"a b.go\"\r\n  abcd123 1,3-4\r\n" + meta, true},
		{"a file with no entries is dropped", "empty.go\nx.go\n  abcd123 2\n" + meta, true},
		{"no divider", "x.go\n  abcd123 2\n", false},
		{"entry before a file", "  abcd123 2\n" + meta, false},
		{"descending range", "x.go\n  abcd123 4-2\n" + meta, false},
		{"line zero", "x.go\n  abcd123 0\n" + meta, false},
		{"another schema", "x.go\n  abcd123 2\n---\n{\"schema_version\":\"authorship/2.0.0\"}", false},
		{"trailing data after the metadata", "x.go\n  abcd123 2\n" + meta + "{}", false},
	} {
		n, err := ParseGitAINote([]byte(tt.in))
		if (err == nil) != tt.ok {
			t.Errorf("%s: err %v", tt.reason, err)
			continue
		}
		if err == nil {
			if _, err := n.Claims(); err != nil {
				t.Errorf("%s: claims: %v", tt.reason, err)
			}
		}
	}
	n, _ := ParseGitAINote([]byte("\"a b.go\"\r\n  abcd123 1,3-4\r\n" + meta))
	if n.Files[0].Path != "a b.go" || len(n.Files[0].Entries[0].Ranges) != 2 {
		t.Errorf("%+v", n.Files)
	}
	n, _ = ParseGitAINote([]byte("x.go\n  nope 1\n" + meta))
	if _, err := n.Claims(); err == nil {
		t.Error("a key the metadata does not name was accepted")
	}
}

func FuzzParseGitAINote(f *testing.F) {
	for _, name := range []string{"spec-1.2.5-sessions.note", "spec-1.2.6-legacy.note", "spec-1.2.7-mixed.note"} {
		f.Add(readGitAI(f, name))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := ParseGitAINote(b)
		if err != nil {
			return
		}
		claims, err := n.Claims()
		if err != nil {
			return
		}
		for _, c := range claims {
			if c.Start < 1 || c.End < c.Start || !c.Class.Valid() {
				t.Fatalf("claim %+v", c)
			}
			if err := c.Author.validate(); err != nil {
				t.Fatalf("claim author %+v: %v", c.Author, err)
			}
		}
	})
}

// FuzzDetect: any commit message and identity; markers hold together.
func FuzzDetect(f *testing.F) {
	f.Add("Ada (aider)", "x\n\nEntire-Attribution: 73% agent (146/200 lines)\nAssisted-By: claude-code claude-sonnet-4-5\n")
	f.Add("Ada", "x\n\nAssisted-by: \xff:\xfe\nCo-authored-by: Claude Opus \xff <noreply@anthropic.com>\n")
	f.Add("Ada", "x\n\nCo-authored-by-AI: GitHub Copilot (gpt-4.1)\nGenerated-By: a [b]\nAssisted-by: x:y hallmark\n")
	f.Fuzz(func(t *testing.T, name, msg string) {
		for _, m := range Detect(CommitInfo{AuthorName: name, CommitterName: name, Message: msg}) {
			if !m.Class.Valid() || m.Evidence == "" {
				t.Fatalf("marker %+v", m)
			}
			if err := m.Author().validate(); err != nil {
				t.Fatalf("marker %+v: author %v", m, err)
			}
			if m.Share != nil && (m.Share.AgentLines > m.Share.TotalLines || m.Share.AgentLines < 0) {
				t.Fatalf("share %+v", m.Share)
			}
		}
	})
}
