package hallmarktest

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// Errors of the kit's checks, matchable with errors.Is.
var (
	ErrNoRecord = errors.New("hallmarktest: no record")
	ErrLines    = errors.New("hallmarktest: lines differ")
	ErrCoverage = errors.New("hallmarktest: record does not cover the commit's added lines")
)

// StoredRecord returns the record stored in rev's note whose signature
// verifies against ring, over the raw commit object; it fails the test when
// there is none. A nil ring reads the newest record without verifying it,
// for an integration that does not sign.
func (r *Repo) StoredRecord(rev string, ring *attest.Keyring) *provenance.Record {
	r.T.Helper()
	rec, err := ReadRecord(r.Dir, rev, ring)
	if err != nil {
		r.T.Fatal(err)
	}
	return rec
}

// ReadRecord reads, through git, the note of rev in the repository at dir
// (refs/notes/hallmark) and returns the newest record in it that verifies
// against ring (nil: the newest record, unverified). Reviews and other
// predicates in the note are skipped.
func ReadRecord(dir, rev string, ring *attest.Keyring) (*provenance.Record, error) {
	// As every reader of hallmark's: after a stamp under way in the
	// background (the post-commit hook's).
	if rp, err := repo.Open(context.Background(), dir); err == nil {
		rp.Close()
	} else if errors.Is(err, repo.ErrStampInFlight) {
		return nil, err
	}
	id, err := git(dir, "rev-parse", "--verify", "--end-of-options", rev+"^{commit}")
	if err != nil {
		return nil, err
	}
	id = strings.TrimSpace(id)
	obj, err := git(dir, "cat-file", "commit", id)
	if err != nil {
		return nil, err
	}
	note, err := git(dir, "notes", "--ref", repo.NotesRef, "show", id)
	if err != nil {
		return nil, fmt.Errorf("%w: commit %s has no note in %s", ErrNoRecord, id, repo.NotesRef)
	}
	lines := strings.Split(strings.TrimSpace(note), "\n")
	var problems []string
	for i := len(lines) - 1; i >= 0; i-- {
		line := []byte(lines[i])
		if pt, err := attest.PredicateTypeOf(line); err != nil || pt != attest.PredicateType {
			continue
		}
		if ring == nil {
			return attest.ReadUnverified(line)
		}
		res, err := attest.Verify(line, &attest.VerifyOptions{Keyring: ring, Commit: id, CommitObject: []byte(obj)})
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		return res.Record, nil
	}
	return nil, fmt.Errorf("%w: commit %s: no record in its note verifies %v", ErrNoRecord, id, problems)
}

func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("hallmarktest: git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

// Line is who wrote one line, as a record says: its class, and the model's
// id for a model (its ModelID, or else the name the evidence gave), or the
// person's name.
type Line struct {
	Class provenance.Class
	Who   string
}

func (l Line) String() string {
	if l.Class == "" {
		return "(not added by the commit)"
	}
	return string(l.Class) + " " + l.Who
}

// LinesOf returns, for every line of path in the record's commit, who wrote
// it; lines the commit did not add are the zero Line. It reports false when
// the record does not name the file.
func LinesOf(rec *provenance.Record, path string) ([]Line, bool) {
	for _, f := range rec.Files {
		if f.Path != path {
			continue
		}
		out := make([]Line, f.Lines)
		for _, s := range f.Spans {
			who := ""
			if s.Author >= 0 && s.Author < len(rec.Authors) {
				who = name(rec.Authors[s.Author])
			}
			for i := s.Start; i <= s.End && i <= len(out); i++ {
				out[i-1] = Line{Class: s.Class, Who: who}
			}
		}
		return out, true
	}
	return nil, false
}

func name(a provenance.Author) string {
	switch {
	case a.Kind == provenance.Model && a.ModelID != "":
		return a.ModelID
	case a.Kind == provenance.Model:
		return a.Model
	}
	return a.Name
}

// Want says who wrote lines From to To (1-based, inclusive) of a file: their
// class, and Who, the model's id or the person's name.
type Want struct {
	From, To int
	Class    provenance.Class
	Who      string
}

// CheckLines compares every line of path in rec with want: each line a Want
// names must have its class and author, and every line the record covers
// must be named by some Want. The error (wrapping ErrLines) lists each
// difference.
func CheckLines(rec *provenance.Record, path string, want ...Want) error {
	got, ok := LinesOf(rec, path)
	if !ok {
		return fmt.Errorf("%w: %s: the record of %s has no such file", ErrLines, path, rec.Commit)
	}
	expect := make([]Line, len(got))
	var diffs []string
	for _, w := range want {
		if w.From < 1 || w.To < w.From || w.To > len(got) {
			diffs = append(diffs, fmt.Sprintf("want lines %d-%d: the file has %d lines", w.From, w.To, len(got)))
			continue
		}
		for i := w.From; i <= w.To; i++ {
			expect[i-1] = Line{Class: w.Class, Who: w.Who}
		}
	}
	for i := range got {
		if got[i] != expect[i] {
			diffs = append(diffs, fmt.Sprintf("line %d: got %v, want %v", i+1, got[i], expect[i]))
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%w: %s at %.12s:\n\t%s", ErrLines, path, rec.Commit, strings.Join(diffs, "\n\t"))
	}
	return nil
}

// ExpectLines is CheckLines that fails the test.
func ExpectLines(t testing.TB, rec *provenance.Record, path string, want ...Want) {
	t.Helper()
	if err := CheckLines(rec, path, want...); err != nil {
		t.Error(err)
	}
}
