package attribution

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/diff"
	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/internal/repolink"
	"github.com/hallmark-dev/hallmark/policy"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// Evidence says what an attribution rests on.
type Evidence string

// The kinds of evidence, strongest first.
const (
	Signed   Evidence = "signed"   // a record whose signature verifies against the trusted keys
	Unsigned Evidence = "unsigned" // a record without a signature
	// Untrusted is a signed record whose signature no trusted key checks
	// (none given, or the signer is not trusted): its words are those of
	// an unsigned record, but a reader should know someone signed it.
	Untrusted Evidence = "untrusted"
	Imported  Evidence = "imported" // a record converted from another tool's (git-ai's notes, an Agent Trace), unsigned
	Inferred  Evidence = "inferred" // the commit conventions (an AI mark)
	None      Evidence = "none"     // nothing: the commit's author, as human
)

// Options configures an analysis. A nil value means HEAD's whole tree,
// nothing trusted, with a cache.
type Options struct {
	Rev   string   // the tree to attribute (default HEAD)
	Since string   // only lines added after this revision
	Paths []string // limit to these paths (files or directories, or globs)
	// Keyring holds the keys whose signatures make evidence "signed".
	Keyring *attest.Keyring
	// Policy limits what each key may sign, as in verification.
	Policy *policy.Policy
	// NoCache computes everything afresh and writes no cache.
	NoCache bool
	// Progress is called as commits are replayed.
	Progress func(done, total int)
	// Tags asks for the AI share of the tree at each tag in Rev's history.
	Tags bool
	// All counts every file in reports: none is left out as generated,
	// vendored, a lock file or excluded by the config (see [Excluded]).
	All bool
}

// Analysis is the attribution of every line of a tree.
type Analysis struct {
	Rev, Commit, Since string
	blame              *treeBlame
	attrs              map[int32]*commitAttr
	r                  *repo.Repo
	ctx                context.Context
	keyring            *attest.Keyring
	policy             *policy.Policy
	checker            *repo.RecordChecker // decides "signed" as verify does
	noted              map[string]string
	gitai              map[string]string // commits with a git-ai note (refs/notes/ai), to its blob
	paths              []string
	Binary             []string   // binary files of the tree, not counted as lines
	Tags               []TagShare // with Options.Tags
	FromCache          bool
	all                bool              // Options.All
	excluded           map[string]string // path to reason, once computed
}

// TagShare is the attribution of the tree at a release tag.
type TagShare struct {
	Tag    string    `json:"tag"`
	Commit string    `json:"commit"`
	Time   time.Time `json:"time"`
	// Lines are the tree's lines at the tag, by class.
	Lines provenance.Count `json:"lines"`
}

// Line is the attribution of one line.
type Line struct {
	Line     int               `json:"line"`
	Commit   string            `json:"commit"` // empty for a line older than --since
	Path     string            `json:"path"`   // the file's path in that commit
	OrigLine int               `json:"orig_line"`
	Author   provenance.Author `json:"author"`
	Class    provenance.Class  `json:"class"`
	Evidence Evidence          `json:"evidence"`
}

