package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/analysis"
)

func TestPackageReportAndBundleCLI(t *testing.T) {
	w := newWorld(t)
	os.WriteFile(filepath.Join(w.g.Dir, "go.mod"), []byte("module example.com/m\n\ngo 1.22\n"), 0o644)
	w.checkpoint("H")
	w.commit("module")
	w.g.Write("p/p.go", "package p\n\nfunc P() int {\n\treturn 1\n}\n")
	w.checkpoint("M")
	w.commit("model writes p")
	res := w.run("report", "--json", "./...")
	if res.code != 0 {
		t.Fatalf("report ./...: %+v", res)
	}
	var out analysis.Result
	if err := json.Unmarshal([]byte(res.stdout), &out); err != nil {
		t.Fatal(err)
	}
	if len(out.Packages) != 1 || out.Packages[0].Own.AI != 5 || out.Modules[0].Source != analysis.SourceRepository {
		t.Errorf("package report: %+v %+v", out.Packages, out.Modules)
	}
	if res := w.run("report", "--by", "module", "--since", "HEAD~1", "./..."); res.code != 2 {
		t.Errorf("--since with packages: %+v", res)
	}
	// A bundle needs a key, and then is written into the module.
	if res := w.run("bundle"); res.code != 2 || !strings.Contains(res.stderr, "must be signed") {
		t.Errorf("bundle without a key: %+v", res)
	}
	keys := t.TempDir()
	w.env = []string{"HALLMARK_PASSWORD=pw"}
	w.run("keys", "generate", "--output", filepath.Join(keys, "rel"))
	if res := w.run("bundle", "--key", filepath.Join(keys, "rel.key")); res.code != 0 {
		t.Fatalf("bundle: %+v", res)
	}
	b, err := os.ReadFile(filepath.Join(w.g.Dir, analysis.BundlePath))
	if err != nil || !strings.Contains(string(b), analysis.BundlePredicateType) && !strings.Contains(string(b), "dsseEnvelope") {
		t.Errorf("bundle file: %v %.80s", err, b)
	}
}
