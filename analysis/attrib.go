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

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/attribution"
	"github.com/hallmark-dev/hallmark/internal/diff"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
	"golang.org/x/tools/go/packages"
)

// lineAttr is one line's class and evidence.
type lineAttr struct {
	class    provenance.Class
	evidence string
}

// Evidence of lines beyond the attribution engine's.
const (
	EvidenceUncommitted = string(attribution.Uncommitted) // changed in the work tree since HEAD
	EvidenceBundle      = "bundle"                        // from a dependency's verified bundle
	EvidenceUnknown     = "unknown"                       // a dependency without a bundle
)

type repoSource struct {
	r  *repo.Repo
	a  *attribution.Analysis
	wt string
}

type bundleSource struct {
	rec   *provenance.Record
	files map[string]*provenance.File
}

type attributor struct {
	ctx     context.Context
	o       *Options
	repos   map[string]*repoSource   // by module directory
	bundles map[string]*bundleSource // by module directory; nil entry: no bundle
}

func newAttributor(ctx context.Context, o *Options) *attributor {
	return &attributor{ctx: ctx, o: o, repos: map[string]*repoSource{}, bundles: map[string]*bundleSource{}}
}

func (a *attributor) close() {
	for _, s := range a.repos {
		if s != nil {
			s.r.Close()
		}
	}
}

// moduleSource says where a module's lines come from.
func (a *attributor) moduleSource(m *packages.Module) string {
	if m.Main {
		if s, _ := a.repoFor(m.Dir); s != nil {
			return SourceRepository
		}
		return SourceUnknown
	}
	if b, _ := a.bundleFor(m); b != nil {
		return SourceBundle
	}
	return SourceUnknown
}

func (a *attributor) repoFor(dir string) (*repoSource, error) {
	if s, ok := a.repos[dir]; ok {
		return s, nil
	}
	r, err := repo.Open(a.ctx, dir)
	if err != nil {
		a.repos[dir] = nil
		return nil, nil // not in a git repository: nothing to attribute with
	}
	an, err := attribution.Analyze(a.ctx, r, &attribution.Options{Keyring: a.o.Keyring, NoCache: a.o.NoCache})
	if err != nil {
		r.Close()
		if errors.Is(err, repo.ErrNoCommits) {
			a.repos[dir] = nil
			return nil, nil
		}
		return nil, err
	}
	wt := r.WorkTree()
	if real, err := filepath.EvalSymlinks(wt); err == nil {
		wt = real
	}
	s := &repoSource{r: r, a: an, wt: wt}
	a.repos[dir] = s
	return s, nil
}

func (a *attributor) bundleFor(m *packages.Module) (*bundleSource, error) {
	if b, ok := a.bundles[m.Dir]; ok {
		return b, nil
	}
	if _, err := os.Stat(filepath.Join(m.Dir, filepath.FromSlash(BundlePath))); errors.Is(err, fs.ErrNotExist) {
		a.bundles[m.Dir] = nil
		return nil, nil
	}
	var ring *attest.Keyring
	if a.o.BundleKeys != nil {
		ring = a.o.BundleKeys(m.Path)
	}
	rec, _, err := VerifyBundle(m.Dir, m.Path, ring)
	if err != nil {
		return nil, err
	}
	b := &bundleSource{rec: rec, files: map[string]*provenance.File{}}
	for i := range rec.Files {
		b.files[rec.Files[i].Path] = &rec.Files[i]
	}
	a.bundles[m.Dir] = b
	return b, nil
}

// file attributes every line of one file of a module.
func (a *attributor) file(m *packages.Module, path string) ([]lineAttr, string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", err
	}
	if bytes.IndexByte(data[:min(len(data), 8000)], 0) >= 0 {
		return nil, "", nil // binary: no lines
	}
	work := diff.Lines(data)
	unknown := func(ev string) []lineAttr {
		out := make([]lineAttr, len(work))
		for i := range out {
			out[i] = lineAttr{provenance.Unknown, ev}
		}
		return out
	}
	if m.Main {
		s, err := a.repoFor(m.Dir)
		if err != nil {
			return nil, "", err
		}
		if s == nil {
			return unknown(EvidenceUnknown), SourceUnknown, nil
		}
		real := path
		if r, err := filepath.EvalSymlinks(path); err == nil {
			real = r
		}
		rel, err := filepath.Rel(s.wt, real)
		if err != nil || strings.HasPrefix(rel, "..") {
			return unknown(EvidenceUnknown), SourceRepository, nil
		}
		lines, err := s.a.WorkingLines(filepath.ToSlash(rel), data)
		if err != nil {
			return nil, "", err
		}
		out := make([]lineAttr, len(lines))
		for i, l := range lines {
			out[i] = lineAttr{l.Class, string(l.Evidence)}
		}
		return out, SourceRepository, nil
	}
	b, err := a.bundleFor(m)
	if err != nil {
		return nil, "", err
	}
	if b == nil {
		return unknown(EvidenceUnknown), SourceUnknown, nil
	}
	rel, err := filepath.Rel(m.Dir, path)
	if err != nil {
		return nil, "", err
	}
	f := b.files[filepath.ToSlash(rel)]
	if f == nil {
		return nil, "", fmt.Errorf("%w: %s: %s is not in the bundle", ErrBundle, m.Path, rel)
	}
	out := make([]lineAttr, len(work))
	for i := range out {
		out[i] = lineAttr{provenance.Unknown, EvidenceBundle}
	}
	for _, s := range f.Spans {
		for n := s.Start; n <= s.End && n <= len(out); n++ {
			out[n-1].class = s.Class
		}
	}
	return out, SourceBundle, nil
}
