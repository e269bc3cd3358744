package analysis

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
	"golang.org/x/mod/modfile"
	"golang.org/x/tools/go/packages"
)

// Options configures [Load]. A nil value means "./..." in the current
// directory, main modules only.
type Options struct {
	Dir      string   // where to run; default "."
	Patterns []string // package patterns; default "./..."
	Deps     bool     // attribute dependencies too
	// AllFiles counts embedded and other non-Go files of each package too.
	AllFiles bool
	// Keyring verifies records ("signed" evidence) in the main modules.
	Keyring *attest.Keyring
	// BundleKeys returns the keys trusted to sign bundles of a module path;
	// nil trusts none, so every bundle is reported as unverifiable.
	BundleKeys func(modulePath string) *attest.Keyring
	// Env is the environment of the go command; nil means the process's.
	Env []string
	// NoCache recomputes the main modules' attribution instead of using
	// the engine's cache.
	NoCache bool
}

// The sources of a module's attribution.
const (
	SourceRepository = "repository" // a main module: the engine over its git history
	SourceBundle     = "bundle"     // a dependency with a verified bundle
	SourceUnknown    = "unknown"    // a dependency without a bundle
)

// Tally counts lines by class, and by evidence.
type Tally struct {
	repo.Tally
	Evidence []EvidenceCount `json:"by_evidence,omitempty"`
}

// EvidenceCount is the lines of one kind of evidence.
type EvidenceCount struct {
	Evidence string `json:"evidence"`
	Lines    int    `json:"lines"`
}

// Package is one package's attribution.
type Package struct {
	Path    string   `json:"path"`
	Module  string   `json:"module"`
	Files   []string `json:"files"`
	Own     Tally    `json:"own"`
	Closure Tally    `json:"closure"` // the package and all it imports, each once
	Imports []string `json:"imports,omitempty"`
}

// Module is one module's attribution.
type Module struct {
	Path     string `json:"path"`
	Version  string `json:"version,omitempty"`
	Main     bool   `json:"main"`
	Dir      string `json:"dir"`
	Source   string `json:"source"`
	Packages int    `json:"packages"`
	Tally
}

// Result is what Load found.
type Result struct {
	Packages []*Package `json:"packages"`
	Modules  []*Module  `json:"modules"`
	Total    Tally      `json:"total"` // every file counted, once
}

// loadMode is all the attribution needs: names, files, modules and the
// import graph; no syntax and no types.
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedModule | packages.NeedImports | packages.NeedDeps

// ErrNoPackages is returned when the patterns match nothing.
var ErrNoPackages = errors.New("analysis: the patterns match no packages")

