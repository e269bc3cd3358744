package repo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hallmark-dev/hallmark/internal/diff"
	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/provenance"
)

// Range-level capture, for editors. An editor knows, edit by edit, who
// typed what: the person's keystrokes, a model's accepted completion. A
// Buffer keeps an open document's text and the author of each of its lines
// in memory and applies such edits there, so that an edit costs what the
// splice of its lines costs, nothing is written to disk for an unsaved
// buffer, and two authors of one save are told apart. Buffer.Checkpoint,
// when the editor saves, stores the buffer's attribution as the file's
// pending attribution, from the buffer's content, not the disk's.

var (
	// ErrBadEdit is wrapped when an edit's range is not inside the buffer.
	ErrBadEdit = errors.New("repo: edit outside the buffer")
	// ErrBinaryBuffer is returned for content with a NUL byte in its
	// first 8,000 bytes (git's rule): it has no lines to attribute.
	ErrBinaryBuffer = errors.New("repo: binary content has no lines to attribute")
)

// Buffer is an open document of the work tree. It is not safe for
// concurrent use: an editor applies its edits in order.
type Buffer struct {
	r       *Repo
	path    string   // relative to the work tree, slash-separated
	lines   []string // each with its "\n"; the last may lack it
	who     []bufAttr
	authors []provenance.Author
	person  provenance.Author
	// snapshot is the pending snapshot the buffer's base attribution came
	// from ("" for HEAD's version): if another checkpoint replaced it
	// meanwhile, Checkpoint merges with what that one stored.
	snapshot string
}

// bufAttr is one line's author in the buffer: an index into
// Buffer.authors, or -1 for a line as the last commit has it. touched
// says an edit of this buffer wrote the line.
type bufAttr struct {
	author  int32
	touched bool
	class   provenance.Class
}

// BufferOptions configures OpenBuffer.
type BufferOptions struct {
	// Author is who wrote the lines the content differs in from the last
	// checkpoint (or from HEAD): a file changed on disk that nobody
	// checkpointed. A zero Author means the person of git's user.name.
	Author provenance.Author
}

// Edit replaces a range of a buffer with text. Lines are 0-based; columns
// are byte offsets in the line (an editor speaking UTF-16 converts first).
// End may be one past the last line, at column 0, to reach the end of a
// buffer whose last line ends in a newline.
type Edit struct {
	StartLine, StartCol int
	EndLine, EndCol     int
	Text                string
	// Author wrote Text: a model for an accepted completion, the person
	// (zero: git's user) for keystrokes.
	Author provenance.Author
}

