package policy

import (
	"crypto"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/attest"
)

const testCommit = "0123456789abcdef0123456789abcdef01234567"

// newTestKey makes a real key pair: the signer and its public PEM.
func newTestKey(t *testing.T, alg attest.Algorithm) (crypto.Signer, string) {
	t.Helper()
	priv, err := attest.GenerateKey(alg)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := attest.MarshalPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return priv, string(pub)
}

// signersOf signs a review with priv and returns the names ring verifies
// it under.
func signersOf(t *testing.T, ring *attest.Keyring, priv crypto.Signer) []string {
	t.Helper()
	s, err := attest.NewSigner(priv)
	if err != nil {
		t.Fatal(err)
	}
	env, err := attest.SignReview(&attest.Review{Commit: testCommit, Reviewer: "Grace <grace@example.com>", Verdict: attest.Approved}, nil, s)
	if err != nil {
		t.Fatal(err)
	}
	_, names, err := attest.VerifyStatementSignature(env.Bytes(), ring)
	if err != nil {
		return nil
	}
	return names
}

// mapOpen opens the files of a map, recording the names asked for.
func mapOpen(files map[string]string, asked *[]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		*asked = append(*asked, name)
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, fs.ErrNotExist
	}
}

func indent(s string) string {
	return "      " + strings.ReplaceAll(strings.TrimSpace(s), "\n", "\n      ")
}

func TestLoad(t *testing.T) {
	alice, alicePub := newTestKey(t, attest.Ed25519)
	ci, ciPub := newTestKey(t, attest.ECDSAP256)
	other, _ := newTestKey(t, attest.Ed25519)
	data := "keys:\n  - name: alice\n    public_key: .hallmark/keys/alice.pub\n    may: [record]\n" +
		"  - name: ci\n    public_key: |\n" + indent(ciPub) + "\n"
	var asked []string
	p, ring, err := Load([]byte(data), mapOpen(map[string]string{".hallmark/keys/alice.pub": alicePub}, &asked))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(asked, []string{".hallmark/keys/alice.pub"}) {
		t.Errorf("open was asked for %q, want the file key's name as written, once", asked)
	}
	if len(p.Keys) != 2 || ring.Len() != 2 {
		t.Fatalf("policy keys %d, keyring %d, want 2 and 2", len(p.Keys), ring.Len())
	}
	for _, tt := range []struct {
		reason string
		priv   crypto.Signer
		want   []string
	}{
		{"the key read through open is trusted under its policy name", alice, []string{"alice"}},
		{"the inline key is trusted under its policy name", ci, []string{"ci"}},
		{"a key the policy does not list is not trusted", other, nil},
	} {
		if got := signersOf(t, ring, tt.priv); !slices.Equal(got, tt.want) {
			t.Errorf("%s: signers %q, want %q", tt.reason, got, tt.want)
		}
	}
	if _, ring, err := Load([]byte("require: {signed: true}"), nil); err != nil || ring.Len() != 0 {
		t.Errorf("a policy without keys: keyring of %v, %v; want an empty keyring", ring, err)
	}
}

func TestLoadErrors(t *testing.T) {
	_, pub := newTestKey(t, attest.Ed25519)
	priv, _ := attest.GenerateKey(attest.Ed25519)
	privPEM, err := attest.MarshalPrivateKey(priv, []byte("pw"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"k.pub": pub, "garbage.pub": "not a key\n", "private.key": string(privPEM)}
	for _, tt := range []struct {
		reason string
		policy string
		open   bool
		want   error
		says   []string // what the message must name
	}{
		{"a key file that is not there", "keys: [{name: alice, public_key: missing.pub}]", true, ErrKey, []string{`"alice"`, "missing.pub", "PEM block"}},
		{"a key file that is not PEM", "keys: [{name: bob, public_key: garbage.pub}]", true, ErrKey, []string{`"bob"`, "PEM public key"}},
		{"a private key where the public one goes", "keys: [{name: carol, public_key: private.key}]", true, ErrKey, []string{`"carol"`}},
		{"an inline block that is not a key", "keys: [{name: dan, public_key: \"-----BEGIN PUBLIC KEY-----\\nxx\\n-----END PUBLIC KEY-----\\n\"}]", true, ErrKey, []string{`"dan"`}},
		{"a file key where only inline keys can be read", "keys: [{name: erin, public_key: k.pub}]", false, ErrKey, []string{`"erin"`, "inline"}},
		{"a policy that does not parse", "keys: [{name: a}]", true, ErrPolicy, nil},
	} {
		var asked []string
		open := mapOpen(files, &asked)
		if !tt.open {
			open = nil
		}
		_, _, err := Load([]byte(tt.policy), open)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.reason, err, tt.want)
			continue
		}
		for _, s := range tt.says {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("%s: %q does not say %s", tt.reason, err, s)
			}
		}
	}
}

func TestLoadFile(t *testing.T) {
	alice, alicePub := newTestKey(t, attest.Ed25519)
	bob, bobPub := newTestKey(t, attest.Ed25519)
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The same name at the top: LoadFile must not read it, the working
	// directory being elsewhere anyway.
	write("keys/alice.pub", bobPub)
	write("conf/keys/alice.pub", alicePub)
	write("elsewhere/bob.pub", bobPub)
	write("conf/policy.yaml", "keys:\n  - {name: alice, public_key: keys/alice.pub}\n  - {name: bob, public_key: "+filepath.Join(dir, "elsewhere/bob.pub")+"}\n")
	_, ring, err := LoadFile(filepath.Join(dir, "conf/policy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := signersOf(t, ring, alice); !slices.Equal(got, []string{"alice"}) {
		t.Errorf("a relative key path is not read from the policy file's directory: alice's key verifies as %q", got)
	}
	if got := signersOf(t, ring, bob); !slices.Equal(got, []string{"bob"}) {
		t.Errorf("an absolute key path: bob's key verifies as %q", got)
	}
	if _, _, err := LoadFile(filepath.Join(dir, "none.yaml")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing policy file: %v", err)
	}
}
