// Package aishare is a go/analysis Analyzer that measures how much of each
// package was written by models, exports it as a package fact with the
// package's own counts and its import closure's, and reports policy
// violations: a package marked sensitive whose AI share is above a
// threshold, and model-written lines without a signed record.
//
// Run it with `go vet -vettool=$(which aishare) ./...` or as a
// singlechecker (cmd/aishare). A package is sensitive when its path
// matches -sensitive (or -aishare.sensitive in a multichecker) or its files say `//hallmark:sensitive`.
//
// # Facts
//
// go vet hands a package only its direct imports' facts, so each fact
// carries the whole closure: a sorted list of (package, counts), which the
// importer merges, each package once. Facts hold sorted slices only, never
// maps: they are gob-encoded, and must encode the same way every time.
package aishare

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"go/ast"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/hallmark-dev/hallmark/attribution"
	"github.com/hallmark-dev/hallmark/internal/diff"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
	"golang.org/x/tools/go/analysis"
)

// Analyzer is the aishare analyzer.
var Analyzer = &analysis.Analyzer{
	Name:      "aishare",
	Doc:       "report how much of each package models wrote, and packages over their allowed share",
	URL:       "https://pkg.go.dev/github.com/hallmark-dev/hallmark/analysis/passes/aishare",
	Run:       run,
	FactTypes: []analysis.Fact{new(Fact)},
	Flags:     flags(),
}

var (
	sensitive    string
	maxShare     = 0.5
	flagUnsigned bool
)

func flags() flag.FlagSet {
	var fs flag.FlagSet
	fs.StringVar(&sensitive, "sensitive", "", "comma-separated package path patterns (prefix/... allowed) whose AI share is limited")
	fs.Float64Var(&maxShare, "max", 0.5, "the largest AI share ((ai + mixed) / lines) a sensitive package may have")
	fs.BoolVar(&flagUnsigned, "unsigned", false, "report model-written lines that no signed record vouches for")
	return fs
}

// Counts is a package's lines by class; Unsigned counts the ai and mixed
// lines whose evidence is not a signed record.
type Counts struct {
	Human, AI, Mixed, Unknown, Unsigned int
}

func (c Counts) total() int { return c.Human + c.AI + c.Mixed + c.Unknown }

// Share is (ai + mixed) / lines.
func (c Counts) Share() float64 {
	if c.total() == 0 {
		return 0
	}
	return float64(c.AI+c.Mixed) / float64(c.total())
}

func (c *Counts) add(o Counts) {
	c.Human += o.Human
	c.AI += o.AI
	c.Mixed += o.Mixed
	c.Unknown += o.Unknown
	c.Unsigned += o.Unsigned
}

// PackageCounts is one package of a closure.
type PackageCounts struct {
	Path string
	Counts
}

// Fact is the package fact: the package's own counts and its closure's.
type Fact struct {
	Own     Counts
	Closure []PackageCounts // sorted by path; the package itself included
}

// AFact marks Fact as a go/analysis fact.
func (*Fact) AFact() {}

// ClosureCounts adds the closure up.
func (f *Fact) ClosureCounts() Counts {
	var c Counts
	for _, p := range f.Closure {
		c.add(p.Counts)
	}
	return c
}

func (f *Fact) String() string {
	cc := f.ClosureCounts()
	return fmt.Sprintf("own ai=%d mixed=%d of %d; closure %d pkgs ai=%d mixed=%d of %d",
		f.Own.AI, f.Own.Mixed, f.Own.total(), len(f.Closure), cc.AI, cc.Mixed, cc.total())
}

// Line is what a Source says of one line.
type Line struct {
	Class  provenance.Class
	Signed bool
}

// Source attributes the lines of a file.
type Source interface {
	Lines(filename string) ([]Line, error)
}

// DefaultSource attributes files through hallmark's engine at HEAD of
// their git repository (cached in the git directory, so each package's
// process reads it quickly); lines changed since HEAD count as unknown.
// Tests replace it.
var DefaultSource Source = &engineSource{repos: map[string]*engineRepo{}}

