package repo

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/diff"
	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/provenance"
)

// A carried record is checked by doing the carry again: the verifier
// resolves each source the record names (its signed record, its commit
// object and its attributed files, from the repository or from the
// evidence in the note), maps every line of the target's files onto the
// sources' lines, and compares. The same functions build the record in
// [Repo.Carry], so that the two cannot drift apart.

// carrySource is one source commit of a carry, resolved.
type carrySource struct {
	commit *git.Commit
	digest string
	rec    *provenance.Record
	files  map[string]*sourceFile // path (as in the record) → attributed file
}

// sourceFile is one attributed file of a source commit.
type sourceFile struct {
	lines []string
	attrs []*lineAttr // per line; nil where the source does not attribute it
}

// lineAttr is what a record says of one line.
type lineAttr struct {
	author provenance.Author
	class  provenance.Class
}

func (a lineAttr) String() string { return fmt.Sprintf("%s (%s)", a.author, a.class) }

// newCarrySource indexes a source record's attributed files; content
// returns a file's bytes in the source commit (checked against the
// record's digest here).
func newCarrySource(c *git.Commit, digest string, rec *provenance.Record, content func(f provenance.File) ([]byte, error)) (*carrySource, error) {
	cs := &carrySource{commit: c, digest: digest, rec: rec, files: map[string]*sourceFile{}}
	for _, f := range rec.Files {
		if len(f.Spans) == 0 {
			continue
		}
		data, err := content(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Path, err)
		}
		if d := digestOf(data); d != f.Digest {
			return nil, fmt.Errorf("%w: %s: the content is %s, the source record says %s", attest.ErrDigestMismatch, f.Path, d, f.Digest)
		}
		lines := diff.Lines(data)
		sf := &sourceFile{lines: lines, attrs: make([]*lineAttr, len(lines))}
		for _, sp := range f.Spans {
			for n := sp.Start; n <= sp.End && n <= len(lines); n++ {
				sf.attrs[n-1] = &lineAttr{rec.Authors[sp.Author], sp.Class}
			}
		}
		cs.files[f.Path] = sf
	}
	return cs, nil
}

// orderSources puts sources oldest first (committer time, then author
// time, then id): the order in which a later source's say wins. It
// depends only on the commits, so a verifier finds the same order
// whatever order the record lists its sources in.
func orderSources(s []*carrySource) {
	slices.SortStableFunc(s, func(a, b *carrySource) int {
		return cmp.Or(a.commit.CommitTime.Compare(b.commit.CommitTime), a.commit.AuthorTime.Compare(b.commit.AuthorTime), cmp.Compare(a.commit.ID, b.commit.ID))
	})
}

// carriedAttrs says, for each line of a target file, what the sources say
// of it when it is an unchanged copy of a line they attribute (the newest
// source first), and nil elsewhere. A file no source has under its path
// (renamed since) is looked for in every attributed file of every source.
func carriedAttrs(sources []*carrySource, path string, target []string) []*lineAttr {
	var cands []*sourceFile
	for _, s := range sources {
		if f := s.files[path]; f != nil {
			cands = append(cands, f)
		}
	}
	if len(cands) == 0 {
		for _, s := range sources {
			for _, p := range slices.Sorted(mapKeys(s.files)) {
				cands = append(cands, s.files[p])
			}
		}
	}
	out := make([]*lineAttr, len(target))
	if len(cands) == 0 {
		return out
	}
	maps := make([][]int, len(cands))
	for i, c := range cands {
		maps[i] = diff.Map(c.lines, target)
	}
	for n := range target {
		for i := len(cands) - 1; i >= 0; i-- {
			if j := maps[i][n]; j >= 0 && cands[i].attrs[j] != nil {
				out[n] = cands[i].attrs[j]
				break
			}
		}
	}
	return out
}

// checkCarried does the carry again and compares: every source the record
// names must verify under a key allowed to sign what it claims, and every
// line that is an unchanged copy of a source's line must say what the
// source says. A line found in no source is new in the target: a signer
// allowed to sign records may say who wrote it (a capture); a carry-only
// signer may give it only the commit's conventions.
func (v *verifier) checkCarried(c *git.Commit, blobs map[string][]byte, sr signedRecord, pool *evidencePool) []Problem {
	rec := sr.rec
	if len(rec.DerivedFrom) == 0 {
		return []Problem{problemf(ErrNotDerived, "", "a carried record that names no source: a carry claims nothing of its own")}
	}
	var probs []Problem
	var srcs []*carrySource
	for _, ref := range rec.DerivedFrom {
		cs, err := v.resolveSource(ref, pool, 0, true)
		if err != nil {
			probs = append(probs, problemf(ErrNotDerived, "", "derived from %s of %s: %v", shortDigest(ref.Digest), short(ref.Commit), err))
			continue
		}
		srcs = append(srcs, cs)
	}
	if len(probs) > 0 {
		return probs
	}
	orderSources(srcs)
	mayRecord := false
	for _, s := range sr.signers {
		mayRecord = mayRecord || v.trust.Allows(s, ClaimOf(&provenance.Record{Method: provenance.MethodCapture}))
	}
	def, defClass := inferAuthor(c)
	conv := lineAttr{def, defClass}
	for _, f := range rec.Files {
		if len(f.Spans) == 0 {
			continue
		}
		data, ok := blobs[f.Path]
		if !ok {
			var err error
			if _, data, err = v.batch.Read(c.ID + ":" + f.Path); err != nil {
				probs = append(probs, problemf(ErrNotDerived, f.Path, "%s: cannot read the file: %v", f.Path, err))
				continue
			}
		}
		attrs := carriedAttrs(srcs, f.Path, diff.Lines(data))
		bad, first := 0, ""
		for _, s := range f.Spans {
			got := lineAttr{rec.Authors[s.Author], s.Class}
			for n := s.Start; n <= s.End; n++ {
				var why string
				switch a := attrs[n-1]; {
				case a != nil && *a != got:
					why = fmt.Sprintf("line %d is carried as %s, its source says %s", n, got, *a)
				case a == nil && !mayRecord && got != conv:
					why = fmt.Sprintf("line %d is in no source and says %s: a key allowed only to carry may give it only the commit's conventions, %s", n, got, conv)
				}
				if why != "" {
					if bad == 0 {
						first = why
					}
					bad++
				}
			}
		}
		if bad > 0 {
			probs = append(probs, problemf(ErrNotDerived, f.Path, "%s: %s not follow from the sources (%s)", f.Path, doOrDoes(bad), first))
		}
	}
	return probs
}

