package repo

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/hallmark-dev/hallmark/internal/words"
	"slices"
	"strings"
	"time"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/diff"
	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/provenance"
)

// Records computes, in bulk, the conventions records of every commit in a
// range: one `git log -p` for the diffs, one `git cat-file --batch` for the
// files. It is how an existing history is stamped when hallmark is adopted.
func (r *Repo) Records(ctx context.Context, rng []string) ([]*provenance.Record, error) {
	return r.records(ctx, rng, nil)
}

func (r *Repo) records(ctx context.Context, rng []string, progress func(done, total int)) ([]*provenance.Record, error) {
	commits, err := r.git.RevList(ctx, rng...)
	if err != nil {
		return nil, err
	}
	var each func(int)
	if progress != nil {
		each = func(done int) { progress(min(done, len(commits)), len(commits)) }
	}
	added, err := r.addedInRange(ctx, rng, each)
	if err != nil {
		return nil, err
	}
	b, err := r.reader(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]*provenance.Record, 0, len(commits))
	for _, id := range commits {
		_, raw, err := b.Read(id)
		if err != nil {
			return nil, err
		}
		c, err := git.ParseCommit(id, raw)
		if err != nil {
			return nil, err
		}
		files, ok := added[id]
		if !ok {
			if files, err = r.added(ctx, c); err != nil {
				return nil, err
			}
		}
		rec, err := r.recordFrom(c, files, b)
		if err != nil {
			return nil, err
		}
		out = append(out, rec)
	}
	return out, nil
}

// recordFrom is buildRecord without capture, from an already computed diff.
func (r *Repo) recordFrom(c *git.Commit, files []git.FileDiff, b *git.Batch) (*provenance.Record, error) {
	author, class := inferAuthor(c)
	rec := &provenance.Record{Commit: c.ID, Tree: c.Tree, Parents: c.Parents, Method: provenance.MethodConventions,
		Recorder: DefaultRecorder(), Authors: []provenance.Author{author}}
	for _, f := range files {
		if f.Gitlink {
			continue
		}
		_, data, err := b.Read(c.ID + ":" + f.Path)
		if err != nil {
			return nil, fmt.Errorf("repo: read %s in %s: %w", f.Path, c.ID, err)
		}
		sum := sha256.Sum256(data)
		pf := provenance.File{Path: f.Path, Digest: "sha256:" + hex.EncodeToString(sum[:]), Spans: []provenance.Span{}}
		if !f.Binary && !isBinary(data) {
			pf.Lines = len(diff.Lines(data))
			for _, n := range f.Added {
				if k := len(pf.Spans); k > 0 && pf.Spans[k-1].End == n-1 {
					pf.Spans[k-1].End = n
					continue
				}
				pf.Spans = append(pf.Spans, provenance.Span{Start: n, End: n, Author: 0, Class: class})
			}
		}
		rec.Files = append(rec.Files, pf)
	}
	rec.Normalize()
	return rec, rec.Validate()
}

// AddNotes adds envelope lines to many commits' notes in one notes commit,
// through one `git fast-import`; existing envelopes are kept, and a note
// that would not change is not written. The notes ref only moves forward:
// when another writer moved it meanwhile, fast-import refuses, and the
// merge is done again on top of the new tip.
func (r *Repo) AddNotes(ctx context.Context, lines map[string][][]byte, message string) error {
	if len(lines) == 0 {
		return nil
	}
	ident, err := r.committerIdent(ctx)
	if err != nil {
		return err
	}
	wait := newBackoff(NotesWriteBudget, 5*time.Millisecond, 500*time.Millisecond)
	for attempts := 1; ; attempts++ {
		done, err := r.addNotesOnce(ctx, lines, message, ident)
		if done {
			return err
		}
		again, werr := wait.next(ctx)
		if werr != nil {
			return werr
		}
		if !again {
			return fmt.Errorf("%w (%d attempts in %s; the last: %v)", ErrNotesBusy, attempts, NotesWriteBudget, err)
		}
	}
}

// NotesWriteBudget bounds how long a notes write keeps trying while other
// writers in the same repository keep committing notes first.
const NotesWriteBudget = 30 * time.Second

// ErrNotesBusy: other writers kept moving the notes for the whole
// NotesWriteBudget; nothing was written.
var ErrNotesBusy = errors.New("repo: other writers kept moving the notes for the whole time budget; try again")

// addNotesOnce makes one attempt at the notes commit; done is false when
// another writer moved the notes meanwhile and the merge must be done again.
func (r *Repo) addNotesOnce(ctx context.Context, lines map[string][][]byte, message, ident string) (done bool, err error) {
	if len(lines) == 1 { // one note: as git notes add writes it
		for c, ls := range lines {
			err := r.writeNoteLoose(ctx, c, ls, message, ident)
			if errors.Is(err, errNotesMoved) {
				return false, err
			}
			if !errors.Is(err, errNoLooseWrite) {
				return true, err
			}
		}
	}
	in, changed, err := r.notesImport(ctx, lines, message, ident)
	if err != nil || !changed {
		return true, err
	}
	// fast-import refuses to move the ref but forward: a failure is most
	// likely another writer's commit, and the merge is tried again.
	if _, err := r.git.OutputStdin(ctx, in, notesImportArgs...); err != nil {
		return false, err
	}
	return true, nil
}

