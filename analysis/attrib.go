package analysis

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/attribution"
	"github.com/hallmark-dev/hallmark/internal/diff"
	"github.com/hallmark-dev/hallmark/policy"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// Evidence of lines beyond the attribution engine's.
const (
	EvidenceUncommitted = string(attribution.Uncommitted) // changed in the work tree since HEAD
	EvidenceBundle      = "bundle"                        // from a dependency's verified bundle
	EvidenceUnknown     = "unknown"                       // a dependency without a bundle, or a file outside any repository
)

// Line is what a [Source] says of one line of a file.
type Line struct {
	Class provenance.Class
	// Evidence is an [attribution.Evidence] ("signed", "unsigned",
	// "inferred", ...) or one of EvidenceUncommitted, EvidenceBundle and
	// EvidenceUnknown.
	Evidence string
}

// Signed reports whether a signature vouches for the line: a record that
// verified under a trusted key, or a dependency's verified bundle.
func (l Line) Signed() bool {
	return l.Evidence == string(attribution.Signed) || l.Evidence == EvidenceBundle
}

// ModuleRef names the module a file belongs to.
type ModuleRef struct {
	Path string // the module path
	Dir  string // the module's root directory
	// Main is set for a main (or workspace) module, attributed from its
	// git repository; a dependency is attributed from its bundle.
	Main bool
}

// SourceOptions configures a [Source]. A nil value trusts no key.
type SourceOptions struct {
	// Keyring verifies records ("signed" evidence) in the main modules.
	Keyring *attest.Keyring
	// BundleKeys returns the keys trusted to sign bundles of a module path;
	// nil trusts none, so every bundle is an error ([ErrBundle]).
	BundleKeys func(modulePath string) *attest.Keyring
	// NoCache recomputes the main modules' attribution instead of using
	// the engine's cache.
	NoCache bool
}

// PolicyBundleKeys is [SourceOptions.BundleKeys] for a policy and its
// keyring: a module's bundles may be signed by the keys the policy's
// bundles rules name for its path. With a nil policy (keys given one by
// one, as `--key` does), every key of ring is trusted for every module.
func PolicyBundleKeys(pol *policy.Policy, ring *attest.Keyring) func(modulePath string) *attest.Keyring {
	return func(mod string) *attest.Keyring {
		if pol == nil {
			return ring
		}
		return ring.Subset(pol.BundleKeys(mod)...)
	}
}

// Source attributes the lines of files on disk, one way for [Load] and for
// the vet analyzer (package analysis/passes/aishare), so that the two agree
// on every module:
//
//   - a main module's file through the engine of package attribution at
//     HEAD of the module's git repository; lines that differ from HEAD are
//     unknown, with evidence EvidenceUncommitted; a main module outside any
//     git repository is unknown (EvidenceUnknown);
//   - a dependency's file through the signed bundle the module ships
//     ([BundlePath]), verified once per module against
//     [SourceOptions.BundleKeys] and the bytes on disk ([VerifyBundle]): a
//     bundle that does not verify is an error wrapping [ErrBundle], never a
//     silent "unknown"; a dependency without a bundle is unknown.
//
// A Source is safe for concurrent use; Close releases its repositories.
type Source struct {
	opts SourceOptions

	mu      sync.Mutex
	repos   map[string]*repoSource // by module directory; nil: not in a repository
	bundles map[string]*bundleSource
}

type repoSource struct {
	r  *repo.Repo
	a  *attribution.Analysis
	wt string
}

// bundleSource is a module's verified bundle; rec nil: the module has none.
type bundleSource struct {
	rec   *provenance.Record
	files map[string]*provenance.File
	err   error // the verification's failure, kept so that it is reported every time
}

// NewSource returns a Source. A nil options value trusts no key.
func NewSource(o *SourceOptions) *Source {
	s := &Source{repos: map[string]*repoSource{}, bundles: map[string]*bundleSource{}}
	if o != nil {
		s.opts = *o
	}
	return s
}

// Close releases the repositories the Source opened.
func (s *Source) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for dir, rs := range s.repos {
		if rs != nil {
			rs.r.Close()
		}
		delete(s.repos, dir)
	}
	return nil
}

// ModuleSource says where a module's lines come from: SourceRepository,
// SourceBundle or SourceUnknown.
func (s *Source) ModuleSource(ctx context.Context, m ModuleRef) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.Main {
		rs, err := s.repoFor(ctx, m.Dir)
		if err != nil || rs == nil {
			return SourceUnknown, err
		}
		return SourceRepository, nil
	}
	b, err := s.bundleFor(m)
	if err != nil || b.rec == nil {
		return SourceUnknown, err
	}
	return SourceBundle, nil
}

