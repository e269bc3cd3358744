package attribution

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"path"
	"runtime"
	"strings"

	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// origin is where a line came from: S, an index into the table of
// (commit, path) sources (-1 for a line older than the range), and its
// line number in that commit's version of that file. Files keep their
// lines' origins as runs (runs.go).
type origin struct {
	S, N int32
}

// lineSource is a commit and the path a file had in it.
type lineSource struct {
	C, P int32 // indexes into treeBlame.Commits and treeBlame.Paths
}

// boundary marks lines from before the range (--since).
const boundary = -1

// treeState is the line origins of every file of one commit's tree.
type treeState struct {
	files *tree
	refs  int // children in the range not processed yet
}

// commitInfo is what the engine keeps of a commit. (Its parents are not
// kept: nothing that reads the table asks for them.)
type commitInfo struct {
	ID             string
	AuthorName     string
	AuthorEmail    string
	CommitterName  string
	CommitterEmail string
	Time           int64 // committer time, unix seconds
	Message        string
}

// treeBlame is the result of a replay: the origin of every line of a tree.
type treeBlame struct {
	Commit  string // the tree's commit
	Since   string // the range's boundary commit, if any
	Commits []commitInfo
	Paths   []string
	Sources []lineSource
	Files   map[string]*fileState
	// Own counts, for every commit of the history replayed, the lines it
	// wrote (added lines; for a merge, those no parent has); Inferred is
	// the class its conventions give it, where that is not human.
	Own      map[string]int32
	Inferred map[string]provenance.Class
	// Tags are the tallies at tags (Options.Tags), computed under the
	// state of the notes TagsKey names.
	Tags    []TagShare
	TagsKey string
}

type engine struct {
	sources map[lineSource]int32
	g       *git.Repo
	batch   *git.Batch
	b       *treeBlame
	index   map[string]int32
	pathIdx map[string]int32
	states  map[string]*treeState
	revs    *revList
	names   map[string]string // authors' and committers' names and addresses, each kept once
	onTag   func(commit string, files iter.Seq2[string, *fileState])
	tags    map[string]bool
	current string // the commit being replayed
	scratch []run  // spliced's working runs
}

// commitIndex adds a commit to the table. Its message is kept only when
// its conventions make it other than human: the message serves only
// repo.InferAuthor, which, finding no marker in it, decides from the
// author alone; and on git.git the messages were a quarter of the heap.
// No string of git's header of the commit is kept, so that the header is
// not kept alive: the id is rev-list's copy, and names and addresses are
// kept once each (git.git's 82,000 commits have 2,700 authors' addresses).
func (e *engine) commitIndex(c *git.Commit, class provenance.Class) int32 {
	if i, ok := e.index[c.ID]; ok {
		return i
	}
	m := commitInfo{
		ID: e.revs.id(c.ID), AuthorName: e.name(c.AuthorName), AuthorEmail: e.name(c.AuthorEmail),
		CommitterName: e.name(c.CommitterName), CommitterEmail: e.name(c.CommitterEmail), Time: c.CommitTime.Unix(),
	}
	if class != provenance.Human {
		m.Message = strings.Clone(c.Message)
	}
	return e.commitMeta(m)
}

// name returns the table's copy of a name or address.
func (e *engine) name(s string) string {
	if n, ok := e.names[s]; ok {
		return n
	}
	n := strings.Clone(s)
	e.names[n] = n
	return n
}

func (e *engine) commitMeta(m commitInfo) int32 {
	if i, ok := e.index[m.ID]; ok {
		return i
	}
	i := int32(len(e.b.Commits))
	e.b.Commits = append(e.b.Commits, m)
	e.index[m.ID] = i
	return i
}

// adopt takes a cached tree state into the replay's tables.
func (e *engine) adopt(sb *treeBlame) map[string]*fileState {
	remap := make([]int32, len(sb.Sources))
	for i, src := range sb.Sources {
		remap[i] = e.source(e.commitMeta(sb.Commits[src.C]), e.path(sb.Paths[src.P]))
	}
	files := make(map[string]*fileState, len(sb.Files))
	for p, fs := range sb.Files {
		nf := &fileState{Binary: fs.Binary, Count: fs.Count, Runs: make([]run, len(fs.Runs))}
		for i, r := range fs.Runs {
			if r.S != boundary {
				r.S = remap[r.S]
			}
			nf.Runs[i] = r
		}
		files[p] = nf
	}
	for id, n := range sb.Own {
		if _, ok := e.b.Own[id]; !ok {
			e.b.Own[id] = n
		}
	}
	for id, c := range sb.Inferred {
		e.b.Inferred[id] = c
	}
	return files
}