// Load loads the packages and attributes their lines.
func Load(ctx context.Context, o *Options) (*Result, error) {
	if o == nil {
		o = &Options{}
	}
	dir := cmp.Or(o.Dir, ".")
	patterns := o.Patterns
	if len(patterns) == 0 {
		patterns = []string{"./..."}
	}
	patterns, err := workspacePatterns(dir, patterns)
	if err != nil {
		return nil, err
	}
	mode := loadMode
	if o.AllFiles {
		mode |= packages.NeedEmbedFiles
	}
	cfg := &packages.Config{Mode: mode, Dir: dir, Context: ctx, Env: o.Env}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("analysis: load: %w", err)
	}
	var loadErrs []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			loadErrs = append(loadErrs, e.Error())
		}
	})
	if len(loadErrs) > 0 {
		return nil, fmt.Errorf("analysis: %d package errors, the first: %s", len(loadErrs), loadErrs[0])
	}
	if len(pkgs) == 0 {
		return nil, ErrNoPackages
	}
	a := newAttributor(ctx, o)
	defer a.close()
	// Every package reached: the roots, and with Deps their imports.
	all := map[string]*packages.Package{}
	roots := map[string]bool{}
	for _, p := range pkgs {
		roots[p.PkgPath] = true
	}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		if roots[p.PkgPath] || o.Deps {
			all[p.PkgPath] = p
		}
	})
	res := &Result{}
	own := map[string]provenance.Count{}
	ownEv := map[string]map[string]int{}
	fileCounted := map[string]bool{}
	var totalCount provenance.Count
	totalEv := map[string]int{}
	modules := map[string]*Module{}
	modFiles := map[string]map[string]bool{}
	modCount := map[string]*provenance.Count{}
	modEv := map[string]map[string]int{}
	paths := make([]string, 0, len(all))
	for p := range all {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, path := range paths {
		p := all[path]
		if p.Module == nil && !isStd(p) {
			continue
		}
		if isStd(p) {
			continue // the standard library is Go's own; hallmark does not attribute it
		}
		m := modules[p.Module.Path]
		if m == nil {
			m = &Module{Path: p.Module.Path, Version: p.Module.Version, Main: p.Module.Main, Dir: p.Module.Dir}
			modules[m.Path] = m
			modFiles[m.Path] = map[string]bool{}
			modCount[m.Path] = &provenance.Count{}
			modEv[m.Path] = map[string]int{}
		}
		m.Packages++
		files := slices.Clone(p.GoFiles)
		if o.AllFiles {
			files = append(files, p.EmbedFiles...)
			files = append(files, p.OtherFiles...)
		}
		slices.Sort(files)
		files = slices.Compact(files)
		pk := &Package{Path: p.PkgPath, Module: m.Path}
		var c provenance.Count
		ev := map[string]int{}
		for _, f := range files {
			lines, source, err := a.file(p.Module, f)
			if err != nil {
				return nil, err
			}
			if m.Source == "" || m.Source == SourceUnknown {
				m.Source = source
			}
			rel := f
			if r, err := filepath.Rel(p.Module.Dir, f); err == nil {
				rel = filepath.ToSlash(r)
			}
			pk.Files = append(pk.Files, rel)
			for _, l := range lines {
				c.Add(l.class, 1)
				ev[l.evidence]++
				if !fileCounted[f] {
					totalCount.Add(l.class, 1)
					totalEv[l.evidence]++
					modCount[m.Path].Add(l.class, 1)
					modEv[m.Path][l.evidence]++
				}
			}
			fileCounted[f] = true
			modFiles[m.Path][f] = true
		}
		if m.Source == "" {
			m.Source = a.moduleSource(p.Module)
		}
		own[path] = c
		ownEv[path] = ev
		pk.Own = tallyOf(c, ev)
		for imp := range p.Imports {
			if q := p.Imports[imp]; !isStd(q) && (o.Deps || roots[q.PkgPath]) {
				pk.Imports = append(pk.Imports, q.PkgPath)
			}
		}
		slices.Sort(pk.Imports)
		res.Packages = append(res.Packages, pk)
	}
	// Closures: each package and everything it imports, once.
	byPath := map[string]*Package{}
	for _, pk := range res.Packages {
		byPath[pk.Path] = pk
	}
	for _, pk := range res.Packages {
		seen := map[string]bool{}
		var c provenance.Count
		ev := map[string]int{}
		var walk func(string)
		walk = func(path string) {
			if seen[path] {
				return
			}
			seen[path] = true
			oc := own[path]
			c.AI += oc.AI
			c.Mixed += oc.Mixed
			c.Human += oc.Human
			c.Unknown += oc.Unknown
			for k, v := range ownEv[path] {
				ev[k] += v
			}
			if q := byPath[path]; q != nil {
				for _, imp := range q.Imports {
					walk(imp)
				}
			}
		}
		walk(pk.Path)
		pk.Closure = tallyOf(c, ev)
	}
	for _, m := range modules {
		m.Tally = tallyOf(*modCount[m.Path], modEv[m.Path])
		res.Modules = append(res.Modules, m)
	}
	slices.SortFunc(res.Modules, func(x, y *Module) int {
		if x.Main != y.Main {
			if x.Main {
				return -1
			}
			return 1
		}
		return cmp.Compare(x.Path, y.Path)
	})
	res.Total = tallyOf(totalCount, totalEv)
	return res, nil
}

func isStd(p *packages.Package) bool {
	return p.Module == nil && !strings.Contains(strings.Split(p.PkgPath, "/")[0], ".")
}

func tallyOf(c provenance.Count, ev map[string]int) Tally {
	t := Tally{Tally: repo.NewTally(c)}
	for k, v := range ev {
		t.Evidence = append(t.Evidence, EvidenceCount{Evidence: k, Lines: v})
	}
	slices.SortFunc(t.Evidence, func(a, b EvidenceCount) int { return cmp.Compare(a.Evidence, b.Evidence) })
	return t
}

// workspacePatterns expands "./..." at the root of a go.work workspace to
// each module's "dir/...": the go command rejects "./..." there.
func workspacePatterns(dir string, patterns []string) ([]string, error) {
	data, err := os.ReadFile(filepath.Join(dir, "go.work"))
	if err != nil {
		return patterns, nil
	}
	if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
		return patterns, nil // also a module: "./..." means that module
	}
	wf, err := modfile.ParseWork("go.work", data, nil)
	if err != nil {
		return nil, fmt.Errorf("analysis: go.work: %w", err)
	}
	var out []string
	for _, p := range patterns {
		if p != "./..." {
			out = append(out, p)
			continue
		}
		for _, u := range wf.Use {
			out = append(out, "./"+filepath.ToSlash(filepath.Clean(u.Path))+"/...")
		}
	}
	return out, nil
}