// Lines attributes every line of one file of module m; a binary file has
// none.
func (s *Source) Lines(ctx context.Context, m ModuleRef, filename string) ([]Line, error) {
	lines, _, err := s.file(ctx, m, filename)
	return lines, err
}

func (s *Source) repoFor(ctx context.Context, dir string) (*repoSource, error) {
	if rs, ok := s.repos[dir]; ok {
		return rs, nil
	}
	// The repository outlives this call: its git processes must not end
	// with the context of the call that happened to open it.
	ctx = context.WithoutCancel(ctx)
	r, err := repo.Open(ctx, dir)
	if err != nil {
		s.repos[dir] = nil
		return nil, nil // not in a git repository: nothing to attribute with
	}
	an, err := attribution.Analyze(ctx, r, &attribution.Options{Keyring: s.opts.Keyring, NoCache: s.opts.NoCache})
	if err != nil {
		r.Close()
		if errors.Is(err, repo.ErrNoCommits) {
			s.repos[dir] = nil
			return nil, nil
		}
		return nil, err
	}
	wt := r.WorkTree()
	if real, err := filepath.EvalSymlinks(wt); err == nil {
		wt = real
	}
	rs := &repoSource{r: r, a: an, wt: wt}
	s.repos[dir] = rs
	return rs, nil
}

func (s *Source) bundleFor(m ModuleRef) (*bundleSource, error) {
	if b, ok := s.bundles[m.Dir]; ok {
		return b, b.err
	}
	b := &bundleSource{}
	s.bundles[m.Dir] = b
	if _, err := os.Stat(filepath.Join(m.Dir, filepath.FromSlash(BundlePath))); errors.Is(err, fs.ErrNotExist) {
		return b, nil
	}
	var ring *attest.Keyring
	if s.opts.BundleKeys != nil {
		ring = s.opts.BundleKeys(m.Path)
	}
	rec, _, err := VerifyBundle(m.Dir, m.Path, ring)
	if err != nil {
		b.err = err
		return b, err
	}
	b.rec, b.files = rec, map[string]*provenance.File{}
	for i := range rec.Files {
		b.files[rec.Files[i].Path] = &rec.Files[i]
	}
	return b, nil
}

// file attributes every line of one file of a module, and says where the
// lines came from.
func (s *Source) file(ctx context.Context, m ModuleRef, path string) ([]Line, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("analysis: %w", err)
	}
	if bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0 {
		return nil, "", nil // binary: no lines
	}
	work := diff.Lines(data)
	fill := func(ev string) []Line {
		out := make([]Line, len(work))
		for i := range out {
			out[i] = Line{provenance.Unknown, ev}
		}
		return out
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.Main {
		rs, err := s.repoFor(ctx, m.Dir)
		if err != nil {
			return nil, "", err
		}
		if rs == nil {
			return fill(EvidenceUnknown), SourceUnknown, nil
		}
		real := path
		if r, err := filepath.EvalSymlinks(path); err == nil {
			real = r
		}
		rel, err := filepath.Rel(rs.wt, real)
		if err != nil || strings.HasPrefix(rel, "..") {
			return fill(EvidenceUnknown), SourceRepository, nil
		}
		lines, err := rs.a.WorkingLines(filepath.ToSlash(rel), data)
		if err != nil {
			return nil, "", err
		}
		out := make([]Line, len(lines))
		for i, l := range lines {
			out[i] = Line{l.Class, string(l.Evidence)}
		}
		return out, SourceRepository, nil
	}
	b, err := s.bundleFor(m)
	if err != nil {
		return nil, "", err
	}
	if b.rec == nil {
		return fill(EvidenceUnknown), SourceUnknown, nil
	}
	rel, err := filepath.Rel(m.Dir, path)
	if err != nil {
		return nil, "", err
	}
	f := b.files[filepath.ToSlash(rel)]
	if f == nil {
		return nil, "", fmt.Errorf("%w: %s: %s is not in the bundle", ErrBundle, m.Path, rel)
	}
	out := fill(EvidenceBundle)
	for _, sp := range f.Spans {
		for n := sp.Start; n <= sp.End && n <= len(out); n++ {
			out[n-1].Class = sp.Class
		}
	}
	return out, SourceBundle, nil
}