// Analyze attributes every line of a tree.
func Analyze(ctx context.Context, r *repo.Repo, opts *Options) (*Analysis, error) {
	if opts == nil {
		opts = &Options{}
	}
	rev := cmp.Or(opts.Rev, "HEAD")
	h := repolink.Of(r)
	c, err := h.Commit(ctx, rev)
	if err != nil {
		return nil, err
	}
	var since string
	if opts.Since != "" {
		sc, err := h.Commit(ctx, opts.Since)
		if err != nil {
			return nil, fmt.Errorf("--since: %w", err)
		}
		since = sc.ID
	}
	g := h.Git()
	batch, err := h.Batch(ctx)
	if err != nil {
		return nil, err
	}
	a := &Analysis{Rev: rev, Commit: c.ID, Since: since, r: r, ctx: ctx, keyring: opts.Keyring, policy: opts.Policy, attrs: map[int32]*commitAttr{}, paths: opts.Paths, all: opts.All}
	if a.noted, err = r.NotedCommits(ctx); err != nil {
		return nil, err
	}
	if a.gitai, err = r.GitAINotes(ctx); err != nil {
		return nil, err
	}
	dir := cacheDir(ctx, g)
	var tagOf map[string][]string
	var nkey string
	ro := replayOptions{rev: c.ID, since: since, progress: opts.Progress}
	if opts.Tags {
		if tagOf, err = tagsOf(ctx, g); err != nil {
			return nil, err
		}
		ro.tags = map[string]bool{}
		for id := range tagOf {
			ro.tags[id] = true
		}
		nkey = notesKey(ctx, g)
	}
	// tagsValid: a cached state's tallies at tags stand when the notes are
	// as they were and the tags still point where they did.
	tagsValid := func(b *treeBlame) bool {
		if b.TagsKey != nkey {
			return false
		}
		for _, t := range b.Tags {
			if !slices.Contains(tagOf[t.Commit], t.Tag) {
				return false
			}
		}
		return true
	}
	var b *treeBlame
	if !opts.NoCache {
		if b, err = loadCache(entryPath(dir, c.ID, since)); err == nil && b.Commit == c.ID && (!opts.Tags || tagsValid(b)) {
			a.FromCache = true
			a.Tags = b.Tags
		} else {
			b = nil
		}
	}
	if b == nil {
		if opts.Tags {
			// The blame's tables grow as the replay goes on; each tag is
			// tallied when the replay reaches it, with the tables so far.
			ro.onStart = func(b *treeBlame) { a.blame = b }
			ro.onTag = func(commit string, files iter.Seq2[string, *fileState]) {
				tally := a.tallyFiles(files)
				var when time.Time
				if ci, ok := indexOf(a.blame, commit); ok {
					when = time.Unix(a.blame.Commits[ci].Time, 0).UTC()
				}
				for _, t := range tagOf[commit] {
					a.Tags = append(a.Tags, TagShare{Tag: t, Commit: commit, Time: when, Lines: tally})
				}
			}
		}
		if !opts.NoCache && since == "" {
			// Start from the cached states of ancestors, when they cover
			// every commit the new ones start from.
			if ro.not = cachedAncestors(ctx, g, dir); len(ro.not) > 0 {
				var seeded []TagShare
				ro.seed = func(id string) (*treeBlame, error) {
					sb, err := loadCache(entryPath(dir, id, ""))
					if err != nil || sb.Commit != id || (opts.Tags && !tagsValid(sb)) {
						return nil, err
					}
					seeded = append(seeded, sb.Tags...)
					return sb, nil
				}
				b, err = replay(ctx, g, batch, ro)
				if err == nil {
					a.Tags = append(seeded, a.Tags...)
				}
				if errors.Is(err, errFullReplay) {
					a.Tags, b, err = nil, nil, nil
				}
				if err != nil {
					return nil, err
				}
				ro.not, ro.seed = nil, nil
			}
		}
		partial := false
		if b == nil {
			if len(opts.Paths) > 0 && !opts.Tags {
				// Only what reaches the paths asked for (reach.go): the
				// result is not the whole tree and is not cached.
				ro.only, partial = a.selected, true
			}
			if b, err = replay(ctx, g, batch, ro); err != nil {
				return nil, err
			}
		}
		a.Tags = dedupeTags(a.Tags)
		if opts.Tags {
			b.Tags, b.TagsKey = a.Tags, nkey
		}
		if !opts.NoCache && !partial {
			_ = saveCache(entryPath(dir, c.ID, since), b) // a cache that cannot be written only costs time
		}
	}
	a.blame = b
	for p, f := range b.Files {
		if f.Binary && a.selected(p) {
			a.Binary = append(a.Binary, p)
		}
	}
	slices.Sort(a.Binary)
	slices.SortFunc(a.Tags, func(x, y TagShare) int { return cmp.Or(x.Time.Compare(y.Time), cmp.Compare(x.Tag, y.Tag)) })
	return a, nil
}

