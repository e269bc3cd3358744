package repo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/policy"
	"github.com/hallmark-dev/hallmark/provenance"
)

// VerifyOptions says what to check a history against.
type VerifyOptions struct {
	// Keyring holds the trusted keys. Required.
	Keyring *attest.Keyring
	// Policy adds requirements and limits what each key may sign; nil
	// means every key of the keyring may sign every claim, and nothing
	// more is required than that what is signed verifies.
	Policy *policy.Policy
	// Range is what `git rev-list` takes: "v1.0..HEAD", or a revision.
	// Empty means HEAD.
	Range []string
}

// The status of a commit after verification.
const (
	StatusVerified  = "verified"  // a record signed by a trusted key that checks out
	StatusInvalid   = "invalid"   // a trusted signature over a record that does not match the commit
	StatusUnsigned  = "unsigned"  // records, but none with a signature
	StatusUntrusted = "untrusted" // signatures, but none by a trusted key allowed to sign it
	StatusMissing   = "missing"   // no record at all
)

// CommitVerdict is what verification found about one commit.
type CommitVerdict struct {
	Commit    string   `json:"commit"`
	Subject   string   `json:"subject"`
	Status    string   `json:"status"`
	Method    string   `json:"method,omitempty"`
	Signers   []string `json:"signers,omitempty"`
	Reviewers []string `json:"reviewers,omitempty"`
	// ShallowBoundary is set for the oldest commits of a shallow clone,
	// whose parents are missing: what they added cannot be computed, so
	// their coverage is not checked (their digests and signatures are).
	ShallowBoundary bool `json:"shallow_boundary,omitempty"`
	Tally
	Problems []string `json:"problems,omitempty"`
}

// VerifyReport is the verdict on a range.
type VerifyReport struct {
	Range      string          `json:"range"`
	Commits    []CommitVerdict `json:"commits"`
	Envelopes  int             `json:"envelopes_checked"`
	Tally                      // over the range, from the best record of each commit
	Violations []string        `json:"violations"`
	Pass       bool            `json:"pass"`
}

// maxChain bounds how far derivation chains are walked.
const maxChain = 32

// Verify checks every commit in the range: a record signed by a trusted
// key allowed to sign it, about that commit, whose file digests match the
// commit's files and whose spans cover exactly the lines the commit added;
// the records it derives from, back to the originals; and the policy's
// requirements. Reading is bulk: one `git log -p` for the diffs and one
// `git cat-file --batch` for the objects.
func (r *Repo) Verify(ctx context.Context, opts *VerifyOptions) (*VerifyReport, error) {
	if opts == nil || opts.Keyring.Len() == 0 {
		return nil, attest.ErrNoKeys
	}
	rng := opts.Range
	if len(rng) == 0 {
		rng = []string{"HEAD"}
	}
	for _, a := range rng {
		if strings.HasPrefix(a, "-") {
			return nil, fmt.Errorf("%w: %q", git.ErrBadRevision, a)
		}
	}
	if len(rng) == 1 && !strings.Contains(rng[0], "..") {
		if _, err := r.git.ResolveCommit(ctx, rng[0]); err != nil {
			return nil, err
		}
	}
	noted, err := r.NotedCommits(ctx)
	if err != nil {
		return nil, err
	}
	b, err := r.reader(ctx)
	if err != nil {
		return nil, err
	}
	v := &verifier{r: r, ctx: ctx, opts: opts, noted: noted, batch: b, shallow: map[string]bool{}}
	if data, err := os.ReadFile(filepath.Join(r.git.GitDir, "shallow")); err == nil {
		for _, id := range strings.Fields(string(data)) {
			v.shallow[id] = true
		}
	}
	rep := &VerifyReport{Range: strings.Join(rng, " ")}
	// A pipeline over two cores: `git log -p` streams the range's diffs,
	// one goroutine reads what each commit needs (its note, the files it
	// changed) through cat-file, and workers verify signatures.
	jobs := make(chan *verifyJob, 64)
	type result struct {
		idx   int
		cv    CommitVerdict
		count provenance.Count
	}
	out := make(chan result, 64)
	var readErr error
	go func() {
		defer close(jobs)
		readErr = r.streamLog(ctx, rng, func(i int, c *git.Commit, files []git.FileDiff) error {
			j, err := v.fetch(i, c, files)
			if err != nil {
				return err
			}
			jobs <- j
			return nil
		})
	}()
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				cv, count := v.commit(j)
				out <- result{j.idx, cv, count}
			}
		}()
	}
	go func() { wg.Wait(); close(out) }()
	var all []result
	for res := range out {
		all = append(all, res)
	}
	if readErr != nil {
		var ge *git.Error
		if errors.As(readErr, &ge) {
			return nil, fmt.Errorf("%w: %v", git.ErrBadRevision, readErr)
		}
		return nil, readErr
	}
	// git log gives newest first; the report lists oldest first.
	slices.SortFunc(all, func(a, b result) int { return b.idx - a.idx })
	var total provenance.Count
	for _, res := range all {
		total.AI += res.count.AI
		total.Mixed += res.count.Mixed
		total.Human += res.count.Human
		total.Unknown += res.count.Unknown
		rep.Commits = append(rep.Commits, res.cv)
	}
	rep.Envelopes = int(v.envelopes.Load())
	rep.Tally = NewTally(total)
	rep.Violations = v.violations(rep)
	rep.Pass = len(rep.Violations) == 0
	return rep, nil
}

