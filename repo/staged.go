package repo

import (
	"context"
	"errors"

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
	seen := map[int]bool{}
	var out []provenance.Author
	for path, f := range state.Files {
		_, staged, err := b.Read(":" + git.Unquote(path))
		if errors.Is(err, git.ErrNotFound) {
			continue // not in the index
		}
		if err != nil {
			return nil, err
		}
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
