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

// Report is the attribution of a tree, added up.
type Report struct {
	Rev    string `json:"rev"`
	Commit string `json:"commit"`
	Since  string `json:"since,omitempty"`
	// Lines are the tree's lines, by class.
	Lines              provenance.Count `json:"lines"`
	BinaryFilesSkipped int              `json:"binary_files_skipped"`
	Files              int              `json:"files"` // text and binary files

	Evidence  []provenance.Row `json:"by_evidence"`
	By        string           `json:"by,omitempty"`
	Breakdown []provenance.Row `json:"breakdown,omitempty"`
	Tags      []TagShare       `json:"tags,omitempty"`
	FromCache bool             `json:"from_cache"`
	// HistoryIncomplete is set in a shallow clone: lines its oldest
	// commits seem to add are counted, but who wrote them is not known.
	HistoryIncomplete bool `json:"history_incomplete"`
	// Excluded is what the report left out, per reason (the Excluded*
	// constants); empty with Options.All. Files and the totals count
	// what is left.
	Excluded []Excluded `json:"excluded"`
}

// Excluded counts the files and lines a report left out for one reason.
type Excluded struct {
	Reason string `json:"reason"` // one of the Excluded* reasons
	Why    string `json:"why"`    // the reason in words
	Files  int    `json:"files"`
	Lines  int    `json:"lines"`
}

// Report adds the analysis up, broken down by one of [Breakdowns] (or
// none). "month" and "quarter" are the lines added per period, by when
// they were merged into Rev's history (see [Periods]).
func (a *Analysis) Report(ctx context.Context, by string) (*Report, error) {
	if by != "" && !slices.Contains(Breakdowns, by) {
		return nil, fmt.Errorf("attribution: unknown breakdown %q (want one of %v)", by, Breakdowns)
	}
	rep := &Report{Rev: a.Rev, Commit: a.Commit, Since: a.Since, By: by, Tags: a.Tags, FromCache: a.FromCache, HistoryIncomplete: a.r.Shallow(), Excluded: []Excluded{}}
	excluded, err := a.Excluded(ctx)
	if err != nil {
		return nil, err
	}
	left := map[string]*Excluded{}
	leave := func(p string, lines int) bool {
		why, ok := excluded[p]
		if !ok {
			return false
		}
		e := left[why]
		if e == nil {
			e = &Excluded{Reason: why, Why: excludedWhy[why]}
			left[why] = e
		}
		e.Files++
		e.Lines += lines
		return true
	}
	for _, p := range a.Binary {
		if !leave(p, 0) {
			rep.BinaryFilesSkipped++
		}
	}
	groups, evidence := provenance.Breakdown{}, provenance.Breakdown{}
	files := a.Files()
	rep.Files = rep.BinaryFilesSkipped
	for _, p := range files {
		if leave(p, a.countedLines(p)) {
			continue
		}
		rep.Files++
		for _, o := range a.blame.Files[p].origins() {
			if o.S == boundary {
				continue
			}
			au, cl, ev := a.lineOf(o)
			rep.Lines.Add(cl, 1)
			evidence.Add(string(ev), cl, 1)
			switch by {
			case "file":
				groups.Add(p, cl, 1)
			case "dir":
				groups.Add(path.Dir(p), cl, 1)
			case "author":
				groups.Add(authorKey(au), cl, 1)
			case "model":
				groups.Add(modelKey(au), cl, 1)
			case "evidence":
				groups.Add(string(ev), cl, 1)
			case "class":
				groups.Add(string(cl), cl, 1)
			}
		}
	}
	rep.Evidence = evidence.Rows()
	for _, why := range []string{ExcludedGenerated, ExcludedVendored, ExcludedLockFile, ExcludedConfig} {
		if e := left[why]; e != nil {
			rep.Excluded = append(rep.Excluded, *e)
		}
	}
	switch by {
	case "month", "quarter":
		rows, err := a.periods(ctx, by == "quarter")
		if err != nil {
			return nil, err
		}
		rep.Breakdown = rows
	case "":
	default:
		rep.Breakdown = groups.Rows()
	}
	return rep, nil
}

// Excluded maps the files a report leaves out (within Options.Paths) to
// the reason, one of the Excluded* constants: none with Options.All.
func (a *Analysis) Excluded(ctx context.Context) (map[string]string, error) {
	if a.all {
		return map[string]string{}, nil
	}
	if a.excluded == nil {
		m, err := a.exclusions(ctx)
		if err != nil {
			return nil, err
		}
		a.excluded = m
	}
	return a.excluded, nil
}

// countedLines is the number of a file's lines a report counts (those
// older than --since are not).
func (a *Analysis) countedLines(p string) int {
	n := 0
	for _, r := range a.blame.Files[p].Runs {
		if r.S != boundary {
			n += int(r.Len)
		}
	}
	return n
}

// modelKey is the row of an author's lines by model: one row per model,
// however its id is spelled (see [provenance.ModelName]).
func modelKey(a provenance.Author) string { return provenance.ModelName(a) }

// authorKey is the row of an author's lines by author: a person as git
// names them, a model as one row per model and tool.
func authorKey(a provenance.Author) string {
	if a.Kind != provenance.Model || (a.ModelID == "" && a.Model == "") {
		return a.String()
	}
	if a.Tool != "" {
		return provenance.ModelName(a) + " via " + a.Tool
	}
	return provenance.ModelName(a)
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
func Periods(ctx context.Context, r *repo.Repo, o *PeriodOptions) ([]provenance.Row, error) {
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
	per := provenance.Breakdown{}
	account := func(c *git.Commit, files []git.FileDiff) error {
		t, ok := landed[c.ID]
		if !ok {
			return nil
		}
		key := period(t, o.Quarter)
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
			per.Merge(key, rec.Count())
			return nil
		}
		_, class := repo.InferAuthor((*repo.Commit)(c))
		per.Add(key, class, added)
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
	return periodRows(per), nil
}

// periods is [Periods] from the lines the replay counted for each commit
// (kept in the cache), so that only commit metadata is read from git.
func (a *Analysis) periods(ctx context.Context, quarter bool) ([]provenance.Row, error) {
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
	per := provenance.Breakdown{}
	for id, t := range landed {
		key := period(t, quarter)
		if _, ok := a.noted[id]; ok {
			if rec, _ := a.recordOf(id); rec != nil {
				per.Merge(key, rec.Count())
				continue
			}
		}
		per.Add(key, cmp.Or(a.blame.Inferred[id], provenance.Human), int(a.blame.Own[id]))
	}
	return periodRows(per), nil
}

// periodRows lists the periods in time order.
func periodRows(per provenance.Breakdown) []provenance.Row {
	rows := per.Rows()
	slices.SortFunc(rows, func(a, b provenance.Row) int { return cmp.Compare(a.Key, b.Key) })
	return rows
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