// dedupeTags keeps one share per tag (a tag reached from two cached
// states comes twice).
func dedupeTags(ts []TagShare) []TagShare {
	seen := map[string]bool{}
	out := ts[:0]
	for _, t := range ts {
		if !seen[t.Tag] {
			seen[t.Tag] = true
			out = append(out, t)
		}
	}
	return out
}

func indexOf(b *treeBlame, id string) (int, bool) {
	for i := range b.Commits {
		if b.Commits[i].ID == id {
			return i, true
		}
	}
	return 0, false
}

// tagsOf maps commits to the tags that point at them.
func tagsOf(ctx context.Context, g *git.Repo) (map[string][]string, error) {
	out, err := g.Output(ctx, "for-each-ref", "--format=%(objectname) %(*objectname) %(refname:short)", "refs/tags")
	if err != nil {
		return nil, err
	}
	m := map[string][]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(l)
		switch len(f) {
		case 2:
			m[f[0]] = append(m[f[0]], f[1])
		case 3:
			m[f[1]] = append(m[f[1]], f[2])
		}
	}
	return m, nil
}

// selected reports whether a path is inside the analysis's paths.
func (a *Analysis) selected(p string) bool {
	if len(a.paths) == 0 {
		return true
	}
	for _, s := range a.paths {
		s = strings.TrimSuffix(strings.TrimPrefix(s, "./"), "/")
		if s == "" || s == "." || p == s || strings.HasPrefix(p, s+"/") {
			return true
		}
		if ok, _ := path.Match(s, p); ok {
			return true
		}
	}
	return false
}

// commitAttr is what a commit's record (or conventions) says.
type commitAttr struct {
	evidence Evidence
	rec      *provenance.Record
	files    map[string]*provenance.File
	def      provenance.Author
	defClass provenance.Class
	defEv    Evidence
}

func (a *Analysis) attrOf(ci int32) *commitAttr {
	if at, ok := a.attrs[ci]; ok {
		return at
	}
	m := a.blame.Commits[ci]
	gc := &repo.Commit{ID: m.ID, AuthorName: m.AuthorName, AuthorEmail: m.AuthorEmail,
		CommitterName: m.CommitterName, CommitterEmail: m.CommitterEmail, Message: m.Message}
	def, class := repo.InferAuthor(gc)
	at := &commitAttr{def: def, defClass: class, defEv: None}
	if class != provenance.Human {
		at.defEv = Inferred
	}
	if _, ok := a.noted[m.ID]; ok {
		at.rec, at.evidence = a.recordOf(m.ID)
	}
	if blob, ok := a.gitai[m.ID]; ok && at.rec == nil {
		// No hallmark record: git-ai's note, as evidence "imported".
		if rec, _, err := a.r.GitAIRecord(a.ctx, m.ID, blob); err == nil {
			at.rec, at.evidence = rec, Imported
		}
	}
	if at.rec != nil {
		at.files = map[string]*provenance.File{}
		for i := range at.rec.Files {
			at.files[at.rec.Files[i].Path] = &at.rec.Files[i]
		}
	}
	a.attrs[ci] = at
	return at
}

// recordOf finds the best record in a commit's note: the one verify
// accepts (repo.TrustedRecord: the same decision, keys' rights and
// derivations included), else one without a signature.
func (a *Analysis) recordOf(id string) (*provenance.Record, Evidence) {
	if a.keyring.Len() > 0 {
		if a.checker == nil {
			a.checker, _ = a.r.NewRecordChecker(a.ctx, &repo.Trust{Keyring: a.keyring, Policy: a.policy})
		}
		if a.checker != nil {
			if rec, _, err := a.checker.Record(id); err == nil && rec != nil {
				return rec, Signed
			}
		}
	}
	lines, err := a.r.Note(a.ctx, id)
	if err != nil {
		return nil, ""
	}
	for _, l := range lines {
		if rec, err := attest.ReadUnverified(l); err == nil && rec.Commit == id {
			if rec.Method == provenance.MethodImported {
				return rec, Imported
			}
			if env, _, err := attest.ParseAttestation(l); err == nil && len(env.Signatures) > 0 {
				return rec, Untrusted
			}
			return rec, Unsigned
		}
	}
	return nil, ""
}

