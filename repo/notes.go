package repo

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/hallmark-dev/hallmark/internal/git"
)

// NotesRef holds the envelopes: one note per commit, one envelope a line
// (author's, reviewer's, CI's), each line a DSSE envelope or a Sigstore
// bundle. Lines are kept in a set: adding one that is there already is a
// no-op, which is what lets `git notes merge -s cat_sort_uniq` merge two
// clones' notes without losing or doubling any.
const NotesRef = "refs/notes/hallmark"

// Note returns the envelope lines of a commit's note, or none. It reads
// through the long-lived cat-file process, trying the fan-outs git uses
// for notes trees.
func (r *Repo) Note(ctx context.Context, commit string) ([][]byte, error) {
	data, err := r.noteBlob(ctx, commit)
	if err != nil || data == nil {
		return nil, err
	}
	return splitNote(data), nil
}

func (r *Repo) noteBlob(ctx context.Context, commit string) ([]byte, error) {
	b, err := r.reader(ctx)
	if err != nil {
		return nil, err
	}
	if !git.IsObjectID(commit) {
		c, err := r.Commit(ctx, commit)
		if err != nil {
			return nil, err
		}
		commit = c.ID
	}
	// The fan-outs git uses for notes trees, asked for in one round trip.
	var names []string
	for _, p := range []string{commit, commit[:2] + "/" + commit[2:], commit[:2] + "/" + commit[2:4] + "/" + commit[4:]} {
		names = append(names, NotesRef+":"+p)
	}
	objs, err := b.ReadMany(names)
	if err != nil {
		return nil, err
	}
	for _, o := range objs {
		if o.Err == nil && o.Type == "blob" {
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
