package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/attribution"
	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// TestOneRowPerModel: one model, spelled as Claude Code's trailer, aider's
// trailer (through OpenRouter) and a hook payload's dated id name it, is
// one row in report --by model, --by author and the page.
func TestOneRowPerModel(t *testing.T) {
	g := gittest.New(t)
	g.Write("human.txt", gittest.Lines("H", 2))
	g.Commit("initial", "")
	g.Write("a.go", gittest.Lines("cc", 3))
	g.Commit("feat: a\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>\n", "")
	g.Write("b.go", gittest.Lines("aider", 4))
	g.Commit("feat: b\n\nCo-authored-by: aider (openrouter/anthropic/claude-sonnet-4.5) <aider@aider.chat>\n", "")
	g.Write("c.go", gittest.Lines("hook", 5))
	if res := hallmark(t, g.Dir, nil, "checkpoint", "--ai", "--model", "anthropic/claude-sonnet-4-5-20250929", "--tool", "claude-code/2.0.1"); res.code != 0 {
		t.Fatal(res)
	}
	g.Commit("feat: c", "")
	if res := hallmark(t, g.Dir, nil, "stamp"); res.code != 0 {
		t.Fatal(res)
	}
	var rep attribution.Report
	res := hallmark(t, g.Dir, nil, "report", "--by", "model", "--json")
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatal(err, res)
	}
	var keys []string
	for _, r := range rep.Breakdown {
		keys = append(keys, r.Key)
	}
	if len(rep.Breakdown) != 2 || rep.Breakdown[0].Key != "anthropic/claude-sonnet-4-5" || rep.Breakdown[0].Lines.Total() != 12 {
		t.Errorf("--by model: rows %q, want anthropic/claude-sonnet-4-5 (12 lines) and (human):\n%s", keys, res.stdout)
	}
	res = hallmark(t, g.Dir, nil, "report", "--by", "author")
	for _, l := range strings.Split(res.stdout, "\n") {
		if strings.Contains(l, "4.5") || strings.Contains(l, "20250929") || strings.Contains(l, "openrouter") {
			t.Errorf("--by author keeps a spelling: %q", l)
		}
	}
	page := filepath.Join(t.TempDir(), "r.html")
	if res := hallmark(t, g.Dir, nil, "report", "--html", page); res.code != 0 {
		t.Fatal(res)
	}
	html, _ := os.ReadFile(page)
	if n := strings.Count(string(html), `<span class="bar-label" title="anthropic/claude-sonnet-4-5">`); n != 1 {
		t.Errorf("the page has %d rows for the model", n)
	}
}
