package repo

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/policy"
)

// TestLoadTrust: each of a TrustSource's ways gives the keys it names, and
// what verify refuses (keys with a policy, a policy in the work tree, a
// policy that lists no key, nothing at all) is a named error.
func TestLoadTrust(t *testing.T) {
	ctx := context.Background()
	alice, bob := newPolicyKey(t), newPolicyKey(t)
	g := gittest.New(t)
	g.Write("README", "r\n")
	bare := g.Commit("no policy", "")
	g.Write("keys/alice.pub", alice.pem)
	g.Write(policy.File, "keys:\n  - {name: alice, public_key: keys/alice.pub}\n")
	adopted := g.Commit("adopt a policy", "")
	g.Write(policy.File, "keys: []\n")
	emptied := g.Commit("a policy with no key", "")
	rp := openRepo(t, g.Dir)

	out := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(out, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bobPub := write("bob.pub", bob.pem)
	outside := write("policy.yaml", "keys:\n  - {name: bob, public_key: bob.pub}\n")
	none := write("none.yaml", "keys: []\n")
	inside := filepath.Join(g.Dir, policy.File)
	link := filepath.Join(out, "link.yaml")
	if err := os.Symlink(inside, link); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		reason string
		src    *TrustSource
		names  []string // who the trust's keyring trusts, of alice and bob
		policy bool
		want   error
	}{
		{"keys, exactly", &TrustSource{Keys: []string{"bob=" + bobPub}, Base: adopted}, []string{"bob"}, false, nil},
		{"a policy file outside", &TrustSource{PolicyFile: outside, Base: adopted}, []string{"bob"}, true, nil},
		{"the policy at base", &TrustSource{Base: adopted}, []string{"alice"}, true, nil},
		{"keys and a policy", &TrustSource{Keys: []string{bobPub}, PolicyFile: outside}, nil, false, ErrKeysAndPolicy},
		{"a policy in the work tree", &TrustSource{PolicyFile: inside}, nil, false, ErrPolicyInWorkTree},
		{"a link to a policy in the work tree", &TrustSource{PolicyFile: link}, nil, false, ErrPolicyInWorkTree},
		{"a policy file listing no key", &TrustSource{PolicyFile: none}, nil, false, attest.ErrNoKeys},
		{"a base whose policy lists no key", &TrustSource{Base: emptied}, nil, false, attest.ErrNoKeys},
		{"a base with no policy", &TrustSource{Base: bare}, nil, false, policy.ErrNoPolicy},
		{"nothing", nil, nil, false, ErrNoTrustSource},
	} {
		tr, err := rp.LoadTrust(ctx, tt.src)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.reason, err, tt.want)
			continue
		}
		if err != nil {
			continue
		}
		var names []string
		for _, k := range []struct {
			name string
			key  policyKey
		}{{"alice", alice}, {"bob", bob}} {
			if len(k.key.trustedAs(t, tr.Keyring)) > 0 {
				names = append(names, k.name)
			}
		}
		if !slices.Equal(names, tt.names) || (tr.Policy != nil) != tt.policy {
			t.Errorf("%s: trusts %v (policy %v), want %v (policy %v)", tt.reason, names, tr.Policy != nil, tt.names, tt.policy)
		}
	}
}
