package repo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/policy"
	"github.com/hallmark-dev/hallmark/provenance"
)

// Trust says whose signatures count, and for which claims: the trusted
// keys, and the policy that limits what each may sign. A nil Policy lets
// every key of the keyring sign every claim; with a policy, a key it does
// not list may sign nothing. One Trust decides for verify, report, blame,
// stamp and carry alike, so that "signed" means one thing everywhere.
type Trust struct {
	Keyring *attest.Keyring
	Policy  *policy.Policy
}

// Allows reports whether the named trusted key may sign the claim.
func (t *Trust) Allows(signer string, c policy.Claim) bool {
	if t == nil || t.Policy == nil {
		return true
	}
	k, ok := t.Policy.Key(signer)
	return ok && k.Allows(c)
}

// ClaimOf is the claim a record makes: a carried record claims to follow
// from its sources ("carry"); every other record claims to say who wrote
// the commit's lines ("record").
func ClaimOf(rec *provenance.Record) policy.Claim {
	if rec.Method == provenance.MethodCarried {
		return policy.ClaimCarry
	}
	return policy.ClaimRecord
}

// The causes of a verification problem, beside attest's. Every
// [Problem] wraps one of them or one of attest's sentinels.
var (
	// ErrNotAllowed: a trusted key signed a claim the policy does not let it sign.
	ErrNotAllowed = errors.New("repo: key not allowed to sign this claim")
	// ErrConflict: two records that verify disagree about the same commit.
	ErrConflict = errors.New("repo: trusted records disagree")
	// ErrNoTrustedRecord: no record of the commit verifies under a trusted key.
	ErrNoTrustedRecord = errors.New("repo: no record signed by a trusted key")
	// ErrRecordMismatch: a signed record does not describe the commit
	// (tree, parents, file digests, or the lines it adds).
	ErrRecordMismatch = errors.New("repo: record does not match the commit")
	// ErrNotDerived: a carried record does not follow from the sources it names.
	ErrNotDerived = errors.New("repo: carried record does not follow from its sources")
	// ErrReviewRequired: the policy asks for a review the commit lacks.
	ErrReviewRequired = errors.New("repo: review required")
	// ErrAIShare: the range's AI share is over the policy's maximum.
	ErrAIShare = errors.New("repo: AI share over the policy's maximum")
	// ErrNoteUnreadable: the commit's note could not be read.
	ErrNoteUnreadable = errors.New("repo: note unreadable")
	// ErrIncompleteHistory: a shallow clone lacks the history verification needs.
	ErrIncompleteHistory = errors.New("repo: history incomplete (shallow clone)")
)

// Problem is one thing wrong with a commit's records. Kind is a stable
// name for scripts; Err wraps the sentinel a Go caller matches with
// errors.Is.
type Problem struct {
	Kind    string `json:"kind"`
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
	Err     error  `json:"-"`
}

func (p Problem) Error() string { return p.Message }
func (p Problem) Unwrap() error { return p.Err }

// The kinds of [Problem]: the stable names scripts read in the JSON form.
// A Go caller matches the sentinel instead (errors.Is), which is finer:
// KindMalformed, for one, is any of attest's four ways a line can be
// malformed. The JSON form carries Kind, Path and Message; Err does not
// travel.
const (
	KindBadSignature      = "bad-signature"      // attest.ErrBadSignature
	KindMalformed         = "malformed"          // attest.ErrMalformed, ErrPayloadType, ErrStatement, ErrInvalidRecord
	KindMismatch          = "mismatch"           // attest.ErrSubjectMismatch, ErrDigestMismatch; ErrRecordMismatch
	KindNotAllowed        = "not-allowed"        // ErrNotAllowed
	KindConflict          = "conflict"           // ErrConflict
	KindNotDerived        = "not-derived"        // ErrNotDerived
	KindUnsigned          = "unsigned"           // ErrNoTrustedRecord
	KindReviewRequired    = "review-required"    // ErrReviewRequired
	KindAIShare           = "ai-share"           // ErrAIShare
	KindNoteUnreadable    = "note-unreadable"    // ErrNoteUnreadable
	KindNoteTooLarge      = "note-too-large"     // ErrNoteTooLarge, ErrEnvelopeTooLarge
	KindIncompleteHistory = "incomplete-history" // ErrIncompleteHistory
	KindError             = "error"              // anything else (a git failure, say)
)

