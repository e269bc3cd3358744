package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// classesOf returns, for each file of a record, the class of each line it
// covers, "." for a line it does not.
func classesOf(rec *provenance.Record) map[string]string {
	out := map[string]string{}
	for _, f := range rec.Files {
		b := []byte(strings.Repeat(".", f.Lines))
		for _, s := range f.Spans {
			for n := s.Start; n <= s.End; n++ {
				b[n-1] = string(s.Class)[0]
			}
		}
		out[f.Path] = string(b)
	}
	return out
}

func TestRecordAgentTraceValidatesCLI(t *testing.T) {
	r := sampleRepo(t)
	res := hallmark(t, r.Dir, nil, "record", "--format", "agent-trace", "HEAD")
	if res.code != 0 {
		t.Fatalf("record --format agent-trace: %+v", res)
	}
	f, err := os.Open(filepath.Join("..", "..", "provenance", "testdata", "agent-trace", "trace-record.schema.json"))
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
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("schema.json")
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(res.stdout))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("hallmark's Agent Trace fails the spec's schema: %v\n%s", err, res.stdout)
	}
	for _, want := range []string{`"model_id": "anthropic/claude-opus-4-5"`, `"type": "ai"`, `"revision": "` + strings.TrimSpace(r.Git("rev-parse", "HEAD"))} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("export lacks %s:\n%s", want, res.stdout)
		}
	}
	// What it exports, it imports back: the same lines, the same classes.
	trace := filepath.Join(t.TempDir(), "trace.json")
	os.WriteFile(trace, []byte(res.stdout), 0o644)
	back := hallmark(t, r.Dir, nil, "import", "agent-trace", "--print", trace)
	if back.code != 0 {
		t.Fatalf("import: %+v", back)
	}
	if !strings.Contains(back.stdout, `"method": "imported"`) || strings.Count(back.stdout, `"class": "ai"`) != 1 {
		t.Errorf("import of the export:\n%s", back.stdout)
	}
}