func run(pass *analysis.Pass) (any, error) {
	var own Counts
	perFile := map[string]Counts{}
	marked := false
	for _, f := range pass.Files {
		name := pass.Fset.File(f.Pos()).Name()
		if strings.HasSuffix(name, "_test.go") || !strings.HasSuffix(name, ".go") {
			continue
		}
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				if strings.TrimSpace(c.Text) == "//hallmark:sensitive" {
					marked = true
				}
			}
		}
		lines, err := DefaultSource.Lines(name)
		if err != nil {
			return nil, err
		}
		var c Counts
		for _, l := range lines {
			switch l.Class {
			case provenance.AI:
				c.AI++
			case provenance.Mixed:
				c.Mixed++
			case provenance.Human:
				c.Human++
			default:
				c.Unknown++
			}
			if (l.Class == provenance.AI || l.Class == provenance.Mixed) && !l.Signed {
				c.Unsigned++
			}
		}
		perFile[name] = c
		own.add(c)
		if flagUnsigned && c.Unsigned > 0 {
			pass.Reportf(f.Package, "%d lines of %s were written by models without a signed record", c.Unsigned, filepath.Base(name))
		}
	}
	// The closure: this package, and each import's closure, each package once.
	byPath := map[string]Counts{pass.Pkg.Path(): own}
	for _, imp := range pass.Pkg.Imports() {
		var f Fact
		if pass.ImportPackageFact(imp, &f) {
			for _, pc := range f.Closure {
				byPath[pc.Path] = pc.Counts
			}
		}
	}
	fact := &Fact{Own: own}
	for p, c := range byPath {
		fact.Closure = append(fact.Closure, PackageCounts{Path: p, Counts: c})
	}
	slices.SortFunc(fact.Closure, func(a, b PackageCounts) int { return cmp.Compare(a.Path, b.Path) })
	pass.ExportPackageFact(fact)

	if (marked || matches(pass.Pkg.Path(), sensitive)) && own.Share() > maxShare && len(pass.Files) > 0 {
		pass.Reportf(firstFile(pass.Files).Package, "package %s is sensitive and %.0f%% of its lines were written by models (at most %.0f%% allowed)",
			pass.Pkg.Name(), 100*own.Share(), 100*maxShare)
	}
	return nil, nil
}

func firstFile(files []*ast.File) *ast.File {
	return slices.MinFunc(files, func(a, b *ast.File) int { return cmp.Compare(a.Pos(), b.Pos()) })
}

// matches reports whether path matches one of the comma-separated
// patterns: an exact path, or "prefix/..." for a tree.
func matches(path, patterns string) bool {
	for _, p := range strings.Split(patterns, ",") {
		p = strings.TrimSpace(p)
		switch {
		case p == "":
		case strings.HasSuffix(p, "/..."):
			pre := strings.TrimSuffix(p, "/...")
			if path == pre || strings.HasPrefix(path, pre+"/") {
				return true
			}
		case p == path:
			return true
		}
	}
	return false
}

// engineSource is DefaultSource.
type engineSource struct {
	mu    sync.Mutex
	repos map[string]*engineRepo
}

type engineRepo struct {
	r  *repo.Repo
	a  *attribution.Analysis
	wt string
}

func (s *engineSource) Lines(filename string) ([]Line, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx := context.Background()
	dir := filepath.Dir(filename)
	er, ok := s.repos[dir]
	if !ok {
		r, err := repo.Open(ctx, dir)
		if err == nil {
			a, aerr := attribution.Analyze(ctx, r, nil)
			if aerr != nil {
				return nil, aerr
			}
			wt := r.WorkTree()
			if real, err := filepath.EvalSymlinks(wt); err == nil {
				wt = real
			}
			er = &engineRepo{r: r, a: a, wt: wt}
		}
		s.repos[dir] = er
	}
	data, err := os.ReadFile(filename)
	if err != nil {
		return nil, err
	}
	work := diff.Lines(data)
	out := make([]Line, len(work))
	for i := range out {
		out[i] = Line{Class: provenance.Unknown}
	}
	if er == nil {
		return out, nil // not in a git repository (a module cache, say)
	}
	real := filename
	if r, err := filepath.EvalSymlinks(filename); err == nil {
		real = r
	}
	rel, err := filepath.Rel(er.wt, real)
	if err != nil {
		return out, nil
	}
	lines, err := er.a.WorkingLines(filepath.ToSlash(rel), data)
	if err != nil {
		return nil, err
	}
	for i, l := range lines {
		out[i] = Line{Class: l.Class, Signed: l.Evidence == attribution.Signed}
	}
	return out, nil
}
