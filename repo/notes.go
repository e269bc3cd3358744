package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hallmark-dev/hallmark/internal/git"
)

// NotesRef holds the envelopes: one note per commit, one envelope a line
// (author's, reviewer's, CI's), each line a DSSE envelope or a Sigstore
// bundle. Lines are kept in a set: adding one that is there already is a
// no-op, which is what lets [Repo.Sync] merge two clones' notes by union
// without losing or doubling any.
const NotesRef = "refs/notes/hallmark"

// The limits of what is read from a note. Anyone who can push the notes
// ref can write a note of any size; these bound what one note costs a
// reader (its memory, and the JSON decoding of its envelopes), and a
// writer never stores a note a reader would refuse. A commit's note past
// a limit is an error for that commit alone ([ErrNoteTooLarge],
// [ErrEnvelopeTooLarge]), never read.
const (
	// MaxNoteSize bounds one commit's note: all its envelopes together.
	MaxNoteSize = 64 << 20
	// MaxEnvelopeSize bounds one envelope line, and so the record, review
	// or carried sources it holds.
	MaxEnvelopeSize = 32 << 20
)

var (
	// ErrNoteTooLarge: a commit's note is over MaxNoteSize; it was not read.
	ErrNoteTooLarge = errors.New("repo: note over the size limit")
	// ErrEnvelopeTooLarge: one envelope line is over MaxEnvelopeSize.
	ErrEnvelopeTooLarge = errors.New("repo: envelope over the size limit")
)

// Note returns the envelope lines of a commit's note, or none. It reads
// through the long-lived cat-file process, trying the fan-outs git uses
// for notes trees. A note over the limits is not read: the error wraps
// [ErrNoteTooLarge] or [ErrEnvelopeTooLarge] and names the commit.
func (r *Repo) Note(ctx context.Context, commit string) ([][]byte, error) {
	data, err := r.noteBlob(ctx, commit)
	if err != nil || data == nil {
		return nil, err
	}
	lines, err := ParseNote(data)
	if err != nil {
		return nil, fmt.Errorf("%w (the note of %s)", err, commit)
	}
	return lines, nil
}

// ParseNote splits a note's content into its envelope lines, refusing
// content over [MaxNoteSize] and lines over [MaxEnvelopeSize]. Read a
// note's blob with a bound (git.Batch.ReadManyLimit with MaxNoteSize), not
// whole and then checked here.
func ParseNote(data []byte) ([][]byte, error) {
	if len(data) > MaxNoteSize {
		return nil, fmt.Errorf("%w: %d bytes, over %d", ErrNoteTooLarge, len(data), MaxNoteSize)
	}
	lines := splitNote(data)
	for _, l := range lines {
		if len(l) > MaxEnvelopeSize {
			return nil, fmt.Errorf("%w: one line is %d bytes, over %d", ErrEnvelopeTooLarge, len(l), MaxEnvelopeSize)
		}
	}
	return lines, nil
}

func (r *Repo) noteBlob(ctx context.Context, commit string) ([]byte, error) {
	return r.noteBlobAt(ctx, commit, NotesRef)
}

// noteBlobAt is commit's note in the notes commit at (a ref or an id).
func (r *Repo) noteBlobAt(ctx context.Context, commit, at string) ([]byte, error) {
	b, err := r.reader(ctx)
	if err != nil {
		return nil, err
	}
	if !git.IsObjectID(commit) {
		c, err := r.commit(ctx, commit)
		if err != nil {
			return nil, err
		}
		commit = c.ID
	}
	// The fan-outs git uses for notes trees, asked for in one round trip.
	var names []string
	for _, p := range []string{commit, commit[:2] + "/" + commit[2:], commit[:2] + "/" + commit[2:4] + "/" + commit[4:]} {
		names = append(names, at+":"+p)
	}
	objs, err := b.ReadManyLimit(names, MaxNoteSize)
	if err != nil {
		return nil, err
	}
	for _, o := range objs {
		if o.Type != "blob" {
			continue
		}
		if errors.Is(o.Err, git.ErrTooLarge) {
			return nil, fmt.Errorf("%w: the note of %s is %d bytes, over %d", ErrNoteTooLarge, commit, o.Size, MaxNoteSize)
		}
		if o.Err == nil {
			return o.Data, nil
		}
	}
	return nil, nil
}

// splitNote returns the non-empty lines of a note.
func splitNote(data []byte) [][]byte {
	var out [][]byte
	for _, l := range bytes.Split(data, []byte("\n")) {
		if l = bytes.TrimSpace(l); len(l) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// AddNote adds envelope lines to a commit's note, keeping what is there,
// and commits the notes change with the user's identity and message.
func (r *Repo) AddNote(ctx context.Context, commit string, lines [][]byte, message string) error {
	for _, l := range lines {
		if bytes.ContainsAny(l, "\n\r") || len(bytes.TrimSpace(l)) == 0 {
			return fmt.Errorf("repo: a note line must be one non-empty line")
		}
		if len(l) > MaxEnvelopeSize {
			return fmt.Errorf("%w: %d bytes, over %d", ErrEnvelopeTooLarge, len(l), MaxEnvelopeSize)
		}
	}
	return r.AddNotes(ctx, map[string][][]byte{commit: lines}, message)
}

// NotedCommits lists the commits that have a note, with the note's blob.
func (r *Repo) NotedCommits(ctx context.Context) (map[string]string, error) {
	if _, err := r.git.Output(ctx, "rev-parse", "--verify", "--quiet", NotesRef); err != nil {
		return map[string]string{}, nil
	}
	out, err := r.git.Output(ctx, "notes", "--ref="+NotesRef, "list")
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 {
			m[f[1]] = f[0]
		}
	}
	return m, nil
}
