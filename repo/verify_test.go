package repo

import (
	"context"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/policy"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/sigstore/sigstore/pkg/signature"
)

type testKey struct {
	name   string
	signer signature.SignerVerifier
}

func newTestKey(t testing.TB, name string) testKey {
	priv, err := attest.GenerateKey(attest.ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	s, err := attest.NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	return testKey{name, s}
}

func ringOf(t testing.TB, keys ...testKey) *attest.Keyring {
	ring := &attest.Keyring{}
	for _, k := range keys {
		pub, _ := k.signer.PublicKey()
		if err := ring.Add(attest.TrustedKey{Name: k.name, Key: pub}); err != nil {
			t.Fatal(err)
		}
	}
	return ring
}

func statuses(rep *VerifyReport) []string {
	var out []string
	for _, c := range rep.Commits {
		out = append(out, c.Subject+"="+c.Status)
	}
	return out
}

func violationText(rep *VerifyReport) string {
	var out []string
	for _, v := range rep.Violations {
		out = append(out, v.Error())
	}
	return strings.Join(out, "\n")
}

func TestVerifyHistory(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	rp := openRepo(t, g.Dir)
	alice := newTestKey(t, "alice")
	mallory := newTestKey(t, "mallory")

	g.Write("main.go", gittest.Lines("human", 10))
	g.Commit("one", "")
	if _, err := rp.Stamp(ctx, "HEAD", &StampOptions{Signer: alice.signer}); err != nil {
		t.Fatal(err)
	}
	g.Write("security/auth.go", gittest.Lines("model", 6))
	rp.Checkpoint(ctx, CheckpointOptions{Author: testModel})
	g.Commit("two", "")
	if _, err := rp.Stamp(ctx, "HEAD", &StampOptions{Signer: alice.signer}); err != nil {
		t.Fatal(err)
	}
	opts := &VerifyOptions{Keyring: ringOf(t, alice)}
	rep, err := rp.Verify(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Pass || strings.Join(statuses(rep), " ") != "one=verified two=verified" || rep.Lines.AI != 6 || rep.Lines.Human != 10 {
		t.Fatalf("clean history: %+v %v", rep, statuses(rep))
	}

	// An unsigned commit, and one signed by a key nobody trusts.
	g.Write("x.txt", "x\n")
	g.Commit("three", "")
	rp.Stamp(ctx, "HEAD", nil)
	g.Write("y.txt", "y\n")
	g.Commit("four", "")
	rp.Stamp(ctx, "HEAD", &StampOptions{Signer: mallory.signer})
	g.Write("z.txt", "z\n")
	g.Commit("five", "")
	rep, _ = rp.Verify(ctx, opts)
	if got := strings.Join(statuses(rep), " "); got != "one=verified two=verified three=unsigned four=untrusted five=missing" {
		t.Errorf("statuses: %s", got)
	}
	// With trusted keys, a commit without a record one of them signed is
	// a violation, whatever the reason, unless exempted.
	v := violationText(rep)
	for _, want := range []string{"only an unsigned record", "signed only by keys not trusted", "trusted key: no record (sign it"} {
		if !strings.Contains(v, want) {
			t.Errorf("violations lack %q:\n%s", want, v)
		}
	}
	if rep.Pass {
		t.Errorf("unsigned commits passed")
	}
	if rep, _ := rp.Verify(ctx, &VerifyOptions{Keyring: opts.Keyring, AllowUnsigned: true}); !rep.Pass {
		t.Errorf("--allow-unsigned: %v", rep.Violations)
	}
	if rep, _ := rp.Verify(ctx, &VerifyOptions{Keyring: opts.Keyring, SignedSince: "HEAD~1"}); rep.Pass || strings.Count(violationText(rep), "hallmark stamp --key") != 2 {
		t.Errorf("signed_since HEAD~1 must exempt only what came before it: %v", rep.Violations)
	}

	// The policy: everything signed, at most 30% AI, reviews for security/.
	max := 0.3
	opts.Policy = &policy.Policy{Keys: []policy.Key{{Name: "alice", PublicKey: "x"}}, Require: policy.Require{Signed: true, MaxAIShare: &max, Review: []policy.ReviewRule{{Paths: []string{"security/**"}}}}}
	rep, _ = rp.Verify(ctx, opts)
	v = violationText(rep)
	for _, want := range []string{"only an unsigned record", "AI share 31.6%", "security/auth.go need an approved review"} {
		if !strings.Contains(v, want) {
			t.Errorf("violations lack %q:\n%s", want, v)
		}
	}
	// A review by a trusted key satisfies the review rule.
	if _, err := rp.Review(ctx, "HEAD~3", attest.Review{Reviewer: "Grace <g@example.com>"}, alice.signer); err != nil {
		t.Fatal(err)
	}
	rep, _ = rp.Verify(ctx, opts)
	if strings.Contains(violationText(rep), "need an approved review") {
		t.Errorf("review not counted: %v", rep.Violations)
	}
	// A key the policy allows only to review cannot sign records.
	opts.Policy.Keys = []policy.Key{{Name: "alice", PublicKey: "x", May: []policy.Claim{policy.ClaimReview}}}
	rep, _ = rp.Verify(ctx, &VerifyOptions{Keyring: opts.Keyring, Policy: opts.Policy, Range: []string{"HEAD~4"}})
	if rep.Commits[0].Status == StatusVerified {
		t.Errorf("a review-only key verified a record: %+v", rep.Commits[0])
	}
}

func TestVerifyRejectsForgedRecords(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	rp := openRepo(t, g.Dir)
	alice := newTestKey(t, "alice")
	g.Write("a.go", gittest.Lines("a", 5))
	first := g.Commit("one", "")
	g.Write("a.go", gittest.Lines("a", 8))
	second := g.Commit("two", "")
	ring := ringOf(t, alice)

	sign := func(rec *provenance.Record, commit string) []byte {
		obj := []byte(g.Git("cat-file", "commit", commit))
		env, err := attest.Sign(rec, obj, alice.signer)
		if err != nil {
			t.Fatal(err)
		}
		return env.Bytes()
	}
	good, err := rp.Record(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	// 1. A trusted signature over a record that claims more lines than added.
	wide := *good
	wide.Files = []provenance.File{good.Files[0]}
	wide.Files[0].Spans = []provenance.Span{{Start: 1, End: 8, Author: 0, Class: provenance.AI}}
	// 2. A wrong digest.
	badDigest := *good
	badDigest.Files = []provenance.File{good.Files[0]}
	badDigest.Files[0].Digest = "sha256:" + strings.Repeat("0", 64)
	// 3. The record of another commit, pasted into this one's note.
	other, _ := rp.Record(ctx, first)
	for i, line := range [][]byte{sign(&wide, second), sign(&badDigest, second), sign(other, first), []byte("garbage {")} {
		g.Git("notes", "--ref="+NotesRef, "remove", "--ignore-missing", second)
		if err := rp.AddNote(ctx, second, [][]byte{line}, "test"); err != nil {
			t.Fatal(err)
		}
		rep, err := rp.Verify(ctx, &VerifyOptions{Keyring: ring, Range: []string{first + ".." + second}})
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		cv := rep.Commits[0]
		if cv.Status == StatusVerified || len(cv.Problems) == 0 {
			t.Errorf("case %d accepted: %+v", i, cv)
		}
		if i < 2 && (cv.Status != StatusInvalid || rep.Pass) {
			t.Errorf("case %d: a trusted signature over a false record must fail: %+v", i, cv)
		}
	}
}

func TestVerifyCarriedChain(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	rp := openRepo(t, g.Dir)
	dev, ci := newTestKey(t, "dev"), newTestKey(t, "ci")
	g.Write("README", "r\n")
	g.Commit("base", "")
	rp.Stamp(ctx, "HEAD", &StampOptions{Signer: dev.signer})
	g.Git("checkout", "-q", "-b", "feature")
	g.Write("a.go", gittest.Lines("m", 4))
	rp.Checkpoint(ctx, CheckpointOptions{Author: testModel})
	g.Commit("feature work", "")
	rp.Stamp(ctx, "HEAD", &StampOptions{Signer: dev.signer})
	g.Git("checkout", "-q", "main")
	tree := strings.TrimSpace(g.Git("rev-parse", "feature^{tree}"))
	merged := strings.TrimSpace(g.Git("commit-tree", tree, "-p", "main", "-m", "squash"))
	g.Git("update-ref", "refs/heads/main", merged)
	pol := &policy.Policy{Keys: []policy.Key{{Name: "dev", PublicKey: "x", May: []policy.Claim{policy.ClaimRecord}}, {Name: "ci", PublicKey: "x", May: []policy.Claim{policy.ClaimCarry}}}}
	res, err := rp.CarryRange(ctx, "main~1", "feature", merged, &StampOptions{Signer: ci.signer, Trust: &Trust{Keyring: ringOf(t, dev, ci), Policy: pol}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Record.Count().AI != 4 || len(res.Record.DerivedFrom) != 1 {
		t.Fatalf("carried: %+v", res.Record)
	}
	opts := &VerifyOptions{Keyring: ringOf(t, dev, ci), Policy: pol, Range: []string{"main"}}
	rep, err := rp.Verify(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(statuses(rep), " "); got != "base=verified squash=verified" || !rep.Pass {
		t.Fatalf("chain: %s %v %+v", got, rep.Violations, rep.Commits)
	}
	// Without the dev key, the chain's origin no longer verifies.
	rep, _ = rp.Verify(ctx, &VerifyOptions{Keyring: ringOf(t, ci), Policy: pol, Range: []string{"main~1..main"}})
	if rep.Commits[0].Status != StatusInvalid || !strings.Contains(violationText(rep), "not-derived") && !strings.Contains(violationText(rep), "does not follow") {
		t.Errorf("broken chain verified: %+v", rep.Commits[0])
	}
}

// TestVerifyNoteOnVanishedCommit: a carried record whose source commit was
// garbage-collected (its note survives, the commit does not) still
// verifies, from the evidence carried in its note; without that evidence
// it fails with a clear problem.
func TestVerifyNoteOnVanishedCommit(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	rp := openRepo(t, g.Dir)
	k := newTestKey(t, "k")
	g.Write("README", "r\n")
	g.Commit("base", "")
	rp.Stamp(ctx, "HEAD", &StampOptions{Signer: k.signer})
	// A commit that will vanish: made, stamped, then reset away.
	g.Write("a.go", gittest.Lines("m", 3))
	rp.Checkpoint(ctx, CheckpointOptions{Author: testModel})
	gone := g.Commit("soon gone", "")
	rp.Stamp(ctx, "HEAD", &StampOptions{Signer: k.signer})
	g.Git("reset", "-q", "--soft", "HEAD~1")
	g.Git("commit", "-q", "-m", "recommitted")
	res, err := rp.Carry(ctx, []string{gone}, "HEAD", &StampOptions{Signer: k.signer})
	if err != nil || len(res.Record.DerivedFrom) != 1 {
		t.Fatalf("carry: %v %+v", err, res)
	}
	g.Git("reflog", "expire", "--expire=now", "--all")
	g.Git("gc", "-q", "--prune=now")
	if _, err := g.TryGit("cat-file", "-e", gone); err == nil {
		t.Fatal("the commit did not vanish")
	}
	rp2 := openRepo(t, g.Dir)
	rep, err := rp2.Verify(ctx, &VerifyOptions{Keyring: ringOf(t, k)})
	if err != nil {
		t.Fatal(err)
	}
	last := rep.Commits[len(rep.Commits)-1]
	if last.Status != StatusVerified || !rep.Pass {
		t.Errorf("carried record from a vanished commit, with its evidence: %+v", last)
	}
	if rep.Commits[0].Status != StatusVerified {
		t.Errorf("the other commit: %+v", rep.Commits[0])
	}
}
