package attest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/sigstore/sigstore/pkg/signature"
)

// SignerOptions says how [OpenSigner] opens an encrypted key file. A nil
// value means no password and no one to ask.
type SignerOptions struct {
	// Password opens an encrypted key file.
	Password []byte
	// AskPassword, when set, is called once when the key file is
	// encrypted and Password does not open it (a terminal prompt, say); ok
	// false means there is no one to ask.
	AskPassword func(ref string) (password []byte, ok bool)
}

// OpenSigner opens the signing key ref names: a KMS reference
// ("awskms://...", "hashivault://...", any "scheme://..." that [IsKMSRef]
// accepts) through [LoadKMSSigner], else a PEM private key file. A wrong or
// missing password is an error wrapping [ErrKeyPassword].
func OpenSigner(ctx context.Context, ref string, opts *SignerOptions) (signature.SignerVerifier, error) {
	if IsKMSRef(ref) {
		return LoadKMSSigner(ctx, ref)
	}
	if opts == nil {
		opts = &SignerOptions{}
	}
	b, err := os.ReadFile(ref)
	if err != nil {
		return nil, fmt.Errorf("attest: read key: %w", err)
	}
	s, err := LoadSigner(b, opts.Password)
	if errors.Is(err, ErrKeyPassword) && opts.AskPassword != nil {
		if p, ok := opts.AskPassword(ref); ok {
			s, err = LoadSigner(b, p)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("attest: key %s: %w", ref, err)
	}
	return s, nil
}

// LoadKeyring reads public key files into a keyring. Each argument is a
// file, whose key is named after it ("keys/alice.pub" is "alice"), or
// "NAME=PATH" to name the key. Two keys of one name are an error wrapping
// [ErrKeyFormat].
func LoadKeyring(files []string) (*Keyring, error) {
	ring := &Keyring{}
	for _, f := range files {
		name, path, ok := strings.Cut(f, "=")
		if !ok {
			path = f
			name = strings.TrimSuffix(filepath.Base(f), filepath.Ext(f))
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("attest: read public key: %w", err)
		}
		pub, err := ParsePublicKey(b)
		if err != nil {
			return nil, fmt.Errorf("attest: public key %s: %w", path, err)
		}
		if err := ring.Add(TrustedKey{Name: name, Key: pub}); err != nil {
			return nil, err
		}
	}
	return ring, nil
}
