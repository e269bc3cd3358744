package repo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/provenance"
)

var bufModel = provenance.Author{Kind: provenance.Model, ModelID: "hallmark-examples/scripted-model-1", Tool: "editor"}

// splice applies an edit to text the plain way, by offsets: the oracle of
// Buffer's line arithmetic.
func splice(text string, e Edit) string {
	off := func(line, col int) int {
		o := 0
		for i := 0; i < line; i++ {
			j := strings.IndexByte(text[o:], '\n')
			o += j + 1
		}
		return o + col
	}
	s, end := off(e.StartLine, e.StartCol), off(e.EndLine, e.EndCol)
	return text[:s] + e.Text + text[end:]
}

// The buffer path and the disk path, given the same edits by the same
// authors, make the same record; the buffer writes nothing until saved.
func TestBufferMatchesDiskCheckpoints(t *testing.T) {
	ctx := context.Background()
	start := "package a\n\nfunc A() {\n}\n"
	steps := []Edit{
		{StartLine: 3, StartCol: 1, EndLine: 3, EndCol: 1, Text: "\n\n// B is typed by Ada.\nfunc B() {}"},             // the person types
		{StartLine: 2, StartCol: 10, EndLine: 2, EndCol: 10, Text: "\n\tx := 1\n\ty := 2\n\treturn", Author: bufModel}, // a completion, accepted
		{StartLine: 4, StartCol: 1, EndLine: 4, EndCol: 7, Text: "answer := 42"},                                       // the person edits the model's line
		{StartLine: 5, StartCol: 7, EndLine: 5, EndCol: 7, Text: " // done", Author: bufModel},                         // the model again
	}
	records := map[string]map[int]string{}
	for _, way := range []string{"buffer", "disk"} {
		g := gittest.New(t)
		g.Write("a.go", start)
		g.Commit("start", "")
		r := openRepo(t, g.Dir)
		text := start
		var buf *Buffer
		if way == "buffer" {
			var err error
			if buf, err = r.OpenBuffer(ctx, filepath.Join(g.Dir, "a.go"), []byte(start), nil); err != nil {
				t.Fatal(err)
			}
		}
		for i, e := range steps {
			text = splice(text, e)
			switch way {
			case "buffer":
				if err := buf.Apply(e); err != nil {
					t.Fatalf("step %d: %v", i, err)
				}
				if got := string(buf.Content()); got != text {
					t.Fatalf("step %d: buffer %q, want %q", i, got, text)
				}
			case "disk":
				g.Write("a.go", text)
				if _, err := r.Checkpoint(ctx, CheckpointOptions{Author: e.Author, Paths: []string{"a.go"}}); err != nil {
					t.Fatal(err)
				}
			}
		}
		if way == "buffer" {
			if p, _ := r.Pending(ctx); len(p) != 0 {
				t.Errorf("the buffer stored something before its save: %v", p)
			}
			g.Write("a.go", text) // the editor saves
			res, err := buf.Checkpoint(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if res.Lines == 0 {
				t.Error("checkpoint says no lines")
			}
		}
		g.Commit("edit", "")
		rec, err := r.Stamp(ctx, "HEAD", nil)
		if err != nil {
			t.Fatal(err)
		}
		records[way] = lineTruth(rec.Record, "a.go")
	}
	if d := cmp.Diff(records["disk"], records["buffer"]); d != "" {
		t.Errorf("buffer and disk records differ (-disk +buffer):\n%s", d)
	}
	// Lines 4-6 the completion (5 then edited by the person), 8-10 typed.
	ai, mixed, human := "ai:"+bufModel.ModelID, "mixed:"+bufModel.ModelID, "human:Ada Human"
	want := map[int]string{4: ai, 5: mixed, 6: ai, 8: human, 9: human, 10: human}
	if d := cmp.Diff(want, records["buffer"]); d != "" {
		t.Errorf("record (-want +got):\n%s", d)
	}
}

// A whole-text replacement with two separate changes attributes only the
// changed lines, as the disk path does.
func TestBufferReplace(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	start := gittest.Lines("l", 10)
	g.Write("a.txt", start)
	g.Commit("start", "")
	r := openRepo(t, g.Dir)
	buf, err := r.OpenBuffer(ctx, "a.txt", []byte(start), nil)
	if err != nil {
		t.Fatal(err)
	}
	byModel := strings.Replace(strings.Replace(start, "l 2\n", "model 2\n", 1), "l 8\n", "model 8\nmodel 8b\n", 1)
	if err := buf.Replace([]byte(byModel), bufModel); err != nil {
		t.Fatal(err)
	}
	byPerson := strings.Replace(byModel, "model 8b\n", "model 8b, edited\n", 1) + "typed\n"
	if err := buf.Replace([]byte(byPerson), provenance.Author{}); err != nil {
		t.Fatal(err)
	}
	if string(buf.Content()) != byPerson {
		t.Fatalf("content %q", buf.Content())
	}
	g.Write("a.txt", byPerson)
	if _, err := buf.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	g.Commit("edit", "")
	rec, err := r.Stamp(ctx, "HEAD", nil)
	if err != nil {
		t.Fatal(err)
	}
	ai, mixed := "ai:"+bufModel.ModelID, "mixed:"+bufModel.ModelID
	want := map[int]string{2: ai, 8: ai, 9: mixed, 12: "human:Ada Human"}
	if d := cmp.Diff(want, lineTruth(rec.Record, "a.txt")); d != "" {
		t.Errorf("record (-want +got):\n%s", d)
	}
}

func TestBufferBadEdits(t *testing.T) {
	g := gittest.New(t)
	g.Write("a.txt", "one\ntwo")
	g.Commit("start", "")
	r := openRepo(t, g.Dir)
	buf, err := r.OpenBuffer(context.Background(), filepath.Join(g.Dir, "a.txt"), []byte("one\ntwo"), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		reason string
		e      Edit
	}{
		{"a negative line", Edit{StartLine: -1}},
		{"past the last line", Edit{StartLine: 3, EndLine: 3}},
		{"after a last line without newline", Edit{StartLine: 2, EndLine: 2}},
		{"end before start", Edit{StartLine: 1, EndLine: 0}},
		{"column past the line", Edit{StartLine: 0, StartCol: 4, EndLine: 0, EndCol: 4}},
		{"end column before start column", Edit{StartLine: 0, StartCol: 2, EndLine: 0, EndCol: 1}},
		{"a model author that does not validate", Edit{Author: provenance.Author{Kind: provenance.Model, ModelID: "no slash"}}},
	} {
		if err := buf.Apply(tc.e); err == nil {
			t.Errorf("%s: accepted", tc.reason)
		} else if tc.e.Author == (provenance.Author{}) && !errors.Is(err, ErrBadEdit) {
			t.Errorf("%s: %v, want ErrBadEdit", tc.reason, err)
		}
	}
	if string(buf.Content()) != "one\ntwo" {
		t.Errorf("a refused edit changed the buffer: %q", buf.Content())
	}
}

// A buffer refuses what a checkpoint refuses to snapshot.
func TestBufferRefusals(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write(".gitignore", ".env\n")
	g.Commit("start", "")
	r := openRepo(t, g.Dir)
	for _, tc := range []struct {
		reason  string
		path    string
		content string
		want    error
	}{
		{"an ignored file, as secrets are", ".env", "TOKEN=secret\n", ErrIgnored},
		{"inside .git", ".git/config", "[core]\n", ErrIgnored},
		{"binary content", "blob.bin", "a\x00b", ErrBinaryBuffer},
		{"outside the work tree", "../elsewhere.txt", "x\n", ErrOutsideWorkTree},
	} {
		if _, err := r.OpenBuffer(ctx, tc.path, []byte(tc.content), nil); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.reason, err, tc.want)
		}
	}
	if p, _ := r.Pending(ctx); len(p) != 0 {
		t.Errorf("something was stored: %v", p)
	}
}

