package repo

import (
	"context"
	"crypto"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/policy"
)

// policyKey is a real key pair for policy tests: the signer and its PEM.
type policyKey struct {
	priv crypto.Signer
	pem  string
}

func newPolicyKey(t *testing.T) policyKey {
	t.Helper()
	priv, err := attest.GenerateKey(attest.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := attest.MarshalPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return policyKey{priv, string(pub)}
}

// trustedAs returns the names under which ring trusts a review signed by k.
func (k policyKey) trustedAs(t *testing.T, ring *attest.Keyring) []string {
	t.Helper()
	s, err := attest.NewSigner(k.priv)
	if err != nil {
		t.Fatal(err)
	}
	env, err := attest.SignReview(&attest.Review{Commit: strings.Repeat("ab", 20), Reviewer: "Grace <grace@example.com>", Verdict: attest.Approved}, nil, s)
	if err != nil {
		t.Fatal(err)
	}
	_, names, err := attest.VerifyStatementSignature(env.Bytes(), ring)
	if err != nil {
		return nil
	}
	return names
}

// TestPolicyAtReadsTheCommit commits a policy, then edits the work tree
// and the index as a pull request would (its own key, a higher AI share):
// PolicyAt reads only what each commit holds, in a work tree and in a bare
// clone.
func TestPolicyAtReadsTheCommit(t *testing.T) {
	ctx := context.Background()
	alice, bob, mallory := newPolicyKey(t), newPolicyKey(t), newPolicyKey(t)
	g := gittest.New(t)
	g.Write("README", "no policy yet\n")
	before := g.Commit("before the policy", "")

	// Key paths are relative to the repository's root: keys/alice.pub is
	// the one at the top, not .hallmark/keys/alice.pub (mallory's, placed
	// there to catch a reader that resolves against the policy's
	// directory).
	g.Write("keys/alice.pub", alice.pem)
	g.Write(".hallmark/keys/alice.pub", mallory.pem)
	g.Write(".hallmark/keys/bob.pub", bob.pem)
	g.Write(policy.File, "keys:\n  - {name: alice, public_key: keys/alice.pub}\n  - {name: bob, public_key: ./.hallmark/keys/bob.pub}\nrequire:\n  max_ai_share: 0.2\n")
	adopted := g.Commit("adopt a policy", "")

	// The attacker's edits, staged and unstaged.
	g.Write("keys/alice.pub", mallory.pem)
	g.Write(policy.File, "keys:\n  - {name: alice, public_key: keys/alice.pub}\n  - {name: mallory, public_key: keys/alice.pub}\nrequire:\n  max_ai_share: 1\n")
	g.Git("add", policy.File)
	g.Write(".hallmark/keys/bob.pub", mallory.pem)

	bare := filepath.Join(t.TempDir(), "bare.git")
	g.Git("clone", "-q", "--bare", g.Dir, bare)
	for _, dir := range []string{g.Dir, bare} {
		rp := openRepo(t, dir)
		for _, rev := range []string{"HEAD", adopted, "main"} {
			p, ring, err := rp.PolicyAt(ctx, rev)
			if err != nil {
				t.Fatalf("%s: PolicyAt(%s): %v", dir, rev, err)
			}
			if s := p.Require.MaxAIShare; s == nil || *s != 0.2 {
				t.Errorf("%s: PolicyAt(%s): max_ai_share %v, want the committed 0.2", dir, rev, s)
			}
			for _, tt := range []struct {
				reason string
				key    policyKey
				want   []string
			}{
				{"alice's committed key file, at the root", alice, []string{"alice"}},
				{"bob's committed key file, by a ./ path", bob, []string{"bob"}},
				{"mallory's key, only in the work tree, the index, or beside the policy under alice's name", mallory, nil},
			} {
				if got := tt.key.trustedAs(t, ring); !slices.Equal(got, tt.want) {
					t.Errorf("%s: PolicyAt(%s): %s: trusted as %q, want %q", dir, rev, tt.reason, got, tt.want)
				}
			}
		}
		if _, _, err := rp.PolicyAt(ctx, before); !errors.Is(err, policy.ErrNoPolicy) {
			t.Errorf("%s: a commit without a policy: %v, want ErrNoPolicy", dir, err)
		}
	}

	// Committed, the attacker's policy is what that commit says; the
	// adopting commit still says what it said.
	g.Commit("raise the share", "")
	rp := openRepo(t, g.Dir)
	if p, ring, err := rp.PolicyAt(ctx, "HEAD"); err != nil || *p.Require.MaxAIShare != 1 || !slices.Equal(mallory.trustedAs(t, ring), []string{"alice", "mallory"}) {
		t.Errorf("the new commit's own policy: %v", err)
	}
	if p, _, err := rp.PolicyAt(ctx, "HEAD~1"); err != nil || *p.Require.MaxAIShare != 0.2 {
		t.Errorf("the adopting commit after a later change: %v", err)
	}
}

func TestPolicyAtErrors(t *testing.T) {
	ctx := context.Background()
	alice := newPolicyKey(t)
	g := gittest.New(t)
	g.Write("keys/alice.pub", alice.pem)
	rp := openRepo(t, g.Dir)
	commitPolicy := func(content string) {
		t.Helper()
		g.Write(policy.File, content)
		g.Commit("policy", "")
	}
	for _, tt := range []struct {
		reason string
		policy string
		want   error  // wrapped, when not nil
		says   string // in the message
	}{
		{"a key path out of the tree", "keys: [{name: a, public_key: ../outside.pub}]", policy.ErrKey, "inside the repository"},
		{"an absolute key path", "keys: [{name: a, public_key: " + filepath.Join(g.Dir, "keys/alice.pub") + "}]", policy.ErrKey, "absolute"},
		{"a key file that is not committed", "keys: [{name: a, public_key: keys/bob.pub}]", policy.ErrKey, "keys/bob.pub"},
		{"a key path that is a directory", "keys: [{name: a, public_key: keys}]", policy.ErrKey, "directory"},
		{"a key path through a file", "keys: [{name: a, public_key: keys/alice.pub/x}]", policy.ErrKey, "not a directory"},
		{"a policy that does not parse", "keys: [{name: a}]", policy.ErrPolicy, policy.File},
	} {
		commitPolicy(tt.policy)
		_, _, err := rp.PolicyAt(ctx, "HEAD")
		if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.says) {
			t.Errorf("%s: %v, want %v saying %q", tt.reason, err, tt.want, tt.says)
		}
		if errors.Is(err, policy.ErrNoPolicy) {
			t.Errorf("%s: reported as no policy", tt.reason)
		}
	}

	// A symbolic link where the policy goes is an error, not "no policy",
	// and is never followed (here to a file that would parse).
	g.Write("real.yaml", "keys: [{name: a, public_key: keys/alice.pub}]\n")
	os.Remove(filepath.Join(g.Dir, policy.File))
	if err := os.Symlink("../real.yaml", filepath.Join(g.Dir, policy.File)); err != nil {
		t.Fatal(err)
	}
	g.Commit("policy as a link", "")
	if _, _, err := rp.PolicyAt(ctx, "HEAD"); err == nil || errors.Is(err, policy.ErrNoPolicy) || !strings.Contains(err.Error(), "symbolic link") {
		t.Errorf("a policy that is a symbolic link: %v", err)
	}
	if _, _, err := rp.PolicyAt(ctx, "no-such-branch"); err == nil || errors.Is(err, policy.ErrNoPolicy) {
		t.Errorf("an unknown revision: %v, want an error that is not ErrNoPolicy", err)
	}
}

// TestPolicyAtSHA256 reads a policy in a SHA-256 repository, whose tree
// entries hold 32-byte ids.
func TestPolicyAtSHA256(t *testing.T) {
	alice := newPolicyKey(t)
	g := gittest.Wrap(t, t.TempDir())
	g.Git("init", "-q", "-b", "main", "--object-format=sha256")
	g.Git("config", "user.name", "Ada Human")
	g.Git("config", "user.email", "ada@example.com")
	g.Write(".hallmark/keys/alice.pub", alice.pem)
	g.Write(policy.File, "keys: [{name: alice, public_key: .hallmark/keys/alice.pub}]\n")
	g.Commit("policy", "")
	_, ring, err := openRepo(t, g.Dir).PolicyAt(context.Background(), "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if got := alice.trustedAs(t, ring); !slices.Equal(got, []string{"alice"}) {
		t.Errorf("alice trusted as %q", got)
	}
}
