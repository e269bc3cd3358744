package attribution

import (
	"cmp"
	"context"
	"fmt"
	"path"
	"slices"
	"time"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/internal/repolink"
	"github.com/hallmark-dev/hallmark/policy"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// The breakdowns of a report.
var Breakdowns = []string{"file", "dir", "author", "model", "evidence", "class", "month", "quarter"}

// Row is one line of a breakdown.
type Row struct {
	Key string `json:"key"`
	repo.Tally
}

// Report is the attribution of a tree, added up.
type Report struct {
	Rev    string `json:"rev"`
	Commit string `json:"commit"`
	Since  string `json:"since,omitempty"`
	repo.Tally
	BinaryFilesSkipped int `json:"binary_files_skipped"`
	Files              int `json:"files"` // text and binary files

	Evidence  []Row      `json:"by_evidence"`
	By        string     `json:"by,omitempty"`
	Breakdown []Row      `json:"breakdown,omitempty"`
	Tags      []TagShare `json:"tags,omitempty"`
	FromCache bool       `json:"from_cache"`
	// HistoryIncomplete is set in a shallow clone: lines its oldest
	// commits seem to add are counted, but who wrote them is not known.
	HistoryIncomplete bool `json:"history_incomplete"`
}

// Report adds the analysis up, broken down by one of [Breakdowns] (or
// none). "month" and "quarter" are the lines added per period, by when
// they were merged into Rev's history (see [Periods]).
func (a *Analysis) Report(ctx context.Context, by string) (*Report, error) {
	if by != "" && !slices.Contains(Breakdowns, by) {
		return nil, fmt.Errorf("attribution: unknown breakdown %q (want one of %v)", by, Breakdowns)
	}
	rep := &Report{Rev: a.Rev, Commit: a.Commit, Since: a.Since, BinaryFilesSkipped: len(a.Binary), By: by, Tags: a.Tags, FromCache: a.FromCache, HistoryIncomplete: a.r.Shallow()}
	var total provenance.Count
	groups := map[string]*provenance.Count{}
	evidence := map[string]*provenance.Count{}
	add := func(m map[string]*provenance.Count, k string, c provenance.Class) {
		n := m[k]
		if n == nil {
			n = &provenance.Count{}
			m[k] = n
		}
		n.Add(c, 1)
	}
	files := a.Files()
	rep.Files = len(files) + len(a.Binary)
	for _, p := range files {
		for _, o := range a.blame.Files[p].Lines {
			if o.S == boundary {
				continue
			}
			au, cl, ev := a.lineOf(o)
			total.Add(cl, 1)
			add(evidence, string(ev), cl)
			switch by {
			case "file":
				add(groups, p, cl)
			case "dir":
				add(groups, path.Dir(p), cl)
			case "author":
				add(groups, au.String(), cl)
			case "model":
				add(groups, modelKey(au), cl)
			case "evidence":
				add(groups, string(ev), cl)
			case "class":
				add(groups, string(cl), cl)
			}
		}
	}
	rep.Tally = repo.NewTally(total)
	rep.Evidence = rowsOf(evidence)
	switch by {
	case "month", "quarter":
		rows, err := a.periods(ctx, by == "quarter")
		if err != nil {
			return nil, err
		}
		rep.Breakdown = rows
	case "":
	default:
		rep.Breakdown = rowsOf(groups)
	}
	return rep, nil
}

func modelKey(a provenance.Author) string {
	if a.Kind != provenance.Model {
		return "(human)"
	}
	if k := cmp.Or(a.ModelID, a.Model); k != "" {
		return k
	}
	// Say what is known: the tool ("aider, model not named").
	return cmp.Or(a.Tool, "unknown tool") + ", model not named"
}

// rowsOf sorts a breakdown: most lines first, then by key.
func rowsOf(m map[string]*provenance.Count) []Row {
	out := make([]Row, 0, len(m))
	for k, c := range m {
		out = append(out, Row{Key: k, Tally: repo.NewTally(*c)})
	}
	slices.SortFunc(out, func(a, b Row) int { return cmp.Or(cmp.Compare(b.TotalLines, a.TotalLines), cmp.Compare(a.Key, b.Key)) })
	return out
}

// PeriodOptions configures [Periods].
type PeriodOptions struct {
	Rev     string // default HEAD
	Since   string
	Quarter bool // quarters instead of months
	Keyring *attest.Keyring
	Policy  *policy.Policy // what each key may sign, as in verification
}

// Periods gives, per month or quarter, the lines added and merged into the
// history of Rev and the share written by models: each commit's added
// lines (a merge's own lines included) count in the period of the commit
// that brought them into Rev's first-parent line, which for a branch is
// its merge. Classes come from each commit's record, else its conventions.
func Periods(ctx context.Context, r *repo.Repo, o *PeriodOptions) ([]Row, error) {
	rev := cmp.Or(o.Rev, "HEAD")
	rng := []string{rev}
	if o.Since != "" {
		rng = append(rng, "^"+o.Since)
	}
	landed, err := landingTimes(ctx, repolink.Of(r).Git(), rng)
	if err != nil {
		return nil, err
	}
	noted, err := r.NotedCommits(ctx)
	if err != nil {
		return nil, err
	}
	a := &Analysis{r: r, ctx: ctx, keyring: o.Keyring, policy: o.Policy, noted: noted}
	per := map[string]*provenance.Count{}
	account := func(c *git.Commit, files []git.FileDiff) error {
		t, ok := landed[c.ID]
		if !ok {
			return nil
		}
		key := period(t, o.Quarter)
		n := per[key]
		if n == nil {
			n = &provenance.Count{}
			per[key] = n
		}
		added := 0
		for _, f := range files {
			if !f.Binary && !f.Gitlink && !f.Deleted {
				added += len(f.Added)
			}
		}
		var rec *provenance.Record
		if _, ok := noted[c.ID]; ok {
			rec, _ = a.recordOf(c.ID)
		}
		if rec != nil {
			rc := rec.Count()
			n.Add(provenance.AI, rc.AI)
			n.Add(provenance.Mixed, rc.Mixed)
			n.Add(provenance.Human, rc.Human)
			n.Add(provenance.Unknown, rc.Unknown)
			return nil
		}
		_, class := repo.InferAuthor((*repo.Commit)(c))
		n.Add(class, added)
		return nil
	}
	var merges []*git.Commit
	err = repolink.Of(r).Git().Log(ctx, rng, func(e *git.LogEntry) error {
		if len(e.Commit.Parents) > 1 {
			merges = append(merges, e.Commit)
			return nil
		}
		return account(e.Commit, e.Files)
	})
	if err != nil {
		return nil, err
	}
	for _, m := range merges {
		c, err := repolink.Of(r).Commit(ctx, m.ID)
		if err != nil {
			return nil, err
		}
		files, err := repolink.Of(r).Added(ctx, c)
		if err != nil {
			return nil, err
		}
		if err := account(m, files); err != nil {
			return nil, err
		}
	}
	rows := rowsOf(per)
	slices.SortFunc(rows, func(a, b Row) int { return cmp.Compare(a.Key, b.Key) })
	return rows, nil
}

// periods is [Periods] from the lines the replay counted for each commit
// (kept in the cache), so that only commit metadata is read from git.
func (a *Analysis) periods(ctx context.Context, quarter bool) ([]Row, error) {
	if a.blame.Own == nil || a.blame.Inferred == nil {
		return Periods(ctx, a.r, &PeriodOptions{Rev: a.Commit, Since: a.Since, Quarter: quarter, Keyring: a.keyring})
	}
	rng := []string{a.Commit}
	if a.Since != "" {
		rng = append(rng, "^"+a.Since)
	}
	landed, err := landingTimes(ctx, repolink.Of(a.r).Git(), rng)
	if err != nil {
		return nil, err
	}
	per := map[string]*provenance.Count{}
	for id, t := range landed {
		key := period(t, quarter)
		n := per[key]
		if n == nil {
			n = &provenance.Count{}
			per[key] = n
		}
		if _, ok := a.noted[id]; ok {
			if rec, _ := a.recordOf(id); rec != nil {
				rc := rec.Count()
				n.Add(provenance.AI, rc.AI)
				n.Add(provenance.Mixed, rc.Mixed)
				n.Add(provenance.Human, rc.Human)
				n.Add(provenance.Unknown, rc.Unknown)
				continue
			}
		}
		n.Add(cmp.Or(a.blame.Inferred[id], provenance.Human), int(a.blame.Own[id]))
	}
	rows := rowsOf(per)
	slices.SortFunc(rows, func(a, b Row) int { return cmp.Compare(a.Key, b.Key) })
	return rows, nil
}

func period(t time.Time, quarter bool) string {
	if quarter {
		return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())-1)/3+1)
	}
	return t.Format("2006-01")
}