// A hook's checkpoint between the buffer's open and its save is kept for
// the lines the buffer did not write.
func TestBufferKeepsOtherCheckpoints(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("a.txt", "a\nb\n")
	g.Commit("start", "")
	r := openRepo(t, g.Dir)
	buf, err := r.OpenBuffer(ctx, "a.txt", []byte("a\nb\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	// An agent appends a line on disk, and its hook checkpoints; the
	// editor reloads it as a change of the whole text... by the model.
	g.Write("a.txt", "a\nb\nagent\n")
	if _, err := r.Checkpoint(ctx, CheckpointOptions{Author: bufModel, Paths: []string{"a.txt"}}); err != nil {
		t.Fatal(err)
	}
	if err := buf.Apply(Edit{StartLine: 2, EndLine: 2, Text: "agent\n", Author: bufModel}); err != nil {
		t.Fatal(err)
	}
	// The person types a line at the top.
	if err := buf.Apply(Edit{Text: "typed\n"}); err != nil {
		t.Fatal(err)
	}
	g.Write("a.txt", string(buf.Content()))
	if _, err := buf.Checkpoint(ctx); err != nil {
		t.Fatal(err)
	}
	g.Commit("edit", "")
	rec, err := r.Stamp(ctx, "HEAD", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{1: "human:Ada Human", 4: "ai:" + bufModel.ModelID}
	if d := cmp.Diff(want, lineTruth(rec.Record, "a.txt")); d != "" {
		t.Errorf("record (-want +got):\n%s", d)
	}
}

// Any sequence of valid edits leaves the buffer's text what splicing the
// text by offsets gives, and an attribution for every line.
func FuzzBufferApply(f *testing.F) {
	f.Add("a\nb\nc\n", uint8(0), uint8(0), uint8(1), uint8(0), "x\ny", true)
	f.Add("abc", uint8(0), uint8(1), uint8(0), uint8(2), "\n\n", false)
	f.Add("", uint8(0), uint8(0), uint8(0), uint8(0), "new", true)
	g := gittest.New(f)
	g.Write("f.txt", "")
	g.Commit("start", "")
	r := openRepo(f, g.Dir)
	f.Fuzz(func(t *testing.T, text string, sl, sc, el, ec uint8, ins string, byModel bool) {
		if strings.ContainsRune(text, 0) || strings.ContainsRune(ins, 0) {
			return
		}
		buf, err := r.OpenBuffer(context.Background(), "f.txt", []byte(text), nil)
		if err != nil {
			t.Fatal(err)
		}
		e := Edit{StartLine: int(sl), StartCol: int(sc), EndLine: int(el), EndCol: int(ec), Text: ins}
		if byModel {
			e.Author = bufModel
		}
		if err := buf.Apply(e); err != nil {
			if !errors.Is(err, ErrBadEdit) {
				t.Fatal(err)
			}
			return
		}
		if got, want := string(buf.Content()), splice(text, e); got != want {
			t.Fatalf("buffer %q, splice %q", got, want)
		}
		for i := 0; i < buf.Len(); i++ {
			if i < buf.Len()-1 && !strings.HasSuffix(buf.Line(i), "\n") {
				t.Fatalf("line %d %q lacks its newline", i, buf.Line(i))
			}
		}
	})
}

// The accepted suggestion on a 5,000-line document: the buffer path (an
// edit in memory) against the disk path it replaces (write the file,
// checkpoint it), in the same run. Each buffer iteration accepts a
// 5-line completion and then deletes it, so the document stays the same
// size: two edits.
func BenchmarkAcceptSuggestion(b *testing.B) {
	ctx := context.Background()
	g := gittest.New(b)
	doc := gittest.Lines("line of the document", 5000)
	g.Write("doc.go", doc)
	g.Commit("doc", "")
	r := openRepo(b, g.Dir)
	completion := "\tfirst()\n\tsecond()\n\tthird()\n\tfourth()\n\tfifth()\n"
	b.Run("buffer", func(b *testing.B) {
		buf, err := r.OpenBuffer(ctx, "doc.go", []byte(doc), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := buf.Apply(Edit{StartLine: 2500, EndLine: 2500, Text: completion, Author: bufModel}); err != nil {
				b.Fatal(err)
			}
			if err := buf.Apply(Edit{StartLine: 2500, EndLine: 2505}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("buffer-save", func(b *testing.B) {
		buf, err := r.OpenBuffer(ctx, "doc.go", []byte(doc), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if err := buf.Apply(Edit{StartLine: 2500, EndLine: 2500, Text: completion, Author: bufModel}); err != nil {
				b.Fatal(err)
			}
			if _, err := buf.Checkpoint(ctx); err != nil {
				b.Fatal(err)
			}
			if err := buf.Apply(Edit{StartLine: 2500, EndLine: 2505}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("disk", func(b *testing.B) {
		with := strings.Replace(doc, "line of the document 2500\n", "line of the document 2500\n"+completion, 1)
		path := filepath.Join(g.Dir, "doc.go")
		b.ReportAllocs()
		for b.Loop() {
			for _, text := range []string{with, doc} {
				if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
					b.Fatal(err)
				}
				if _, err := r.Checkpoint(ctx, CheckpointOptions{Author: bufModel, Paths: []string{"doc.go"}}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
