package repo

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/provenance"
)

// TestStoredRecord holds StoredRecord to verify's decision on each kind of
// note: the record comes back only where verify would accept it, and the
// error says why not with the sentinel verify's violation wraps.
func TestStoredRecord(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	rp := openRepo(t, g.Dir)
	alice := newTestKey(t, "alice")
	mallory := newTestKey(t, "mallory")
	trust := &Trust{Keyring: ringOf(t, alice)}

	g.Write("a.go", gittest.Lines("human", 3))
	g.Commit("base", "")
	g.Write("a.go", gittest.Lines("human", 3)+gittest.Lines("model", 4))
	rp.Checkpoint(ctx, CheckpointOptions{Author: testModel})
	signed := g.Commit("signed", "")
	if _, err := rp.Stamp(ctx, signed, &StampOptions{Signer: alice.signer}); err != nil {
		t.Fatal(err)
	}
	g.Write("b.go", "b\n")
	unsigned := g.Commit("unsigned", "")
	if _, err := rp.Stamp(ctx, unsigned, nil); err != nil {
		t.Fatal(err)
	}
	g.Write("c.go", "c\n")
	untrusted := g.Commit("untrusted", "")
	if _, err := rp.Stamp(ctx, untrusted, &StampOptions{Signer: mallory.signer}); err != nil {
		t.Fatal(err)
	}
	g.Write("d.go", "d\n")
	garbage := g.Commit("garbage beside a good record", "")
	if _, err := rp.Stamp(ctx, garbage, &StampOptions{Signer: alice.signer}); err != nil {
		t.Fatal(err)
	}
	if err := rp.AddNote(ctx, garbage, [][]byte{[]byte("garbage {")}, "test"); err != nil {
		t.Fatal(err)
	}
	g.Write("e.go", "e\n")
	missing := g.Commit("missing", "")

	rec, err := rp.StoredRecord(ctx, "HEAD~4", trust)
	if err != nil {
		t.Fatalf("signed commit: %v", err)
	}
	if rec.Commit != signed {
		t.Errorf("record of %s, want %s", rec.Commit, signed)
	}
	if c := rec.Count(); c.AI != 4 || c.Human != 0 {
		t.Errorf("signed record counts %+v, want the model's 4 added lines", c)
	}
	// The same record verify accepts.
	trusted, _, err := rp.TrustedRecord(ctx, signed, trust)
	if err != nil || !sameAttribution(trusted, rec) {
		t.Errorf("StoredRecord and TrustedRecord differ: %v", err)
	}

	for _, tt := range []struct {
		reason string
		rev    string
		want   error
		words  string
	}{
		{"an unsigned record is not trusted", unsigned, ErrNoTrustedRecord, "only an unsigned record"},
		{"a key the keyring lacks is not trusted", untrusted, ErrNoTrustedRecord, "signed only by keys not trusted"},
		{"a garbage line fails the note, as in verify", garbage, attest.ErrMalformed, "note line 2 is not an attestation"},
		{"no note at all", missing, ErrNoTrustedRecord, "no note"},
	} {
		rec, err := rp.StoredRecord(ctx, tt.rev, trust)
		if rec != nil || !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.words) {
			t.Errorf("%s: got %v, %v; want nil and %v saying %q", tt.reason, rec, err, tt.want, tt.words)
			continue
		}
		var v Violation
		if !errors.As(err, &v) || v.Commit != tt.rev || v.Kind == "" {
			t.Errorf("%s: %v holds no Violation of %s with a kind: %+v", tt.reason, err, tt.rev, v)
		}
	}
	if _, err := rp.StoredRecord(ctx, "HEAD", &Trust{}); !errors.Is(err, attest.ErrNoKeys) {
		t.Errorf("no keys: %v, want %v", err, attest.ErrNoKeys)
	}
	if _, err := rp.StoredRecord(ctx, "no-such-rev", trust); !errors.Is(err, ErrBadRevision) {
		t.Errorf("bad revision: %v, want %v", err, ErrBadRevision)
	}
}

// TestCommitObject holds CommitObject to git's own answers.
func TestCommitObject(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	rp := openRepo(t, g.Dir)
	g.Write("a.txt", "a\n")
	first := g.Commit("first", "")
	g.Write("a.txt", "b\n")
	second := g.Commit("second\n\nCo-Authored-By: Claude <noreply@anthropic.com>", "")
	c, err := rp.CommitObject(ctx, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	raw := g.Git("cat-file", "commit", second)
	if c.ID != second || len(c.Parents) != 1 || c.Parents[0] != first || string(c.Raw) != raw ||
		c.Tree != strings.TrimSpace(g.Git("rev-parse", "HEAD^{tree}")) || c.AuthorName != "Ada Human" ||
		c.CommitTime.Unix() == 0 || !strings.HasPrefix(c.Message, "second\n") {
		t.Errorf("commit object %+v differs from git's:\n%s", c, raw)
	}
	if a, class := InferAuthor(c); class != provenance.AI || a.Kind != provenance.Model {
		t.Errorf("InferAuthor of a Co-Authored-By: Claude commit: %v %s", a, class)
	}
	if _, err := rp.CommitObject(ctx, "HEAD~5"); !errors.Is(err, ErrBadRevision) {
		t.Errorf("a revision past the root: %v, want %v", err, ErrBadRevision)
	}
}
