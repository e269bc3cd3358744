package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/hallmark-dev/hallmark/internal/words"
	"maps"
	"slices"
	"strings"

	"github.com/hallmark-dev/hallmark/internal/git"
)

// The union of two notes histories is computed here, from both sides'
// envelope lines per commit, never by `git notes merge`: that merge is
// three-way, so a side that deleted a note (or one line of it) since the
// merge base wins, and a remote rewritten to an unrelated history has no
// base at all. What is in either tree is in the union, whatever either
// history says happened.

// notesTree is the content of one notes tree: the note blobs of each
// annotated commit (more than one only in a tree that holds a commit's
// note at two fan-outs), and the entries that are not notes, by path.
type notesTree struct {
	notes map[string][]string
	other map[string]treeFile
	// fanout is the number of two-digit directory levels every note of the
	// tree sits under, or -1 when they are not all at the same depth (or
	// a commit has two notes).
	fanout int
}

type treeFile struct{ mode, blob string }

// readNotesTree lists the notes tree of a notes commit, in one process.
func (r *Repo) readNotesTree(ctx context.Context, tip string) (*notesTree, error) {
	out, err := r.git.Output(ctx, "ls-tree", "-r", "-z", "--full-tree", tip)
	if err != nil {
		return nil, fmt.Errorf("repo: read notes tree %s: %w", tip, err)
	}
	t, err := parseNotesTree(out)
	if err != nil {
		return nil, fmt.Errorf("repo: read notes tree %s: %w", tip, err)
	}
	return t, nil
}

// parseNotesTree reads `git ls-tree -r -z` output of a notes tree.
func parseNotesTree(out []byte) (*notesTree, error) {
	t := &notesTree{notes: map[string][]string{}, other: map[string]treeFile{}, fanout: -2}
	for _, e := range bytes.Split(out, []byte{0}) {
		if len(e) == 0 {
			continue
		}
		meta, path, ok := strings.Cut(string(e), "\t")
		f := strings.Fields(meta)
		if !ok || len(f) != 3 {
			return nil, fmt.Errorf("repo: unexpected notes tree entry %q", e)
		}
		if f[1] != "blob" {
			continue // a submodule entry has no place in a notes tree
		}
		if c := strings.ReplaceAll(path, "/", ""); git.IsObjectID(c) && len(c) == len(f[2]) {
			t.notes[c] = append(t.notes[c], f[2])
			switch depth := strings.Count(path, "/"); {
			case len(t.notes[c]) > 1:
				t.fanout = -1
			case t.fanout == -2:
				t.fanout = depth
			case t.fanout != depth:
				t.fanout = -1
			}
			continue
		}
		// What is not a note is kept only where it cannot stand in a
		// note's place: a name whose first part is all hex digits ("ab",
		// say) would replace the directory of every note under it.
		if first, _, _ := strings.Cut(path, "/"); strings.Trim(first, "0123456789abcdef") != "" && !strings.ContainsAny(path, "\n\"") {
			t.other[path] = treeFile{mode: f[0], blob: f[2]}
		}
	}
	if t.fanout == -2 {
		t.fanout = 0
	}
	return t, nil
}

// readNotesTrees reads two notes trees at once, each by its own process.
func (r *Repo) readNotesTrees(ctx context.Context, a, b string) (*notesTree, *notesTree, error) {
	var tb *notesTree
	var errb error
	done := make(chan struct{})
	go func() {
		defer close(done)
		tb, errb = r.readNotesTree(ctx, b)
	}()
	ta, erra := r.readNotesTree(ctx, a)
	<-done
	return ta, tb, errors.Join(erra, errb)
}

