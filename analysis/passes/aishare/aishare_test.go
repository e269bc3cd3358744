package aishare

import (
	"context"
	"os"
	"strings"
	"testing"

	hanalysis "github.com/hallmark-dev/hallmark/analysis"
	"github.com/hallmark-dev/hallmark/provenance"
	"golang.org/x/tools/go/analysis/analysistest"
)

// markerSource stands in for the git-based engine in analysistest, whose
// GOPATH-style testdata has no history: a line ending in "// ai" was
// written by a model, "// mixed" by a model then a person, the rest by
// people. The engine-backed source is tested for real with go vet below.
type markerSource struct{}

func (markerSource) Lines(_ context.Context, _ hanalysis.ModuleRef, name string) ([]hanalysis.Line, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	var out []hanalysis.Line
	for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		switch {
		case strings.HasSuffix(l, "// ai"):
			out = append(out, hanalysis.Line{Class: provenance.AI, Evidence: "unsigned"})
		case strings.HasSuffix(l, "// mixed"):
			out = append(out, hanalysis.Line{Class: provenance.Mixed, Evidence: "signed"})
		default:
			out = append(out, hanalysis.Line{Class: provenance.Human, Evidence: "none"})
		}
	}
	return out, nil
}

// TestDiamond checks facts across a diamond (a -> b, c -> d): d is counted
// once in a's closure, though both b and c bring it.
func TestDiamond(t *testing.T) {
	a := New(markerSource{})
	a.Flags.Set("max", "0.2")
	analysistest.Run(t, analysistest.TestData(), a, "a", "b", "c", "d")
}

func TestMatches(t *testing.T) {
	for _, c := range []struct {
		path, pats string
		want       bool
	}{{"x/y", "x/...", true}, {"x", "x/...", true}, {"xy", "x/...", false}, {"a/b", "c, a/b", true}, {"a", "", false}} {
		if got := matches(c.path, c.pats); got != c.want {
			t.Errorf("matches(%q, %q) = %v", c.path, c.pats, got)
		}
	}
}
