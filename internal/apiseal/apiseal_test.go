package apiseal

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/go/packages"
)

const module = "github.com/hallmark-dev/hallmark"

// TestModuleSealed keeps hallmark's public API sealed: no exported name in a
// public package hands a caller a type from internal/ or an unexported type.
func TestModuleSealed(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the whole module with the go command")
	}
	cfg := &packages.Config{Mode: packages.NeedName | packages.NeedTypes | packages.NeedImports | packages.NeedDeps, Dir: "../.."}
	pkgs, err := packages.Load(cfg, module+"/...")
	if err != nil {
		t.Fatal(err)
	}
	public := 0
	for _, p := range pkgs {
		for _, e := range p.Errors {
			t.Errorf("%s: %v", p.PkgPath, e)
		}
		// The examples are written as a vendor would write them: with
		// nothing a vendor could not import.
		if strings.HasPrefix(p.PkgPath, module+"/examples/") {
			for path := range p.Imports {
				if Internal(strings.TrimPrefix(path, module+"/")) {
					t.Errorf("%s imports %s", p.PkgPath, path)
				}
			}
		}
		if Internal(strings.TrimPrefix(p.PkgPath, module+"/")) || p.Name == "main" {
			continue
		}
		public++
		for _, l := range Check(p.Types, module) {
			t.Errorf("%s: %s", p.PkgPath, l)
		}
	}
	// The module's public packages: a load that found none would pass
	// vacuously.
	if public < 8 {
		t.Fatalf("found %d public packages, want at least 8", public)
	}
}

// TestCheckFindsLeaks holds Check to each way an exported API can hand out
// a type its callers cannot name, and to the ways that are fine.
func TestCheckFindsLeaks(t *testing.T) {
	const internalSrc = `package x
type T struct{ N int }
type I interface{ M() }
`
	const src = `package p

import "example.com/m/internal/x"

type hidden struct{ A int }

type Alias = x.T                      // an alias of an internal type
type Fine struct{ A int; b *x.T }     // unexported field: fine
type Field struct{ F map[string]*x.T } // exported field
type Embeds struct{ x.I }             // embedded: its methods are promoted
type Iface interface{ Get() []x.T }   // interface method
type Gen[C interface{ *x.T }] struct{}

func Ret() *x.T                { return nil }
func Param(func(x.I))          {}
func Unexported() hidden       { return hidden{} }
func Ok(n int) (string, error) { return "", nil }
func (Fine) Method() chan x.T  { return nil }
func (*Fine) Ptr() [2]x.T      { return [2]x.T{} }
func (Fine) quiet() x.T        { return x.T{} }

var V = map[x.T]int{}
var ok = x.T{}
`
	fset := token.NewFileSet()
	parse := func(name, src string) *ast.File {
		f, err := parser.ParseFile(fset, name, src, 0)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	xpkg, err := (&types.Config{}).Check("example.com/m/internal/x", fset, []*ast.File{parse("x.go", internalSrc)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	imp := importerFunc(func(path string) (*types.Package, error) {
		if path == xpkg.Path() {
			return xpkg, nil
		}
		return nil, fmt.Errorf("no package %s", path)
	})
	pkg, err := (&types.Config{Importer: imp}).Check("example.com/m/p", fset, []*ast.File{parse("p.go", src)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range Check(pkg, "example.com/m") {
		got = append(got, l.String())
	}
	want := []string{
		"p.Alias names internal type example.com/m/internal/x.T",
		"p.Embeds.I names internal type example.com/m/internal/x.I",
		"p.Field.F names internal type example.com/m/internal/x.T",
		"p.Fine.Method names internal type example.com/m/internal/x.T",
		"p.Fine.Ptr names internal type example.com/m/internal/x.T",
		"p.Gen names internal type example.com/m/internal/x.T",
		"p.Iface.Get names internal type example.com/m/internal/x.T",
		"p.Param names internal type example.com/m/internal/x.I",
		"p.Ret names internal type example.com/m/internal/x.T",
		"p.Unexported names unexported type example.com/m/p.hidden",
		"p.V names internal type example.com/m/internal/x.T",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("leaks (-want +got):\n%s", diff)
	}
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func TestInternal(t *testing.T) {
	for _, tt := range []struct {
		path string
		want bool
	}{
		{"internal/git", true},
		{"a/internal", true},
		{"a/internal/b", true},
		{"a/internals/b", false},
		{"a/xinternal/b", false},
		{"internal", true},
	} {
		if got := Internal(tt.path); got != tt.want {
			t.Errorf("Internal(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}
