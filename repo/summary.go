package repo

import (
	"cmp"
	"context"
	"slices"

	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/provenance"
)

// Row is one line of a breakdown.
type Row struct {
	Key string `json:"key"`
	Tally
}

// Tally is a count of lines by class, with the AI share, in the JSON form
// reports use.
type Tally struct {
	TotalLines   int     `json:"total_lines"`
	AILines      int     `json:"ai_lines"`
	MixedLines   int     `json:"mixed_lines"`
	HumanLines   int     `json:"human_lines"`
	UnknownLines int     `json:"unknown_lines"`
	AIShare      float64 `json:"ai_share"`
}

// NewTally converts a count.
func NewTally(c provenance.Count) Tally {
	return Tally{
		TotalLines: c.Total(), AILines: c.AI, MixedLines: c.Mixed,
		HumanLines: c.Human, UnknownLines: c.Unknown, AIShare: c.AIShare(),
	}
}

// Summary adds up, over the commits reachable from a revision, the lines
// each commit added, by class, author and model.
type Summary struct {
	Rev         string `json:"rev"`
	Commit      string `json:"commit"`
	Commits     int    `json:"commits"`
	AICommits   int    `json:"ai_commits"`
	BinaryFiles int    `json:"binary_files_skipped"`
	Tally
	ByAuthor []Row `json:"by_author"`
	ByModel  []Row `json:"by_model"`
	ByClass  []Row `json:"by_class"`
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
	var total provenance.Count
	byAuthor := map[string]*provenance.Count{}
	byModel := map[string]*provenance.Count{}
	byClass := map[string]*provenance.Count{}
	add := func(m map[string]*provenance.Count, k string, class provenance.Class, n int) {
		c := m[k]
		if c == nil {
			c = &provenance.Count{}
			m[k] = c
		}
		c.Add(class, n)
	}
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
		total.Add(class, n)
		add(byAuthor, author.String(), class, n)
		add(byClass, string(class), class, n)
		model := "(human)"
		if author.Kind == provenance.Model {
			model = cmp.Or(author.ModelID, author.Model, cmp.Or(author.Tool, "unknown tool")+", model not named")
		}
		add(byModel, model, class, n)
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
	s.Tally = NewTally(total)
	s.ByAuthor, s.ByModel, s.ByClass = rows(byAuthor), rows(byModel), rows(byClass)
	return s, nil
}

// rows sorts a breakdown by lines, most first, then by key.
func rows(m map[string]*provenance.Count) []Row {
	out := make([]Row, 0, len(m))
	for k, c := range m {
		out = append(out, Row{Key: k, Tally: NewTally(*c)})
	}
	slices.SortFunc(out, func(a, b Row) int {
		return cmp.Or(cmp.Compare(b.TotalLines, a.TotalLines), cmp.Compare(a.Key, b.Key))
	})
	return out
}