// The kinds of problem, by the sentinel they wrap.
var problemKinds = []struct {
	err  error
	kind string
}{
	{attest.ErrBadSignature, KindBadSignature},
	{attest.ErrMalformed, KindMalformed},
	{attest.ErrPayloadType, KindMalformed},
	{attest.ErrStatement, KindMalformed},
	{attest.ErrInvalidRecord, KindMalformed},
	{attest.ErrSubjectMismatch, KindMismatch},
	{attest.ErrDigestMismatch, KindMismatch},
	{ErrRecordMismatch, KindMismatch},
	{ErrNotAllowed, KindNotAllowed},
	{ErrConflict, KindConflict},
	{ErrNotDerived, KindNotDerived},
	{ErrNoTrustedRecord, KindUnsigned},
	{ErrReviewRequired, KindReviewRequired},
	{ErrAIShare, KindAIShare},
	{ErrNoteUnreadable, KindNoteUnreadable},
	{ErrNoteTooLarge, KindNoteTooLarge},
	{ErrEnvelopeTooLarge, KindNoteTooLarge},
	{ErrIncompleteHistory, KindIncompleteHistory},
}

// NewProblem is the problem err makes, its Kind chosen by the sentinel err
// wraps ([KindError] for none): for a caller that reports a problem of its
// own beside verify's (a review bot's "the base has no policy") in the
// same form.
func NewProblem(path string, err error) Problem { return newProblem(path, err) }

func newProblem(path string, err error) Problem {
	kind := KindError
	for _, k := range problemKinds {
		if errors.Is(err, k.err) {
			kind = k.kind
			break
		}
	}
	return Problem{Kind: kind, Path: path, Message: err.Error(), Err: err}
}

func problemf(sentinel error, path, format string, args ...any) Problem {
	return newProblem(path, fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...)))
}

// signedRecord is a record whose signature verified under trusted keys.
type signedRecord struct {
	line    int
	rec     *provenance.Record
	signers []string // the trusted keys that signed it and may sign its claim
}

// noteScan is what the lines of one commit's note are, once each has been
// checked against the trust.
type noteScan struct {
	records   []signedRecord // signed by trusted keys allowed to sign them
	unsigned  []*provenance.Record
	untrusted []string // signed, by keys not in the keyring (their hints)
	reviews   []*attest.ReviewResult
	evidence  []*carryEvidence
	problems  []Problem // always violations: bad signatures, malformed lines, keys beyond their rights
	envelopes int
}