// OpenBuffer starts tracking path (relative to the work tree, or absolute)
// with the content the editor opened. Lines the last checkpoint attributed
// keep their author; lines that differ from it go to opts.Author.
func (r *Repo) OpenBuffer(ctx context.Context, path string, content []byte, opts *BufferOptions) (*Buffer, error) {
	if r.git.Bare || r.git.WorkTree == "" {
		return nil, ErrBareRepository
	}
	rel, err := r.relPath(path)
	if err != nil {
		return nil, err
	}
	// What a checkpoint refuses to snapshot, a buffer refuses to hold:
	// ignored files (keys, secrets), files inside .git or through a link.
	if len(content) > MaxCheckpointFile {
		return nil, fmt.Errorf("%w: %s is %d bytes, the limit is %d", ErrFileTooLarge, rel, len(content), MaxCheckpointFile)
	}
	ignored, err := r.ignoredPaths(ctx, []string{rel})
	if err != nil {
		return nil, err
	}
	if err := r.unreadable(rel, ignored[rel]); err != nil {
		return nil, err
	}
	if isBinary(content) {
		return nil, fmt.Errorf("%w: %s", ErrBinaryBuffer, rel)
	}
	person, err := r.Person(ctx)
	if err != nil {
		return nil, err
	}
	b := &Buffer{r: r, path: rel, person: person}
	author := person
	if opts != nil && opts.Author != (provenance.Author{}) {
		author = opts.Author
	}
	if err := validAuthor(author); err != nil {
		return nil, err
	}
	st, state, unlock, err := r.openPending(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	prev, prevAttrs, snap, err := r.pendingOf(ctx, st, state, rel)
	if err != nil {
		return nil, err
	}
	b.snapshot = snap
	lines := diff.Lines(content)
	b.lines = make([]string, len(lines), len(lines)+len(lines)/4+64)
	copy(b.lines, lines)
	b.who = make([]bufAttr, len(lines), cap(b.lines))
	m := diff.Map(prev, lines)
	ai := int32(-1)
	for i, o := range m {
		switch {
		case o >= 0:
			b.who[i] = b.adopt(state, prevAttrs[o])
		default:
			if ai < 0 {
				ai = b.authorIndex(author)
			}
			b.who[i] = bufAttr{author: ai, touched: true, class: classOf(author)}
		}
	}
	return b, nil
}

// pendingOf returns a file's last checkpointed content and attribution,
// or HEAD's version with every line base, and the snapshot id.
func (r *Repo) pendingOf(ctx context.Context, st *store, state *pendingState, rel string) ([]string, []attr, string, error) {
	if pf := state.Files[git.Quote(rel)]; pf != nil {
		data, err := st.snapshot(pf)
		if err != nil {
			return nil, nil, "", err
		}
		lines := diff.Lines(data)
		return lines, pf.lineAttrs(len(lines)), pf.Snapshot, nil
	}
	data, err := r.headFile(ctx, rel)
	if err != nil {
		return nil, nil, "", err
	}
	lines := diff.Lines(data)
	attrs := make([]attr, len(lines))
	for i := range attrs {
		attrs[i] = baseAttr
	}
	return lines, attrs, "", nil
}

// adopt turns a pending attribution into the buffer's.
func (b *Buffer) adopt(state *pendingState, a attr) bufAttr {
	if a.author < 0 || a.author >= len(state.Authors) {
		return bufAttr{author: -1}
	}
	return bufAttr{author: b.authorIndex(state.Authors[a.author]), class: a.class}
}

func (b *Buffer) authorIndex(a provenance.Author) int32 {
	for i, x := range b.authors {
		if x == a {
			return int32(i)
		}
	}
	b.authors = append(b.authors, a)
	return int32(len(b.authors) - 1)
}

func classOf(a provenance.Author) provenance.Class {
	if a.Kind == provenance.Person {
		return provenance.Human
	}
	return provenance.AI
}

// Path returns the buffer's file, relative to the work tree.
func (b *Buffer) Path() string { return b.path }

// Len returns the number of lines.
func (b *Buffer) Len() int { return len(b.lines) }

// Line returns line i (0-based) with its newline.
func (b *Buffer) Line(i int) string { return b.lines[i] }

// Content returns the buffer's text.
func (b *Buffer) Content() []byte { return []byte(strings.Join(b.lines, "")) }

// LineAuthor returns who wrote line i (0-based) as far as the buffer knows:
// the author and class, or ok false for a line as the last commit has it.
func (b *Buffer) LineAuthor(i int) (a provenance.Author, c provenance.Class, ok bool) {
	w := b.who[i]
	if w.author < 0 {
		return provenance.Author{}, "", false
	}
	return b.authors[w.author], w.class, true
}

// Apply applies one edit. The lines it rewrites go to its author; a
// person's edit of a model's line makes that line mixed, the model's still;
// lines whose text the edit leaves as it was keep their author.
func (b *Buffer) Apply(e Edit) error {
	n := len(b.lines)
	if e.StartLine < 0 || e.EndLine < e.StartLine || e.EndLine > n ||
		(e.EndLine == e.StartLine && e.EndCol < e.StartCol) {
		return fmt.Errorf("%w: lines %d-%d of %d", ErrBadEdit, e.StartLine, e.EndLine, n)
	}
	if e.StartLine == n && e.StartCol != 0 || e.EndLine == n && e.EndCol != 0 ||
		e.StartLine < n && (e.StartCol < 0 || e.StartCol > len(strings.TrimSuffix(b.lines[e.StartLine], "\n"))) ||
		e.EndLine < n && (e.EndCol < 0 || e.EndCol > len(strings.TrimSuffix(b.lines[e.EndLine], "\n"))) {
		return fmt.Errorf("%w: columns %d:%d-%d:%d", ErrBadEdit, e.StartLine, e.StartCol, e.EndLine, e.EndCol)
	}
	if e.EndLine == n && n > 0 && !strings.HasSuffix(b.lines[n-1], "\n") {
		// There is no line n: the last line has no newline to end it.
		return fmt.Errorf("%w: line %d of %d", ErrBadEdit, e.EndLine, n)
	}
	author := e.Author
	if author == (provenance.Author{}) {
		author = b.person
	} else if err := validAuthor(author); err != nil {
		return err
	}
	// The old lines the edit touches: from its start line to its end line,
	// the end line included unless the range stops at the end of the buffer.
	lo, hi := e.StartLine, min(e.EndLine+1, n)
	prefix, suffix := "", ""
	if lo < n {
		prefix = b.lines[lo][:e.StartCol]
	}
	if e.EndLine < n {
		suffix = b.lines[e.EndLine][e.EndCol:]
	}
	text := prefix + e.Text + suffix
	var repl []string
	for len(text) > 0 {
		i := strings.IndexByte(text, '\n')
		if i < 0 {
			repl = append(repl, text)
			break
		}
		repl, text = append(repl, text[:i+1]), text[i+1:]
	}
	old := b.lines[lo:hi]
	// Lines at either end whose text is unchanged keep their author.
	same := 0
	for same < len(old) && same < len(repl) && old[same] == repl[same] {
		same++
	}
	tail := 0
	for tail < len(old)-same && tail < len(repl)-same && old[len(old)-1-tail] == repl[len(repl)-1-tail] {
		tail++
	}
	attrs := make([]bufAttr, len(repl))
	copy(attrs, b.who[lo:lo+same])
	copy(attrs[len(repl)-tail:], b.who[hi-tail:hi])
	ai := b.authorIndex(author)
	for k := same; k < len(repl)-tail; k++ {
		a := bufAttr{author: ai, touched: true, class: classOf(author)}
		if author.Kind == provenance.Person && k < len(old)-tail {
			if was := b.who[lo+k]; was.author >= 0 && (was.class == provenance.AI || was.class == provenance.Mixed) {
				a = bufAttr{author: was.author, touched: true, class: provenance.Mixed}
			}
		}
		attrs[k] = a
	}
	b.lines = slices.Replace(b.lines, lo, hi, repl...)
	b.who = slices.Replace(b.who, lo, hi, attrs...)
	return nil
}

// Replace sets the buffer's whole text, for an editor that reports a
// change as the text before and after it (LSP's full sync): the two are
// compared line by line, and the lines that differ go to author as Apply
// gives them.
func (b *Buffer) Replace(content []byte, author provenance.Author) error {
	if author == (provenance.Author{}) {
		author = b.person
	} else if err := validAuthor(author); err != nil {
		return err
	}
	next := diff.Lines(content)
	who := make([]bufAttr, len(next), len(next)+len(next)/4+64)
	ai := b.authorIndex(author)
	ib, ia := 0, 0
	for _, e := range diff.Diff(b.lines, next) {
		for ; ib < e.BStart; ib, ia = ib+1, ia+1 {
			who[ib] = b.who[ia]
		}
		for k := 0; ib < e.BEnd; k, ib = k+1, ib+1 {
			a := bufAttr{author: ai, touched: true, class: classOf(author)}
			if author.Kind == provenance.Person && e.AStart+k < e.AEnd {
				if was := b.who[e.AStart+k]; was.author >= 0 && (was.class == provenance.AI || was.class == provenance.Mixed) {
					a = bufAttr{author: was.author, touched: true, class: provenance.Mixed}
				}
			}
			who[ib] = a
		}
		ia = e.AEnd
	}
	for ; ib < len(next); ib, ia = ib+1, ia+1 {
		who[ib] = b.who[ia]
	}
	lines := make([]string, len(next), cap(who))
	copy(lines, next)
	b.lines, b.who = lines, who
	return nil
}

// Checkpoint stores the buffer as the file's pending attribution: its
// content as the snapshot, each line's author as the buffer knows it. Call
// it when the editor saves. When another checkpoint stored this file since
// the buffer opened (an agent's hook), lines this buffer did not write take
// that checkpoint's attribution where their text is unchanged.
func (b *Buffer) Checkpoint(ctx context.Context) (*CheckpointResult, error) {
	st, state, unlock, err := b.r.openPending(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if state.Base == "" {
		state.Base = b.r.headID(ctx)
	}
	key := git.Quote(b.path)
	pf := state.Files[key]
	var theirs []attr
	var theirsMap []int
	if pf != nil && pf.Snapshot != b.snapshot {
		prev, prevAttrs, _, err := b.r.pendingOf(ctx, st, state, b.path)
		if err != nil {
			return nil, err
		}
		theirs, theirsMap = prevAttrs, diff.Map(prev, b.lines)
	}
	index := make([]int, len(b.authors))
	for i, a := range b.authors {
		index[i] = state.authorIndex(a)
	}
	attrs := make([]attr, len(b.lines))
	res := &CheckpointResult{Author: b.person}
	for i, w := range b.who {
		switch {
		case !w.touched && theirsMap != nil && theirsMap[i] >= 0:
			attrs[i] = theirs[theirsMap[i]]
		case w.author >= 0:
			attrs[i] = attr{index[w.author], w.class}
			if w.touched {
				res.Lines++
			}
		default:
			attrs[i] = baseAttr
		}
	}
	spans := spansFromAttrs(attrs)
	if pf == nil && len(spans) == 0 {
		return res, nil // as committed: nothing pending to store
	}
	next, err := st.putSnapshot(key, b.Content())
	if err != nil {
		return nil, err
	}
	next.Spans = spans
	if pf != nil {
		next.Removed = pf.Removed
	}
	state.Files[key] = next
	if err := st.save(state); err != nil {
		return nil, err
	}
	b.snapshot = next.Snapshot
	for i := range b.who {
		b.who[i].touched = false
		if a := attrs[i]; a.author >= 0 {
			b.who[i] = bufAttr{author: b.authorIndex(state.Authors[a.author]), class: a.class}
		} else {
			b.who[i] = bufAttr{author: -1}
		}
	}
	res.Files = []string{b.path}
	return res, nil
}
