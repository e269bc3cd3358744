package attest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sigstore/sigstore/pkg/signature"
)

// ReviewPredicateType names a reviewer's attestation about a commit.
const ReviewPredicateType = "https://hallmark.dev/review/v1"

// The verdicts of a review.
const (
	Approved = "approved"
	Rejected = "rejected"
)

// Review is a reviewer's attestation: this person looked at this commit
// (its AI-written lines included) and gives this verdict.
type Review struct {
	Commit   string   `json:"commit"`
	Reviewer string   `json:"reviewer"` // "Name <email>"
	Verdict  string   `json:"verdict"`
	Paths    []string `json:"paths,omitempty"` // what was reviewed; empty means the whole commit
	Comment  string   `json:"comment,omitempty"`
}

// ErrInvalidReview is wrapped when a review predicate is malformed.
var ErrInvalidReview = errors.New("attest: invalid review")

func (rv *Review) validate() error {
	if len(rv.Commit) != 40 && len(rv.Commit) != 64 {
		return fmt.Errorf("%w: commit %q", ErrInvalidReview, rv.Commit)
	}
	if rv.Reviewer == "" {
		return fmt.Errorf("%w: no reviewer", ErrInvalidReview)
	}
	if rv.Verdict != Approved && rv.Verdict != Rejected {
		return fmt.Errorf("%w: verdict %q, want %q or %q", ErrInvalidReview, rv.Verdict, Approved, Rejected)
	}
	return nil
}

// NewReviewStatement builds the statement of a review of a commit.
func NewReviewStatement(rv *Review, commitObject []byte) (*Statement, error) {
	if err := rv.validate(); err != nil {
		return nil, err
	}
	pred, err := json.Marshal(rv)
	if err != nil {
		return nil, err
	}
	d := Digest{GitCommit: rv.Commit}
	if commitObject != nil {
		d.SHA256 = sha256Hex(commitObject)
	}
	return &Statement{Type: StatementType, Subject: []Subject{{Name: "git+commit:" + rv.Commit, Digest: d}}, PredicateType: ReviewPredicateType, Predicate: pred}, nil
}

// SignReview signs a review of a commit.
func SignReview(rv *Review, commitObject []byte, signer signature.Signer) (*Envelope, error) {
	st, err := NewReviewStatement(rv, commitObject)
	if err != nil {
		return nil, err
	}
	return SignStatement(st, signer)
}

// ReviewResult is a verified review.
type ReviewResult struct {
	Review  *Review
	Signers []string
}

// VerifyReview verifies a review attestation as [Verify] does a record.
func VerifyReview(attestation []byte, opts *VerifyOptions) (*ReviewResult, error) {
	payload, signers, err := verifySignature(attestation, opts)
	if err != nil {
		return nil, err
	}
	st, err := readStatementOf(payload, ReviewPredicateType)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(st.Predicate))
	dec.DisallowUnknownFields()
	var rv Review
	if err := dec.Decode(&rv); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidReview, err)
	}
	if err := rv.validate(); err != nil {
		return nil, err
	}
	if err := checkSubject(st, rv.Commit, opts); err != nil {
		return nil, err
	}
	return &ReviewResult{Review: &rv, Signers: signers}, nil
}