// scanNote checks every line of a commit's note. What it reports as a
// problem is a violation whatever else the note holds: a signature that
// does not verify means someone altered a note, and a trusted key that
// signed beyond what the policy lets it is not to be believed.
func scanNote(lines [][]byte, commit string, object []byte, t *Trust) *noteScan {
	s := &noteScan{}
	vopts := &attest.VerifyOptions{Keyring: t.Keyring, Commit: commit, CommitObject: object}
	for i, l := range lines {
		n := i + 1
		if isEvidence(l) {
			ev, err := parseEvidence(l)
			if err != nil {
				s.problems = append(s.problems, newProblem("", fmt.Errorf("note line %d: %w", n, err)))
				continue
			}
			s.evidence = append(s.evidence, ev)
			continue
		}
		s.envelopes++
		pt, perr := attest.PredicateTypeOf(l)
		if perr == nil && pt == attest.ReviewPredicateType {
			rv, err := attest.VerifyReview(l, vopts)
			switch {
			case errors.Is(err, attest.ErrNoSignature):
			case errors.Is(err, attest.ErrUnknownKey):
				s.untrusted = append(s.untrusted, hintOf(l))
			case err != nil:
				s.problems = append(s.problems, newProblem("", fmt.Errorf("review on note line %d: %w", n, err)))
			default:
				var ok []string
				for _, who := range rv.Signers {
					if t.Allows(who, policy.ClaimReview) {
						ok = append(ok, who)
					}
				}
				if len(ok) == 0 {
					s.problems = append(s.problems, problemf(ErrNotAllowed, "", "review on note line %d is signed by %s, which may not sign a review", n, strings.Join(rv.Signers, ", ")))
					continue
				}
				rv.Signers = ok
				s.reviews = append(s.reviews, rv)
			}
			continue
		}
		res, err := attest.Verify(l, vopts)
		switch {
		case errors.Is(err, attest.ErrNoSignature):
			if rec, rerr := attest.ReadUnverified(l); rerr == nil && rec.Commit == commit {
				s.unsigned = append(s.unsigned, rec)
			} else {
				s.problems = append(s.problems, newProblem("", fmt.Errorf("%w: note line %d: an unsigned record of another commit", attest.ErrSubjectMismatch, n)))
			}
			continue
		case errors.Is(err, attest.ErrUnknownKey):
			s.untrusted = append(s.untrusted, hintOf(l))
			continue
		case errors.Is(err, attest.ErrMalformed):
			s.problems = append(s.problems, newProblem("", fmt.Errorf("note line %d is not an attestation: %w", n, err)))
			continue
		case err != nil:
			s.problems = append(s.problems, newProblem("", fmt.Errorf("note line %d: %w", n, err)))
			continue
		}
		var ok []string
		claim := ClaimOf(res.Record)
		for _, who := range res.Signers {
			if t.Allows(who, claim) {
				ok = append(ok, who)
			}
		}
		if len(ok) == 0 {
			s.problems = append(s.problems, problemf(ErrNotAllowed, "", "the record on note line %d is signed by %s, which may not sign a %s claim", n, strings.Join(res.Signers, ", "), claim))
			continue
		}
		s.records = append(s.records, signedRecord{line: n, rec: res.Record, signers: ok})
	}
	return s
}

// hintOf names the key a bundle says signed it, for messages.
func hintOf(line []byte) string {
	if _, hint, err := attest.ParseAttestation(line); err == nil && hint != "" {
		return hint
	}
	return "an unnamed key"
}

// sameAttribution reports whether two records say the same of every line:
// the same files with the same digests, and each line the same author
// and class (author indexes may differ; the authors must not).
func sameAttribution(a, b *provenance.Record) bool {
	if len(a.Files) != len(b.Files) {
		return false
	}
	type line struct {
		author provenance.Author
		class  provenance.Class
	}
	flat := func(r *provenance.Record, f provenance.File) map[int]line {
		m := map[int]line{}
		for _, s := range f.Spans {
			for n := s.Start; n <= s.End; n++ {
				m[n] = line{r.Authors[s.Author], s.Class}
			}
		}
		return m
	}
	byPath := map[string]provenance.File{}
	for _, f := range b.Files {
		byPath[f.Path] = f
	}
	for _, fa := range a.Files {
		fb, ok := byPath[fa.Path]
		if !ok || fa.Digest != fb.Digest {
			return false
		}
		la, lb := flat(a, fa), flat(b, fb)
		if len(la) != len(lb) {
			return false
		}
		for n, x := range la {
			if y, ok := lb[n]; !ok || x != y {
				return false
			}
		}
	}
	return true
}

// approvedReviewers returns the keys whose approval of a file stands, by
// the rule of [policy.Reviewed]: an approved review covering the file,
// and no rejection by the same key covering it, wherever the rejection
// stands in the note (a sync may reorder lines; they carry no time).
func approvedReviewers(reviews []*attest.ReviewResult, file string) []string {
	var out []string
	for _, rv := range reviews {
		for _, s := range rv.Signers {
			if slices.Contains(out, s) {
				continue
			}
			var mine []policy.SignedReview
			for _, x := range reviews {
				if slices.Contains(x.Signers, s) {
					mine = append(mine, policy.SignedReview{Signer: s, Approved: x.Review.Verdict == attest.Approved, Paths: x.Review.Paths})
				}
			}
			if policy.Reviewed(mine, file) {
				out = append(out, s)
			}
		}
	}
	return out
}