// noteLineSets reads the given blobs (each once, bounded by MaxNoteSize)
// and returns each one's envelope lines.
func (r *Repo) noteLineSets(ctx context.Context, blobs []string) (map[string][][]byte, error) {
	slices.Sort(blobs)
	blobs = slices.Compact(blobs)
	out := map[string][][]byte{}
	if len(blobs) == 0 {
		return out, nil
	}
	b, err := r.reader(ctx)
	if err != nil {
		return nil, err
	}
	objs, err := b.ReadManyLimit(blobs, MaxNoteSize)
	if err != nil {
		return nil, err
	}
	for i, o := range objs {
		switch {
		case errors.Is(o.Err, git.ErrTooLarge):
			return nil, fmt.Errorf("%w: note blob %s is %d bytes, over %d", ErrNoteTooLarge, blobs[i], o.Size, MaxNoteSize)
		case o.Err != nil:
			return nil, fmt.Errorf("repo: read note blob %s: %w", blobs[i], o.Err)
		case o.Type != "blob":
			return nil, fmt.Errorf("repo: note %s is a %s, not a blob", blobs[i], o.Type)
		}
		out[blobs[i]] = splitNote(o.Data)
	}
	return out, nil
}

// lineSet is the set of envelope lines of some blobs.
func lineSet(sets map[string][][]byte, blobs []string) map[string]bool {
	m := map[string]bool{}
	for _, b := range blobs {
		for _, l := range sets[b] {
			m[string(l)] = true
		}
	}
	return m
}

// noteUnion is the outcome of merging one commit's notes.
type noteUnion struct {
	blob    string // the note is this existing blob
	content []byte // or this new content (blob empty)
	gained  bool   // ours gained envelopes from theirs
}

// unionNotes merges two notes trees commit by commit: every envelope line
// of either side, once. A commit's note that the union leaves as it is on
// one side keeps that side's blob (ours first); a new one holds the lines
// sorted, so that every clone writes the same bytes. Blobs are read only
// where the two sides differ.
func (r *Repo) unionNotes(ctx context.Context, ours, theirs *notesTree) (map[string]noteUnion, error) {
	var toRead []string
	for c, tb := range theirs.notes {
		ob := ours.notes[c]
		if len(ob) == 1 && slices.Equal(ob, tb) || len(ob) == 0 && len(tb) == 1 {
			continue
		}
		toRead = append(append(toRead, ob...), tb...)
	}
	for _, ob := range ours.notes {
		if len(ob) > 1 {
			toRead = append(toRead, ob...)
		}
	}
	sets, err := r.noteLineSets(ctx, toRead)
	if err != nil {
		return nil, err
	}
	out := make(map[string]noteUnion, len(ours.notes)+len(theirs.notes))
	for c, ob := range ours.notes {
		out[c] = noteUnion{blob: ob[0]}
	}
	for c, tb := range theirs.notes {
		ob := ours.notes[c]
		switch {
		case len(ob) == 1 && slices.Equal(ob, tb):
			continue
		case len(ob) == 0 && len(tb) == 1:
			out[c] = noteUnion{blob: tb[0], gained: true}
			continue
		}
		have, want := lineSet(sets, ob), lineSet(sets, tb)
		all := maps2(have, want)
		gained := len(all) > len(have)
		switch {
		case len(ob) == 1 && !gained:
			out[c] = noteUnion{blob: ob[0]}
		case len(tb) == 1 && len(all) == len(want):
			out[c] = noteUnion{blob: tb[0], gained: gained}
		default:
			out[c] = noteUnion{content: sortedNote(all), gained: gained}
		}
	}
	// A commit noted twice in our own tree alone is made one note.
	for c, ob := range ours.notes {
		if _, theirsToo := theirs.notes[c]; len(ob) > 1 && !theirsToo {
			out[c] = noteUnion{content: sortedNote(lineSet(sets, ob))}
		}
	}
	return out, nil
}

func maps2(a, b map[string]bool) map[string]bool {
	m := make(map[string]bool, len(a)+len(b))
	for k := range a {
		m[k] = true
	}
	for k := range b {
		m[k] = true
	}
	return m
}