func TestImportAgentTraceCLI(t *testing.T) {
	r := gittest.New(t)
	r.Write("old.go", gittest.Lines("old", 3))
	r.Commit("base", "")
	r.Write("a.go", gittest.Lines("line", 10))
	r.Write("old.go", gittest.Lines("old", 3)+"new\n")
	head := r.Commit("feat", "")
	// Two records as a hook appends them to .agent-trace/traces.jsonl, no
	// vcs: the ranges are the commit's. The second speaks of a line the
	// first gave the model, and wins; a range past the commit's lines and
	// one on a line the commit did not add are left out.
	jsonl := `{"version":"0.1.0","id":"550e8400-e29b-41d4-a716-446655440000","timestamp":"2026-01-25T10:00:00Z","tool":{"name":"claude-code"},"files":[` +
		`{"path":"a.go","conversations":[{"contributor":{"type":"ai","model_id":"gpt-5.2"},"ranges":[{"start_line":1,"end_line":4},{"start_line":5,"end_line":6,"contributor":{"type":"human"}}]}]},` +
		`{"path":"old.go","conversations":[{"contributor":{"type":"ai"},"ranges":[{"start_line":1,"end_line":4}]}]}]}` + "\n" +
		`{"version":"0.1.0","id":"550e8400-e29b-41d4-a716-446655440001","timestamp":"2026-01-25T10:01:00Z","files":[` +
		`{"path":"a.go","conversations":[{"ranges":[{"start_line":4,"end_line":4}]},{"contributor":{"type":"mixed","model_id":"anthropic/claude-opus-4-5"},"ranges":[{"start_line":8,"end_line":8},{"start_line":30,"end_line":31}]}]}]}` + "\n"
	dir := t.TempDir()
	file := filepath.Join(dir, "traces.jsonl")
	os.WriteFile(file, []byte(jsonl), 0o644)
	res := hallmark(t, r.Dir, nil, "import", "agent-trace", "--print", file)
	if res.code != 0 {
		t.Fatalf("import --print: %+v", res)
	}
	rec, err := provenance.Decode(compact(t, res.stdout))
	if err != nil {
		t.Fatalf("%v\n%s", err, res.stdout)
	}
	want := map[string]string{
		"a.go":   "aaauhhumuu", // 4: overridden by the later record (unknown); 7, 9, 10: no claim
		"old.go": "...a",       // only line 4 is the commit's
	}
	if diff := cmp.Diff(want, classesOf(rec)); diff != "" {
		t.Errorf("classes (-want +got)\n%s", diff)
	}
	if rec.Commit != head || rec.Method != provenance.MethodImported {
		t.Errorf("commit %s method %s", rec.Commit, rec.Method)
	}
	models := map[string]bool{}
	for _, a := range rec.Authors {
		models[a.ModelID] = true
	}
	if !models["openai/gpt-5.2"] || !models["anthropic/claude-opus-4-5"] {
		t.Errorf("authors %+v", rec.Authors)
	}
	if notes, _ := r.TryGit("notes", "--ref=refs/notes/hallmark", "list"); strings.TrimSpace(notes) != "" {
		t.Errorf("--print stored a note: %s", notes)
	}

	// Stored, signed with --key: it verifies, as imported.
	keys := t.TempDir()
	env := []string{"HALLMARK_PASSWORD=pw"}
	if res := hallmark(t, r.Dir, env, "keys", "generate", "--output", filepath.Join(keys, "k")); res.code != 0 {
		t.Fatal(res)
	}
	res = hallmark(t, r.Dir, env, "import", "agent-trace", "--key", filepath.Join(keys, "k.key"), file)
	if res.code != 0 || !strings.Contains(res.stdout, "(signed, imported)") || !strings.Contains(res.stderr, "5 claimed lines") {
		t.Fatalf("import: %+v", res)
	}
	if res := hallmark(t, r.Dir, nil, "verify", "--key", filepath.Join(keys, "k.pub"), "HEAD~1..HEAD"); res.code != 0 || !strings.Contains(res.stdout, "1 verified") {
		t.Errorf("verify the import: %+v", res)
	}
	if res := hallmark(t, r.Dir, nil, "import", "agent-trace", file); res.code == 0 || !strings.Contains(res.stderr, "record already") {
		t.Errorf("a second import over a record: %+v", res)
	}
	// A trace naming a revision that is not here.
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"version":"0.1.0","vcs":{"type":"git","revision":"`+strings.Repeat("e", 40)+`"},"files":[]}`), 0o644)
	if res := hallmark(t, r.Dir, nil, "import", "agent-trace", "--print", bad); res.code != 2 || !strings.Contains(res.stderr, "not a commit") {
		t.Errorf("unknown revision: %+v", res)
	}
}

func compact(t *testing.T, s string) []byte {
	var b bytes.Buffer
	for _, l := range strings.Split(s, "\n") {
		b.WriteString(strings.TrimSpace(l))
	}
	return b.Bytes()
}

// writeGitAINote stores a note the way git-ai's notes_add_batch does: one
// git fast-import stream, the note at its fan-out path.
func writeGitAINote(t *testing.T, r *gittest.Repo, commit string, content []byte) {
	t.Helper()
	var in bytes.Buffer
	fmt.Fprintf(&in, "blob\nmark :1\ndata %d\n", len(content))
	in.Write(content)
	in.WriteString("\ncommit refs/notes/ai\ncommitter git-ai <git-ai@local> 1700000000 +0000\ndata 0\n")
	if tip, err := r.TryGit("rev-parse", "--verify", "--quiet", "refs/notes/ai"); err == nil {
		fmt.Fprintf(&in, "from %s\n", strings.TrimSpace(tip))
	}
	fmt.Fprintf(&in, "M 100644 :1 %s/%s\n\n", commit[:2], commit[2:])
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir, cmd.Env, cmd.Stdin = r.Dir, gittest.Env(t.TempDir()), &in
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fast-import: %v\n%s", err, out)
	}
}

func TestImportGitAICLI(t *testing.T) {
	r := gittest.New(t)
	r.Write("README", "x\n")
	base := r.Commit("base", "")
	r.Write("src/main.rs", gittest.Lines("main", 52))
	r.Write("src/my file.rs", gittest.Lines("spaced", 50))
	first := r.Commit("sessions", "Dev <dev@example.com>")
	r.Write("src/main.rs", gittest.Lines("main", 52)+gittest.Lines("more", 3))
	r.Write("src/lib.rs", gittest.Lines("lib", 50))
	second := r.Commit("legacy", "")
	read := func(name, baseCommit string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", "gitai", name))
		if err != nil {
			t.Fatal(err)
		}
		return bytes.ReplaceAll(b, []byte("BASE"), []byte(baseCommit))
	}
	writeGitAINote(t, r, first, read("sessions.note", base))
	// The other note as git-ai's notes_migrate writes it.
	r.Git("notes", "--ref=ai", "add", "-f", "-m", string(read("legacy.note", first)), second)

	res := hallmark(t, r.Dir, nil, "import", "git-ai", "--print")
	if res.code != 0 {
		t.Fatalf("import git-ai --print: %+v", res)
	}
	var recs []*provenance.Record
	dec := json.NewDecoder(strings.NewReader(res.stdout))
	for dec.More() {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			t.Fatal(err)
		}
		rec, err := provenance.Decode(compact(t, string(raw)))
		if err != nil {
			t.Fatalf("%v\n%s", err, raw)
		}
		recs = append(recs, rec)
	}
	if len(recs) != 2 || recs[0].Commit != first || recs[1].Commit != second {
		t.Fatalf("%d records: %s", len(recs), res.stdout)
	}
	// sessions.note: main.rs 1-10,15-20 and 25,30-35 the cursor session,
	// 42-50 the known human, the rest untracked; my file.rs 1-50 claude.
	main := strings.Repeat("a", 10) + "uuuu" + strings.Repeat("a", 6) + "uuuu" + "a" + "uuuu" + strings.Repeat("a", 6) +
		"uuuuuu" + strings.Repeat("h", 9) + "uu"
	want := map[string]string{"src/main.rs": main, "src/my file.rs": strings.Repeat("a", 50)}
	if diff := cmp.Diff(want, classesOf(recs[0])); diff != "" {
		t.Errorf("sessions note (-want +got)\n%s", diff)
	}
	byKind := map[string]provenance.Author{}
	for _, a := range recs[0].Authors {
		byKind[string(a.Kind)+a.Tool] = a
	}
	if a := byKind["modelcursor"]; a.ModelID != "anthropic/claude-sonnet-4-5-20250514" || a.Session != "6ef2299e-a67f-432b-aa80-3d2fb4d28999" {
		t.Errorf("cursor session: %+v", a)
	}
	if a := byKind["modelclaude-code"]; a.ModelID != "anthropic/claude-sonnet-4-5-20250514" {
		t.Errorf("claude session: %+v (authors %+v)", a, recs[0].Authors)
	}
	if a := byKind["person"]; a.Name != "Developer" || a.Email != "dev@example.com" {
		t.Errorf("known human: %+v (authors %+v)", a, recs[0].Authors)
	}
	// legacy.note, on a commit that added main.rs 53-55 and lib.rs: only
	// those lines are the commit's.
	want = map[string]string{"src/main.rs": strings.Repeat(".", 52) + "uuu", "src/lib.rs": strings.Repeat("a", 50)}
	if diff := cmp.Diff(want, classesOf(recs[1])); diff != "" {
		t.Errorf("legacy note (-want +got)\n%s", diff)
	}
	if recs[1].Authors[0].ModelID != "anthropic/claude-4-5-opus" && recs[1].Authors[1].ModelID != "anthropic/claude-4-5-opus" {
		t.Errorf("legacy prompt's model: %+v", recs[1].Authors)
	}

	// Before any import, report and blame read git-ai's notes as evidence
	// "imported".
	res = hallmark(t, r.Dir, nil, "blame", "--json", "--no-cache", "--", "src/lib.rs")
	if res.code != 0 || strings.Count(res.stdout, `"evidence": "imported"`) != 50 || strings.Count(res.stdout, `"class": "ai"`) != 50 {
		t.Errorf("blame over git-ai notes: %+v", res)
	}
	res = hallmark(t, r.Dir, nil, "report", "--json", "--no-cache")
	if res.code != 0 || !strings.Contains(res.stdout, `"key": "imported"`) {
		t.Errorf("report over git-ai notes: %+v", res)
	}

	// Stored: verify sees two imported records, unsigned.
	res = hallmark(t, r.Dir, nil, "import", "git-ai", base+"..HEAD")
	if res.code != 0 || strings.Count(res.stdout, "(unsigned, imported)") != 2 {
		t.Fatalf("import git-ai: %+v", res)
	}
	if out := r.Git("notes", "--ref=refs/notes/hallmark", "list"); strings.Count(out, "\n") != 2 {
		t.Errorf("notes: %s", out)
	}
	// A repository without git-ai notes says how to fetch them.
	empty := gittest.New(t)
	empty.Write("f", "x\n")
	empty.Commit("x", "")
	if res := hallmark(t, empty.Dir, nil, "import", "git-ai"); res.code == 0 || !strings.Contains(res.stderr, "git fetch origin refs/notes/ai") {
		t.Errorf("no notes: %+v", res)
	}
}
