package attest

import (
	"context"
	"crypto"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func writeKey(t *testing.T, dir, name string, priv crypto.Signer, password []byte) (privPath, pubPath string) {
	t.Helper()
	pemBytes, err := MarshalPrivateKey(priv, password)
	if err != nil {
		t.Fatal(err)
	}
	pubBytes, err := MarshalPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	privPath, pubPath = filepath.Join(dir, name+".key"), filepath.Join(dir, name+".pub")
	if err := os.WriteFile(privPath, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pubPath, pubBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	return privPath, pubPath
}

// TestOpenSigner opens key files as they are written by MarshalPrivateKey,
// plain and encrypted, and tells a KMS reference from a path.
func TestOpenSigner(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	priv, err := GenerateKey(ECDSAP256)
	if err != nil {
		t.Fatal(err)
	}
	plain, pub := writeKey(t, dir, "plain", priv, nil)
	locked, _ := writeKey(t, dir, "locked", priv, []byte("s3cret"))
	ring, err := LoadKeyring([]string{pub})
	if err != nil {
		t.Fatal(err)
	}
	asked := 0
	ask := func(p []byte) func(string) ([]byte, bool) {
		return func(ref string) ([]byte, bool) {
			asked++
			if ref != locked {
				t.Errorf("asked for the password of %s", ref)
			}
			return p, p != nil
		}
	}
	for _, tt := range []struct {
		reason string
		ref    string
		opts   *SignerOptions
		want   error
		asks   int
	}{
		{"a plain key needs nothing", plain, nil, nil, 0},
		{"the password given", locked, &SignerOptions{Password: []byte("s3cret")}, nil, 0},
		{"asked when none is given", locked, &SignerOptions{AskPassword: ask([]byte("s3cret"))}, nil, 1},
		{"asked when the given one is wrong", locked, &SignerOptions{Password: []byte("no"), AskPassword: ask([]byte("s3cret"))}, nil, 1},
		{"wrong, and no one to ask", locked, &SignerOptions{Password: []byte("no")}, ErrKeyPassword, 0},
		{"no one answers", locked, &SignerOptions{AskPassword: ask(nil)}, ErrKeyPassword, 1},
		{"a wrong answer", locked, &SignerOptions{AskPassword: ask([]byte("guess"))}, ErrKeyPassword, 1},
		{"a KMS reference no provider serves", "nosuchkms://key/1", nil, ErrKeyFormat, 0},
		{"a missing file", filepath.Join(dir, "none.key"), nil, os.ErrNotExist, 0},
	} {
		asked = 0
		s, err := OpenSigner(ctx, tt.ref, tt.opts)
		if !errors.Is(err, tt.want) || (tt.want == nil) != (s != nil) || asked != tt.asks {
			t.Errorf("%s: %v, %v, asked %d times; want %v, asked %d", tt.reason, s, err, asked, tt.want, tt.asks)
			continue
		}
		if s == nil {
			continue
		}
		// The signer is the key: what it signs verifies under the public key.
		env, err := Sign(testRecord(), commitObject, s)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Verify(env.Bytes(), &VerifyOptions{Keyring: ring, CommitObject: commitObject}); err != nil {
			t.Errorf("%s: a signature of the opened key does not verify: %v", tt.reason, err)
		}
	}
}

func TestLoadKeyring(t *testing.T) {
	dir := t.TempDir()
	a, _ := GenerateKey(ECDSAP256)
	b, _ := GenerateKey(Ed25519)
	_, apub := writeKey(t, dir, "alice", a, nil)
	_, bpub := writeKey(t, dir, "bob", b, nil)
	ring, err := LoadKeyring([]string{apub, "ci=" + bpub})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []struct {
		priv crypto.Signer
		name string
	}{{a, "alice"}, {b, "ci"}} {
		res, err := Verify(signWith(t, k.priv, testRecord()).Bytes(), &VerifyOptions{Keyring: ring, CommitObject: commitObject})
		if err != nil || len(res.Signers) != 1 || res.Signers[0] != k.name {
			t.Errorf("want a key named %s: %v, %v", k.name, res, err)
		}
	}
	if _, err := LoadKeyring([]string{apub, "alice=" + bpub}); !errors.Is(err, ErrDuplicateKey) || !errors.Is(err, ErrKeyFormat) {
		t.Errorf("two keys named alice: %v", err)
	}
	if _, err := LoadKeyring([]string{filepath.Join(dir, "alice.key")}); !errors.Is(err, ErrKeyFormat) {
		t.Errorf("a private key as a public one: %v", err)
	}
	if _, err := LoadKeyring([]string{filepath.Join(dir, "none.pub")}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
	if ring, err := LoadKeyring(nil); err != nil || ring.Len() != 0 {
		t.Errorf("no files: %v, %v", ring, err)
	}
}