func sortedNote(set map[string]bool) []byte {
	lines := make([]string, 0, len(set))
	for l := range set {
		lines = append(lines, l)
	}
	slices.Sort(lines)
	return []byte(strings.Join(lines, "\n") + "\n")
}

// notesFanout is how many levels of two-digit directories git's
// fast-import spreads n notes over: one more for every factor of 256.
func notesFanout(n int) int {
	f := 0
	for n >>= 8; n > 0; n >>= 8 {
		f++
	}
	return f
}

func notePath(commit string, fanout int) string {
	var b strings.Builder
	for i := range fanout {
		b.WriteString(commit[2*i:2*i+2] + "/")
	}
	b.WriteString(commit[2*fanout:])
	return b.String()
}

// writeNotesMerge writes, through one fast-import, a notes commit whose
// tree is the union and whose parents are ours and theirs, and moves
// NotesRef to it. fast-import moves the ref only forward from ours: when
// another writer moved it meanwhile the result is errNotesMoved.
//
// Where our tree has every note at the fan-out the union's size calls
// for, only the notes that change are written on top of it; otherwise the
// whole tree is written anew at that fan-out.
func (r *Repo) writeNotesMerge(ctx context.Context, oursTip, theirsTip string, ours, theirs *notesTree, union map[string]noteUnion, message string) error {
	ident, err := r.committerIdent(ctx)
	if err != nil {
		return err
	}
	var in bytes.Buffer
	fmt.Fprintf(&in, "commit %s\ncommitter %s\ndata %d\n%s\nfrom %s\nmerge %s\n", NotesRef, ident, len(message), message, oursTip, theirsTip)
	commits := make([]string, 0, len(union))
	for c := range union {
		commits = append(commits, c)
	}
	slices.Sort(commits)
	fanout := notesFanout(len(commits))
	incremental := ours.fanout == fanout
	if !incremental {
		in.WriteString("deleteall\n")
	}
	for _, c := range commits {
		u := union[c]
		if ob := ours.notes[c]; incremental && len(ob) == 1 && u.blob == ob[0] {
			continue // there already
		}
		if u.blob != "" {
			fmt.Fprintf(&in, "M 100644 %s %s\n", u.blob, notePath(c, fanout))
		} else {
			fmt.Fprintf(&in, "M 100644 inline %s\ndata %d\n%s\n", notePath(c, fanout), len(u.content), u.content)
		}
	}
	// What else the trees hold (not notes) is kept too, ours first.
	other := map[string]treeFile{}
	for p, f := range theirs.other {
		other[p] = f
	}
	for p, f := range ours.other {
		if incremental {
			delete(other, p) // in our tree already
		} else {
			other[p] = f
		}
	}
	for _, p := range slices.Sorted(maps.Keys(other)) {
		fmt.Fprintf(&in, "M %s %s %s\n", other[p].mode, other[p].blob, p)
	}
	in.WriteString("done\n")
	if _, err := r.git.OutputStdin(ctx, in.Bytes(), notesImportArgs...); err != nil {
		if now, rerr := r.notesTip(ctx); rerr == nil && now != oursTip {
			return fmt.Errorf("%w: %v", errNotesMoved, err)
		}
		return fmt.Errorf("repo: sync: write the merged notes: %w", err)
	}
	return nil
}

// notesTip is NotesRef's commit, or "" when there are no notes.
func (r *Repo) notesTip(ctx context.Context) (string, error) {
	return r.refTip(ctx, NotesRef)
}