// landingTimes gives each commit of the range the time it joined the
// first-parent line of the range's tip: its own commit time on that line,
// else the time of the merge that brought it in.
func landingTimes(ctx context.Context, g *git.Repo, rng []string) (map[string]time.Time, error) {
	out, err := g.Output(ctx, append([]string{"log", "--format=%H %ct %P"}, rng...)...)
	if err != nil {
		return nil, err
	}
	type node struct {
		t       time.Time
		parents []string
	}
	nodes := map[string]*node{}
	var tip string
	for _, l := range splitLines(string(out)) {
		var id string
		var ct int64
		var rest string
		fmt.Sscanf(l, "%s %d", &id, &ct)
		if len(l) > len(id)+1 {
			_, rest, _ = cutN(l, 2)
		}
		if tip == "" {
			tip = id
		}
		nodes[id] = &node{t: time.Unix(ct, 0).UTC(), parents: splitFields(rest)}
	}
	landed := map[string]time.Time{}
	var chain []string
	for id := tip; id != ""; {
		n := nodes[id]
		if n == nil {
			break
		}
		chain = append(chain, id)
		landed[id] = n.t
		if len(n.parents) == 0 {
			break
		}
		id = n.parents[0]
	}
	for i := len(chain) - 1; i >= 0; i-- {
		m := nodes[chain[i]]
		stack := append([]string(nil), m.parents[min(1, len(m.parents)):]...)
		for len(stack) > 0 {
			id := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if _, done := landed[id]; done {
				continue
			}
			n := nodes[id]
			if n == nil {
				continue // outside the range
			}
			landed[id] = m.t
			stack = append(stack, n.parents...)
		}
	}
	return landed, nil
}
