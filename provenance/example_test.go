package provenance_test

import (
	"encoding/json"
	"fmt"

	"github.com/hallmark-dev/hallmark/provenance"
)

func ExampleParseTrailers() {
	msg := "fix: handle empty input\n\nBody text.\n\nAssisted-by: claude-code:anthropic/claude-opus-4-5\nSigned-off-by: Ada <ada@example.com>\n"
	for _, t := range provenance.ParseTrailers(msg) {
		fmt.Println(t.Key, "=", t.Value)
	}
	// Output:
	// Assisted-by = claude-code:anthropic/claude-opus-4-5
	// Signed-off-by = Ada <ada@example.com>
}

func ExampleAddTrailer() {
	fmt.Print(provenance.AddTrailer("fix: handle empty input\n", provenance.Trailer{Key: "Assisted-by", Value: "codex:openai/gpt-5-codex"}))
	// Output:
	// fix: handle empty input
	//
	// Assisted-by: codex:openai/gpt-5-codex
}

func ExampleDetect() {
	markers := provenance.Detect(provenance.CommitInfo{
		AuthorName: "Ada", AuthorEmail: "ada@example.com",
		Message: "feat: parser\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>\n",
	})
	for _, m := range markers {
		fmt.Println(m.Convention, m.ModelID)
	}
	// Output:
	// claude-code anthropic/claude-opus-4-5
}

func ExampleRecord_Encode() {
	rec := &provenance.Record{
		Commit:  "0123456789abcdef0123456789abcdef01234567",
		Authors: []provenance.Author{{Kind: provenance.Model, ModelID: "anthropic/claude-opus-4-5-20251101", Tool: "claude-code"}},
		Files: []provenance.File{{
			Path: "main.go", Lines: 3,
			Digest: "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			Spans:  []provenance.Span{{Start: 1, End: 3, Author: 0, Class: provenance.AI}},
		}},
		Recorder: provenance.Recorder{Name: "example"},
	}
	b, err := rec.Encode()
	if err != nil {
		panic(err)
	}
	fmt.Println(string(b))
	fmt.Printf("%.0f%% written by models\n", 100*rec.Count().AIShare())
	// Output:
	// {"commit":"0123456789abcdef0123456789abcdef01234567","authors":[{"kind":"model","model_id":"anthropic/claude-opus-4-5-20251101","tool":"claude-code"}],"files":[{"path":"main.go","digest":"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","lines":3,"spans":[{"start":1,"end":3,"author":0,"class":"ai"}]}],"recorder":{"name":"example"}}
	// 100% written by models
}

func ExampleCount() {
	var c provenance.Count
	c.Add(provenance.AI, 7)
	c.Add(provenance.Human, 5)
	c.Merge(provenance.Count{Mixed: 2})
	fmt.Printf("%d lines, %.0f%% by models\n", c.Total(), 100*c.AIShare())
	b, _ := json.Marshal(c)
	fmt.Println(string(b))
	// Output:
	// 14 lines, 64% by models
	// {"total_lines":14,"ai_lines":7,"mixed_lines":2,"human_lines":5,"unknown_lines":0,"ai_share":0.6428571428571429}
}

func ExampleBreakdown() {
	by := provenance.Breakdown{}
	by.Add("main.go", provenance.AI, 30)
	by.Add("main.go", provenance.Human, 10)
	by.Add("util.go", provenance.Human, 12)
	for _, r := range by.Rows() {
		fmt.Printf("%-8s %3d lines, %3.0f%% by models\n", r.Key, r.Lines.Total(), 100*r.Lines.AIShare())
	}
	fmt.Println("all:", by.Sum().Total())
	// Output:
	// main.go   40 lines,  75% by models
	// util.go   12 lines,   0% by models
	// all: 52
}
