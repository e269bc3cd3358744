package repo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/diff"
	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/sigstore/sigstore/pkg/signature"
)

// StampOptions says how to sign. A nil value or a nil Signer keeps the
// record unsigned, which verification reports as such.
type StampOptions struct {
	Signer signature.Signer
	// Force stamps again a commit that already has a record, with what is
	// known now. Without it, stamping a stamped commit only adds a signature
	// to an unsigned record.
	Force bool
	// Trust is whose records a carry takes its sources from, and whose
	// signature makes a commit already stamped. Nil means the signer's
	// own key.
	Trust *Trust
	// Progress, when set, is called by [Repo.StampRange] as the range's
	// commits are read, with the count so far and the range's size.
	Progress func(done, total int)
	// headDiff, set by the post-commit hook's runner, is the output of
	// headDiffCommand, started before the stamp: used if it is the diff of
	// the commit stamped.
	headDiff io.Reader
	// Recorder names the program that makes the records (a vendor's agent
	// or editor, and its version); the zero value means [DefaultRecorder].
	Recorder provenance.Recorder
}

// StampResult is what a stamp stored.
type StampResult struct {
	Record   *provenance.Record
	Signed   bool
	Existing bool // the commit was stamped already; nothing was added
}

// storedRecord returns the record the commit's note holds, if any, and
// whether an envelope carrying it has a signature. The signature is not
// verified here; verification is Verify's job.
func (r *Repo) storedRecord(ctx context.Context, commit string) (*provenance.Record, bool, error) {
	lines, err := r.Note(ctx, commit)
	if err != nil {
		return nil, false, err
	}
	var found *provenance.Record
	signed := false
	for _, l := range lines {
		rec, err := attest.ReadUnverified(l)
		if err != nil || rec.Commit != commit {
			continue
		}
		if found == nil {
			found = rec
		}
		if env, _, err := attest.ParseAttestation(l); err == nil && len(env.Signatures) > 0 {
			signed = true
			found = rec
		}
	}
	return found, signed, nil
}

