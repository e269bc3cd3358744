package repo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/hallmark-dev/hallmark/internal/diff"
	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/sigstore/sigstore/pkg/signature"
)

// GitAINotesRef is where git-ai keeps its authorship logs ("Git AI
// Standard v3.0.0", section 1.1).
const GitAINotesRef = "refs/notes/ai"

// ErrHasRecord is returned when an import would add a record to a commit
// that has one.
var ErrHasRecord = errors.New("repo: the commit has a hallmark record already")

// ImportStats says how much of what another tool claimed went into a
// record.
type ImportStats struct {
	Claimed int // lines the claims named
	Used    int // of those, lines the commit added
	// Outside counts claimed lines the commit did not add (older lines, or
	// files the commit did not change): left out, a record speaks only of
	// its commit's lines.
	Outside int
}

// ImportedRecord builds the record of commit rev from claims another tool
// made (an Agent Trace, a git-ai note): every line the commit added, in the
// commit's coordinates, is covered, by the last claim that names it, or
// else by the commit's author with class Unknown (the other tool had no
// data on it). The record's method is [provenance.MethodImported].
func (r *Repo) ImportedRecord(ctx context.Context, rev string, claims []provenance.Claim) (*provenance.Record, ImportStats, error) {
	var st ImportStats
	c, err := r.commit(ctx, rev)
	if err != nil {
		return nil, st, err
	}
	files, err := r.added(ctx, c)
	if err != nil {
		return nil, st, err
	}
	person := provenance.Author{Kind: provenance.Person, Name: c.AuthorName, Email: c.AuthorEmail}
	if person.Name == "" && person.Email == "" {
		person.Name = "unknown"
	}
	byPath := map[string][]provenance.Claim{}
	for _, cl := range claims {
		byPath[cl.Path] = append(byPath[cl.Path], cl)
		st.Claimed += cl.End - cl.Start + 1
	}
	rec := &provenance.Record{Commit: c.ID, Tree: c.Tree, Parents: c.Parents, Method: provenance.MethodImported, Recorder: DefaultRecorder()}
	for _, f := range files {
		if f.Gitlink {
			continue
		}
		data, err := r.ReadFile(ctx, c.ID, f.Path)
		if err != nil {
			return nil, st, err
		}
		sum := sha256.Sum256(data)
		pf := provenance.File{Path: f.Path, Digest: "sha256:" + hex.EncodeToString(sum[:]), Spans: []provenance.Span{}}
		if !f.Binary {
			pf.Lines = len(diff.Lines(data))
			added := make(map[int]bool, len(f.Added))
			for _, n := range f.Added {
				added[n] = true
			}
			fileClaims := byPath[f.Path]
			for _, cl := range fileClaims {
				for n := cl.Start; n <= cl.End; n++ {
					if added[n] {
						st.Used++
					}
				}
			}
			for _, n := range f.Added {
				a, class := person, provenance.Unknown
				for _, cl := range fileClaims { // the last claim wins
					if cl.Start <= n && n <= cl.End {
						a, class = cl.Author, cl.Class
						if a == (provenance.Author{}) {
							a = person
						}
					}
				}
				idx := authorOf(rec, a)
				if k := len(pf.Spans); k > 0 && pf.Spans[k-1].End == n-1 && pf.Spans[k-1].Author == idx && pf.Spans[k-1].Class == class {
					pf.Spans[k-1].End = n
					continue
				}
				pf.Spans = append(pf.Spans, provenance.Span{Start: n, End: n, Author: idx, Class: class})
			}
		}
		rec.Files = append(rec.Files, pf)
	}
	st.Outside = st.Claimed - st.Used
	if len(rec.Authors) == 0 {
		rec.Authors = []provenance.Author{person}
	}
	rec.Normalize()
	if err := rec.Validate(); err != nil {
		return nil, st, fmt.Errorf("repo: commit %s: %w", c.ID, err)
	}
	return rec, st, nil
}

func authorOf(rec *provenance.Record, a provenance.Author) int {
	for i, x := range rec.Authors {
		if x == a {
			return i
		}
	}
	rec.Authors = append(rec.Authors, a)
	return len(rec.Authors) - 1
}

// StoreImportedOptions says how an imported record is stored. A nil value
// stores it unsigned and refuses a commit that has a record.
type StoreImportedOptions struct {
	Signer signature.Signer // nil: unsigned
	Force  bool             // add the record even where one exists
}

// StoreImported adds an imported record to its commit's note, signed when
// a signer is given.
func (r *Repo) StoreImported(ctx context.Context, rec *provenance.Record, opts *StoreImportedOptions) (*StampResult, error) {
	if opts == nil {
		opts = &StoreImportedOptions{}
	}
	c, err := r.commit(ctx, rec.Commit)
	if err != nil {
		return nil, err
	}
	if !opts.Force {
		if old, _, err := r.storedRecord(ctx, c.ID); err != nil {
			return nil, err
		} else if old != nil {
			return nil, fmt.Errorf("%w (%s, method %s): pass --force to add the imported one beside it", ErrHasRecord, c.ID[:12], old.Method)
		}
	}
	return r.store(ctx, c.ID, c.Raw, rec, opts.Signer, "import")
}

// GitAINotes returns the commits that have a git-ai note, each with its
// note's blob id.
func (r *Repo) GitAINotes(ctx context.Context) (map[string]string, error) {
	// Asked of the long-lived cat-file first: a repository without git-ai
	// notes (most) costs no process.
	b, err := r.reader(ctx)
	if err != nil {
		return nil, err
	}
	if _, _, _, err := b.ReadID(GitAINotesRef); err != nil {
		return map[string]string{}, nil
	}
	out, err := r.git.Output(ctx, "notes", "--ref="+GitAINotesRef, "list")
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if f := strings.Fields(line); len(f) == 2 && git.IsObjectID(f[0]) && git.IsObjectID(f[1]) {
			m[f[1]] = f[0]
		}
	}
	return m, nil
}

// GitAIRecord reads a commit's git-ai note, given its blob id, and turns it
// into an imported record of the commit (see [Repo.ImportedRecord]).
func (r *Repo) GitAIRecord(ctx context.Context, commit, blob string) (*provenance.Record, ImportStats, error) {
	b, err := r.reader(ctx)
	if err != nil {
		return nil, ImportStats{}, err
	}
	typ, data, err := b.Read(blob)
	if err != nil {
		return nil, ImportStats{}, err
	}
	if typ != "blob" {
		return nil, ImportStats{}, fmt.Errorf("repo: git-ai note %s is a %s", blob, typ)
	}
	note, err := provenance.ParseGitAINote(data)
	if err != nil {
		return nil, ImportStats{}, fmt.Errorf("commit %s: %w", commit, err)
	}
	claims, err := note.Claims()
	if err != nil {
		return nil, ImportStats{}, fmt.Errorf("commit %s: %w", commit, err)
	}
	return r.ImportedRecord(ctx, commit, claims)
}
