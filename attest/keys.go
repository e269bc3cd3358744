package attest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/sigstore/sigstore/pkg/cryptoutils"
	"github.com/sigstore/sigstore/pkg/signature"
	"github.com/sigstore/sigstore/pkg/signature/kms"
)

// Algorithm names a key type we generate.
type Algorithm string

// The algorithms of [GenerateKey].
const (
	ECDSAP256 Algorithm = "ecdsa-p256" // the default
	Ed25519   Algorithm = "ed25519"    // pure Ed25519, never Ed25519ph
	RSA3072   Algorithm = "rsa-3072"
)

// Algorithms lists the algorithms [GenerateKey] accepts.
var Algorithms = []Algorithm{ECDSAP256, Ed25519, RSA3072}

// GenerateKey makes a new private key. The zero Algorithm means ECDSA P-256.
func GenerateKey(alg Algorithm) (crypto.Signer, error) {
	switch alg {
	case "", ECDSAP256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case Ed25519:
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		return priv, err
	case RSA3072:
		return rsa.GenerateKey(rand.Reader, 3072)
	}
	return nil, fmt.Errorf("%w: algorithm %q (want one of %v)", ErrKeyFormat, alg, Algorithms)
}

// encryptedPEMType is the PEM type cosign writes for its encrypted keys.
const encryptedPEMType = string(cryptoutils.EncryptedSigstorePrivateKeyPEMType)

// MarshalPrivateKey writes priv in cosign's encrypted format: PKCS#8 DER
// sealed with scrypt and NaCl secretbox under password, PEM type
// "ENCRYPTED SIGSTORE PRIVATE KEY". An empty password is allowed, as in
// cosign, and still yields the encrypted format.
func MarshalPrivateKey(priv crypto.PrivateKey, password []byte) ([]byte, error) {
	if password == nil {
		password = []byte{}
	}
	der, err := cryptoutils.MarshalPrivateKeyToEncryptedDER(priv, cryptoutils.StaticPasswordFunc(password))
	if err != nil {
		return nil, fmt.Errorf("attest: encrypt private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: encryptedPEMType, Bytes: der}), nil
}

// MarshalPublicKey writes pub as a PKIX "PUBLIC KEY" PEM block.
func MarshalPublicKey(pub crypto.PublicKey) ([]byte, error) {
	b, err := cryptoutils.MarshalPublicKeyToPEM(pub)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFormat, err)
	}
	return b, nil
}

// ParsePrivateKey reads a PEM private key: cosign's encrypted format,
// PKCS#8, SEC 1 EC or PKCS#1 RSA. A wrong password is [ErrKeyPassword].
func ParsePrivateKey(pemBytes, password []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(pemBytes)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block found", ErrKeyFormat)
	}
	if password == nil {
		password = []byte{}
	}
	priv, err := cryptoutils.UnmarshalPEMToPrivateKey(pemBytes, cryptoutils.StaticPasswordFunc(password))
	if err != nil {
		if block.Type == encryptedPEMType || block.Type == "ENCRYPTED COSIGN PRIVATE KEY" || block.Type == "ENCRYPTED PRIVATE KEY" {
			return nil, fmt.Errorf("%w (set HALLMARK_PASSWORD): %v", ErrKeyPassword, err)
		}
		return nil, fmt.Errorf("%w: %v", ErrKeyFormat, err)
	}
	s, ok := priv.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: %T is not a signing key", ErrKeyFormat, priv)
	}
	if err := checkPublic(s.Public()); err != nil {
		return nil, err
	}
	return s, nil
}

// ParsePublicKey reads a PEM public key.
func ParsePublicKey(pemBytes []byte) (crypto.PublicKey, error) {
	pub, err := cryptoutils.UnmarshalPEMToPublicKey(pemBytes)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFormat, err)
	}
	if err := checkPublic(pub); err != nil {
		return nil, err
	}
	return pub, nil
}

func checkPublic(pub crypto.PublicKey) error {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() && k.Curve != elliptic.P384() && k.Curve != elliptic.P521() {
			return fmt.Errorf("%w: ECDSA curve %s", ErrKeyFormat, k.Curve.Params().Name)
		}
	case ed25519.PublicKey:
	case *rsa.PublicKey:
		if k.N.BitLen() < 2048 {
			return fmt.Errorf("%w: RSA key of %d bits, need at least 2048", ErrKeyFormat, k.N.BitLen())
		}
	default:
		return fmt.Errorf("%w: %T", ErrKeyFormat, pub)
	}
	return nil
}

// hashFor is the digest each key type signs with, as cosign does: SHA-256
// for P-256 and RSA (PKCS#1 v1.5), SHA-384 and SHA-512 for the larger
// curves, and none for Ed25519, which signs the message itself.
func hashFor(pub crypto.PublicKey) crypto.Hash {
	if k, ok := pub.(*ecdsa.PublicKey); ok {
		switch k.Curve {
		case elliptic.P384():
			return crypto.SHA384
		case elliptic.P521():
			return crypto.SHA512
		}
	}
	return crypto.SHA256
}

// NewSigner returns a sigstore signer for priv. Ed25519 keys sign pure
// Ed25519.
func NewSigner(priv crypto.Signer) (signature.SignerVerifier, error) {
	if err := checkPublic(priv.Public()); err != nil {
		return nil, err
	}
	sv, err := signature.LoadSignerVerifier(priv, hashFor(priv.Public()))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFormat, err)
	}
	return sv, nil
}

// NewVerifier returns a sigstore verifier for pub.
func NewVerifier(pub crypto.PublicKey) (signature.Verifier, error) {
	if err := checkPublic(pub); err != nil {
		return nil, err
	}
	v, err := signature.LoadVerifier(pub, hashFor(pub))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFormat, err)
	}
	return v, nil
}

// LoadSigner parses a PEM private key and returns its signer.
func LoadSigner(pemBytes, password []byte) (signature.SignerVerifier, error) {
	priv, err := ParsePrivateKey(pemBytes, password)
	if err != nil {
		return nil, err
	}
	return NewSigner(priv)
}

// IsKMSRef reports whether ref is a KMS reference ("scheme://...") rather
// than a file path.
func IsKMSRef(ref string) bool {
	scheme, rest, ok := strings.Cut(ref, "://")
	return ok && scheme != "" && rest != "" && !strings.ContainsAny(scheme, "/\\.")
}

// LoadKMSSigner returns a signer for a KMS reference through sigstore's kms
// package: a provider compiled into the binary, or else a
// sigstore-kms-SCHEME plugin program on PATH.
func LoadKMSSigner(ctx context.Context, ref string) (signature.SignerVerifier, error) {
	sv, err := kms.Get(ctx, ref, crypto.SHA256)
	if err != nil {
		var nf *kms.ProviderNotFoundError
		if errors.As(err, &nf) {
			return nil, fmt.Errorf("%w: no KMS provider for %q: none is compiled in, and no sigstore-kms-* plugin was found on PATH (see README, \"KMS keys\")", ErrKeyFormat, ref)
		}
		return nil, fmt.Errorf("attest: kms %q: %w", ref, err)
	}
	return sv, nil
}

// KeyID names a public key: standard base64 of the SHA-256 of its PKIX DER
// encoding. It is the hint written in bundles.
func KeyID(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrKeyFormat, err)
	}
	sum := sha256.Sum256(der)
	return base64.StdEncoding.EncodeToString(sum[:]), nil
}