func shortDigest(d string) string {
	if len(d) > 19 {
		return d[:19]
	}
	return d
}

// resolveSource finds the record a carried record names, from the
// repository or the note's evidence, and verifies it: a signature by a
// trusted key allowed to sign what it claims, about that commit, with the
// commit's tree and parents; its own sources in turn (their signatures).
// With files, it also loads the attributed files' contents, to carry again.
func (v *verifier) resolveSource(ref provenance.Ref, pool *evidencePool, depth int, files bool) (*carrySource, error) {
	if depth > maxChain {
		return nil, fmt.Errorf("chain longer than %d", maxChain)
	}
	object := pool.objects[ref.Commit]
	local := false
	if typ, raw, err := v.batch.Read(ref.Commit); err == nil && typ == "commit" {
		object, local = raw, true
	}
	if object == nil {
		return nil, errors.New("the source commit is not in this repository and the note carries no copy of it (fetch it, or carry again with a current hallmark)")
	}
	c, err := git.ParseCommit(ref.Commit, object)
	if err != nil {
		return nil, err
	}
	lines, err := v.noteLines(ref.Commit)
	if err != nil {
		return nil, err
	}
	lines = append(lines, pool.envelopes[ref.Commit]...)
	// The source's own evidence, for its sources in turn.
	for _, l := range lines {
		if isEvidence(l) {
			if ev, err := parseEvidence(l); err == nil && ev.Commit == ref.Commit {
				pool.add(ev)
			}
		}
	}
	var found *provenance.Record
	var lastErr error
	for _, l := range lines {
		rec, err := attest.ReadUnverified(l)
		if err != nil {
			continue
		}
		if d, err := rec.Digest(); err != nil || d != ref.Digest {
			continue
		}
		res, err := attest.Verify(l, &attest.VerifyOptions{Keyring: v.trust.Keyring, Commit: ref.Commit, CommitObject: object})
		if err != nil {
			lastErr = err
			continue
		}
		claim := ClaimOf(res.Record)
		if !slices.ContainsFunc(res.Signers, func(s string) bool { return v.trust.Allows(s, claim) }) {
			lastErr = fmt.Errorf("%w: signed by %s, which may not sign a %s claim", ErrNotAllowed, strings.Join(res.Signers, ", "), claim)
			continue
		}
		if res.Record.Tree != c.Tree || !slices.Equal(res.Record.Parents, c.Parents) {
			lastErr = fmt.Errorf("%w: the source record's tree or parents are not its commit's", ErrRecordMismatch)
			continue
		}
		found = res.Record
		break
	}
	if found == nil {
		if lastErr != nil {
			return nil, lastErr
		}
		return nil, errors.New("no record with that digest, in the commit's note or the carried evidence")
	}
	for _, next := range found.DerivedFrom {
		if _, err := v.resolveSource(next, pool, depth+1, false); err != nil {
			return nil, fmt.Errorf("derived from %s of %s: %w", shortDigest(next.Digest), short(next.Commit), err)
		}
	}
	if !files {
		return &carrySource{commit: c, digest: ref.Digest, rec: found}, nil
	}
	return newCarrySource(c, ref.Digest, found, func(f provenance.File) ([]byte, error) {
		if data, ok := pool.blobs[f.Digest]; ok {
			return data, nil
		}
		if local {
			if _, data, err := v.batch.Read(ref.Commit + ":" + f.Path); err == nil {
				return data, nil
			}
		}
		return nil, errors.New("the file is not in this repository and the note carries no copy of it")
	})
}

func (v *verifier) noteLines(commit string) ([][]byte, error) {
	blob, ok := v.noted[commit]
	if !ok {
		return nil, nil
	}
	_, data, err := v.batch.Read(blob)
	if err != nil {
		return nil, err
	}
	return splitNote(data), nil
}
