package hallmarktest_test

import (
	"fmt"
	"testing"

	"github.com/hallmark-dev/hallmark/hallmarktest"
	"github.com/hallmark-dev/hallmark/provenance"
)

// A record, as an integration stores it, read line by line.
func ExampleLinesOf() {
	rec := &provenance.Record{
		Commit: "0123456789012345678901234567890123456789",
		Authors: []provenance.Author{
			{Kind: provenance.Person, Name: "Ada Human", Email: "ada@example.com"},
			{Kind: provenance.Model, ModelID: "anthropic/claude-opus-4-5-20251101"},
		},
		Files: []provenance.File{{Path: "main.go", Lines: 4, Spans: []provenance.Span{
			{Start: 2, End: 3, Author: 1, Class: provenance.AI},
			{Start: 4, End: 4, Author: 0, Class: provenance.Human},
		}}},
	}
	lines, _ := hallmarktest.LinesOf(rec, "main.go")
	for i, l := range lines {
		fmt.Println(i+1, l)
	}
	fmt.Println(hallmarktest.CheckLines(rec, "main.go",
		hallmarktest.Want{From: 2, To: 3, Class: provenance.AI, Who: "anthropic/claude-opus-4-5-20251101"},
		hallmarktest.Want{From: 4, To: 4, Class: provenance.Human, Who: "Ada Human"}))
	// Output:
	// 1 (not added by the commit)
	// 2 ai anthropic/claude-opus-4-5-20251101
	// 3 ai anthropic/claude-opus-4-5-20251101
	// 4 human Ada Human
	// <nil>
}

// The oracle of coverage: what git's zero-context patch says a commit adds.
func ExampleParseAddedLines() {
	added, _ := hallmarktest.ParseAddedLines("diff --git a/a.go b/a.go\n--- a/a.go\n+++ b/a.go\n@@ -2 +2,2 @@\n-old\n+new\n+newer\n@@ -9,0 +11 @@\n+end\n")
	fmt.Println(added)
	// Output: map[a.go:[2 3 11]]
}

// In an integration's own tests: the conformance check, with the key the
// integration signs with and the hooks it installs.
func ExampleConformance() {
	_ = func(t *testing.T) {
		key := hallmarktest.NewKey(t, "my-agent")
		hallmarktest.Conformance(t, hallmarktest.Integration{
			Keyring: hallmarktest.Keyring(t, key),
			Setup: func(t testing.TB, r *hallmarktest.Repo) {
				// install the integration's hooks in r.Dir, and its key
			},
			Change: func(t testing.TB, r *hallmarktest.Repo) {
				// edit, checkpoint, commit and stamp, as the product does
			},
		})
	}
}
