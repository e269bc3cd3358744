package repo

// Attacks on verification, mounted for real: real repositories, real
// keys and signatures, notes written as an attacker with push access to
// refs/notes/hallmark would write them. Each asserts the refusal, by its
// named cause, and that the honest case beside it still passes.

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/policy"
	"github.com/hallmark-dev/hallmark/provenance"
)

// devCIPolicy: dev records and reviews, ci only carries, rev only reviews.
var devCIPolicy = &policy.Policy{Keys: []policy.Key{
	{Name: "dev", PublicKey: "x", May: []policy.Claim{policy.ClaimRecord}},
	{Name: "ci", PublicKey: "x", May: []policy.Claim{policy.ClaimCarry}},
	{Name: "rev", PublicKey: "x", May: []policy.Claim{policy.ClaimReview}},
}}

// ada is the person the forged records name.
var ada = provenance.Author{Kind: provenance.Person, Name: "Ada Human", Email: "ada@example.com"}

// allHuman returns a copy of rec with every line relabelled as who's,
// class human: the forgery the attacks below sign.
func allHuman(rec *provenance.Record, who provenance.Author) *provenance.Record {
	out := *rec
	out.Authors = []provenance.Author{who}
	out.Files = slices.Clone(rec.Files)
	for i := range out.Files {
		out.Files[i].Spans = slices.Clone(out.Files[i].Spans)
		for j := range out.Files[i].Spans {
			out.Files[i].Spans[j].Author, out.Files[i].Spans[j].Class = 0, provenance.Human
		}
	}
	return &out
}

// setNote replaces a commit's whole note, as a writer of the notes ref can.
func setNote(t *testing.T, g *gittest.Repo, commit string, lines ...[]byte) {
	t.Helper()
	g.Git("notes", "--ref="+NotesRef, "add", "-f", "-m", string(bytes.Join(lines, []byte("\n"))), commit)
}

func noteOf(t *testing.T, rp *Repo, commit string) [][]byte {
	t.Helper()
	lines, err := rp.Note(context.Background(), commit)
	if err != nil {
		t.Fatal(err)
	}
	return lines
}

