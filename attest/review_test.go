package attest

import (
	"errors"
	"testing"
)

func TestReview(t *testing.T) {
	priv, ring := newKey(t, Ed25519)
	s, _ := NewSigner(priv)
	rv := &Review{Commit: commitID, Reviewer: "Grace <grace@example.com>", Verdict: Approved, Paths: []string{"security/"}}
	env, err := SignReview(rv, commitObject, s)
	if err != nil {
		t.Fatal(err)
	}
	opts := &VerifyOptions{Keyring: ring, Commit: commitID, CommitObject: commitObject}
	res, err := VerifyReview(env.Bytes(), opts)
	if err != nil || res.Review.Verdict != Approved || res.Signers[0] != string(Ed25519) {
		t.Fatalf("%+v %v", res, err)
	}
	// A review is not a record, and a record is not a review.
	if _, err := Verify(env.Bytes(), opts); !errors.Is(err, ErrStatement) {
		t.Errorf("review read as a record: %v", err)
	}
	recEnv := signWith(t, priv, testRecord())
	if _, err := VerifyReview(recEnv.Bytes(), opts); !errors.Is(err, ErrStatement) {
		t.Errorf("record read as a review: %v", err)
	}
	if _, err := VerifyReview(env.Bytes(), &VerifyOptions{Keyring: ring, Commit: "1111111111111111111111111111111111111111"}); !errors.Is(err, ErrSubjectMismatch) {
		t.Errorf("review for another commit: %v", err)
	}
	if pt, err := PredicateTypeOf(env.Bytes()); err != nil || pt != ReviewPredicateType {
		t.Errorf("PredicateTypeOf = %q, %v", pt, err)
	}
	if _, err := SignReview(&Review{Commit: commitID, Reviewer: "x", Verdict: "lgtm"}, nil, s); !errors.Is(err, ErrInvalidReview) {
		t.Errorf("bad verdict: %v", err)
	}
}
