package aishare

import (
	"context"
	"errors"
	"go/token"
	"go/types"
	"os"
	"strings"
	"testing"

	hanalysis "github.com/hallmark-dev/hallmark/analysis"
	"github.com/hallmark-dev/hallmark/provenance"
	"golang.org/x/tools/go/analysis"
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

// TestErrorTravelsInFacts: go vet drops the error of a package it
// analyses only for its facts (a dependency), so a failure travels in the
// fact, and every importer, directly or not, fails with it. (The
// in-process checker never runs an importer of a failed package, so this
// drives the analyzer's Run the way unitchecker does: facts in, facts out.
// TestVetAgreesWithLoad shows it through go vet itself.)
func TestErrorTravelsInFacts(t *testing.T) {
	a := New(markerSource{})
	broken := types.NewPackage("example.com/broken", "broken")
	uses := types.NewPackage("example.com/usesbroken", "usesbroken")
	uses.SetImports([]*types.Package{broken})
	top := types.NewPackage("example.com/top", "top")
	top.SetImports([]*types.Package{uses})
	facts := map[*types.Package]*Fact{
		broken: {Err: hanalysis.ErrBundle.Error() + ": example.com/broken: attest: bad signature", BundleErr: true},
	}
	run := func(pkg *types.Package) error {
		pass := &analysis.Pass{
			Analyzer: a, Fset: token.NewFileSet(), Pkg: pkg,
			ImportPackageFact: func(p *types.Package, f analysis.Fact) bool {
				if got := facts[p]; got != nil {
					*f.(*Fact) = *got
					return true
				}
				return false
			},
			ExportPackageFact: func(f analysis.Fact) { facts[pkg] = f.(*Fact) },
			Report:            func(analysis.Diagnostic) {},
		}
		_, err := a.Run(pass)
		return err
	}
	for _, pkg := range []*types.Package{uses, top} {
		err := run(pkg)
		var ie *ImportError
		if !errors.As(err, &ie) || !errors.Is(err, hanalysis.ErrBundle) || !strings.Contains(err.Error(), "attest: bad signature") {
			t.Errorf("%s: %v (want an ImportError wrapping ErrBundle, with broken's message)", pkg.Path(), err)
		}
		if f := facts[pkg]; f == nil || f.Err != facts[broken].Err || !f.BundleErr {
			t.Errorf("%s exported %+v, not broken's failure for its own importers", pkg.Path(), f)
		}
	}
}
