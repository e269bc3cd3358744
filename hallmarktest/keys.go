package hallmarktest

import (
	"crypto"
	"os"
	"path/filepath"
	"testing"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/sigstore/sigstore/pkg/signature"
)

// Key is a freshly generated signing key, under a name.
type Key struct {
	Name       string
	Signer     signature.SignerVerifier
	Public     crypto.PublicKey
	PrivatePEM []byte // cosign's encrypted format, under Password
	PublicPEM  []byte
	Password   []byte
}

// NewKey generates an ECDSA P-256 key through attest.GenerateKey.
func NewKey(t testing.TB, name string) *Key {
	t.Helper()
	return NewKeyAlg(t, name, attest.ECDSAP256)
}

// NewKeyAlg generates a key of the given algorithm.
func NewKeyAlg(t testing.TB, name string, alg attest.Algorithm) *Key {
	t.Helper()
	priv, err := attest.GenerateKey(alg)
	if err != nil {
		t.Fatalf("hallmarktest: generate key: %v", err)
	}
	k := &Key{Name: name, Public: priv.Public(), Password: []byte("test-password-" + name)}
	if k.Signer, err = attest.NewSigner(priv); err != nil {
		t.Fatalf("hallmarktest: signer: %v", err)
	}
	if k.PrivatePEM, err = attest.MarshalPrivateKey(priv, k.Password); err != nil {
		t.Fatalf("hallmarktest: marshal key: %v", err)
	}
	if k.PublicPEM, err = attest.MarshalPublicKey(k.Public); err != nil {
		t.Fatalf("hallmarktest: marshal public key: %v", err)
	}
	return k
}

// WriteFiles writes NAME.key and NAME.pub into dir and returns their paths.
func (k *Key) WriteFiles(t testing.TB, dir string) (priv, pub string) {
	t.Helper()
	priv, pub = filepath.Join(dir, k.Name+".key"), filepath.Join(dir, k.Name+".pub")
	if err := os.WriteFile(priv, k.PrivatePEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pub, k.PublicPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	return priv, pub
}

// Trusted returns the key as a keyring entry.
func (k *Key) Trusted() attest.TrustedKey { return attest.TrustedKey{Name: k.Name, Key: k.Public} }

// Keyring trusts the keys under their names.
func Keyring(t testing.TB, keys ...*Key) *attest.Keyring {
	t.Helper()
	var tk []attest.TrustedKey
	for _, k := range keys {
		tk = append(tk, k.Trusted())
	}
	ring, err := attest.NewKeyring(tk...)
	if err != nil {
		t.Fatalf("hallmarktest: keyring: %v", err)
	}
	return ring
}

// UseForHooks makes r's hooks sign with k: git config hallmark.key, and the
// password in HALLMARK_PASSWORD for the hallmark processes git starts.
func (k *Key) UseForHooks(r *Repo) {
	r.T.Helper()
	priv, _ := k.WriteFiles(r.T, r.T.TempDir())
	r.Git("config", "hallmark.key", priv)
	r.T.Setenv("HALLMARK_PASSWORD", string(k.Password))
}
