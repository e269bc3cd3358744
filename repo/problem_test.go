package repo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// TestProblemKinds: every sentinel a problem may wrap gives its kind, the
// Violation made of it matches the sentinel through errors.Is however
// deeply it is wrapped, and its JSON form is the stable one.
func TestProblemKinds(t *testing.T) {
	for _, k := range problemKinds {
		p := NewProblem("a.go", fmt.Errorf("%w: detail", k.err))
		if p.Kind != k.kind {
			t.Errorf("%v: kind %q, want %q", k.err, p.Kind, k.kind)
		}
		v := Violation{Commit: "0123456789abcdef0123456789abcdef01234567", Problem: p}
		wrapped := fmt.Errorf("outer: %w", errors.Join(errors.New("other"), v))
		if !errors.Is(wrapped, k.err) {
			t.Errorf("%v: errors.Is through a Violation fails", k.err)
		}
		var got Violation
		if !errors.As(wrapped, &got) || got.Commit != v.Commit || got.Path != "a.go" {
			t.Errorf("%v: errors.As finds %+v", k.err, got)
		}
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf(`{"commit":"%s","kind":"%s","path":"a.go","message":"%s: detail"}`, v.Commit, k.kind, k.err)
		if string(b) != want {
			t.Errorf("JSON form\n got %s\nwant %s", b, want)
		}
		if v.Error() != "0123456789ab: "+k.err.Error()+": detail" {
			t.Errorf("text form %q", v.Error())
		}
	}
	if p := NewProblem("", errors.New("git: something")); p.Kind != KindError {
		t.Errorf("an unknown cause: kind %q, want %q", p.Kind, KindError)
	}
}

// TestVerifyViolationsTyped: a real verification's violations carry the
// commit, the kind and the sentinel, in Go and in JSON.
func TestVerifyViolationsTyped(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	rp := openRepo(t, g.Dir)
	alice := newTestKey(t, "alice")
	g.Write("a.go", "a\n")
	id := g.Commit("one", "")
	if _, err := rp.Stamp(ctx, id, &StampOptions{Signer: alice.signer}); err != nil {
		t.Fatal(err)
	}
	if err := rp.AddNote(ctx, id, [][]byte{[]byte("garbage {")}, "test"); err != nil {
		t.Fatal(err)
	}
	rep, err := rp.Verify(ctx, &VerifyOptions{Keyring: ringOf(t, alice)})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pass || len(rep.Violations) == 0 {
		t.Fatalf("a garbage line passed: %+v", rep)
	}
	v := rep.Violations[0]
	if v.Commit != id || v.Kind != KindMalformed || !errors.Is(v, attest.ErrMalformed) {
		t.Errorf("violation %+v: want commit %s, kind %s, wrapping %v", v, id, KindMalformed, attest.ErrMalformed)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Violations []struct{ Commit, Kind, Message string }
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Violations) != len(rep.Violations) || back.Violations[0].Commit != id || back.Violations[0].Kind != KindMalformed || back.Violations[0].Message != v.Message {
		t.Errorf("JSON violations %+v", back.Violations)
	}
}