type verifier struct {
	r         *Repo
	ctx       context.Context
	opts      *VerifyOptions
	noted     map[string]string
	batch     *git.Batch
	envelopes atomic.Int64
	shallow   map[string]bool
}

// verifyJob is what one commit's verification needs, read ahead.
type verifyJob struct {
	idx   int
	c     *git.Commit
	files []git.FileDiff
	note  [][]byte
	blobs map[string][]byte // the commit's changed files, by path
	err   error             // the note could not be read
}

// fetch reads ahead what verifying commit id needs.
func (v *verifier) fetch(i int, logged *git.Commit, files []git.FileDiff) (*verifyJob, error) {
	id := logged.ID
	// One round trip for the commit, its note and its changed files.
	names := []string{id}
	blob, noted := v.noted[id]
	if noted {
		names = append(names, blob)
		for _, f := range files {
			if !f.Gitlink {
				names = append(names, id+":"+f.Path)
			}
		}
	}
	objs, err := v.batch.ReadMany(names)
	if err != nil {
		return nil, err
	}
	if objs[0].Err != nil || objs[0].Type != "commit" {
		return nil, fmt.Errorf("repo: read commit %s: %v", id, objs[0].Err)
	}
	c, err := git.ParseCommit(id, objs[0].Data)
	if err != nil {
		return nil, err
	}
	j := &verifyJob{idx: i, c: c, files: files, blobs: map[string][]byte{}}
	if noted {
		if objs[1].Err != nil {
			j.err = objs[1].Err
		} else {
			j.note = splitNote(objs[1].Data)
		}
		k := 2
		for _, f := range files {
			if f.Gitlink {
				continue
			}
			if objs[k].Err == nil {
				j.blobs[f.Path] = objs[k].Data
			}
			k++
		}
	}
	if len(c.Parents) > 1 { // a merge: its own lines need a diff against each parent
		if j.files, err = v.r.Added(v.ctx, c); err != nil {
			return nil, err
		}
		if noted {
			for _, f := range j.files {
				if _, data, err := v.batch.Read(id + ":" + f.Path); err == nil && !f.Gitlink {
					j.blobs[f.Path] = data
				}
			}
		}
	}
	return j, nil
}

// allowed reports whether the named key may sign the claim.
func (v *verifier) allowed(name string, c policy.Claim) bool {
	if v.opts.Policy == nil {
		return true
	}
	k, ok := v.opts.Policy.Key(name)
	if !ok {
		// Keys given on the command line, beside the policy's, may sign anything.
		return true
	}
	return k.Allows(c)
}

