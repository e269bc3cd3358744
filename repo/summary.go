package repo

import (
	"context"

	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/provenance"
)

// Summary adds up, over the commits reachable from a revision, the lines
// each commit added, by class, author and model.
type Summary struct {
	Rev         string `json:"rev"`
	Commit      string `json:"commit"`
	Commits     int    `json:"commits"`
	AICommits   int    `json:"ai_commits"`
	BinaryFiles int    `json:"binary_files_skipped"`
	// Lines are the lines the commits added, by class.
	Lines    provenance.Count `json:"lines"`
	ByAuthor []provenance.Row `json:"by_author"`
	ByModel  []provenance.Row `json:"by_model"`
	ByClass  []provenance.Row `json:"by_class"`
}

// SummaryOptions narrows a summary. A nil value means every commit
// reachable from the revision.
type SummaryOptions struct {
	// Progress, when set, is called after each commit with the count so far.
	Progress func(done int)
}

// Summarize walks the history of rev in one `git log -p` stream (merges,
// whose own lines need a diff against every parent, are read separately).
func (r *Repo) Summarize(ctx context.Context, rev string, opts *SummaryOptions) (*Summary, error) {
	if opts == nil {
		opts = &SummaryOptions{}
	}
	id, err := r.git.ResolveCommit(ctx, rev)
	if err != nil {
		return nil, err
	}
	s := &Summary{Rev: rev, Commit: id}
	byAuthor, byModel, byClass := provenance.Breakdown{}, provenance.Breakdown{}, provenance.Breakdown{}
	account := func(c *git.Commit, files []git.FileDiff) {
		author, class := inferAuthor(c)
		n := 0
		for _, f := range files {
			if f.Binary {
				s.BinaryFiles++
				continue
			}
			if f.Gitlink {
				continue
			}
			n += len(f.Added)
		}
		s.Commits++
		if class == provenance.AI {
			s.AICommits++
		}
		s.Lines.Add(class, n)
		byAuthor.Add(author.String(), class, n)
		byClass.Add(string(class), class, n)
		byModel.Add(provenance.ModelName(author), class, n)
		if opts.Progress != nil {
			opts.Progress(s.Commits)
		}
	}

	var merges []string
	err = r.git.Log(ctx, []string{id}, func(e *git.LogEntry) error {
		if len(e.Commit.Parents) > 1 {
			merges = append(merges, e.Commit.ID)
			return nil
		}
		account(e.Commit, withoutDeleted(e.Files))
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, m := range merges {
		c, err := r.commit(ctx, m)
		if err != nil {
			return nil, err
		}
		files, err := r.added(ctx, c)
		if err != nil {
			return nil, err
		}
		account(c, files)
	}
	s.ByAuthor, s.ByModel, s.ByClass = byAuthor.Rows(), byModel.Rows(), byClass.Rows()
	return s, nil
}