func (r *Repo) refTip(ctx context.Context, ref string) (string, error) {
	out, err := r.git.Output(ctx, "for-each-ref", "--format=%(objectname)", ref)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// mergeNotesFrom merges the notes commit theirs into NotesRef by union and
// returns how many commits' notes gained envelopes. When nothing is to be
// gained and theirs is already in our history, nothing is written;
// otherwise the new notes commit has both tips as parents, so that a push
// of it is a fast-forward of theirs.
func (r *Repo) mergeNotesFrom(ctx context.Context, theirsTip, message string) (int, error) {
	oursTip, err := r.notesTip(ctx)
	if err != nil {
		return 0, err
	}
	if oursTip == theirsTip {
		return 0, nil
	}
	if oursTip == "" {
		theirs, err := r.readNotesTree(ctx, theirsTip)
		if err != nil {
			return 0, err
		}
		// No notes of our own yet: theirs, as they are.
		if _, err := r.git.Output(ctx, "update-ref", "-m", message, NotesRef, theirsTip, ""); err != nil {
			if now, rerr := r.notesTip(ctx); rerr == nil && now != "" {
				return 0, fmt.Errorf("%w: %v", errNotesMoved, err)
			}
			return 0, err
		}
		return len(theirs.notes), nil
	}
	ours, theirs, err := r.readNotesTrees(ctx, oursTip, theirsTip)
	if err != nil {
		return 0, err
	}
	union, err := r.unionNotes(ctx, ours, theirs)
	if err != nil {
		return 0, err
	}
	gained, changed := 0, false
	for c, u := range union {
		if u.gained {
			gained++
		}
		if ob := ours.notes[c]; len(ob) != 1 || u.blob != ob[0] {
			changed = true
		}
	}
	if !changed {
		if _, err := r.git.Output(ctx, "merge-base", "--is-ancestor", theirsTip, oursTip); err == nil {
			return 0, nil
		}
	}
	if err := r.writeNotesMerge(ctx, oursTip, theirsTip, ours, theirs, union, message); err != nil {
		return 0, err
	}
	// Checked, not assumed: the union holds every envelope we had. Were it
	// ever not so, the notes are put back as they were.
	newTip, err := r.notesTip(ctx)
	if err != nil {
		return 0, err
	}
	if lost, _, err := r.notesLost(ctx, newTip, oursTip); err != nil || len(lost) > 0 {
		if _, rerr := r.git.Output(ctx, "update-ref", "-m", "hallmark: sync: put back", NotesRef, oursTip, newTip); rerr != nil {
			err = errors.Join(err, rerr)
		}
		if err == nil {
			err = fmt.Errorf("%w: the union dropped local envelopes (the notes of %s, first %s); the notes were put back", ErrSyncWouldLose, words.Count(len(lost), "commit"), lost[0])
		}
		return 0, err
	}
	return gained, nil
}

// notesLost lists the commits whose note in the notes commit want has an
// envelope that the notes commit have lacks, and counts the commits whose
// note have would add to (what a push of have onto want gives).
func (r *Repo) notesLost(ctx context.Context, have, want string) (lost []string, adds int, err error) {
	var h, w *notesTree
	if want == "" {
		h, err = r.readNotesTree(ctx, have)
		w = &notesTree{notes: map[string][]string{}}
	} else {
		h, w, err = r.readNotesTrees(ctx, have, want)
	}
	if err != nil {
		return nil, 0, err
	}
	var toRead []string
	for c, wb := range w.notes {
		if hb := h.notes[c]; !slices.Equal(hb, wb) {
			toRead = append(append(toRead, hb...), wb...)
		}
	}
	for c, hb := range h.notes {
		if wb, ok := w.notes[c]; ok && !slices.Equal(hb, wb) {
			continue // read above
		} else if !ok {
			adds++
		}
	}
	sets, err := r.noteLineSets(ctx, toRead)
	if err != nil {
		return nil, 0, err
	}
	for c, wb := range w.notes {
		hb := h.notes[c]
		if slices.Equal(hb, wb) {
			continue
		}
		hs, ws := lineSet(sets, hb), lineSet(sets, wb)
		for l := range ws {
			if !hs[l] {
				lost = append(lost, c)
				break
			}
		}
		if len(maps2(hs, ws)) > len(ws) {
			adds++
		}
	}
	slices.Sort(lost)
	return lost, adds, nil
}
