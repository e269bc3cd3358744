package repo

import (
	"context"
	"errors"
	"maps"
	"slices"

	"github.com/hallmark-dev/hallmark/internal/diff"
	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/provenance"
)

// StagedModels returns the model authors of the pending lines that are
// staged in the index: who a commit made now would say wrote code.
func (r *Repo) StagedModels(ctx context.Context) ([]provenance.Author, error) {
	if r.git.Bare {
		return nil, ErrBareRepository
	}
	st, state, unlock, err := r.openPending()
	if err != nil {
		return nil, err
	}
	defer unlock()
	b, err := r.reader(ctx)
	if err != nil {
		return nil, err
	}
	// Every staged file in one round trip of the cat-file process.
	paths := slices.Sorted(maps.Keys(state.Files))
	names := make([]string, len(paths))
	for i, p := range paths {
		names[i] = ":" + git.Unquote(p)
	}
	objs, err := b.ReadMany(names)
	if err != nil {
		return nil, err
	}
	seen := map[int]bool{}
	var out []provenance.Author
	for k, path := range paths {
		f := state.Files[path]
		if errors.Is(objs[k].Err, git.ErrNotFound) {
			continue // not in the index
		}
		if objs[k].Err != nil {
			return nil, objs[k].Err
		}
		staged := objs[k].Data
		snap, err := st.snapshot(f.Snapshot)
		if err != nil {
			return nil, err
		}
		snapLines := diff.Lines(snap)
		attrs := f.lineAttrs(len(snapLines))
		for _, i := range diff.Map(snapLines, diff.Lines(staged)) {
			if i < 0 || attrs[i].author < 0 || attrs[i].class == provenance.Human {
				continue
			}
			a := attrs[i].author
			if !seen[a] && state.Authors[a].Kind == provenance.Model {
				seen[a] = true
				out = append(out, state.Authors[a])
			}
		}
	}
	return out, nil
}
