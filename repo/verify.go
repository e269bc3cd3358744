package repo

import (
	"context"
	"errors"
	"fmt"
	"github.com/hallmark-dev/hallmark/internal/words"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
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
	// Keyring holds the trusted keys. Required: without a trusted key,
	// nothing can be verified.
	Keyring *attest.Keyring
	// Policy limits what each key may sign and adds requirements; nil
	// means every key of the keyring may sign every claim. It must not
	// come from the commits being verified (see [Repo.PolicyAt]).
	Policy *policy.Policy
	// Range is what `git rev-list` takes: "v1.0..HEAD", or a revision.
	// Empty means HEAD.
	Range []string
	// AllowUnsigned reports commits without a record signed by a trusted
	// key instead of counting them as violations.
	AllowUnsigned bool
	// SignedSince is an adoption point: the commits reachable from its
	// parents (the history before it) need no trusted record. The
	// revision itself and every later commit do.
	SignedSince string
	// SurvivingLines, when set, counts by class the lines of the range's
	// end that the range's commits added and that survive there (what
	// `hallmark report --since BASE` counts); the policy's max_ai_share
	// is judged on it, so that lines added and deleted again inside the
	// range cannot dilute the share. Without it, the share is over every
	// line the range's commits added.
	SurvivingLines func(ctx context.Context) (provenance.Count, error)
	// Progress, when set, is called as commits are verified, with the
	// count so far and the range's size.
	Progress func(done, total int)
}

// The status of a commit after verification.
const (
	StatusVerified  = "verified"  // a record signed by a trusted key allowed to sign it, consistent with the commit
	StatusInvalid   = "invalid"   // something in the note is wrong: a bad signature, a key beyond its rights, a record that does not match
	StatusConflict  = "conflict"  // trusted records that disagree
	StatusUnsigned  = "unsigned"  // records, but none with a signature
	StatusUntrusted = "untrusted" // signed, but by no trusted key
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
	// Exempt is set for a commit before the policy's adoption point
	// (SignedSince), or any commit under AllowUnsigned: it needs no
	// trusted record.
	Exempt bool `json:"exempt,omitempty"`
	// ShallowBoundary is set for the oldest commits of a shallow clone,
	// whose parents are missing: what they added cannot be computed, so
	// their coverage is not checked (their digests and signatures are).
	ShallowBoundary bool `json:"shallow_boundary,omitempty"`
	// Lines are the lines of the commit's best record, by class.
	Lines provenance.Count `json:"lines"`
	// BinaryFiles and BinaryBytes count the binary files the commit added
	// or changed (no lines to attribute; review rules still apply by path).
	BinaryFiles int       `json:"binary_files"`
	BinaryBytes int64     `json:"binary_bytes"`
	Problems    []Problem `json:"problems"`
}

// Violation is a problem that makes verification fail.
type Violation struct {
	Commit string `json:"commit,omitempty"` // empty for a problem of the whole range
	Problem
}

// Unwrap is the problem's cause, for errors.Is and errors.As.
func (v Violation) Unwrap() error { return v.Err }

func (v Violation) Error() string {
	if v.Commit == "" {
		return v.Message
	}
	return short(v.Commit) + ": " + v.Message
}

// VerifyReport is the verdict on a range.
type VerifyReport struct {
	Range     string          `json:"range"`
	Commits   []CommitVerdict `json:"commits"`
	Envelopes int             `json:"envelopes_checked"`
	// Lines are the range's lines, by class: the lines of the best record
	// of each commit, or the lines that survive (see ShareOf).
	Lines provenance.Count `json:"lines"`
	// ShareOf says what Lines, and the AI share, were measured on:
	// "surviving lines" or "added lines".
	ShareOf string `json:"share_of"`
	// Incomplete is set in a shallow clone: the range's oldest commits
	// have no parents here, so what they added is not known.
	Incomplete bool `json:"history_incomplete"`
	// BinaryFiles and BinaryBytes add up the commits' binary files.
	BinaryFiles int         `json:"binary_files"`
	BinaryBytes int64       `json:"binary_bytes"`
	Violations  []Violation `json:"violations"`
	Pass        bool        `json:"pass"`
}

