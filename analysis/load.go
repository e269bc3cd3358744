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
	// Source, when set, attributes the files instead of one made from
	// Keyring, BundleKeys and NoCache (which are then ignored).
	Source *Source
}

// The sources of a module's attribution.
const (
	SourceRepository = "repository" // a main module: the engine over its git history
	SourceBundle     = "bundle"     // a dependency with a verified bundle
	SourceUnknown    = "unknown"    // a dependency without a bundle
)

// Package is one package's attribution. Evidence rows are keyed by the
// evidence of [attribution.Line] or one of EvidenceUncommitted,
// EvidenceBundle and EvidenceUnknown.
type Package struct {
	Path   string   `json:"path"`
	Module string   `json:"module"`
	Files  []string `json:"files"`
	// Own are the lines of the package's own files; Evidence breaks them
	// down by evidence.
	Own      provenance.Count `json:"own"`
	Evidence []provenance.Row `json:"by_evidence"`
	// Closure are the lines of the package and all it imports, each
	// package once.
	Closure         provenance.Count `json:"closure"`
	ClosureEvidence []provenance.Row `json:"closure_by_evidence"`
	Imports         []string         `json:"imports,omitempty"`
}

// Module is one module's attribution.
type Module struct {
	Path     string           `json:"path"`
	Version  string           `json:"version,omitempty"`
	Main     bool             `json:"main"`
	Dir      string           `json:"dir"`
	Source   string           `json:"source"`
	Packages int              `json:"packages"`
	Lines    provenance.Count `json:"lines"` // its packages' files, each once
	Evidence []provenance.Row `json:"by_evidence"`
}

// Result is what Load found.
type Result struct {
	Packages []*Package       `json:"packages"`
	Modules  []*Module        `json:"modules"`
	Lines    provenance.Count `json:"lines"` // every file counted, once
	Evidence []provenance.Row `json:"by_evidence"`
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
	a := o.Source
	if a == nil {
		a = NewSource(&SourceOptions{Keyring: o.Keyring, BundleKeys: o.BundleKeys, NoCache: o.NoCache})
		defer a.Close()
	}
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
	own := map[string]provenance.Breakdown{} // each package's own lines by evidence
	fileCounted := map[string]bool{}
	total := provenance.Breakdown{}
	modules := map[string]*Module{}
	modEv := map[string]provenance.Breakdown{}
	paths := make([]string, 0, len(all))
	for p := range all {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, path := range paths {
		p := all[path]
		if p.Module == nil || isStd(p) {
			continue // the standard library is Go's own; hallmark does not attribute it
		}
		m := modules[p.Module.Path]
		if m == nil {
			m = &Module{Path: p.Module.Path, Version: p.Module.Version, Main: p.Module.Main, Dir: p.Module.Dir}
			modules[m.Path] = m
			modEv[m.Path] = provenance.Breakdown{}
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
		ev := provenance.Breakdown{}
		for _, f := range files {
			ref := ModuleRef{Path: p.Module.Path, Dir: p.Module.Dir, Main: p.Module.Main}
			lines, source, err := a.file(ctx, ref, f)
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
				ev.Add(l.Evidence, l.Class, 1)
				if !fileCounted[f] {
					total.Add(l.Evidence, l.Class, 1)
					modEv[m.Path].Add(l.Evidence, l.Class, 1)
				}
			}
			fileCounted[f] = true
		}
		if m.Source == "" {
			if m.Source, err = a.ModuleSource(ctx, ModuleRef{Path: p.Module.Path, Dir: p.Module.Dir, Main: p.Module.Main}); err != nil {
				return nil, err
			}
		}
		own[path] = ev
		pk.Own, pk.Evidence = ev.Sum(), ev.Rows()
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
		ev := provenance.Breakdown{}
		var walk func(string)
		walk = func(path string) {
			if seen[path] {
				return
			}
			seen[path] = true
			for k, c := range own[path] {
				ev.Merge(k, c)
			}
			if q := byPath[path]; q != nil {
				for _, imp := range q.Imports {
					walk(imp)
				}
			}
		}
		walk(pk.Path)
		pk.Closure, pk.ClosureEvidence = ev.Sum(), ev.Rows()
	}
	for _, m := range modules {
		m.Lines, m.Evidence = modEv[m.Path].Sum(), modEv[m.Path].Rows()
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
	res.Lines, res.Evidence = total.Sum(), total.Rows()
	return res, nil
}

func isStd(p *packages.Package) bool {
	return p.Module == nil && !strings.Contains(strings.Split(p.PkgPath, "/")[0], ".")
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
