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
	write := func(name, content string) string { return writeFile(t, out, name, content) }
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
		names := trustedOf(t, tr, alice, bob)
		if !slices.Equal(names, tt.names) || (tr.Policy != nil) != tt.policy {
			t.Errorf("%s: trusts %v (policy %v), want %v (policy %v)", tt.reason, names, tr.Policy != nil, tt.names, tt.policy)
		}
	}
}

// TestLoadReportTrust: the trust a report labels evidence by follows the
// report's rules, each shown on a real repository with real keys: what
// verify refuses (a policy in the work tree, a policy listing no key, no
// policy at all) is allowed, and gives the keys it names or none; the
// default reads the policy committed at HEAD, never the work tree's, and
// only when the work tree holds one; keys with a policy stay an error.
func TestLoadReportTrust(t *testing.T) {
	ctx := context.Background()
	alice, bob := newPolicyKey(t), newPolicyKey(t)
	g := gittest.New(t)
	g.Write("README", "r\n")
	bare := g.Commit("no policy", "")
	g.Write("keys/alice.pub", alice.pem)
	g.Write(policy.File, "keys:\n  - {name: alice, public_key: keys/alice.pub}\n")
	g.Commit("adopt a policy", "")
	rp := openRepo(t, g.Dir)

	out := t.TempDir()
	write := func(name, content string) string { return writeFile(t, out, name, content) }
	bobPub := write("bob.pub", bob.pem)
	outside := write("policy.yaml", "keys:\n  - {name: bob, public_key: bob.pub}\n")
	none := write("none.yaml", "keys: []\n")
	inside := filepath.Join(g.Dir, policy.File)
	// A policy file of the reader's own in the work tree (key paths are
	// relative to the file's directory, here the root).
	local := writeFile(t, g.Dir, "local.yaml", "keys:\n  - {name: alice, public_key: keys/alice.pub}\n")

	bareDir := filepath.Join(t.TempDir(), "bare.git")
	g.Git("clone", "--quiet", "--bare", g.Dir, bareDir)
	bareRepo := openRepo(t, bareDir)

	// Who a trust's keyring trusts, of alice and bob.
	trusts := func(tr *Trust) []string { return trustedOf(t, tr, alice, bob) }
	type row struct {
		reason string
		rp     *Repo
		src    *TrustSource
		names  []string
		policy bool
		want   error
	}
	check := func(rows []row) {
		t.Helper()
		for _, tt := range rows {
			tr, err := tt.rp.LoadReportTrust(ctx, tt.src)
			if !errors.Is(err, tt.want) {
				t.Errorf("%s: %v, want %v", tt.reason, err, tt.want)
				continue
			}
			if err != nil {
				continue
			}
			if tr.Keyring == nil {
				t.Errorf("%s: a nil keyring", tt.reason)
				continue
			}
			if names := trusts(tr); !slices.Equal(names, tt.names) || (tr.Policy != nil) != tt.policy {
				t.Errorf("%s: trusts %v (policy %v), want %v (policy %v)", tt.reason, names, tr.Policy != nil, tt.names, tt.policy)
			}
		}
	}
	check([]row{
		{"keys, exactly", rp, &TrustSource{Keys: []string{"bob=" + bobPub}}, []string{"bob"}, false, nil},
		{"a policy file outside", rp, &TrustSource{PolicyFile: outside}, []string{"bob"}, true, nil},
		{"a policy in the work tree, which verify refuses", rp, &TrustSource{PolicyFile: local}, []string{"alice"}, true, nil},
		{"a policy file listing no key, which verify refuses", rp, &TrustSource{PolicyFile: none}, nil, true, nil},
		{"a base with no policy, which verify refuses", rp, &TrustSource{Base: bare}, nil, false, nil},
		{"the policy at a base", rp, &TrustSource{Base: "HEAD"}, []string{"alice"}, true, nil},
		{"the default: HEAD's policy, as the work tree holds one", rp, &TrustSource{}, []string{"alice"}, true, nil},
		{"nil is the default", rp, nil, []string{"alice"}, true, nil},
		{"the default in a bare repository: none", bareRepo, nil, nil, false, nil},
		{"a base in a bare repository", bareRepo, &TrustSource{Base: "HEAD"}, []string{"alice"}, true, nil},
		{"keys and a policy", rp, &TrustSource{Keys: []string{bobPub}, PolicyFile: outside}, nil, false, ErrKeysAndPolicy},
		{"the same key twice", rp, &TrustSource{Keys: []string{bobPub, bobPub}}, nil, false, attest.ErrDuplicateKey},
		{"a policy file that is not there", rp, &TrustSource{PolicyFile: filepath.Join(out, "missing.yaml")}, nil, false, os.ErrNotExist},
	})

	// The work tree's policy says bob; the default still reads the one
	// committed at HEAD, which the work tree's edits cannot change.
	g.Write(policy.File, "keys:\n  - {name: bob, public_key: bob.pub}\n")
	g.Write(".hallmark/bob.pub", bob.pem)
	check([]row{{"the default with the work tree's policy edited", rp, nil, []string{"alice"}, true, nil}})

	// With no policy file in the work tree, the default trusts no key,
	// though HEAD has one.
	if err := os.Remove(inside); err != nil {
		t.Fatal(err)
	}
	check([]row{
		{"the default with the work tree's policy gone", rp, nil, nil, false, nil},
		{"HEAD's policy named as the base", rp, &TrustSource{Base: "HEAD"}, []string{"alice"}, true, nil},
	})
}

// writeFile writes a file in dir and returns its path.
func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// trustedOf says which of alice and bob a trust's keyring trusts.
func trustedOf(t *testing.T, tr *Trust, alice, bob policyKey) []string {
	t.Helper()
	var names []string
	for _, k := range []struct {
		name string
		key  policyKey
	}{{"alice", alice}, {"bob", bob}} {
		if len(k.key.trustedAs(t, tr.Keyring)) > 0 {
			names = append(names, k.name)
		}
	}
	return names
}