// Stamp builds the record of a commit and stores it, signed or not, in
// the commit's note. For the commit at HEAD in a work tree, the pending
// attribution is intersected with the commit's diff: captured lines keep
// their authors, the rest fall back to the commit conventions, and what was
// not committed stays pending.
func (r *Repo) Stamp(ctx context.Context, rev string, opts *StampOptions) (*StampResult, error) {
	if opts == nil {
		opts = &StampOptions{}
	}
	c, err := r.commit(ctx, rev)
	if err != nil {
		return nil, err
	}
	st, state, unlock, err := r.pendingFor(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	defer unlock()
	usePending := st != nil
	caught := false
	if usePending {
		// Commits whose stamp failed come first (catchup.go).
		if caught, err = r.catchUp(ctx, c, st, state, opts); err != nil {
			return nil, err
		}
	}
	rec, consumed, err := r.recordFor(ctx, c, opts.headDiff, state, st)
	if err != nil {
		return nil, err
	}
	rec.Recorder = recorderOr(opts.Recorder)
	if !consumed && !opts.Force {
		done, err := r.stamped(ctx, c, opts.Signer)
		if err != nil {
			return nil, err
		}
		if done != nil {
			return done, nil
		}
		// A record this repository computed earlier, from a capture that is
		// gone now (a stamp whose key could not be used), is signed as it
		// was computed; an unsigned record found in the note never is:
		// anyone who can push the notes ref can write one.
		if opts.Signer != nil {
			if kept := r.computedRecord(c.ID); kept != nil {
				rec = kept
			}
		}
	}
	res, err := r.store(ctx, c.ID, c.Raw, rec, opts.Signer, "stamp")
	if err != nil {
		return nil, err
	}
	if opts.Signer == nil && consumed {
		r.keepComputed(rec)
	} else if opts.Signer != nil {
		r.dropComputed(c.ID)
	}
	// Only once the note is stored is the pending attribution let go.
	if usePending && (consumed || caught || state.Base != c.ID) {
		if head := r.headID(ctx); head == c.ID {
			state.Base = c.ID // what is pending now was captured on it
		}
		if err := st.save(state); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// stamped reports whether a commit is stamped already: with a signer, a
// record whose signature verifies under the signer's own key (an envelope
// with a garbage signature does not count); without one, any record of
// the commit.
func (r *Repo) stamped(ctx context.Context, c *git.Commit, signer attestSigner) (*StampResult, error) {
	lines, err := r.Note(ctx, c.ID)
	if err != nil || len(lines) == 0 {
		return nil, err
	}
	if signer == nil {
		for _, l := range lines {
			if rec, err := attest.ReadUnverified(l); err == nil && rec.Commit == c.ID {
				return &StampResult{Record: rec, Signed: hasSignature(l), Existing: true}, nil
			}
		}
		return nil, nil
	}
	self, err := selfTrust(signer)
	if err != nil {
		return nil, err
	}
	if s := scanNote(lines, c.ID, c.Raw, self); len(s.records) > 0 {
		return &StampResult{Record: s.records[0].rec, Signed: true, Existing: true}, nil
	}
	return nil, nil
}

func hasSignature(line []byte) bool {
	env, _, err := attest.ParseAttestation(line)
	return err == nil && len(env.Signatures) > 0
}

// selfTrust trusts exactly the signer's own key.
func selfTrust(signer attestSigner) (*Trust, error) {
	pub, err := signer.PublicKey()
	if err != nil {
		return nil, err
	}
	ring, err := attest.NewKeyring(attest.TrustedKey{Name: "self", Key: pub})
	if err != nil {
		return nil, err
	}
	return &Trust{Keyring: ring}, nil
}

// computedDir keeps the records a stamp computed from a capture but
// could not sign, in the git directory (which the notes ref's writers
// cannot reach), so that a later stamp with a working key signs what was
// computed then rather than what the note says.
func (r *Repo) computedDir() string { return filepath.Join(r.git.GitDir, "hallmark", "computed") }

func (r *Repo) keepComputed(rec *provenance.Record) {
	b, err := rec.Encode()
	if err != nil {
		return
	}
	if os.MkdirAll(r.computedDir(), 0o700) == nil {
		_ = os.WriteFile(filepath.Join(r.computedDir(), rec.Commit+".json"), b, 0o600)
	}
}

func (r *Repo) computedRecord(commit string) *provenance.Record {
	b, err := os.ReadFile(filepath.Join(r.computedDir(), commit+".json"))
	if err != nil {
		return nil
	}
	rec, err := provenance.Decode(b)
	if err != nil || rec.Commit != commit {
		return nil
	}
	return rec
}

func (r *Repo) dropComputed(commit string) {
	_ = os.Remove(filepath.Join(r.computedDir(), commit+".json"))
}

// attestSigner is what signing needs of a key.
type attestSigner = signature.Signer

// recordFor is buildRecord over the commit's diff, taken from headDiff
// when that is the commit's (see addedFrom).
func (r *Repo) recordFor(ctx context.Context, c *git.Commit, headDiff io.Reader, state *pendingState, st *store) (*provenance.Record, bool, error) {
	files, err := r.addedFrom(ctx, c, headDiff)
	if err != nil {
		return nil, false, err
	}
	return r.buildRecord(ctx, c, files, state, st)
}

// buildRecord attributes the commit's added lines. With a store, captured
// attribution is used and the committed lines are removed from state.
func (r *Repo) buildRecord(ctx context.Context, c *git.Commit, files []git.FileDiff, state *pendingState, st *store) (*provenance.Record, bool, error) {
	defAuthor, defClass := inferAuthor(c)
	rec := &provenance.Record{Commit: c.ID, Tree: c.Tree, Parents: c.Parents, Method: provenance.MethodConventions, Recorder: DefaultRecorder()}
	authorIdx := func(a provenance.Author) int {
		for i, x := range rec.Authors {
			if x == a {
				return i
			}
		}
		rec.Authors = append(rec.Authors, a)
		return len(rec.Authors) - 1
	}
	consumed := false
	contents, err := r.committedContents(ctx, c, files, state, st)
	if err != nil {
		return nil, false, err
	}
	for i, f := range files {
		if f.Gitlink {
			continue
		}
		data := contents[i]
		sum := sha256.Sum256(data)
		pf := provenance.File{Path: f.Path, Digest: "sha256:" + hex.EncodeToString(sum[:]), Spans: []provenance.Span{}}
		if f.Binary || isBinary(data) {
			rec.Files = append(rec.Files, pf)
			continue
		}
		committed := diff.Lines(data)
		pf.Lines = len(committed)
		var snapAttrs []attr
		var toSnap []int
		key := git.Quote(f.Path)
		pend := state.Files[key]
		if pend != nil && st != nil {
			snap, err := st.snapshot(pend)
			if err != nil {
				return nil, false, err
			}
			snapLines := diff.Lines(snap)
			snapAttrs = pend.lineAttrs(len(snapLines))
			toSnap = diff.Map(snapLines, committed)
			// Lines of the snapshot now committed become base.
			back := diff.Map(committed, snapLines)
			for i, j := range back {
				if j >= 0 {
					snapAttrs[i] = baseAttr
				}
			}
			consumed = true
			next := pend.withSnapshot(spansFromAttrs(snapAttrs), append([]removedRun(nil), pend.Removed...))
			state.Files[key] = next
			// lineAttrs again: the loop above changed snapAttrs for the state.
			snapAttrs = pend.lineAttrs(len(snapLines))
		}
		next := state.Files[key]
		for _, n := range f.Added {
			a, class := defAuthor, defClass
			if toSnap != nil && n-1 < len(toSnap) {
				if i := toSnap[n-1]; i >= 0 && snapAttrs[i].author >= 0 {
					a, class = state.Authors[snapAttrs[i].author], snapAttrs[i].class
					rec.Method = provenance.MethodCapture
				} else if back, ok := next.recallAt(committed, n-1); ok && st != nil {
					a, class = state.Authors[back.author], back.class
					rec.Method = provenance.MethodCapture
					consumed = true
				}
			}
			idx := authorIdx(a)
			if k := len(pf.Spans); k > 0 && pf.Spans[k-1].End == n-1 && pf.Spans[k-1].Author == idx && pf.Spans[k-1].Class == class {
				pf.Spans[k-1].End = n
				continue
			}
			pf.Spans = append(pf.Spans, provenance.Span{Start: n, End: n, Author: idx, Class: class})
		}
		rec.Files = append(rec.Files, pf)
		// Once a file is committed with no pending lines left, what it
		// remembered of removed lines is let go too.
		if next != nil && len(next.Spans) == 0 {
			delete(state.Files, key)
		}
	}
	if len(rec.Authors) == 0 {
		rec.Authors = []provenance.Author{defAuthor}
	}
	rec.Normalize()
	if err := rec.Validate(); err != nil {
		return nil, false, fmt.Errorf("repo: commit %s: %w", c.ID, err)
	}
	return rec, consumed, nil
}

// committedContents returns the new content of each file of a commit's
// diff (nil for submodules). A file committed exactly as the last
// checkpoint saw it (the usual case: an agent's edit, staged as it was)
// is its snapshot, known by its blob id; the others are read from git, in
// one round trip of the cat-file process.
func (r *Repo) committedContents(ctx context.Context, c *git.Commit, files []git.FileDiff, state *pendingState, st *store) ([][]byte, error) {
	contents := make([][]byte, len(files))
	var names []string
	var from []int
	for i, f := range files {
		if f.Gitlink {
			continue
		}
		if pend := state.Files[git.Quote(f.Path)]; pend != nil && st != nil && f.Blob != "" {
			if snap, err := st.snapshot(pend); err == nil && git.BlobID(snap, len(f.Blob)) == f.Blob {
				contents[i] = snap
				continue
			}
		}
		if f.Blob != "" {
			names = append(names, f.Blob)
		} else { // a rename without change, a mode change
			names = append(names, c.ID+":"+f.Path)
		}
		from = append(from, i)
	}
	if len(names) == 0 {
		return contents, nil
	}
	objs, err := r.readMany(ctx, names)
	if err != nil {
		return nil, err
	}
	for k, obj := range objs {
		f := files[from[k]]
		if obj.Err != nil || obj.Type != "blob" {
			return nil, fmt.Errorf("repo: read %s in %s: %v", f.Path, c.ID, obj.Err)
		}
		contents[from[k]] = obj.Data
	}
	return contents, nil
}

// objectIDLen is the number of hex digits of the repository's object ids
// (40 for SHA-1, 64 for SHA-256), learnt from HEAD; 0 while HEAD is unborn.
func (r *Repo) objectIDLen(ctx context.Context) int {
	if r.idLen.Load() == 0 {
		if b, err := r.reader(ctx); err == nil {
			if id, _, _, err := b.ReadID("HEAD"); err == nil {
				r.idLen.Store(int32(len(id)))
			}
		}
	}
	return int(r.idLen.Load())
}

// isHead reports whether id is the commit HEAD points at.
func (r *Repo) isHead(ctx context.Context, id string) bool {
	b, err := r.reader(ctx)
	if err != nil {
		return false
	}
	head, _, _, err := b.ReadID("HEAD^{commit}")
	return err == nil && head == id
}

// pendingFor opens the pending attribution, locked, when commit is the
// HEAD of a work tree (only then was it made from the work tree); else it
// returns an empty state and a nil store. Call unlock when done.
func (r *Repo) pendingFor(ctx context.Context, commit string) (*store, *pendingState, func(), error) {
	empty := &pendingState{Files: map[string]*pendingFile{}}
	if r.git.Bare || r.git.WorkTree == "" {
		return nil, empty, func() {}, nil
	}
	st, state, unlock, err := r.openPending(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	// HEAD, or a commit made since the capture began whose stamp failed.
	if head := r.headID(ctx); head != commit && !r.capturedSince(ctx, state, commit, head) {
		unlock()
		return nil, empty, func() {}, nil
	}
	return st, state, unlock, nil
}

// openPending locks and loads the pending attribution.
func (r *Repo) openPending(ctx context.Context) (*store, *pendingState, func(), error) {
	st := newStore(r.git.GitDir)
	st.idLen = r.objectIDLen(ctx)
	unlock, err := st.lock()
	if err != nil {
		return nil, nil, nil, err
	}
	state, err := st.load()
	if err != nil {
		unlock()
		return nil, nil, nil, err
	}
	return st, state, unlock, nil
}
