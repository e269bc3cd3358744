package repo

import (
	"bytes"
	"context"
	"fmt"
	"github.com/hallmark-dev/hallmark/internal/words"
	"slices"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/diff"
	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/policy"
	"github.com/hallmark-dev/hallmark/provenance"
)

// carryTrust is whose records a carry takes its sources from: the trust
// given; else the policy committed at the target's first parent, with the
// signer's own key beside it (a person rebasing their own and their
// colleagues' commits); else the signer's key alone; else none (an
// unsigned carry, from whatever records are there: its result verifies
// as unsigned at best). Whatever is cited, verify checks again under its
// own trust.
func (r *Repo) carryTrust(ctx context.Context, target *git.Commit, opts *StampOptions) (*Trust, error) {
	if opts.Trust != nil {
		return opts.Trust, nil
	}
	if opts.Signer == nil {
		return nil, nil
	}
	self, err := selfTrust(opts.Signer)
	if err != nil || len(target.Parents) == 0 {
		return self, err
	}
	pol, ring, err := r.PolicyAt(ctx, target.Parents[0])
	if err != nil || ring.Len() == 0 {
		return self, nil // no policy to widen the trust with
	}
	if err := ring.Merge(self.Keyring); err != nil {
		return self, nil // the policy names a key "self": keep to the signer's own
	}
	withSelf := *pol
	withSelf.Keys = append(slices.Clone(pol.Keys), policy.Key{Name: "self", PublicKey: "(the carrier's own key)"})
	return &Trust{Keyring: ring, Policy: &withSelf}, nil
}

// loadSource resolves one source commit of a carry: the record to carry
// from (one signed by a trusted key allowed to sign it, when there is a
// trust), and adds to ev what a verifier will need once the commit is
// gone. It returns nil when the commit has no usable record.
func (r *Repo) loadSource(ctx context.Context, sid string, trust *Trust, ev *carryEvidence) (*carrySource, error) {
	c, err := r.commit(ctx, sid)
	if err != nil {
		return nil, err
	}
	lines, err := r.Note(ctx, sid)
	if err != nil {
		return nil, err
	}
	var rec *provenance.Record
	var line []byte
	if trust != nil {
		s := scanNote(lines, sid, c.Raw, trust)
		for _, sr := range s.records {
			if rec != nil && !sameAttribution(rec, sr.rec) {
				return nil, fmt.Errorf("%w: %s has trusted records that disagree; resolve that before carrying from it", ErrConflict, short(sid))
			}
			if rec == nil {
				rec, line = sr.rec, lines[sr.line-1]
			}
		}
	} else {
		for _, l := range lines {
			if x, err := attest.ReadUnverified(l); err == nil && x.Commit == sid {
				rec, line = x, l
				break
			}
		}
	}
	if rec == nil {
		return nil, nil
	}
	digest, err := rec.Digest()
	if err != nil {
		return nil, err
	}
	ev.addSource(evidenceSource{Commit: sid, Object: c.Raw, Envelope: line})
	// A carried source's own evidence travels on, for the chain behind it.
	for _, l := range lines {
		if isEvidence(l) {
			if sev, err := parseEvidence(l); err == nil && sev.Commit == sid {
				for _, s := range sev.Sources {
					ev.addSource(s)
				}
			}
		}
	}
	return newCarrySource(c, digest, rec, func(f provenance.File) ([]byte, error) {
		data, err := r.ReadFile(ctx, sid, f.Path)
		if err == nil {
			ev.addBlob(data)
		}
		return data, err
	})
}

// Carry builds and stores the record of target from the records of the
// commits it was made from (an amend, a rebase, a squash, a cherry-pick, a
// squash-merge on a server). Each line target adds that is an unchanged
// copy of a line a source attributes takes that attribution (the newest
// source first); the other lines are new in target and take what was
// captured for them, else target's own conventions.
//
// The carried record names the records it derives from by digest, and
// the note keeps beside it the evidence a verifier needs to do the carry
// again once the sources are gone: their envelopes, commit objects and
// attributed files. Sources are taken only from records signed by a key
// of opts.Trust allowed to sign them (by default the signer's own key).
func (r *Repo) Carry(ctx context.Context, sources []string, target string, opts *StampOptions) (*StampResult, error) {
	if opts == nil {
		opts = &StampOptions{}
	}
	tc, err := r.commit(ctx, target)
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
	rec.Recorder = recorderOr(opts.Recorder)
	trust, err := r.carryTrust(ctx, tc, opts)
	if err != nil {
		return nil, err
	}
	ev := &carryEvidence{Version: 1, Commit: tc.ID}
	var srcs []*carrySource
	for _, s := range sources {
		sid, err := r.git.ResolveCommit(ctx, s)
		if err != nil {
			return nil, err
		}
		if sid == tc.ID {
			continue
		}
		cs, err := r.loadSource(ctx, sid, trust, ev)
		if err != nil {
			return nil, fmt.Errorf("repo: carry from %s: %w", short(sid), err)
		}
		if cs != nil {
			srcs = append(srcs, cs)
		}
	}
	orderSources(srcs)
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
		if len(f.Spans) == 0 || len(srcs) == 0 {
			continue
		}
		data, err := r.ReadFile(ctx, tc.ID, f.Path)
		if err != nil {
			return nil, err
		}
		attrs := carriedAttrs(srcs, f.Path, diff.Lines(data))
		var spans []provenance.Span
		for _, sp := range f.Spans {
			for n := sp.Start; n <= sp.End; n++ {
				a, class := sp.Author, sp.Class
				if src := attrs[n-1]; src != nil {
					a, class = authorIdx(src.author), src.class
					carried++
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
	var refs []provenance.Ref
	for _, s := range srcs {
		refs = append(refs, provenance.Ref{Digest: s.digest, Commit: s.commit.ID})
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
	var extra [][]byte
	if len(refs) > 0 {
		if b, err := ev.encode(); err == nil {
			extra = append(extra, b)
		}
	}
	res, err := r.storeWith(ctx, tc.ID, tc.Raw, rec, opts.Signer, "carried from "+words.Count(len(sources), "commit"), extra)
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

// store signs (or not) a record and adds it to the commit's note.
func (r *Repo) store(ctx context.Context, commit string, object []byte, rec *provenance.Record, signer attestSigner, what string) (*StampResult, error) {
	return r.storeWith(ctx, commit, object, rec, signer, what, nil)
}

// storeWith is store with more lines for the note (a carry's evidence).
func (r *Repo) storeWith(ctx context.Context, commit string, object []byte, rec *provenance.Record, signer attestSigner, what string, extra [][]byte) (*StampResult, error) {
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
	msg := fmt.Sprintf("hallmark: %s %s (%s, %s)\n\n%s: %d ai, %d mixed, %d human, %d unknown.\n",
		what, commit[:12], how, rec.Method, words.Count(count.Total(), "line"), count.AI, count.Mixed, count.Human, count.Unknown)
	if err := r.AddNote(ctx, commit, append([][]byte{line}, extra...), msg); err != nil {
		return nil, err
	}
	return &StampResult{Record: rec, Signed: signed}, nil
}
