// Package aishare is a go/analysis Analyzer that measures how much of each
// package was written by models, exports it as a package fact with the
// package's own lines and its import closure's, and reports policy
// violations: a package marked sensitive whose AI share is above a
// threshold, and model-written lines without a signed record.
//
//	go vet -vettool=$(which aishare) -repo=$PWD -sensitive=example.com/app/crypto/... ./...
//
// Run it with go vet, as a singlechecker (cmd/aishare), or in a driver of
// your own: [Analyzer] is the vet tool's, [New] makes one whose lines come
// from a [Source] of yours. A package is sensitive when its path matches
// -sensitive (or -aishare.sensitive in a multichecker) or its files say
// `//hallmark:sensitive`.
//
// # Where the lines come from
//
// The lines are attributed exactly as `hallmark report --deps` attributes
// them, by an [hanalysis.Source] of package analysis: a main module's
// files by the engine at HEAD of their git repository, a dependency's by
// its verified bundle, so that the two never disagree about a module. A
// bundle that does not verify fails the analysis with the error wrapping
// [hanalysis.ErrBundle] that `hallmark report --deps` gives.
//
// [Analyzer] trusts the keys its flags name: -policy FILE (a policy file,
// as `hallmark verify --policy`), -key FILE,... (public keys, trusted for
// records and every module's bundles), or -repo DIR (the policy committed
// at HEAD of the repository at DIR, as `hallmark report` run in DIR
// trusts). Without them it trusts the policy at HEAD of the repository of
// the directory it runs in. go vet runs the tool once per package, in the
// package's directory, so a dependency's process, in the module cache,
// finds no repository there: pass -repo=$PWD (an absolute path) for
// dependencies' bundles to be checked against your policy's keys.
//
// -counts reports each package's lines, its own and its closure's, as a
// diagnostic: with `go vet -json`, a machine-readable summary.
//
// # Facts
//
// go vet hands a package only its direct imports' facts, so each fact
// carries the whole closure: a sorted list of (package, lines), which the
// importer merges, each package once. Facts hold sorted slices only, never
// maps: they are gob-encoded, and must encode the same way every time.
//
// go vet drops the errors of the packages it analyses only for their facts
// (dependencies), so a package that cannot be attributed exports a fact
// that carries its error ([Fact.Err]), and every package that imports it
// fails with an [ImportError] that says which and why: a dependency's
// broken bundle fails `go vet ./...` as it fails `hallmark report --deps`,
// never leaving that dependency's lines silently out of a closure.
//
// # Caching
//
// go vet caches each package's result by its Go files,
// its dependencies' facts and the tool's flags. It does not see what
// aishare reads beside them: a new record in refs/notes/hallmark, a new
// policy at HEAD, a bundle's file. `go vet -a` recomputes everything.
package aishare

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"go/ast"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	hanalysis "github.com/hallmark-dev/hallmark/analysis"
	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/policy"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
	"golang.org/x/tools/go/analysis"
)

// Source attributes the lines of one file of a module. *[hanalysis.Source]
// is the real one; a test may give its own.
type Source interface {
	Lines(ctx context.Context, m hanalysis.ModuleRef, filename string) ([]hanalysis.Line, error)
}

// Analyzer is the vet tool's analyzer: New(nil), its trust from its flags.
var Analyzer = New(nil)

// New returns an aishare analyzer whose lines come from src. A nil src
// means an [hanalysis.Source] made, on first use, from the trust flags
// -policy, -key and -repo (see the package documentation); with a src of
// your own, those flags do not exist.
func New(src Source) *analysis.Analyzer {
	c := &config{src: src, max: 0.5, repoDir: "."}
	a := &analysis.Analyzer{
		Name:      "aishare",
		Doc:       "report how much of each package models wrote, and packages over their allowed share",
		URL:       "https://pkg.go.dev/github.com/hallmark-dev/hallmark/analysis/passes/aishare",
		Run:       c.run,
		FactTypes: []analysis.Fact{new(Fact)},
	}
	fs := &a.Flags
	fs.StringVar(&c.sensitive, "sensitive", "", "comma-separated package path patterns (prefix/... allowed) whose AI share is limited")
	fs.Float64Var(&c.max, "max", 0.5, "the largest AI share ((ai + mixed) / lines) a sensitive package may have")
	fs.BoolVar(&c.unsigned, "unsigned", false, "report model-written lines that no signed record or verified bundle vouches for")
	fs.BoolVar(&c.counts, "counts", false, "report each package's lines, its own and its closure's")
	if src == nil {
		fs.StringVar(&c.policy, "policy", "", "trust the keys of this policy file (an absolute path)")
		fs.StringVar(&c.keys, "key", "", "trust these public key files (or NAME=FILE), comma-separated, absolute paths, for records and every module's bundles")
		fs.StringVar(&c.repoDir, "repo", ".", "trust the policy committed at HEAD of the repository at this directory (an absolute path)")
	}
	return a
}

