package attest

import (
	"crypto"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
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

// signReviewPredicate signs a statement whose review predicate is exactly
// pred, as an attacker holding a review key could.
func signReviewPredicate(t *testing.T, priv crypto.Signer, pred string) []byte {
	t.Helper()
	s, err := NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	st := &Statement{
		Type:          StatementType,
		Subject:       []Subject{{Name: "git+commit:" + commitID, Digest: Digest{GitCommit: commitID, SHA256: sha256Hex(commitObject)}}},
		PredicateType: ReviewPredicateType,
		Predicate:     []byte(pred),
	}
	env, err := SignStatement(st, s)
	if err != nil {
		t.Fatal(err)
	}
	return env.Bytes()
}

// TestReviewStrict signs predicates that encoding/json reads one way and
// a strict reader refuses: duplicate keys, case-folded keys, invalid UTF-8,
// unknown fields. Each must be ErrInvalidReview, whatever encoding/json
// would have made of it (noted in lenient, checked here too).
func TestReviewStrict(t *testing.T) {
	priv, ring := newKey(t, Ed25519)
	opts := &VerifyOptions{Keyring: ring, Commit: commitID, CommitObject: commitObject}
	head := `{"commit":"` + commitID + `","reviewer":"Grace <grace@example.com>",`
	tests := []struct {
		reason  string
		pred    string
		lenient string // the verdict encoding/json reads; "" when it refuses too
	}{
		{"a duplicate key: encoding/json keeps the last", head + `"verdict":"rejected","verdict":"approved"}`, Approved},
		{"a duplicate key spelt with an escape", head + `"verdict":"rejected","verd\u0069ct":"approved"}`, Approved},
		{"a case-folded key: encoding/json takes it for verdict", head + `"verdict":"rejected","Verdict":"approved"}`, Approved},
		{"a case-folded key alone", head + `"VERDICT":"approved"}`, Approved},
		{"a case-folded paths: the approval would cover the whole commit", head + `"verdict":"approved","Paths":["docs/README.md"]}`, Approved},
		{"invalid UTF-8 in a path: encoding/json turns it into U+FFFD", head + "\"verdict\":\"approved\",\"paths\":[\"sec\xff/x.go\"]}", Approved},
		{"invalid UTF-8 in the reviewer", `{"commit":"` + commitID + "\",\"reviewer\":\"Gr\xe9ce\",\"verdict\":\"approved\"}", Approved},
		{"an empty path", head + `"verdict":"approved","paths":[""]}`, Approved},
		{"an unknown field", head + `"verdict":"approved","scope":"all"}`, ""},
		{"a path that is not a string", head + `"verdict":"approved","paths":[1]}`, ""},
		{"a verdict that is not a string", head + `"verdict":true}`, ""},
	}
	for _, tt := range tests {
		var lenient Review
		dec := json.NewDecoder(strings.NewReader(tt.pred))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&lenient); (err == nil) != (tt.lenient != "") || (err == nil && lenient.Verdict != tt.lenient) {
			t.Errorf("%s: encoding/json reads verdict %q (%v), the table says %q", tt.reason, lenient.Verdict, err, tt.lenient)
		}
		res, err := VerifyReview(signReviewPredicate(t, priv, tt.pred), opts)
		if !errors.Is(err, ErrInvalidReview) {
			t.Errorf("%s: VerifyReview = %+v, %v; want ErrInvalidReview", tt.reason, res, err)
		}
	}
	// The same reader accepts what SignReview writes, paths and all.
	want := &Review{Commit: commitID, Reviewer: "Grace <grace@example.com>", Verdict: Rejected, Paths: []string{"security/", "é.go"}, Comment: "needs <tests> & more"}
	s, _ := NewSigner(priv)
	env, err := SignReview(want, commitObject, s)
	if err != nil {
		t.Fatal(err)
	}
	res, err := VerifyReview(env.Bytes(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, res.Review); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	// And a signer is told at once what it cannot sign.
	for _, paths := range [][]string{{""}, {"sec\xff/x.go"}} {
		if _, err := SignReview(&Review{Commit: commitID, Reviewer: "x", Verdict: Approved, Paths: paths}, nil, s); !errors.Is(err, ErrInvalidReview) {
			t.Errorf("signing paths %q: %v, want ErrInvalidReview", paths, err)
		}
	}
}

// FuzzReadReview: the strict reader never panics, and whatever it accepts
// encoding/json reads the same.
func FuzzReadReview(f *testing.F) {
	f.Add(`{"commit":"` + commitID + `","reviewer":"G","verdict":"approved","paths":["a/"],"comment":"c"}`)
	f.Add(`{"verdict":"rejected","Verdict":"approved"}`)
	f.Add(`{"paths":null}`)
	f.Fuzz(func(t *testing.T, in string) {
		rv, err := readReview([]byte(in))
		if err != nil {
			return
		}
		var std Review
		if err := json.Unmarshal([]byte(in), &std); err != nil {
			t.Fatalf("we read %q, encoding/json refuses: %v", in, err)
		}
		if !cmp.Equal(rv, &std, cmpopts.EquateEmpty()) {
			t.Fatalf("%q: we read %+v, encoding/json %+v", in, rv, std)
		}
	})
}