// lineOf attributes one line origin.
func (a *Analysis) lineOf(o origin) (provenance.Author, provenance.Class, Evidence) {
	if o.S == boundary {
		return provenance.Author{}, "", ""
	}
	src := a.blame.Sources[o.S]
	at := a.attrOf(src.C)
	if at.rec != nil {
		if f := at.files[a.blame.Paths[src.P]]; f != nil {
			i := sort.Search(len(f.Spans), func(i int) bool { return f.Spans[i].End >= int(o.N) })
			if i < len(f.Spans) && f.Spans[i].Start <= int(o.N) {
				s := f.Spans[i]
				return at.rec.Authors[s.Author], s.Class, at.evidence
			}
		}
	}
	return at.def, at.defClass, at.defEv
}

// File returns the attribution of every line of one file of the tree.
func (a *Analysis) File(p string) ([]Line, error) {
	f := a.blame.Files[p]
	if f == nil {
		return nil, fmt.Errorf("attribution: %s is not a file of %s", p, a.Commit)
	}
	if f.Binary {
		return nil, fmt.Errorf("%w: %s", ErrBinary, p)
	}
	out := make([]Line, f.Count)
	for i, o := range f.origins() {
		au, cl, ev := a.lineOf(o)
		l := Line{Line: i + 1, Author: au, Class: cl, Evidence: ev}
		if o.S != boundary {
			src := a.blame.Sources[o.S]
			l.Commit = a.blame.Commits[src.C].ID
			l.Path = a.blame.Paths[src.P]
			l.OrigLine = int(o.N)
		}
		out[i] = l
	}
	return out, nil
}

// IsBinary reports whether p is a binary file of the tree: git's diff
// shows no lines for it, so it has no line attribution.
func (a *Analysis) IsBinary(p string) bool {
	f := a.blame.Files[p]
	return f != nil && f.Binary
}

// Files lists the text files of the tree (within Options.Paths), sorted.
func (a *Analysis) Files() []string {
	var out []string
	for p, f := range a.blame.Files {
		if !f.Binary && a.selected(p) {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}

// tallyFiles counts the lines of a set of file states by class.
func (a *Analysis) tallyFiles(files iter.Seq2[string, *fileState]) provenance.Count {
	var c provenance.Count
	for p, f := range files {
		if f.Binary || !a.selected(p) {
			continue
		}
		f.each(func(o origin) {
			if o.S != boundary {
				_, cl, _ := a.lineOf(o)
				c.Add(cl, 1)
			}
		})
	}
	return c
}

// ErrBinary is returned by [Analysis.File] for a binary file.
var ErrBinary = errors.New("attribution: binary file, no lines to attribute")

// ErrNoLines is returned by breakdowns of an empty selection.
var ErrNoLines = errors.New("attribution: no lines to attribute")

// Uncommitted is the evidence of a line changed in the work tree since the
// analysed commit: nobody has attributed it yet.
const Uncommitted Evidence = "uncommitted"

// WorkingLines attributes a file as it is now (data), not as committed:
// lines unchanged since the analysed commit keep their attribution, and
// changed or new ones are unknown, with evidence Uncommitted.
func (a *Analysis) WorkingLines(path string, data []byte) ([]Line, error) {
	work := diff.Lines(data)
	out := make([]Line, len(work))
	for i := range out {
		out[i] = Line{Line: i + 1, Class: provenance.Unknown, Evidence: Uncommitted}
	}
	lines, err := a.File(path)
	if err != nil {
		return out, nil // not in the commit: all of it is new work
	}
	head, err := a.r.ReadFile(a.ctx, a.Commit, path)
	if err != nil {
		return nil, err
	}
	if bytes.Equal(head, data) {
		return lines, nil
	}
	for i, j := range diff.Map(diff.Lines(head), work) {
		if j >= 0 && j < len(lines) {
			l := lines[j]
			l.Line = i + 1
			out[i] = l
		}
	}
	return out, nil
}