// source returns the index of (commit, path) in the source table.
func (e *engine) source(ci, pi int32) int32 {
	k := lineSource{C: ci, P: pi}
	if i, ok := e.sources[k]; ok {
		return i
	}
	i := int32(len(e.b.Sources))
	e.b.Sources = append(e.b.Sources, k)
	e.sources[k] = i
	return i
}

func (e *engine) path(p string) int32 {
	if i, ok := e.pathIdx[p]; ok {
		return i
	}
	i := int32(len(e.b.Paths))
	e.b.Paths = append(e.b.Paths, p)
	e.pathIdx[p] = i
	return i
}

// replayOptions configures a replay.
type replayOptions struct {
	rev, since string // commit ids
	progress   func(done, total int)
	tags       map[string]bool
	onTag      func(commit string, files iter.Seq2[string, *fileState])
	onStart    func(b *treeBlame)
	// not lists commits whose states seed may give: the replay starts from
	// them instead of the beginning of the history.
	not  []string
	seed func(commit string) (*treeBlame, error)
	// only, when set, limits the replay to what can reach the files of
	// rev's tree it selects (reach.go); the result holds those files
	// alone, and no per-commit counts (Own).
	only func(path string) bool
}

// errFullReplay says that the cached states do not cover every commit the
// new ones start from.
var errFullReplay = errors.New("attribution: the cache does not cover the history")

