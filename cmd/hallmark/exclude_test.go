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

// TestReportLeavesOut: report leaves out a lock file, a generated file and
// the config's exclude: list, and says so in the text, the JSON and the
// page; --all counts everything; verify's max_ai_share counts the lines a
// report leaves out, so that a model's lines cannot hide in a lock file.
func TestReportLeavesOut(t *testing.T) {
	g := gittest.New(t)
	keys := t.TempDir()
	env := []string{"HALLMARK_PASSWORD=pw"}
	if res := hallmark(t, g.Dir, env, "keys", "generate", "--output", filepath.Join(keys, "dev")); res.code != 0 {
		t.Fatal(res)
	}
	pub, _ := os.ReadFile(filepath.Join(keys, "dev.pub"))
	g.Write(".hallmark/keys/dev.pub", string(pub))
	g.Write(".hallmark/policy.yaml", "keys:\n  - {name: dev, public_key: .hallmark/keys/dev.pub}\nrequire:\n  max_ai_share: 0.5\n")
	g.Write(".hallmark/config.yaml", "exclude:\n  - testdata/\n")
	g.Write(".gitattributes", "*.pb.go linguist-generated\n")
	g.Write("main.go", gittest.Lines("human", 20))
	base := g.Commit("adopt hallmark", "")
	if res := hallmark(t, g.Dir, env, "stamp", "--key", filepath.Join(keys, "dev.key")); res.code != 0 {
		t.Fatal(res)
	}
	g.Write("go.sum", gittest.Lines("model", 100))
	g.Write("api.pb.go", gittest.Lines("model", 30))
	g.Write("testdata/big.txt", gittest.Lines("model", 1000))
	g.Write("feature.go", gittest.Lines("human", 5))
	g.Commit("feat: deps\n\nCo-Authored-By: Claude <noreply@anthropic.com>", "")
	if res := hallmark(t, g.Dir, env, "stamp", "--key", filepath.Join(keys, "dev.key")); res.code != 0 {
		t.Fatal(res)
	}

	res := hallmark(t, g.Dir, nil, "report")
	for _, want := range []string{
		"left out: 3 files, 1130 lines (--all counts them)",
		"  1 file, 30 lines: marked linguist-generated in .gitattributes",
		"  1 file, 100 lines: lock files of package managers",
		"  1 file, 1000 lines: the exclude: list of .hallmark/config.yaml",
	} {
		if res.code != 0 || !strings.Contains(res.stdout, want+"\n") {
			t.Errorf("report lacks %q:\n%s", want, res.stdout)
		}
	}
	var rep attribution.Report
	res = hallmark(t, g.Dir, nil, "report", "--json")
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatal(err, res)
	}
	lines := strings.Count(g.Git("ls-files", "-z"), "\x00") // every file, 3 of them left out
	if len(rep.Excluded) != 3 || rep.Files != lines-3 || rep.Lines.AI != 5 {
		t.Errorf("report --json: %d files of %d, %d ai lines, excluded %+v", rep.Files, lines, rep.Lines.AI, rep.Excluded)
	}
	res = hallmark(t, g.Dir, nil, "report", "--json", "--all")
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatal(err, res)
	}
	if len(rep.Excluded) != 0 || rep.Files != lines || rep.Lines.AI != 1135 || !strings.Contains(res.stdout, `"excluded": []`) {
		t.Errorf("report --all: %d files, %d ai lines, excluded %+v", rep.Files, rep.Lines.AI, rep.Excluded)
	}
	page := filepath.Join(t.TempDir(), "r.html")
	if res := hallmark(t, g.Dir, nil, "report", "--html", page); res.code != 0 {
		t.Fatal(res)
	}
	html, _ := os.ReadFile(page)
	if !strings.Contains(string(html), "1,000 lines: the exclude: list of .hallmark/config.yaml") {
		t.Errorf("the page does not say what it left out")
	}

	// verify leaves nothing out: 1,135 of the range's 1,135 surviving
	// lines are the model's, over BASE's 50%.
	res = hallmark(t, g.Dir, nil, "verify", base+"..HEAD", "--json")
	if res.code != 1 || !strings.Contains(res.stdout, `"kind": "ai-share"`) || !strings.Contains(res.stdout, `"ai_lines": 1135`) {
		t.Errorf("verify must count every line: %+v", res)
	}
}