func signRecord(t *testing.T, g *gittest.Repo, k testKey, rec *provenance.Record) []byte {
	t.Helper()
	st, err := attest.NewStatement(rec, []byte(g.Git("cat-file", "commit", rec.Commit)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := attest.SignToBundle(st, k.signer)
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func verifyRange(t *testing.T, rp *Repo, opts *VerifyOptions) *VerifyReport {
	t.Helper()
	rep, err := rp.Verify(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// hasViolation reports whether the report fails with the named cause.
func hasViolation(rep *VerifyReport, cause error) bool {
	return slices.ContainsFunc(rep.Violations, func(v Violation) bool { return errors.Is(v, cause) })
}

// modelCommit makes a commit whose lines a model wrote, captured.
func modelCommit(t *testing.T, g *gittest.Repo, rp *Repo, path, subject string, n int) string {
	t.Helper()
	g.Write(path, gittest.Lines("model line", n))
	if _, err := rp.Checkpoint(context.Background(), CheckpointOptions{Author: testModel}); err != nil {
		t.Fatal(err)
	}
	return g.Commit(subject, "")
}

func TestAttackTamperedNote(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	rp := openRepo(t, g.Dir)
	k := newTestKey(t, "k")
	id := modelCommit(t, g, rp, "a.go", "model work", 4)
	if _, err := rp.Stamp(ctx, "HEAD", &StampOptions{Signer: k.signer}); err != nil {
		t.Fatal(err)
	}
	opts := &VerifyOptions{Keyring: ringOf(t, k)}
	if rep := verifyRange(t, rp, opts); !rep.Pass {
		t.Fatalf("honest note: %v", rep.Violations)
	}
	// Relabel every line human inside the signed envelope, keep the signature.
	line := noteOf(t, rp, id)[0]
	env, _, err := attest.ParseAttestation(line)
	if err != nil {
		t.Fatal(err)
	}
	payload, _ := base64.StdEncoding.DecodeString(env.Payload)
	forged := bytes.ReplaceAll(payload, []byte(`"class":"ai"`), []byte(`"class":"human"`))
	if bytes.Equal(forged, payload) {
		t.Fatal("the payload has no ai class to relabel")
	}
	env.Payload = base64.StdEncoding.EncodeToString(forged)
	pub, _ := k.signer.PublicKey()
	bundle, err := attest.NewBundle(env, pub)
	if err != nil {
		t.Fatal(err)
	}
	for name, tampered := range map[string][]byte{"bundle with the key's hint": bundle.Bytes(), "bare DSSE envelope": env.Bytes()} {
		setNote(t, g, id, tampered)
		rep := verifyRange(t, rp, opts)
		if rep.Pass || !hasViolation(rep, attest.ErrBadSignature) || rep.Commits[0].Status != StatusInvalid {
			t.Errorf("%s: a tampered note must fail with a bad signature: %+v", name, rep)
		}
		// Beside the real envelope, the tampered one still fails the commit.
		setNote(t, g, id, line, tampered)
		if rep := verifyRange(t, rp, opts); rep.Pass || !hasViolation(rep, attest.ErrBadSignature) {
			t.Errorf("%s beside the real one: %v", name, rep.Violations)
		}
	}
}

func TestAttackCarryOnlyKey(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	rp := openRepo(t, g.Dir)
	dev, ci := newTestKey(t, "dev"), newTestKey(t, "ci")
	id := modelCommit(t, g, rp, "a.go", "model work", 5)
	if _, err := rp.Stamp(ctx, "HEAD", &StampOptions{Signer: dev.signer}); err != nil {
		t.Fatal(err)
	}
	honest := noteOf(t, rp, id)[0]
	opts := &VerifyOptions{Keyring: ringOf(t, dev, ci), Policy: devCIPolicy}
	if rep := verifyRange(t, rp, opts); !rep.Pass {
		t.Fatalf("honest: %v", rep.Violations)
	}
	// ci signs an all-human "carried" record that names no source.
	rec, err := rp.Record(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	rec = allHuman(rec, ada)
	rec.Method = provenance.MethodCarried
	forged := signRecord(t, g, ci, rec)
	for name, note := range map[string][][]byte{"alone": {forged}, "beside the real record": {honest, forged}} {
		setNote(t, g, id, note...)
		rep := verifyRange(t, rp, opts)
		if rep.Pass || !hasViolation(rep, ErrNotDerived) {
			t.Errorf("%s: a carry-only key's sourceless record must fail: %v", name, rep.Violations)
		}
	}
	// The same record claimed as a capture: ci may not sign it at all.
	rec.Method = provenance.MethodCapture
	setNote(t, g, id, signRecord(t, g, ci, rec))
	if rep := verifyRange(t, rp, opts); rep.Pass || !hasViolation(rep, ErrNotAllowed) {
		t.Errorf("a carry-only key's capture record: %v", rep.Violations)
	}
}

// squashMerge makes, on main, the commit a server makes when it
// squash-merges feature, and returns it.
func squashMerge(t *testing.T, g *gittest.Repo) string {
	t.Helper()
	tree := strings.TrimSpace(g.Git("rev-parse", "feature^{tree}"))
	merged := strings.TrimSpace(g.Git("commit-tree", tree, "-p", "main", "-m", "Squash feature"))
	g.Git("update-ref", "refs/heads/main", merged)
	return merged
}

func TestAttackRelabelledCarry(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	rp := openRepo(t, g.Dir)
	dev, ci, rev := newTestKey(t, "dev"), newTestKey(t, "ci"), newTestKey(t, "rev")
	trust := &Trust{Keyring: ringOf(t, dev, ci, rev), Policy: devCIPolicy}
	g.Write("README", "r\n")
	g.Commit("base", "")
	rp.Stamp(ctx, "HEAD", &StampOptions{Signer: dev.signer})
	g.Git("checkout", "-q", "-b", "feature")
	src := modelCommit(t, g, rp, "a.go", "model work", 6)
	rp.Stamp(ctx, "HEAD", &StampOptions{Signer: dev.signer})
	g.Git("checkout", "-q", "main")
	merged := squashMerge(t, g)
	res, err := rp.CarryRange(ctx, "main~1", "feature", merged, &StampOptions{Signer: ci.signer, Trust: trust})
	if err != nil {
		t.Fatal(err)
	}
	if res.Record.Count().AI != 6 {
		t.Fatalf("honest carry: %+v", res.Record.Count())
	}
	opts := &VerifyOptions{Keyring: trust.Keyring, Policy: devCIPolicy, Range: []string{"main~1..main"}}
	if rep := verifyRange(t, rp, opts); !rep.Pass {
		t.Fatalf("honest carry: %v", rep.Violations)
	}
	// ci relabels the carried lines human, citing the model's real record.
	evidence := noteOf(t, rp, merged)[1]
	forged := *allHuman(res.Record, ada)
	setNote(t, g, merged, signRecord(t, g, ci, &forged), evidence)
	rep := verifyRange(t, rp, opts)
	if rep.Pass || !hasViolation(rep, ErrNotDerived) || !strings.Contains(violationText(rep), "its source says") {
		t.Errorf("relabelled carry: %v", rep.Violations)
	}

	// A review-only key signs an all-human record of the source commit:
	// carry does not take it, and a carried record citing it fails.
	human, _ := rp.Record(ctx, src)
	human = allHuman(human, ada)
	setNote(t, g, src, signRecord(t, g, rev, human))
	g.Git("notes", "--ref="+NotesRef, "remove", merged)
	res2, err := rp.CarryRange(ctx, "main~1", "feature", merged, &StampOptions{Signer: ci.signer, Trust: trust})
	if err != nil {
		t.Fatal(err)
	}
	if len(res2.Record.DerivedFrom) != 0 || res2.Record.Method == provenance.MethodCarried {
		t.Errorf("carry took a review-only key's record as a source: %+v", res2.Record)
	}
	humanDigest, _ := human.Digest()
	cites := forged
	cites.DerivedFrom = []provenance.Ref{{Digest: humanDigest, Commit: src}}
	setNote(t, g, merged, signRecord(t, g, ci, &cites))
	if rep := verifyRange(t, rp, opts); rep.Pass || !hasViolation(rep, ErrNotDerived) || !strings.Contains(violationText(rep), "may not sign a record claim") {
		t.Errorf("a carry citing a review-only key's record: %v", rep.Violations)
	}
}

func TestAttackDisagreeingRecords(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	rp := openRepo(t, g.Dir)
	alice, bob := newTestKey(t, "alice"), newTestKey(t, "bob")
	id := modelCommit(t, g, rp, "a.go", "model work", 3)
	if _, err := rp.Stamp(ctx, "HEAD", &StampOptions{Signer: alice.signer}); err != nil {
		t.Fatal(err)
	}
	real := noteOf(t, rp, id)[0]
	rec, _ := rp.Record(ctx, id)
	rec = allHuman(rec, provenance.Author{Kind: provenance.Person, Name: "Bob", Email: "bob@example.com"})
	rec.Method = provenance.MethodCapture
	other := signRecord(t, g, bob, rec)
	opts := &VerifyOptions{Keyring: ringOf(t, alice, bob)}
	for _, order := range [][][]byte{{real, other}, {other, real}} {
		setNote(t, g, id, order...)
		rep := verifyRange(t, rp, opts)
		v := violationText(rep)
		if rep.Pass || !hasViolation(rep, ErrConflict) || !strings.Contains(v, "alice") || !strings.Contains(v, "bob") || rep.Commits[0].Status != StatusConflict {
			t.Errorf("disagreeing records, in either order, fail naming both signers: %v", v)
		}
	}
	// Two records that agree are fine: bob signs what alice signed.
	same, err := attest.ReadUnverified(real)
	if err != nil {
		t.Fatal(err)
	}
	setNote(t, g, id, real, signRecord(t, g, bob, same))
	if rep := verifyRange(t, rp, opts); !rep.Pass || len(rep.Commits[0].Signers) != 2 {
		t.Errorf("agreeing records: %v %+v", rep.Violations, rep.Commits[0])
	}
}

func TestAttackWrongTreeOrParents(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	rp := openRepo(t, g.Dir)
	k := newTestKey(t, "k")
	g.Write("a.go", "a\n")
	first := g.Commit("one", "")
	g.Write("b.go", "b\n")
	id := g.Commit("two", "")
	opts := &VerifyOptions{Keyring: ringOf(t, k), Range: []string{first + ".." + id}}
	for name, edit := range map[string]func(*provenance.Record){
		"tree":    func(r *provenance.Record) { r.Tree = strings.Repeat("1", len(r.Tree)) },
		"parents": func(r *provenance.Record) { r.Parents = []string{strings.Repeat("2", len(id))} },
		"no tree": func(r *provenance.Record) { r.Tree = "" },
	} {
		rec, _ := rp.Record(ctx, id)
		edit(rec)
		setNote(t, g, id, signRecord(t, g, k, rec))
		if rep := verifyRange(t, rp, opts); rep.Pass || !hasViolation(rep, ErrRecordMismatch) {
			t.Errorf("%s: %v", name, rep.Violations)
		}
	}
	rec, _ := rp.Record(ctx, id)
	setNote(t, g, id, signRecord(t, g, k, rec))
	if rep := verifyRange(t, rp, opts); !rep.Pass {
		t.Errorf("honest: %v", rep.Violations)
	}
}

func TestStampSignsOnlyWhatItComputed(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	rp := openRepo(t, g.Dir)
	k := newTestKey(t, "k")
	g.Write("README", "r\n")
	g.Commit("base", "")
	g.Write("a.go", gittest.Lines("x", 3))
	id := g.Commit("feat: parser\n\nCo-Authored-By: Claude <noreply@anthropic.com>", "")
	// A planted unsigned record: all human, "captured".
	rec, _ := rp.Record(ctx, id)
	if rec.Count().AI != 3 {
		t.Fatalf("the conventions say ai: %+v", rec.Count())
	}
	planted := *rec
	planted.Authors = []provenance.Author{{Kind: provenance.Person, Name: "Ada Human", Email: "ada@example.com"}}
	planted.Files = slices.Clone(rec.Files)
	for i := range planted.Files {
		planted.Files[i].Spans = []provenance.Span{{Start: 1, End: 3, Author: 0, Class: provenance.Human}}
	}
	planted.Method = provenance.MethodCapture
	env, err := attest.Unsigned(&planted, []byte(g.Git("cat-file", "commit", id)))
	if err != nil {
		t.Fatal(err)
	}
	// And an envelope with a garbage signature.
	garbage, _ := attest.Unsigned(&planted, []byte(g.Git("cat-file", "commit", id)))
	garbage.Signatures = []attest.Signature{{Sig: base64.StdEncoding.EncodeToString([]byte("not a signature"))}}
	setNote(t, g, id, env.Bytes(), garbage.Bytes())
	res, err := rp.Stamp(ctx, id, &StampOptions{Signer: k.signer})
	if err != nil {
		t.Fatal(err)
	}
	if res.Existing || !res.Signed || res.Record.Count().AI != 3 {
		t.Errorf("stamp signed the planted record or called the garbage signature a stamp: %+v %+v", res, res.Record.Count())
	}
	// stamp --range signs every commit that lacks this key's record.
	g.Git("notes", "--ref="+NotesRef, "remove", id)
	setNote(t, g, id, env.Bytes())
	n, err := rp.StampRange(ctx, []string{"HEAD"}, &StampOptions{Signer: k.signer})
	if err != nil || n != 2 {
		t.Errorf("stamp --range stamped %d commits (%v), want 2", n, err)
	}
	rep := verifyRange(t, rp, &VerifyOptions{Keyring: ringOf(t, k)})
	if !rep.Pass || rep.Lines.AI != 3 {
		t.Errorf("after stamp --range: %v %+v", rep.Violations, rep.Lines)
	}
}

func TestAttributesCannotHideLines(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	rp := openRepo(t, g.Dir)
	dev, rev := newTestKey(t, "dev"), newTestKey(t, "rev")
	g.Write(".gitattributes", "security/** -diff\n")
	g.Commit("attributes", "")
	rp.Stamp(ctx, "HEAD", &StampOptions{Signer: dev.signer})
	modelCommit(t, g, rp, "security/auth.go", "model writes auth", 5)
	res, err := rp.Stamp(ctx, "HEAD", &StampOptions{Signer: dev.signer})
	if err != nil {
		t.Fatal(err)
	}
	if res.Record.Count().AI != 5 {
		t.Fatalf("-diff hid the lines from the record: %+v", res.Record.Count())
	}
	pol := &policy.Policy{Keys: []policy.Key{{Name: "dev", PublicKey: "x", May: []policy.Claim{policy.ClaimRecord}}, {Name: "rev", PublicKey: "x", May: []policy.Claim{policy.ClaimReview}}},
		Require: policy.Require{Review: []policy.ReviewRule{{Paths: []string{"security/**"}}}}}
	opts := &VerifyOptions{Keyring: ringOf(t, dev, rev), Policy: pol}
	rep := verifyRange(t, rp, opts)
	if rep.Pass || !hasViolation(rep, ErrReviewRequired) || rep.Lines.AI != 5 {
		t.Errorf("-diff must not hide AI lines from review rules and shares: %v %+v", rep.Violations, rep.Lines)
	}
	// A review that names another path does not cover security/.
	if _, err := rp.Review(ctx, "HEAD", attest.Review{Reviewer: "Rita <r@example.com>", Paths: []string{"docs/README.md"}}, rev.signer); err != nil {
		t.Fatal(err)
	}
	if rep := verifyRange(t, rp, opts); !hasViolation(rep, ErrReviewRequired) {
		t.Errorf("a review of docs/README.md covered security/auth.go")
	}
	if _, err := rp.Review(ctx, "HEAD", attest.Review{Reviewer: "Rita <r@example.com>", Paths: []string{"security/"}}, rev.signer); err != nil {
		t.Fatal(err)
	}
	if rep := verifyRange(t, rp, opts); !rep.Pass {
		t.Errorf("a review of security/: %v", rep.Violations)
	}
	// The same reviewer's rejection revokes the approval.
	if _, err := rp.Review(ctx, "HEAD", attest.Review{Reviewer: "Rita <r@example.com>", Verdict: attest.Rejected}, rev.signer); err != nil {
		t.Fatal(err)
	}
	if rep := verifyRange(t, rp, opts); !hasViolation(rep, ErrReviewRequired) {
		t.Errorf("a rejection did not revoke the approval")
	}
	// A binary file under a review path needs a review too.
	g.Write("security/key.bin", "\x00\x01binary")
	g.Commit("binary", "")
	rp.Stamp(ctx, "HEAD", &StampOptions{Signer: dev.signer})
	rep = verifyRange(t, rp, &VerifyOptions{Keyring: opts.Keyring, Policy: pol, Range: []string{"HEAD~1..HEAD"}})
	if !hasViolation(rep, ErrReviewRequired) || !strings.Contains(violationText(rep), "binary file security/key.bin") || rep.BinaryFiles != 1 || rep.BinaryBytes != 8 {
		t.Errorf("binary file under a review path: %v", rep.Violations)
	}
}

// TestCarriedRecordSurvivesFreshCloneAndGC: after a server squash-merge,
// CI carries the feature's records onto the merge; the feature branch is
// deleted and gc'd on the server; a fresh clone of main alone verifies.
func TestCarriedRecordSurvivesFreshCloneAndGC(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	rp := openRepo(t, g.Dir)
	dev, ci := newTestKey(t, "dev"), newTestKey(t, "ci")
	trust := &Trust{Keyring: ringOf(t, dev, ci), Policy: devCIPolicy}
	g.Write("README", "r\n")
	g.Commit("base", "")
	rp.Stamp(ctx, "HEAD", &StampOptions{Signer: dev.signer})
	g.Git("checkout", "-q", "-b", "feature")
	src := modelCommit(t, g, rp, "a.go", "model work", 4)
	rp.Stamp(ctx, "HEAD", &StampOptions{Signer: dev.signer})
	g.Write("b.go", "person\n")
	g.Commit("person work", "")
	rp.Stamp(ctx, "HEAD", &StampOptions{Signer: dev.signer})
	g.Git("checkout", "-q", "main")
	merged := squashMerge(t, g)
	if _, err := rp.CarryRange(ctx, "main~1", "feature", merged, &StampOptions{Signer: ci.signer, Trust: trust}); err != nil {
		t.Fatal(err)
	}
	// The server: main and the notes pushed, the branch deleted, gc.
	server := filepath.Join(t.TempDir(), "server.git")
	run := func(dir string, args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, gittest.Env(t.TempDir())
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run(g.Dir, "init", "-q", "--bare", server)
	run(g.Dir, "push", "-q", server, "main", "feature", NotesRef)
	run(server, "branch", "-D", "feature")
	run(server, "reflog", "expire", "--expire=now", "--all")
	run(server, "gc", "-q", "--prune=now")
	clone := filepath.Join(t.TempDir(), "clone")
	run(g.Dir, "clone", "-q", "--single-branch", "--branch", "main", server, clone)
	run(clone, "fetch", "-q", "origin", NotesRef+":"+NotesRef)
	if err := exec.Command("git", "-C", clone, "cat-file", "-e", src).Run(); err == nil {
		t.Fatal("the source commit is still in the clone: the test proves nothing")
	}
	crp := openRepo(t, clone)
	rep := verifyRange(t, crp, &VerifyOptions{Keyring: trust.Keyring, Policy: devCIPolicy, Range: []string{"main~1..main"}})
	if !rep.Pass || rep.Commits[0].Status != StatusVerified || rep.Lines.AI != 4 || rep.Lines.Human != 1 {
		t.Errorf("fresh clone after gc: %v %+v", rep.Violations, rep.Commits)
	}
	// Without its evidence line, the carried record cannot be checked there.
	lines := noteOf(t, crp, merged)
	cg := gittest.Wrap(t, clone)
	setNote(t, cg, merged, lines[0])
	crp2 := openRepo(t, clone)
	if rep := verifyRange(t, crp2, &VerifyOptions{Keyring: trust.Keyring, Policy: devCIPolicy, Range: []string{"main~1..main"}}); rep.Pass || !hasViolation(rep, ErrNotDerived) {
		t.Errorf("without evidence: %v", rep.Violations)
	}
}

// TestCarryTrustsThePolicyAtParent: a person cherry-picks a colleague's
// model-written commit, signed with the colleague's key that the
// committed policy trusts; the carry, signed with the person's own key,
// keeps the model's lines, and verifies.
func TestCarryTrustsThePolicyAtParent(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	rp := openRepo(t, g.Dir)
	ada, bob := newTestKey(t, "ada"), newTestKey(t, "bob")
	for _, k := range []testKey{ada, bob} {
		pub, _ := k.signer.PublicKey()
		pemBytes, err := attest.MarshalPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		g.Write(".hallmark/keys/"+k.name+".pub", string(pemBytes))
	}
	g.Write(".hallmark/policy.yaml", "keys:\n  - {name: ada, public_key: .hallmark/keys/ada.pub}\n  - {name: bob, public_key: .hallmark/keys/bob.pub}\n")
	g.Commit("policy", "")
	rp.Stamp(ctx, "HEAD", &StampOptions{Signer: ada.signer})
	g.Git("checkout", "-q", "-b", "bobs")
	src := modelCommit(t, g, rp, "a.go", "bob's model work", 4)
	rp.Stamp(ctx, "HEAD", &StampOptions{Signer: bob.signer})
	g.Git("checkout", "-q", "main")
	g.Git("cherry-pick", src)
	res, err := rp.Carry(ctx, []string{src}, "HEAD", &StampOptions{Signer: ada.signer})
	if err != nil {
		t.Fatal(err)
	}
	if res.Record.Count().AI != 4 || len(res.Record.DerivedFrom) != 1 {
		t.Errorf("the carry lost the colleague's model lines: %+v", res.Record.Count())
	}
	pol, ring, err := rp.PolicyAt(ctx, "HEAD~1")
	if err != nil {
		t.Fatal(err)
	}
	if rep := verifyRange(t, rp, &VerifyOptions{Keyring: ring, Policy: pol, Range: []string{"HEAD~1..HEAD"}}); !rep.Pass || rep.Lines.AI != 4 {
		t.Errorf("the cherry-pick's carried record: %v %+v", rep.Violations, rep.Lines)
	}
}
