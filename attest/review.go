package attest

import (
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/hallmark-dev/hallmark/internal/jsonx"
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
	Commit   string `json:"commit"`
	Reviewer string `json:"reviewer"` // "Name <email>"
	Verdict  string `json:"verdict"`
	// Paths is what was reviewed, as paths from the repository's root:
	// files, directories, or patterns (policy.ReviewCovers says which files
	// each covers). Empty means the whole commit. Each must be non-empty
	// valid UTF-8: a name that is not can be covered by its directory or a
	// pattern, never by a lossy copy of itself.
	Paths   []string `json:"paths,omitempty"`
	Comment string   `json:"comment,omitempty"`
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
	for _, p := range rv.Paths {
		if p == "" {
			return fmt.Errorf("%w: an empty path (leave paths out to review the whole commit)", ErrInvalidReview)
		}
		if !utf8.ValidString(p) {
			return fmt.Errorf("%w: path %q is not valid UTF-8: name its directory or a pattern that matches it", ErrInvalidReview, p)
		}
	}
	if !utf8.ValidString(rv.Reviewer) || !utf8.ValidString(rv.Comment) {
		return fmt.Errorf("%w: reviewer or comment is not valid UTF-8", ErrInvalidReview)
	}
	return nil
}

// readReview parses a review predicate as strictly as a record
// (internal/jsonx): known fields only, each once and spelt exactly (no
// case folding, which would let "Verdict" stand in for "verdict"), valid
// UTF-8, nothing after the object.
func readReview(data []byte) (*Review, error) {
	rd := jsonx.NewReader(data)
	var rv Review
	err := rd.Object(func(key string) error {
		var err error
		switch key {
		case "commit":
			rv.Commit, err = rd.String()
		case "reviewer":
			rv.Reviewer, err = rd.String()
		case "verdict":
			rv.Verdict, err = rd.String()
		case "comment":
			rv.Comment, err = rd.String()
		case "paths":
			if rd.IsNull() {
				return nil
			}
			rv.Paths = []string{}
			err = rd.Array(func() error {
				s, err := rd.String()
				rv.Paths = append(rv.Paths, s)
				return err
			})
		default:
			return fmt.Errorf("json: unknown field %q in review", key)
		}
		return err
	})
	if err == nil {
		err = rd.End()
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidReview, err)
	}
	return &rv, nil
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
	rv, err := readReview(st.Predicate)
	if err != nil {
		return nil, err
	}
	if err := rv.validate(); err != nil {
		return nil, err
	}
	if err := checkSubject(st, rv.Commit, opts); err != nil {
		return nil, err
	}
	return &ReviewResult{Review: rv, Signers: signers}, nil
}