func claimOf(rec *provenance.Record) policy.Claim {
	if rec.Method == provenance.MethodCarried {
		return policy.ClaimCarry
	}
	return policy.ClaimRecord
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

// commit verifies one commit and returns its verdict and the count of its
// best record (verified, else unsigned, else inferred from conventions).
func (v *verifier) commit(j *verifyJob) (CommitVerdict, provenance.Count) {
	c, files, lines := j.c, j.files, j.note
	subject, _, _ := strings.Cut(c.Message, "\n")
	cv := CommitVerdict{Commit: c.ID, Subject: subject, Status: StatusMissing, ShallowBoundary: v.shallow[c.ID]}
	if j.err != nil {
		cv.Problems = append(cv.Problems, "note unreadable: "+j.err.Error())
	}
	vopts := &attest.VerifyOptions{Keyring: v.opts.Keyring, Commit: c.ID, CommitObject: c.Raw}
	var best, unsigned *provenance.Record
	sawSignature := false
	for i, l := range lines {
		v.envelopes.Add(1)
		// Records are the common case: verify as one first, and look at
		// the predicate type only when it is something else.
		res, err := attest.Verify(l, vopts)
		if errors.Is(err, attest.ErrStatement) {
			pt, perr := attest.PredicateTypeOf(l)
			if perr == nil && pt == attest.ReviewPredicateType {
				rv, err := attest.VerifyReview(l, vopts)
				if err != nil {
					cv.Problems = append(cv.Problems, fmt.Sprintf("review %d: %v", i+1, err))
					continue
				}
				for _, s := range rv.Signers {
					if v.allowed(s, policy.ClaimReview) && rv.Review.Verdict == attest.Approved {
						cv.Reviewers = append(cv.Reviewers, s)
					}
				}
				continue
			}
		}
		switch {
		case errors.Is(err, attest.ErrMalformed):
			cv.Problems = append(cv.Problems, fmt.Sprintf("note line %d is not an attestation: %v", i+1, err))
			continue
		case errors.Is(err, attest.ErrNoSignature):
			if rec, rerr := attest.ReadUnverified(l); rerr == nil && rec.Commit == c.ID && unsigned == nil {
				unsigned = rec
			}
			continue
		case errors.Is(err, attest.ErrBadSignature) || errors.Is(err, attest.ErrUnknownKey):
			sawSignature = true
			continue
		case err != nil:
			sawSignature = true
			cv.Problems = append(cv.Problems, fmt.Sprintf("record %d: %v", i+1, err))
			continue
		}
		sawSignature = true
		var signers []string
		for _, s := range res.Signers {
			if v.allowed(s, claimOf(res.Record)) {
				signers = append(signers, s)
			}
		}
		if len(signers) == 0 {
			cv.Problems = append(cv.Problems, fmt.Sprintf("record %d is signed by %v, not allowed to sign a %s claim", i+1, res.Signers, claimOf(res.Record)))
			continue
		}
		probs := v.checkRecord(c, files, j.blobs, res.Record, 0)
		if len(probs) > 0 {
			cv.Problems = append(cv.Problems, probs...)
			cv.Status = StatusInvalid
			continue
		}
		if best == nil {
			best = res.Record
			cv.Signers = signers
		}
	}
	var count provenance.Count
	switch {
	case best != nil:
		cv.Status = StatusVerified
		cv.Method = string(best.Method)
		count = best.Count()
	case cv.Status == StatusInvalid:
		// keep: a trusted signature over a wrong record is the worst case
	case sawSignature:
		cv.Status = StatusUntrusted
	case unsigned != nil:
		cv.Status = StatusUnsigned
	}
	if best == nil {
		rec := unsigned
		if rec == nil {
			var err error
			if rec, _, err = v.r.buildRecord(v.ctx, c, files, &pendingState{Files: map[string]*pendingFile{}}, nil); err != nil {
				cv.Problems = append(cv.Problems, "cannot infer attribution: "+err.Error())
				return cv, count
			}
		}
		cv.Method = string(rec.Method)
		count = rec.Count()
		best = rec
	}
	cv.Tally = NewTally(count)
	if v.opts.Policy != nil && len(v.opts.Policy.Require.Review) > 0 && len(cv.Reviewers) == 0 {
		for _, f := range best.Files {
			if !v.opts.Policy.NeedsReview(f.Path) {
				continue
			}
			if slices.ContainsFunc(f.Spans, func(s provenance.Span) bool { return s.Class == provenance.AI || s.Class == provenance.Mixed }) {
				cv.Problems = append(cv.Problems, fmt.Sprintf("AI lines in %s need a review attestation (hallmark review)", f.Path))
				break
			}
		}
	}
	return cv, count
}

// checkRecord compares a verified record with the commit: file digests,
// exact coverage of the added lines, and the derivation chain.
func (v *verifier) checkRecord(c *git.Commit, files []git.FileDiff, blobs map[string][]byte, rec *provenance.Record, depth int) []string {
	var probs []string
	want := map[string][]int{}
	for _, f := range files {
		if f.Gitlink || f.Binary {
			continue
		}
		if len(f.Added) > 0 {
			want[f.Path] = f.Added
		}
	}
	got := map[string]bool{}
	for _, f := range rec.Files {
		got[f.Path] = true
		data, ok := blobs[f.Path]
		var err error
		if !ok {
			_, data, err = v.batch.Read(c.ID + ":" + f.Path)
		}
		if err != nil {
			probs = append(probs, fmt.Sprintf("%s: not in the commit (%v)", f.Path, attest.ErrDigestMismatch))
			continue
		}
		sum := sha256.Sum256(data)
		if d := "sha256:" + hex.EncodeToString(sum[:]); d != f.Digest {
			probs = append(probs, fmt.Sprintf("%s: %v: the commit has %s, the record says %s", f.Path, attest.ErrDigestMismatch, d, f.Digest))
			continue
		}
		var lines []int
		for _, s := range f.Spans {
			for n := s.Start; n <= s.End; n++ {
				lines = append(lines, n)
			}
		}
		if w := want[f.Path]; !v.shallow[c.ID] && !slices.Equal(lines, w) {
			probs = append(probs, fmt.Sprintf("%s: the record covers %d lines, the commit adds %d (%s)", f.Path, len(lines), len(w), firstDifference(lines, w)))
		}
	}
	for p := range want {
		if !got[p] && !v.shallow[c.ID] {
			probs = append(probs, fmt.Sprintf("%s: the commit adds %d lines the record does not cover", p, len(want[p])))
		}
	}
	slices.Sort(probs)
	for _, ref := range rec.DerivedFrom {
		if err := v.checkDerived(ref, depth+1); err != nil {
			probs = append(probs, fmt.Sprintf("derived from %s of %s: %v", ref.Digest, short(ref.Commit), err))
		}
	}
	return probs
}

func firstDifference(a, b []int) string {
	for i := 0; i < len(a) || i < len(b); i++ {
		switch {
		case i >= len(a):
			return fmt.Sprintf("line %d is not covered", b[i])
		case i >= len(b):
			return fmt.Sprintf("line %d was not added", a[i])
		case a[i] != b[i]:
			return fmt.Sprintf("line %d vs line %d", a[i], b[i])
		}
	}
	return "same"
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

// checkDerived finds the record a carried record names and verifies its
// signature, and its own derivations in turn.
func (v *verifier) checkDerived(ref provenance.Ref, depth int) error {
	if depth > maxChain {
		return fmt.Errorf("chain longer than %d", maxChain)
	}
	typ, raw, err := v.batch.Read(ref.Commit)
	if err != nil || typ != "commit" {
		return fmt.Errorf("the commit no longer exists (fetch it, or keep it from gc)")
	}
	lines, err := v.noteLines(ref.Commit)
	if err != nil {
		return err
	}
	vopts := &attest.VerifyOptions{Keyring: v.opts.Keyring, Commit: ref.Commit, CommitObject: raw}
	found := false
	for _, l := range lines {
		rec, err := attest.ReadUnverified(l)
		if err != nil {
			continue
		}
		if d, err := rec.Digest(); err != nil || d != ref.Digest {
			continue
		}
		found = true
		res, err := attest.Verify(l, vopts)
		if err != nil {
			continue
		}
		for _, next := range res.Record.DerivedFrom {
			if err := v.checkDerived(next, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if !found {
		return errors.New("no record with that digest in the commit's note")
	}
	return fmt.Errorf("%w: the derived record is not signed by a trusted key", attest.ErrBadSignature)
}

// violations applies the policy to the verdicts.
func (v *verifier) violations(rep *VerifyReport) []string {
	var out []string
	p := v.opts.Policy
	for _, cv := range rep.Commits {
		switch {
		case cv.Status == StatusInvalid:
			out = append(out, fmt.Sprintf("%s: %s", short(cv.Commit), strings.Join(cv.Problems, "; ")))
		case p != nil && p.Require.Signed && cv.Status != StatusVerified:
			out = append(out, fmt.Sprintf("%s: %s: the policy requires every commit signed", short(cv.Commit), cv.Status))
		}
		if p != nil && len(p.Require.Review) > 0 {
			for _, pr := range cv.Problems {
				if strings.Contains(pr, "need a review attestation") {
					out = append(out, fmt.Sprintf("%s: %s", short(cv.Commit), pr))
				}
			}
		}
	}
	if p != nil && p.Require.MaxAIShare != nil && rep.AIShare > *p.Require.MaxAIShare {
		out = append(out, fmt.Sprintf("AI share %.1f%% is over the policy's maximum %.1f%%", 100*rep.AIShare, 100**p.Require.MaxAIShare))
	}
	return out
}

// streamLog runs `git log -p` over the range and calls each with every
// commit (newest first, numbered from 0) and what it adds; merges come
// with no files (the caller diffs them against each parent).
func (r *Repo) streamLog(ctx context.Context, rng []string, each func(i int, c *git.Commit, files []git.FileDiff) error) error {
	i := 0
	return r.git.Log(ctx, rng, func(e *git.LogEntry) error {
		err := each(i, e.Commit, withoutDeleted(e.Files))
		i++
		return err
	})
}

// addedInRange reads the lines each non-merge commit of the range adds.
func (r *Repo) addedInRange(ctx context.Context, rng []string) (map[string][]git.FileDiff, error) {
	m := map[string][]git.FileDiff{}
	err := r.streamLog(ctx, rng, func(_ int, c *git.Commit, files []git.FileDiff) error {
		if len(c.Parents) <= 1 {
			m[c.ID] = files
		}
		return nil
	})
	return m, err
}

// withoutDeleted drops the files a diff deletes: they add no lines.
func withoutDeleted(files []git.FileDiff) []git.FileDiff {
	out := files[:0]
	for _, f := range files {
		if !f.Deleted && f.Path != "" {
			out = append(out, f)
		}
	}
	return out
}