// config is one analyzer's flags and source.
type config struct {
	sensitive, policy, keys, repoDir string
	max                              float64
	unsigned, counts                 bool

	src     Source
	once    sync.Once
	srcErr  error
	mu      sync.Mutex
	modRoot map[string]string
}

// source is the analyzer's Source, made from the flags when none was given.
func (c *config) source() (Source, error) {
	c.once.Do(func() {
		if c.src != nil {
			return
		}
		o, err := c.trust()
		if err != nil {
			c.srcErr = err
			return
		}
		c.src = hanalysis.NewSource(o)
	})
	return c.src, c.srcErr
}

// trust builds the Source's options from -policy, -key and -repo.
func (c *config) trust() (*hanalysis.SourceOptions, error) {
	var pol *policy.Policy
	ring := &attest.Keyring{}
	var err error
	switch {
	case c.policy != "" && c.keys != "":
		return nil, errors.New("aishare: -policy and -key cannot be combined: -key trusts exactly the keys given")
	case c.policy != "":
		if pol, ring, err = policy.LoadFile(c.policy); err != nil {
			return nil, fmt.Errorf("aishare: %w", err)
		}
	case c.keys != "":
		files := strings.Split(c.keys, ",")
		for i := range files {
			files[i] = strings.TrimSpace(files[i])
		}
		if ring, err = attest.LoadKeyring(files); err != nil {
			return nil, fmt.Errorf("aishare: -key: %w", err)
		}
	default:
		ctx := context.Background()
		r, err := repo.Open(ctx, c.repoDir)
		if err != nil {
			break // not in a repository (a dependency in the module cache): no key is trusted
		}
		defer r.Close()
		pol, ring, err = r.PolicyAt(ctx, "HEAD")
		if errors.Is(err, policy.ErrNoPolicy) {
			pol, ring, err = nil, &attest.Keyring{}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("aishare: -repo %s: %w", c.repoDir, err)
		}
	}
	return &hanalysis.SourceOptions{Keyring: ring, BundleKeys: hanalysis.PolicyBundleKeys(pol, ring)}, nil
}

// PackageLines is one package of a closure: its lines by class, and how
// many of its ai and mixed lines no signed record or verified bundle
// vouches for.
type PackageLines struct {
	Path     string
	Lines    provenance.Count
	Unsigned int
}

// Fact is the package fact: the package's own lines and its closure's.
type Fact struct {
	Own      provenance.Count
	Unsigned int            // of Own's ai and mixed lines, those without a signed record
	Closure  []PackageLines // sorted by path; the package itself included
	// Err is set when the package could not be attributed (a bundle that
	// does not verify, say): go vet drops the errors of the packages it
	// analyses only for their facts, so the failure travels in the fact,
	// and every package that imports it, directly or not, fails with it.
	Err string
	// BundleErr says that Err wraps [hanalysis.ErrBundle].
	BundleErr bool
}

// ImportError is the failure of a package that an analysed package
// imports, directly or not, as its fact carries it. It wraps
// [hanalysis.ErrBundle] when that failure did.
type ImportError struct {
	Path    string // the package that failed
	Message string // its error
	bundle  bool
}

func (e *ImportError) Error() string { return "aishare: " + e.Path + ": " + e.Message }

// Unwrap returns [hanalysis.ErrBundle] for a bundle's failure, else nil.
func (e *ImportError) Unwrap() error {
	if e.bundle {
		return hanalysis.ErrBundle
	}
	return nil
}

// AFact marks Fact as a go/analysis fact.
func (*Fact) AFact() {}

// ClosureLines adds the closure up.
func (f *Fact) ClosureLines() provenance.Count {
	var c provenance.Count
	for _, p := range f.Closure {
		c.Merge(p.Lines)
	}
	return c
}

func (f *Fact) String() string {
	cc := f.ClosureLines()
	return fmt.Sprintf("own ai=%d mixed=%d of %d; closure %d pkgs ai=%d mixed=%d of %d",
		f.Own.AI, f.Own.Mixed, f.Own.Total(), len(f.Closure), cc.AI, cc.Mixed, cc.Total())
}

// CountsMessage is the -counts diagnostic of a package: its own lines and
// its closure's, as `hallmark report --deps` counts them.
func CountsMessage(pkg string, own, closure provenance.Count, closurePkgs int) string {
	return fmt.Sprintf("package %s: own %s; closure of %d packages %s", pkg, countString(own), closurePkgs, countString(closure))
}