// replay computes the line origins of rev's tree.
func replay(ctx context.Context, g *git.Repo, batch *git.Batch, o replayOptions) (*treeBlame, error) {
	e := &engine{sources: map[lineSource]int32{}, g: g, batch: batch, b: &treeBlame{Commit: o.rev, Since: o.since, Own: map[string]int32{}, Inferred: map[string]provenance.Class{}}, index: map[string]int32{},
		pathIdx: map[string]int32{}, states: map[string]*treeState{}, names: map[string]string{},
		onTag: o.onTag, tags: o.tags}
	if o.onStart != nil {
		o.onStart(e.b)
	}
	rng := []string{o.rev}
	if o.since != "" {
		rng = append(rng, "^"+o.since)
	}
	if len(o.not) > 0 {
		rng = append(append(rng, "--not"), o.not...)
	}
	// The commits in topological order (parents first), and children
	// counts, so that a tree state is dropped (or taken over in place) once
	// its last child is done.
	out, err := g.Output(ctx, append([]string{"rev-list", "--topo-order", "--reverse", "--parents"}, rng...)...)
	if err != nil {
		return nil, err
	}
	e.revs = parseRevList(out)
	order := e.revs.order
	// The table of commits holds the range's, and those of seeded states.
	e.b.Commits = make([]commitInfo, 0, len(order))
	if o.seed != nil {
		if len(order) == 0 {
			return nil, errFullReplay
		}
		for _, id := range order {
			for _, p := range e.revs.parentsOf(id) {
				if e.revs.inRange(p) || e.states[p] != nil {
					continue
				}
				sb, err := o.seed(p)
				if err != nil || sb == nil {
					return nil, errFullReplay
				}
				e.states[p] = &treeState{files: &tree{base: e.adopt(sb), own: map[string]*fileState{}}, refs: e.revs.children(p)}
			}
		}
	}
	var paths []string
	var keep map[string]bool
	if o.only != nil {
		if keep, err = selectedFiles(ctx, g, o.rev, o.only); err != nil {
			return nil, err
		}
		want := make([]string, 0, len(keep))
		for p := range keep {
			want = append(want, p)
		}
		if paths, err = reachingPaths(ctx, g, order, e.revs.parentsOf, want); err != nil {
			return nil, err
		}
		if len(paths) == 0 {
			keep = nil // too many paths, or none: the whole tree
		}
	}
	follow, release := holdMemory() // memory.go
	defer release()
	done := 0
	err = streamCommits(ctx, g, order, e.revs.parentsOf, paths, func(c *git.Commit, diffs [][]git.FileDiff, whole map[string]int) error {
		if err := e.apply(c, diffs, whole); err != nil {
			return err
		}
		if done++; done%256 == 0 {
			follow()
		}
		if o.progress != nil {
			o.progress(done, len(order))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	st := e.states[o.rev]
	if st == nil {
		return nil, fmt.Errorf("attribution: %s was not replayed", o.rev)
	}
	e.b.Files = st.files.files()
	if keep != nil {
		// Files outside the paths asked for were not followed.
		for p := range e.b.Files {
			if !keep[p] {
				delete(e.b.Files, p)
			}
		}
		e.b.Own, e.b.Inferred = nil, nil
	}
	return e.b, nil
}

// selectedFiles lists the files of rev's tree that only selects.
func selectedFiles(ctx context.Context, g *git.Repo, rev string, only func(string) bool) (map[string]bool, error) {
	out, err := g.Output(ctx, "ls-tree", "-r", "-z", "--name-only", rev)
	if err != nil {
		return nil, err
	}
	keep := map[string]bool{}
	for _, p := range strings.Split(string(out), "\x00") {
		if p != "" && only(p) {
			keep[p] = true
		}
	}
	return keep, nil
}

// parentFiles returns the tree state of a parent, or nil for a parent
// outside the range (whose files are read on demand as boundary lines).
func (e *engine) parentFiles(p string) *tree {
	if st := e.states[p]; st != nil {
		return st.files
	}
	return nil
}

// oldFile returns a parent's state of a file, reading a boundary file's
// line count from git when the parent is outside the range.
func (e *engine) oldFile(parent string, files *tree, path string) (*fileState, error) {
	if files != nil {
		return files.get(path), nil
	}
	if e.revs.inRange(parent) {
		return nil, nil
	}
	typ, data, err := e.batch.Read(parent + ":" + path)
	if errors.Is(err, git.ErrNotFound) || (err == nil && typ != "blob") {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return boundaryFile(git.CountLines(data)), nil
}

// newCount is the number of lines of the new version of a file.
func newCount(old int, f *git.FileDiff) int {
	n := old
	for _, h := range f.Hunks {
		n += h.NewLines - h.OldLines
	}
	return n
}

// apply replays one commit: diffs holds its diff against each parent (for
// a merge, as mergeDiff says), whole the paths a merge takes whole from a
// parent other than the first.
func (e *engine) apply(c *git.Commit, diffs [][]git.FileDiff, whole map[string]int) error {
	e.current = c.ID
	_, class := repo.InferAuthor((*repo.Commit)(c))
	ci := e.commitIndex(c, class)
	parents := c.Parents
	var files, p0files *tree
	if len(parents) > 0 {
		p0files = e.parentFiles(parents[0])
		if st := e.states[parents[0]]; st != nil && st.refs <= 1 {
			files = st.files // the last child takes the tree over
			delete(e.states, parents[0])
		} else if p0files != nil {
			files = p0files.fork()
		}
	}
	if files == nil {
		files = newTree()
		if len(parents) > 0 && !e.revs.inRange(parents[0]) {
			// Outside the range: fill in every file of the parent that this
			// commit keeps, as boundary lines, lazily below.
			if err := e.boundaryTree(parents[0], files); err != nil {
				return err
			}
			p0files = files
		}
	}
	if len(diffs) == 0 {
		diffs = [][]git.FileDiff{nil}
	}
	// What the commit removes, as git listed it, before exactSources may
	// give a rename another source.
	var removed []string
	for fi := range diffs[0] {
		if f := &diffs[0][fi]; f.Deleted {
			removed = append(removed, f.Path)
		} else if f.OldPath != "" && f.OldPath != f.Path {
			removed = append(removed, f.OldPath)
		}
	}
	copies, err := e.exactSources(parentOr(parents, 0), p0files, diffs[0])
	if err != nil {
		return err
	}
	// Every old state is read before any path is removed: the tree may be
	// the first parent's own map, taken over, and git lists a rename's
	// source wherever its order puts it.
	olds := make([]*fileState, len(diffs[0]))
	for fi := range diffs[0] {
		f := &diffs[0][fi]
		if f.Deleted || isNew(f) {
			continue
		}
		var err error
		if olds[fi], err = e.oldFile(parentOr(parents, 0), p0files, cmp.Or(f.OldPath, f.Path)); err != nil {
			return err
		}
	}
	for _, p := range removed {
		files.del(p)
	}
	own := 0
	for fi := range diffs[0] {
		f := &diffs[0][fi]
		if f.Deleted {
			continue
		}
		if st := copies[f.Path]; st != nil && len(parents) <= 1 {
			files.set(f.Path, st)
			continue
		}
		if k, ok := whole[f.Path]; ok {
			st, err := e.oldFile(parents[k], e.parentFiles(parents[k]), f.Path)
			if err != nil {
				return err
			}
			if st != nil {
				files.set(f.Path, st)
			} else {
				files.del(f.Path)
			}
			continue
		}
		old := olds[fi]
		if f.Gitlink {
			files.del(f.Path)
			continue
		}
		if old != nil && old.Binary && len(f.Hunks) == 0 {
			// A binary file renamed, or its mode changed: git's diff says
			// "Binary files differ" only when the content changes.
			f.Binary = true
		}
		if f.Binary && len(parents) <= 1 {
			files.set(f.Path, &fileState{Binary: true})
			continue
		}
		oldN := 0
		if old != nil {
			oldN = old.Count
		}
		n := newCount(oldN, f)
		if n < 0 && !f.Binary {
			return fmt.Errorf("attribution: commit %s: %s: the diff removes more lines than the file had", c.ID, f.Path)
		}
		si := e.source(ci, e.path(f.Path))
		if len(parents) <= 1 {
			// The common case, one parent: copy the unchanged runs between
			// hunks, and give the hunks' lines to this commit.
			files.set(f.Path, spliced(old, f, n, si, &e.scratch))
			for _, h := range f.Hunks {
				own += h.NewLines
			}
			continue
		}
		whole, err := e.mergeFile(parents, diffs, f, old)
		if err != nil {
			return err
		}
		if whole != nil {
			files.set(f.Path, whole)
			continue
		}
		if f.Binary {
			files.set(f.Path, &fileState{Binary: true})
			continue
		}
		result := make([]origin, n)
		assigned := make([]bool, n)
		// No parent has the file byte for byte: each line goes to the first
		// parent (in parent order) whose diff leaves it unchanged.
		for k := range parents {
			pf, src, err := e.parentOrigin(parents, diffs, f, old, k)
			if err != nil {
				return err
			}
			if src == nil || src.Binary {
				continue
			}
			srcLines := src.origins()
			for ln := 1; ln <= n; ln++ {
				if assigned[ln-1] {
					continue
				}
				ol, ok := ln, true
				if pf != nil {
					ol, ok = pf.OldLine(ln)
				}
				if ok && ol >= 1 && ol <= len(srcLines) {
					result[ln-1] = srcLines[ol-1]
					assigned[ln-1] = true
				}
			}
		}
		for ln := 1; ln <= n; ln++ {
			if !assigned[ln-1] {
				result[ln-1] = origin{S: si, N: int32(ln)}
				own++
			}
		}
		files.set(f.Path, fromOrigins(result))
	}
	e.b.Own[e.b.Commits[ci].ID] = int32(own)
	if class != provenance.Human {
		e.b.Inferred[e.b.Commits[ci].ID] = class
	}
	// Drop parents' states no child needs any more.
	for _, p := range parents {
		if st := e.states[p]; st != nil {
			st.refs--
			if st.refs <= 0 {
				delete(e.states, p)
			}
		}
	}
	e.states[e.b.Commits[ci].ID] = &treeState{files: files, refs: e.revs.children(c.ID)}
	if e.onTag != nil && e.tags[c.ID] {
		e.onTag(c.ID, files.all())
	}
	return nil
}

// boundaryTree lists the files of a commit outside the range, as lazily
// read boundary files.
func (e *engine) boundaryTree(commit string, files *tree) error {
	out, err := e.g.Output(context.Background(), "ls-tree", "-r", "-z", "--format=%(objectmode) %(path)", commit)
	if err != nil {
		// git before 2.36 has no --format: fall back to the default listing.
		out, err = e.g.Output(context.Background(), "ls-tree", "-r", "-z", commit)
		if err != nil {
			return err
		}
	}
	for _, ent := range strings.Split(string(out), "\x00") {
		if ent == "" {
			continue
		}
		mode, rest, _ := strings.Cut(ent, " ")
		path := rest
		if i := strings.IndexByte(rest, '\t'); i >= 0 {
			path = rest[i+1:]
		}
		if mode == "160000" {
			continue
		}
		fs, err := e.oldFile(commit, nil, path)
		if err != nil {
			return err
		}
		if fs != nil {
			files.set(path, fs)
		}
	}
	return nil
}

func isNew(f *git.FileDiff) bool { return f.Created }

func parentOr(ps []string, i int) string {
	if i < len(ps) {
		return ps[i]
	}
	return ""
}

func findDiff(fs []git.FileDiff, path string) *git.FileDiff {
	for i := range fs {
		if fs[i].Path == path && !fs[i].Deleted {
			return &fs[i]
		}
	}
	return nil
}

// mergeBatch is how many merges' diffs streamCommits asks for at once
// (a variable for tests).
var mergeBatch = 1000

// streamCommits calls each with every commit of order and its diff
// against each parent, in that order. The diffs are what costs: git
// computes them in several processes at once, each given every n-th chunk
// of the history, and the chunks are put back in order here. Merges get
// their diffs from prepareMerges, which runs beside the log processes,
// mergeBatch merges at a time, ahead of the replay, and diffs
// content only where a merge differs from every parent.
//
// With paths, only those are diffed, and git leaves out the commits that
// change none of them: those come to each with no diff.
func streamCommits(ctx context.Context, g *git.Repo, order []string, parents func(id string) []string, paths []string, each func(c *git.Commit, diffs [][]git.FileDiff, whole map[string]int) error) error {
	const chunk = 16
	workers := min(runtime.GOMAXPROCS(0), 4)
	if len(order) < 4*chunk || workers < 2 {
		workers = 1
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chans := make([]chan *git.LogEntry, workers)
	errs := make(chan error, workers)
	for w := range workers {
		chans[w] = make(chan *git.LogEntry, 4*chunk)
		var ids []string
		for c := w * chunk; c < len(order); c += workers * chunk {
			ids = append(ids, order[c:min(c+chunk, len(order))]...)
		}
		go func() {
			defer close(chans[w])
			err := g.LogCommitsPaths(ctx, ids, []string{"--full-index"}, paths, func(le *git.LogEntry) error {
				select {
				case chans[w] <- le:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
			errs <- err
		}()
	}
	var merges [][]string
	for _, id := range order {
		if ps := parents(id); len(ps) > 1 {
			merges = append(merges, append([]string{id}, ps...))
		}
	}
	// The merges' diffs in batches, in the order of the history, each
	// computed while the replay reaches the ones before: all of git.git's
	// 21,000 at once were held from the start of the replay until their
	// merges came.
	type prepared struct {
		m   map[string]*mergeDiff
		err error
	}
	batches := make(chan prepared, 1)
	go func() {
		defer close(batches)
		var trees scratchTrees
		defer trees.close()
		for i := 0; i < len(merges); i += mergeBatch {
			m, err := prepareMerges(ctx, g, merges[i:min(i+mergeBatch, len(merges))], paths, &trees)
			select {
			case batches <- prepared{m, err}:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	var mds map[string]*mergeDiff
	fail := func(err error) error {
		cancel()
		return err
	}
	peeked := make([]*git.LogEntry, workers)
	for c := 0; c < len(order); c++ {
		w := (c / chunk) % workers
		le, ok := peeked[w], peeked[w] != nil
		if !ok {
			le, ok = <-chans[w]
		}
		peeked[w] = nil
		if len(paths) > 0 && (!ok || le.Commit.ID != order[c]) {
			// git left this commit out: it changes none of the paths.
			if ok {
				peeked[w] = le
			}
			le, ok = &git.LogEntry{Commit: &git.Commit{ID: order[c], Parents: parents(order[c])}}, true
		}
		if !ok {
			for range workers {
				if err := <-errs; err != nil && !errors.Is(err, context.Canceled) {
					return fail(err)
				}
			}
			return fail(fmt.Errorf("attribution: git log ended before commit %s", order[c]))
		}
		if le.Commit.ID != order[c] {
			return fail(fmt.Errorf("attribution: git log gave %s where %s was expected", le.Commit.ID, order[c]))
		}
		if len(le.Commit.Parents) > 1 {
			md := mds[order[c]]
			for md == nil {
				// The batches come in the merges' order: what is left of
				// this one is of no merge the log gives.
				p, ok := <-batches
				if p.err != nil {
					return fail(p.err)
				}
				if !ok {
					return fail(fmt.Errorf("attribution: the diffs of merge %s are missing", order[c]))
				}
				mds, md = p.m, p.m[order[c]]
			}
			delete(mds, order[c])
			if err := each(le.Commit, md.diffs, md.whole); err != nil {
				return fail(err)
			}
			continue
		}
		if err := each(le.Commit, [][]git.FileDiff{le.Files}, nil); err != nil {
			return fail(err)
		}
	}
	for range workers {
		if err := <-errs; err != nil {
			return err
		}
	}
	for p := range batches {
		if p.err != nil {
			return p.err
		}
	}
	return nil
}

// unchangedContent reports whether a diff entry keeps the content byte for
// byte (a rename or a mode change at most): git writes no hunk and no
// "Binary files differ" line only then.
func unchangedContent(d *git.FileDiff) bool {
	return d != nil && !d.Created && !d.Deleted && !d.Binary && len(d.Hunks) == 0
}

// parentDiff is the diff of a merge's file f against parent k: f itself
// for the first parent, nil when the file is byte for byte the parent's at
// the same path.
func parentDiff(diffs [][]git.FileDiff, f *git.FileDiff, k int) *git.FileDiff {
	if k == 0 {
		return f
	}
	return findDiff(diffs[k], f.Path)
}

// samePath reports whether parent k has the merge's file at the same
// path (git blame's find_origin: a modification, not an addition, nor a
// change of type, which git's diff shows as a deletion and an addition).
func samePath(d *git.FileDiff, p string) bool {
	return d == nil || (!d.Created && (d.OldPath == "" || d.OldPath == p))
}

// mergeFile applies git blame's first rule at a merge (blame.c,
// pass_blame): a parent whose version of the file is byte for byte the
// merge's takes the whole file, looked for first at the same path in
// every parent in parent order, then through renames in the parents that
// have no file at that path. It returns that parent's state of the file,
// or nil when no parent has it unchanged and the lines must be diffed.
func (e *engine) mergeFile(parents []string, diffs [][]git.FileDiff, f *git.FileDiff, old *fileState) (*fileState, error) {
	take := func(k int, path string) (*fileState, error) {
		if k == 0 {
			return old, nil
		}
		return e.oldFile(parents[k], e.parentFiles(parents[k]), path)
	}
	for pass := range 2 {
		for k := range parents {
			d := parentDiff(diffs, f, k)
			if samePath(d, f.Path) != (pass == 0) {
				continue
			}
			if d == nil || unchangedContent(d) {
				path := f.Path
				if d != nil && d.OldPath != "" {
					path = d.OldPath
				}
				st, err := take(k, path)
				if err != nil || st != nil {
					return st, err
				}
			}
		}
	}
	return nil, nil
}

// parentOrigin returns the diff of a merge's file against parent k and
// that parent's state of the file (at the same path, or the path it was
// renamed from), nil when the parent has no such file.
func (e *engine) parentOrigin(parents []string, diffs [][]git.FileDiff, f *git.FileDiff, old *fileState, k int) (*git.FileDiff, *fileState, error) {
	if k == 0 {
		return f, old, nil
	}
	pf := parentDiff(diffs, f, k)
	switch {
	case pf == nil:
		st, err := e.oldFile(parents[k], e.parentFiles(parents[k]), f.Path)
		return nil, st, err
	case pf.Created:
		return pf, nil, nil
	}
	op := cmp.Or(pf.OldPath, pf.Path)
	st, err := e.oldFile(parents[k], e.parentFiles(parents[k]), op)
	return pf, st, err
}

// exactSources finds the files a commit adds that are byte for byte a
// file it deletes or renames away. git log pairs each deleted file with
// at most one added file; git blame looks for the one file's source
// alone (blame.c, find_rename: diff_opts.single_follow), so a file copied
// from a file that was also renamed is followed to that file's history.
// Only identical content is matched here: that is the case git's exact
// rename detection settles before any similarity score.
func (e *engine) exactSources(parent string, pfiles *tree, fs []git.FileDiff) (map[string]*fileState, error) {
	var added, renamed, unmatchedRenames []*git.FileDiff
	var gone []string
	for i := range fs {
		f := &fs[i]
		// Only a rename's source can be another file's source too: a
		// deleted file git log paired with no added file matched none of
		// them, alone or not.
		switch {
		case f.Created && f.Blob != "" && !f.Gitlink:
			added = append(added, f)
		case !f.Deleted && f.OldPath != "" && f.OldPath != f.Path:
			gone = append(gone, f.OldPath)
			if len(f.Hunks) > 0 || f.Binary {
				renamed = append(renamed, f)
			}
		}
	}
	if len(gone) >= 2 {
		// An inexact rename among several: git log paired all of them at
		// once, git blame finds each one's best source alone (ghostty's
		// 5877913a split two .xib files into two new ones each).
		unmatchedRenames = renamed
	}
	if len(added)+len(unmatchedRenames) == 0 || len(gone) == 0 || parent == "" {
		return nil, nil
	}
	ids := map[string][]string{}
	for _, q := range gone {
		id, typ, _, err := e.batch.ReadID(parent + ":" + q)
		if errors.Is(err, git.ErrNotFound) || (err == nil && typ != "blob") {
			continue
		}
		if err != nil {
			return nil, err
		}
		ids[id] = append(ids[id], q)
	}
	var out map[string]*fileState
	var unmatched []*git.FileDiff
	for _, f := range added {
		srcs := ids[f.Blob]
		if len(srcs) == 0 {
			unmatched = append(unmatched, f)
			continue
		}
		// git prefers a source with the same base name (diffcore-rename.c,
		// find_identical_files).
		q := srcs[0]
		for _, c := range srcs {
			if path.Base(c) == path.Base(f.Path) {
				q = c
				break
			}
		}
		st, err := e.oldFile(parent, pfiles, q)
		if err != nil {
			return nil, err
		}
		if st != nil {
			if out == nil {
				out = map[string]*fileState{}
			}
			out[f.Path] = st
		}
	}
	// Each added file alone, as git blame does; past a few, all of them at
	// once (one process, the sources shared between them as git log
	// shares them, but freed from the destinations git log gave them).
	if len(unmatched)+len(unmatchedRenames) <= 16 {
		for _, f := range append(unmatched, unmatchedRenames...) {
			if err := e.followAlone(parent, []*git.FileDiff{f}, gone); err != nil {
				return nil, err
			}
		}
	} else if err := e.followAlone(parent, unmatched, gone); err != nil {
		return nil, err
	}
	return out, nil
}

// followAlone asks git for the source of an added file among the files
// its commit deletes or renames away, as git blame does (one destination,
// every deleted file a candidate source): a diff limited to those paths.
// When git finds one, f becomes that rename, hunks included.
func (e *engine) followAlone(parent string, added []*git.FileDiff, gone []string) error {
	args := []string{"--literal-pathspecs", "diff-tree", "-r", "-p", "-U0", "-M", "--full-index", "--no-color", "--no-ext-diff",
		"--no-textconv", "--src-prefix=a/", "--dst-prefix=b/", parent, e.current, "--"}
	byPath := map[string]*git.FileDiff{}
	for _, f := range added {
		args = append(args, f.Path)
		byPath[f.Path] = f
	}
	out, err := e.g.Output(context.Background(), append(args, gone...)...)
	if err != nil {
		return err
	}
	fs, err := git.ParseDiffAll(bytes.NewReader(out))
	if err != nil {
		return err
	}
	for _, d := range fs {
		if f := byPath[d.Path]; f != nil && !d.Deleted && !d.Created && d.OldPath != "" && d.OldPath != d.Path {
			*f = d
		}
	}
	return nil
}