// maxChain bounds how far derivation chains are walked.
const maxChain = 32

// Verify checks every commit in the range, and passes only when each has
// a record that verifies under a trusted key allowed to sign that kind of
// claim, whose tree, parents, file digests and lines are the commit's,
// and (for a carried record) that follows from sources that verify in
// turn; and the policy's requirements hold. A note line whose signature
// does not verify, two trusted records that disagree, and a trusted key
// signing beyond its rights are violations whatever else the note holds.
// Reading is bulk: one `git log -p` for the diffs and one `git cat-file
// --batch` for the objects, files read by blob id.
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
	v := &verifier{r: r, ctx: ctx, opts: opts, trust: &Trust{Keyring: opts.Keyring, Policy: opts.Policy}, noted: noted, batch: b, shallow: map[string]bool{}}
	if data, err := os.ReadFile(filepath.Join(r.git.GitDir, "shallow")); err == nil {
		for _, id := range strings.Fields(string(data)) {
			v.shallow[id] = true
		}
	}
	if opts.SignedSince != "" {
		if v.exempt, err = r.before(ctx, opts.SignedSince); err != nil {
			return nil, err
		}
	}
	rep := &VerifyReport{Range: strings.Join(rng, " "), Violations: []Violation{}}
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
		readErr = r.streamLog(ctx, append([]string{"--text", "--full-index"}, rng...), func(i int, c *git.Commit, files []git.FileDiff) error {
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
	size := 0
	if opts.Progress != nil {
		size = r.countRange(ctx, rng)
	}
	var all []result
	for res := range out {
		all = append(all, res)
		if opts.Progress != nil {
			opts.Progress(len(all), max(size, len(all)))
		}
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
		total.Merge(res.count)
		rep.Commits = append(rep.Commits, res.cv)
		rep.Incomplete = rep.Incomplete || res.cv.ShallowBoundary
		rep.BinaryFiles += res.cv.BinaryFiles
		rep.BinaryBytes += res.cv.BinaryBytes
	}
	rep.Envelopes = int(v.envelopes.Load())
	rep.ShareOf = "added lines"
	if opts.SurvivingLines != nil && len(all) > 0 {
		if total, err = opts.SurvivingLines(ctx); err != nil {
			return nil, err
		}
		rep.ShareOf = "surviving lines"
	}
	rep.Lines = total
	rep.Violations = v.violations(rep)
	rep.Pass = len(rep.Violations) == 0
	return rep, nil
}

// before returns the commits reachable from rev's parents: the history
// before an adoption point.
func (r *Repo) before(ctx context.Context, rev string) (map[string]bool, error) {
	c, err := r.commit(ctx, rev)
	if err != nil {
		return nil, fmt.Errorf("repo: signed_since %q: %w", rev, err)
	}
	out := map[string]bool{}
	if len(c.Parents) == 0 {
		return out, nil
	}
	ids, err := r.git.RevList(ctx, c.Parents...)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

type verifier struct {
	r         *Repo
	ctx       context.Context
	opts      *VerifyOptions
	trust     *Trust
	noted     map[string]string
	batch     *git.Batch
	envelopes atomic.Int64
	shallow   map[string]bool
	exempt    map[string]bool
}

// verifyJob is what one commit's verification needs, read ahead.
type verifyJob struct {
	idx   int
	c     *git.Commit
	files []git.FileDiff
	note  [][]byte
	blobs map[string][]byte // the commit's changed files, by path
	err   error             // the note could not be read
	// binaryFiles and binaryBytes count the binary files the commit
	// added or changed, and their sizes.
	binaryFiles int
	binaryBytes int64
	// verified is set by commit to the record it accepted, if any.
	verified *provenance.Record
}

// fetch reads ahead what verifying commit id needs: the commit, its note
// and, when it has a note, the files it changed, by blob id.
func (v *verifier) fetch(i int, logged *git.Commit, files []git.FileDiff) (*verifyJob, error) {
	id := logged.ID
	var err error
	j := &verifyJob{idx: i, files: files, blobs: map[string][]byte{}}
	objs, err := v.batch.ReadMany([]string{id})
	if err != nil {
		return nil, err
	}
	if objs[0].Err != nil || objs[0].Type != "commit" {
		return nil, fmt.Errorf("repo: read commit %s: %v", id, objs[0].Err)
	}
	if j.c, err = git.ParseCommit(id, objs[0].Data); err != nil {
		return nil, err
	}
	if len(j.c.Parents) > 1 { // a merge: its own lines need a diff against each parent
		if j.files, err = v.r.added(v.ctx, j.c); err != nil {
			return nil, err
		}
	}
	if blob, noted := v.noted[id]; noted {
		if notes, err := v.batch.ReadManyLimit([]string{blob}, MaxNoteSize); err != nil {
			return nil, err
		} else if o := notes[0]; errors.Is(o.Err, git.ErrTooLarge) {
			j.err = fmt.Errorf("%w: %d bytes, over %d", ErrNoteTooLarge, o.Size, MaxNoteSize)
		} else if o.Err != nil {
			j.err = o.Err
		} else if j.note, err = ParseNote(o.Data); err != nil {
			j.err, j.note = err, nil
		}
	}
	// Every changed file is read, noted commit or not: whether a file is
	// binary is decided on its bytes, and binary files are counted.
	var names []string
	var from []int
	for k, f := range j.files {
		switch {
		case f.Gitlink:
			continue
		case f.Blob != "":
			names = append(names, f.Blob)
		default: // a rename without change, a mode change
			names = append(names, id+":"+f.Path)
		}
		from = append(from, k)
	}
	if objs, err = v.batch.ReadMany(names); err != nil {
		return nil, err
	}
	for k, obj := range objs {
		if obj.Err == nil && obj.Type == "blob" {
			j.blobs[j.files[from[k]].Path] = obj.Data
		}
	}
	// Whether a file is text is hallmark's decision, made on its bytes as
	// git's own heuristic makes it, never the tree's .gitattributes: the
	// log ran with --text, so every file has its lines.
	for k := range j.files {
		f := &j.files[k]
		if data, ok := j.blobs[f.Path]; ok && isBinary(data) {
			f.Binary, f.Added = true, nil
			j.binaryFiles++
			j.binaryBytes += int64(len(data))
		}
	}
	return j, nil
}

// commit verifies one commit and returns its verdict and the count of its
// best record (verified, else unsigned, else inferred from conventions).
func (v *verifier) commit(j *verifyJob) (CommitVerdict, provenance.Count) {
	c, files := j.c, j.files
	subject, _, _ := strings.Cut(c.Message, "\n")
	cv := CommitVerdict{Commit: c.ID, Subject: subject, Status: StatusMissing, ShallowBoundary: v.shallow[c.ID],
		Exempt: v.opts.AllowUnsigned || v.exempt[c.ID], BinaryFiles: j.binaryFiles, BinaryBytes: j.binaryBytes, Problems: []Problem{}}
	if j.err != nil {
		if errors.Is(j.err, ErrNoteTooLarge) || errors.Is(j.err, ErrEnvelopeTooLarge) {
			cv.Problems = append(cv.Problems, newProblem("", j.err))
		} else {
			cv.Problems = append(cv.Problems, newProblem("", fmt.Errorf("%w: %v", ErrNoteUnreadable, j.err)))
		}
	}
	scan := scanNote(j.note, c.ID, c.Raw, v.trust)
	v.envelopes.Add(int64(scan.envelopes))
	cv.Problems = append(cv.Problems, scan.problems...)
	pool := newEvidencePool()
	for _, ev := range scan.evidence {
		if ev.Commit == c.ID {
			pool.add(ev)
		}
	}
	var valid []signedRecord
	for _, sr := range scan.records {
		if probs := v.checkRecord(c, files, j.blobs, sr, pool); len(probs) > 0 {
			cv.Problems = append(cv.Problems, probs...)
			continue
		}
		valid = append(valid, sr)
	}
	for _, sr := range valid[min(1, len(valid)):] {
		if !sameAttribution(valid[0].rec, sr.rec) {
			cv.Problems = append(cv.Problems, problemf(ErrConflict, "", "the records signed by %s (note line %d) and by %s (note line %d) disagree",
				strings.Join(valid[0].signers, ", "), valid[0].line, strings.Join(sr.signers, ", "), sr.line))
			cv.Status = StatusConflict
		}
	}
	var best *provenance.Record
	switch {
	case cv.Status == StatusConflict:
	case len(cv.Problems) > 0 && (len(valid) > 0 || len(scan.records) > 0 || j.err != nil || len(scan.problems) > 0):
		cv.Status = StatusInvalid
		if len(valid) > 0 {
			best = valid[0].rec
		}
	case len(valid) > 0:
		cv.Status = StatusVerified
		best = valid[0].rec
	case len(scan.untrusted) > 0:
		cv.Status = StatusUntrusted
	case len(scan.unsigned) > 0:
		cv.Status = StatusUnsigned
	}
	if cv.Status != StatusVerified && cv.Status != StatusInvalid || best == nil {
		if !cv.Exempt {
			what := "no record"
			switch {
			case cv.Status == StatusUntrusted:
				what = "signed only by keys not trusted (" + strings.Join(scan.untrusted, ", ") + ")"
			case cv.Status == StatusUnsigned:
				what = "only an unsigned record"
			case cv.Status == StatusConflict || cv.Status == StatusInvalid:
				what = "no record that verifies"
			}
			cv.Problems = append(cv.Problems, problemf(ErrNoTrustedRecord, "", "%s (sign it with hallmark stamp --key, or exempt the history before adoption with require.signed_since)", what))
		}
	}
	if best != nil {
		for _, sr := range valid {
			for _, s := range sr.signers {
				if !slices.Contains(cv.Signers, s) {
					cv.Signers = append(cv.Signers, s)
				}
			}
		}
	}
	var count provenance.Count
	if best == nil {
		rec := firstOrNil(scan.unsigned)
		if rec == nil {
			var err error
			if rec, _, err = v.r.buildRecord(v.ctx, c, files, &pendingState{Files: map[string]*pendingFile{}}, nil); err != nil {
				cv.Problems = append(cv.Problems, newProblem("", fmt.Errorf("%w: cannot infer attribution: %v", ErrRecordMismatch, err)))
				return cv, count
			}
		}
		best = rec
	}
	if cv.Status == StatusVerified {
		j.verified = best
	}
	cv.Method = string(best.Method)
	count = best.Count()
	cv.Lines = count
	v.checkReviews(&cv, files, best, scan.reviews)
	return cv, count
}

func firstOrNil[T any](s []*T) *T {
	if len(s) == 0 {
		return nil
	}
	return s[0]
}

// checkReviews applies the policy's review rules: AI or mixed lines under
// a rule's paths, and any binary file there (whose lines nobody can
// count), need an approved review that covers that file.
func (v *verifier) checkReviews(cv *CommitVerdict, files []git.FileDiff, rec *provenance.Record, reviews []*attest.ReviewResult) {
	p := v.opts.Policy
	if p == nil || len(p.Require.Review) == 0 {
		return
	}
	need := map[string]string{}
	for _, f := range rec.Files {
		if p.NeedsReview(f.Path) && slices.ContainsFunc(f.Spans, func(s provenance.Span) bool { return s.Class == provenance.AI || s.Class == provenance.Mixed }) {
			need[f.Path] = "AI lines in"
		}
	}
	for _, f := range files {
		if f.Binary && p.NeedsReview(f.Path) {
			need[f.Path] = "the binary file"
		}
	}
	paths := slices.Sorted(func(yield func(string) bool) {
		for k := range need {
			if !yield(k) {
				return
			}
		}
	})
	for _, path := range paths {
		who := approvedReviewers(reviews, path)
		if len(who) == 0 {
			cv.Problems = append(cv.Problems, problemf(ErrReviewRequired, path, "%s %s need an approved review that covers it (hallmark review --key KEY --path %s)", need[path], path, path))
			continue
		}
		for _, w := range who {
			if !slices.Contains(cv.Reviewers, w) {
				cv.Reviewers = append(cv.Reviewers, w)
			}
		}
	}
}

// checkRecord compares a verified record with the commit: tree and
// parents, file digests, exact coverage of the added lines, and for a
// carried record its derivation.
func (v *verifier) checkRecord(c *git.Commit, files []git.FileDiff, blobs map[string][]byte, sr signedRecord, pool *evidencePool) []Problem {
	rec := sr.rec
	var probs []Problem
	if rec.Tree != c.Tree {
		probs = append(probs, problemf(ErrRecordMismatch, "", "the record names tree %q, the commit has %s", rec.Tree, c.Tree))
	}
	if !slices.Equal(rec.Parents, c.Parents) {
		probs = append(probs, problemf(ErrRecordMismatch, "", "the record names parents %v, the commit has %v", rec.Parents, c.Parents))
	}
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
			probs = append(probs, newProblem(f.Path, fmt.Errorf("%w: %s: not in the commit (%v)", attest.ErrDigestMismatch, f.Path, err)))
			continue
		}
		if d := digestOf(data); d != f.Digest {
			probs = append(probs, newProblem(f.Path, fmt.Errorf("%w: %s: the commit has %s, the record says %s", attest.ErrDigestMismatch, f.Path, d, f.Digest)))
			continue
		}
		var lines []int
		for _, s := range f.Spans {
			for n := s.Start; n <= s.End; n++ {
				lines = append(lines, n)
			}
		}
		if w := want[f.Path]; !v.shallow[c.ID] && !slices.Equal(lines, w) {
			probs = append(probs, problemf(ErrRecordMismatch, f.Path, "%s: the record covers %s, the commit adds %d (%s)", f.Path, words.Count(len(lines), "line"), len(w), firstDifference(lines, w)))
		}
	}
	for _, p := range slices.Sorted(mapKeys(want)) {
		if !got[p] && !v.shallow[c.ID] {
			probs = append(probs, problemf(ErrRecordMismatch, p, "%s: the commit adds %s the record does not cover", p, words.Count(len(want[p]), "line")))
		}
	}
	if len(probs) > 0 {
		return probs
	}
	if rec.Method == provenance.MethodCarried || len(rec.DerivedFrom) > 0 {
		probs = append(probs, v.checkCarried(c, blobs, sr, pool)...)
	}
	return probs
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
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

// violations applies the policy to the verdicts.
func (v *verifier) violations(rep *VerifyReport) []Violation {
	out := []Violation{}
	for _, cv := range rep.Commits {
		for _, p := range cv.Problems {
			out = append(out, Violation{Commit: cv.Commit, Problem: p})
		}
	}
	if p := v.opts.Policy; p != nil && p.Require.MaxAIShare != nil && rep.Lines.AIShare() > *p.Require.MaxAIShare {
		out = append(out, Violation{Problem: problemf(ErrAIShare, "", "AI share %.1f%% of the %s is over the policy's maximum %.1f%%", 100*rep.Lines.AIShare(), rep.ShareOf, 100**p.Require.MaxAIShare)})
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

// countRange is the number of commits of a range, for progress (0 when
// git cannot say).
func (r *Repo) countRange(ctx context.Context, rng []string) int {
	out, err := r.git.Output(ctx, append([]string{"rev-list", "--count"}, rng...)...)
	if err != nil {
		return 0
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return n
}

// addedInRange reads the lines each non-merge commit of the range adds;
// progress, if set, is called after each commit read.
func (r *Repo) addedInRange(ctx context.Context, rng []string, progress func(done int)) (map[string][]git.FileDiff, error) {
	m := map[string][]git.FileDiff{}
	err := r.streamLog(ctx, append([]string{"--text"}, rng...), func(i int, c *git.Commit, files []git.FileDiff) error {
		if len(c.Parents) <= 1 {
			m[c.ID] = files
		}
		if progress != nil {
			progress(i + 1)
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