func countString(c provenance.Count) string {
	return fmt.Sprintf("%d lines: ai %d, mixed %d, human %d, unknown %d", c.Total(), c.AI, c.Mixed, c.Human, c.Unknown)
}

func (c *config) run(pass *analysis.Pass) (any, error) {
	if err := c.analyse(pass); err != nil {
		// Exported first: in go vet, the fact is all an importer will see.
		f := &Fact{Err: err.Error(), BundleErr: errors.Is(err, hanalysis.ErrBundle)}
		var ie *ImportError
		if errors.As(err, &ie) {
			f.Err = ie.Message
		}
		pass.ExportPackageFact(f)
		return nil, err
	}
	return nil, nil
}

func (c *config) analyse(pass *analysis.Pass) error {
	src, err := c.source()
	if err != nil {
		return err
	}
	ctx := context.Background()
	var own provenance.Count
	unsigned := 0
	marked := false
	for _, f := range pass.Files {
		name := pass.Fset.File(f.Pos()).Name()
		if strings.HasSuffix(name, "_test.go") || !strings.HasSuffix(name, ".go") {
			continue
		}
		for _, cg := range f.Comments {
			for _, cm := range cg.List {
				if strings.TrimSpace(cm.Text) == "//hallmark:sensitive" {
					marked = true
				}
			}
		}
		lines, err := src.Lines(ctx, c.moduleOf(pass, name), name)
		if err != nil {
			if errors.Is(err, hanalysis.ErrBundle) && c.policy == "" && c.keys == "" && c.repoDir == "." {
				err = fmt.Errorf("%w (go vet runs aishare in each package's directory: pass -repo, -policy or -key, as absolute paths, to trust keys for dependencies' bundles)", err)
			}
			return err
		}
		n := 0
		for _, l := range lines {
			own.Add(l.Class, 1)
			if (l.Class == provenance.AI || l.Class == provenance.Mixed) && !l.Signed() {
				n++
			}
		}
		unsigned += n
		if c.unsigned && n > 0 {
			pass.Reportf(f.Package, "%d lines of %s were written by models without a signed record", n, filepath.Base(name))
		}
	}
	// The closure: this package, and each import's closure, each package once.
	byPath := map[string]PackageLines{pass.Pkg.Path(): {Path: pass.Pkg.Path(), Lines: own, Unsigned: unsigned}}
	for _, imp := range pass.Pkg.Imports() {
		var f Fact
		if pass.ImportPackageFact(imp, &f) {
			if f.Err != "" {
				return &ImportError{Path: imp.Path(), Message: f.Err, bundle: f.BundleErr}
			}
			for _, pl := range f.Closure {
				byPath[pl.Path] = pl
			}
		}
	}
	fact := &Fact{Own: own, Unsigned: unsigned}
	for _, pl := range byPath {
		fact.Closure = append(fact.Closure, pl)
	}
	slices.SortFunc(fact.Closure, func(a, b PackageLines) int { return cmp.Compare(a.Path, b.Path) })
	pass.ExportPackageFact(fact)

	if len(pass.Files) == 0 {
		return nil
	}
	pos := firstFile(pass.Files).Package
	if (marked || matches(pass.Pkg.Path(), c.sensitive)) && own.AIShare() > c.max {
		pass.Reportf(pos, "package %s is sensitive and %.0f%% of its lines were written by models (at most %.0f%% allowed)",
			pass.Pkg.Name(), 100*own.AIShare(), 100*c.max)
	}
	if c.counts {
		pass.Reportf(pos, "%s", CountsMessage(pass.Pkg.Path(), own, fact.ClosureLines(), len(fact.Closure)))
	}
	return nil
}

// moduleOf names the module of a file of the pass. go vet says the
// module's path and version but not its directory (the nearest go.mod
// above the file) nor whether it is a main module (one without a version,
// as the go command lists main and workspace modules).
func (c *config) moduleOf(pass *analysis.Pass, filename string) hanalysis.ModuleRef {
	ref := hanalysis.ModuleRef{Main: true}
	if m := pass.Module; m != nil {
		ref = hanalysis.ModuleRef{Path: m.Path, Dir: m.Dir, Main: m.Main || m.Version == ""}
	}
	if ref.Dir == "" {
		ref.Dir = c.moduleRoot(filepath.Dir(filename))
	}
	return ref
}

// moduleRoot is the nearest directory at or above dir with a go.mod, or
// dir itself where there is none.
func (c *config) moduleRoot(dir string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.modRoot[dir]; ok {
		return r
	}
	root := dir
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			root = d
			break
		}
		up := filepath.Dir(d)
		if up == d {
			break
		}
		d = up
	}
	if c.modRoot == nil {
		c.modRoot = map[string]string{}
	}
	c.modRoot[dir] = root
	return root
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