// notesImportArgs run fast-import for a notes commit. unpackLimit=1 keeps
// even a small import as one pack rather than running unpack-objects
// after it; bulk imports are big enough to be packs anyway.
var notesImportArgs = []string{"-c", "fastimport.unpackLimit=1", "fast-import", "--quiet", "--done"}

// mergedNote is commit's note in the notes commit at ("" for none) with
// lines added to it (each once), and whether that changes it.
func (r *Repo) mergedNote(ctx context.Context, commit string, lines [][]byte, at string) ([]byte, bool, error) {
	var data []byte
	if at != "" {
		var err error
		if data, err = r.noteBlobAt(ctx, commit, at); err != nil {
			return nil, false, err
		}
	}
	merged := splitNote(data)
	before := len(merged)
	for _, l := range lines {
		if !slices.ContainsFunc(merged, func(e []byte) bool { return bytes.Equal(e, l) }) {
			merged = append(merged, l)
		}
	}
	if len(merged) == before {
		return nil, false, nil
	}
	content := append(bytes.Join(merged, []byte("\n")), '\n')
	if _, err := ParseNote(content); err != nil {
		// Never store what a reader would refuse.
		return nil, false, fmt.Errorf("%w (the note of %s)", err, commit)
	}
	return content, true, nil
}

// notesImport builds the fast-import stream of one notes commit.
func (r *Repo) notesImport(ctx context.Context, lines map[string][][]byte, message, ident string) ([]byte, bool, error) {
	b, err := r.reader(ctx)
	if err != nil {
		return nil, false, err
	}
	var in bytes.Buffer
	fmt.Fprintf(&in, "commit %s\ncommitter %s\ndata %d\n%s\n", NotesRef, ident, len(message), message)
	at := ""
	if tip, typ, _, err := b.ReadID(NotesRef); err == nil && typ == "commit" {
		fmt.Fprintf(&in, "from %s\n", tip)
		at = tip
	}
	commits := make([]string, 0, len(lines))
	for c := range lines {
		commits = append(commits, c)
	}
	slices.Sort(commits)
	changed := false
	for _, c := range commits {
		content, ok, err := r.mergedNote(ctx, c, lines[c], at)
		if err != nil {
			return nil, false, err
		}
		if ok {
			changed = true
			fmt.Fprintf(&in, "N inline %s\ndata %d\n%s\n", c, len(content), content)
		}
	}
	in.WriteString("done\n")
	return in.Bytes(), changed, nil
}

// StampRange stamps, in bulk, every commit of a range that has no record
// yet, from its conventions: the way to adopt hallmark on an existing
// history. It returns how many commits it stamped.
func (r *Repo) StampRange(ctx context.Context, rng []string, opts *StampOptions) (int, error) {
	if opts == nil {
		opts = &StampOptions{}
	}
	recs, err := r.records(ctx, rng, opts.Progress)
	if err != nil {
		return 0, err
	}
	noted, err := r.NotedCommits(ctx)
	if err != nil {
		return 0, err
	}
	b, err := r.reader(ctx)
	if err != nil {
		return 0, err
	}
	var self *Trust
	if opts.Signer != nil {
		if self, err = selfTrust(opts.Signer); err != nil {
			return 0, err
		}
	}
	lines := map[string][][]byte{}
	for _, rec := range recs {
		rec.Recorder = recorderOr(opts.Recorder)
		_, raw, err := b.Read(rec.Commit)
		if err != nil {
			return 0, err
		}
		// Stamped already: by this key (a garbage signature does not
		// count), or, stamping unsigned, with any record.
		if blob, ok := noted[rec.Commit]; ok && !opts.Force {
			_, data, err := b.Read(blob)
			if err != nil {
				return 0, err
			}
			if self == nil || len(scanNote(splitNote(data), rec.Commit, raw, self).records) > 0 {
				continue
			}
		}
		var line []byte
		if opts.Signer != nil {
			st, err := attest.NewStatement(rec, raw)
			if err != nil {
				return 0, err
			}
			bundle, err := attest.SignToBundle(st, opts.Signer)
			if err != nil {
				return 0, err
			}
			line = bundle.Bytes()
		} else {
			env, err := attest.Unsigned(rec, raw)
			if err != nil {
				return 0, err
			}
			line = env.Bytes()
		}
		lines[rec.Commit] = [][]byte{line}
	}
	msg := fmt.Sprintf("hallmark: stamp %s of %s from their conventions\n", words.Count(len(lines), "commit"), strings.Join(rng, " "))
	return len(lines), r.AddNotes(ctx, lines, msg)
}
