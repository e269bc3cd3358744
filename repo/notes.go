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
// no-op, which is what lets `git notes merge -s cat_sort_uniq` merge two
// clones' notes without losing or doubling any.
const NotesRef = "refs/notes/hallmark"

// Note returns the envelope lines of a commit's note, or none.
func (r *Repo) Note(ctx context.Context, commit string) ([][]byte, error) {
	out, err := r.git.Output(ctx, "notes", "--ref="+NotesRef, "list", commit)
	if err != nil {
		var ge *git.Error
		if errors.As(err, &ge) && strings.Contains(ge.Stderr, "no note found") {
			return nil, nil
		}
		return nil, err
	}
	blob := strings.TrimSpace(string(out))
	b, err := r.reader(ctx)
	if err != nil {
		return nil, err
	}
	_, data, err := b.Read(blob)
	if err != nil {
		return nil, err
	}
	return splitNote(data), nil
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
	existing, err := r.Note(ctx, commit)
	if err != nil {
		return err
	}
	merged := existing
	added := 0
	for _, l := range lines {
		dup := false
		for _, e := range merged {
			if bytes.Equal(e, l) {
				dup = true
				break
			}
		}
		if !dup {
			merged = append(merged, l)
			added++
		}
	}
	if added == 0 {
		return nil
	}
	content := append(bytes.Join(merged, []byte("\n")), '\n')
	// `git notes add` knows the notes tree's fan-out; its commit message
	// does not say what happened, so the commit is then remade with ours.
	if _, err := r.git.OutputStdin(ctx, content, "notes", "--ref="+NotesRef, "add", "-f", "-F", "-", commit); err != nil {
		return err
	}
	tip, err := r.git.Output(ctx, "rev-parse", "--verify", NotesRef)
	if err != nil {
		return err
	}
	tipID := strings.TrimSpace(string(tip))
	args := []string{"commit-tree", tipID + "^{tree}", "-m", message}
	if parent, err := r.git.Output(ctx, "rev-parse", "--verify", "--quiet", tipID+"^"); err == nil {
		args = append(args, "-p", strings.TrimSpace(string(parent)))
	}
	remade, err := r.git.Output(ctx, args...)
	if err != nil {
		return err
	}
	_, err = r.git.Output(ctx, "update-ref", "-m", message, NotesRef, strings.TrimSpace(string(remade)), tipID)
	return err
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
