package repo

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/diff"
	"github.com/hallmark-dev/hallmark/provenance"
)

// sourceFile is one attributed file of a source commit.
type sourceFile struct {
	lines   []string
	attrs   []attr // per line; author -1: not attributed by this source
	authors []provenance.Author
}

// sourceRecord loads what a source commit says about its files: its stored
// record if it has one (returning its digest), else the record its
// conventions give.
func (r *Repo) sourceRecord(ctx context.Context, commit string) (*provenance.Record, string, error) {
	rec, _, err := r.storedRecord(ctx, commit)
	if err != nil {
		return nil, "", err
	}
	if rec != nil {
		d, err := rec.Digest()
		return rec, d, err
	}
	rec, err = r.Record(ctx, commit)
	return rec, "", err
}

// Carry builds and stores the record of target from the records of the
// commits it was made from (an amend, a rebase, a squash, a cherry-pick, a
// squash-merge on a server). Each line target adds takes the attribution
// of the source line it is an unchanged copy of, later sources first;
// lines found in no source fall back to target's own conventions. For the
// commit at HEAD, captured pending attribution comes first of all.
//
// The carried record names the stored records it derives from by digest,
// so that a verifier can walk back to the original signatures, and it is
// signed by whoever carries it.
func (r *Repo) Carry(ctx context.Context, sources []string, target string, opts *StampOptions) (*StampResult, error) {
	if opts == nil {
		opts = &StampOptions{}
	}
	tc, err := r.Commit(ctx, target)
	if err != nil {
		return nil, err
	}
	// Captured attribution first, as a stamp would use it.
	st, state, unlock, err := r.pendingFor(ctx, tc.ID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	usePending := st != nil
	rec, consumed, err := r.recordFor(ctx, tc, nil, state, st)
	if err != nil {
		return nil, err
	}
	// What each source says, file by file.
	files := map[string][]sourceFile{}
	var refs []provenance.Ref
	for _, s := range sources {
		sid, err := r.git.ResolveCommit(ctx, s)
		if err != nil {
			return nil, err
		}
		if sid == tc.ID {
			continue
		}
		srec, digest, err := r.sourceRecord(ctx, sid)
		if err != nil {
			return nil, err
		}
		if digest != "" {
			refs = append(refs, provenance.Ref{Digest: digest, Commit: sid})
		}
		for _, f := range srec.Files {
			if len(f.Spans) == 0 {
				continue
			}
			data, err := r.ReadFile(ctx, sid, f.Path)
			if err != nil {
				return nil, fmt.Errorf("repo: carry from %s: %w", sid, err)
			}
			lines := diff.Lines(data)
			sf := sourceFile{lines: lines, attrs: make([]attr, len(lines)), authors: srec.Authors}
			for i := range sf.attrs {
				sf.attrs[i] = baseAttr
			}
			for _, sp := range f.Spans {
				for n := sp.Start; n <= sp.End && n <= len(lines); n++ {
					sf.attrs[n-1] = attr{sp.Author, sp.Class}
				}
			}
			files[f.Path] = append(files[f.Path], sf)
		}
	}
	// Which target lines are captured (they keep their attribution).
	captured := map[string]map[int]bool{}
	if consumed {
		captured = r.capturedLines(ctx, tc.ID, rec, state)
	}
	authorIdx := func(a provenance.Author) int {
		if i := slices.Index(rec.Authors, a); i >= 0 {
			return i
		}
		rec.Authors = append(rec.Authors, a)
		return len(rec.Authors) - 1
	}
	carried := 0
	for fi := range rec.Files {
		f := &rec.Files[fi]
		if len(f.Spans) == 0 {
			continue
		}
		cands := files[f.Path]
		if len(cands) == 0 {
			// Renamed since: look in every attributed file.
			for _, c := range files {
				cands = append(cands, c...)
			}
		}
		if len(cands) == 0 {
			continue
		}
		data, err := r.ReadFile(ctx, tc.ID, f.Path)
		if err != nil {
			return nil, err
		}
		tlines := diff.Lines(data)
		maps := make([][]int, len(cands))
		for i, c := range cands {
			maps[i] = diff.Map(c.lines, tlines)
		}
		var spans []provenance.Span
		for _, sp := range f.Spans {
			for n := sp.Start; n <= sp.End; n++ {
				a, class := sp.Author, sp.Class
				if !captured[f.Path][n] {
					for i := len(cands) - 1; i >= 0; i-- {
						if j := maps[i][n-1]; j >= 0 && cands[i].attrs[j].author >= 0 {
							src := cands[i].attrs[j]
							a, class = authorIdx(cands[i].authors[src.author]), src.class
							carried++
							break
						}
					}
				}
				if k := len(spans); k > 0 && spans[k-1].End == n-1 && spans[k-1].Author == a && spans[k-1].Class == class {
					spans[k-1].End = n
					continue
				}
				spans = append(spans, provenance.Span{Start: n, End: n, Author: a, Class: class})
			}
		}
		f.Spans = spans
	}
	rec.DerivedFrom = refs
	if carried > 0 || len(refs) > 0 {
		rec.Method = provenance.MethodCarried
	}
	rec.Normalize()
	if err := rec.Validate(); err != nil {
		return nil, fmt.Errorf("repo: carry onto %s: %w", tc.ID, err)
	}
	// Nothing new to say: leave the note as it is.
	if prev, prevSigned, err := r.storedRecord(ctx, tc.ID); err != nil {
		return nil, err
	} else if prev != nil && (prevSigned || opts.Signer == nil) {
		a, _ := prev.Encode()
		b, _ := rec.Encode()
		if bytes.Equal(a, b) {
			return &StampResult{Record: prev, Signed: prevSigned, Existing: true}, nil
		}
	}
	res, err := r.store(ctx, tc.ID, tc.Raw, rec, opts.Signer, fmt.Sprintf("carried from %d commits", len(sources)))
	if err != nil {
		return nil, err
	}
	if usePending && consumed {
		if err := st.save(state); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// capturedLines returns the lines of rec that came from capture: those
// whose author is not the commit's conventions default. buildRecord marks
// the record's method; here we recompute per line from the pending state
// as it was before the commit consumed it.
func (r *Repo) capturedLines(ctx context.Context, commit string, rec *provenance.Record, state *pendingState) map[string]map[int]bool {
	out := map[string]map[int]bool{}
	c, err := r.Commit(ctx, commit)
	if err != nil {
		return out
	}
	def, defClass := InferAuthor(c)
	for _, f := range rec.Files {
		for _, sp := range f.Spans {
			if rec.Authors[sp.Author] == def && sp.Class == defClass {
				continue
			}
			if out[f.Path] == nil {
				out[f.Path] = map[int]bool{}
			}
			for n := sp.Start; n <= sp.End; n++ {
				out[f.Path][n] = true
			}
		}
	}
	return out
}

// store signs (or not) a record and adds it to the commit's note.
func (r *Repo) store(ctx context.Context, commit string, object []byte, rec *provenance.Record, signer attestSigner, what string) (*StampResult, error) {
	var line []byte
	signed := signer != nil
	if signed {
		st, err := attest.NewStatement(rec, object)
		if err != nil {
			return nil, err
		}
		b, err := attest.SignToBundle(st, signer)
		if err != nil {
			return nil, err
		}
		line = b.Bytes()
	} else {
		env, err := attest.Unsigned(rec, object)
		if err != nil {
			return nil, err
		}
		line = env.Bytes()
	}
	count := rec.Count()
	how := "unsigned"
	if signed {
		how = "signed"
	}
	msg := fmt.Sprintf("hallmark: %s %s (%s, %s)\n\n%d lines: %d ai, %d mixed, %d human, %d unknown.\n",
		what, commit[:12], how, rec.Method, count.Total(), count.AI, count.Mixed, count.Human, count.Unknown)
	if err := r.AddNote(ctx, commit, [][]byte{line}, msg); err != nil {
		return nil, err
	}
	return &StampResult{Record: rec, Signed: signed}, nil
}