// TrustedRecord is the record of one commit that verification accepts,
// decided exactly as [Repo.Verify] decides it (signature, the key's
// rights, the commit's tree, parents, digests and lines, the derivation
// of a carried record, no disagreeing record), or nil with the verdict
// that says why. Reports and blame use it, through a [RecordChecker] for
// many commits, so that their "signed" evidence means what a PASS means.
func (r *Repo) TrustedRecord(ctx context.Context, commit string, t *Trust) (*provenance.Record, *CommitVerdict, error) {
	rc, err := r.NewRecordChecker(ctx, t)
	if err != nil {
		return nil, nil, err
	}
	return rc.Record(commit)
}

// StoredRecord returns the record stored for the commit rev names that
// verification accepts under t: [Repo.TrustedRecord] for a caller that
// wants the record or an error rather than a verdict. When no stored
// record is accepted, the error joins a [Violation] for each reason
// (errors.Is matches their sentinels: [ErrNoTrustedRecord] for a commit
// with no record, or one no trusted key signed; [attest.ErrBadSignature],
// [ErrNotAllowed], [ErrRecordMismatch], [ErrConflict] and the like for a
// note that verify would fail), and errors.As finds the first Violation.
func (r *Repo) StoredRecord(ctx context.Context, rev string, t *Trust) (*provenance.Record, error) {
	rec, cv, err := r.TrustedRecord(ctx, rev, t)
	if err != nil {
		return nil, err
	}
	if rec != nil {
		return rec, nil
	}
	var errs []error
	for _, p := range cv.Problems {
		if p.Kind == KindReviewRequired {
			continue // a policy's demand of the commit, not of its record
		}
		errs = append(errs, Violation{Commit: cv.Commit, Problem: p})
	}
	if len(errs) == 0 { // no note at all
		errs = append(errs, Violation{Commit: cv.Commit, Problem: problemf(ErrNoTrustedRecord, "", "the commit has no note in %s", NotesRef)})
	}
	return nil, errors.Join(errs...)
}

// RecordChecker decides [Repo.TrustedRecord] for many commits, reading
// the notes' index once.
type RecordChecker struct {
	v *verifier
}

// NewRecordChecker prepares to check the records of many commits under
// one trust.
func (r *Repo) NewRecordChecker(ctx context.Context, t *Trust) (*RecordChecker, error) {
	if t == nil || t.Keyring.Len() == 0 {
		return nil, attest.ErrNoKeys
	}
	noted, err := r.NotedCommits(ctx)
	if err != nil {
		return nil, err
	}
	b, err := r.reader(ctx)
	if err != nil {
		return nil, err
	}
	v := &verifier{r: r, ctx: ctx, opts: &VerifyOptions{Keyring: t.Keyring, Policy: t.Policy}, trust: t, noted: noted, batch: b, shallow: map[string]bool{}}
	return &RecordChecker{v: v}, nil
}

// Record returns the commit's record that verification accepts, or nil
// with the verdict that says why not. A commit without a note costs
// nothing.
func (rc *RecordChecker) Record(commit string) (*provenance.Record, *CommitVerdict, error) {
	v := rc.v
	c, err := v.r.commit(v.ctx, commit)
	if err != nil {
		return nil, nil, err
	}
	if _, ok := v.noted[c.ID]; !ok {
		return nil, &CommitVerdict{Commit: c.ID, Status: StatusMissing}, nil
	}
	var files []git.FileDiff
	if len(c.Parents) <= 1 {
		if files, err = v.r.added(v.ctx, c); err != nil {
			return nil, nil, err
		}
	}
	j, err := v.fetch(0, c, files)
	if err != nil {
		return nil, nil, err
	}
	cv, _ := v.commit(j)
	return j.verified, &cv, nil
}
