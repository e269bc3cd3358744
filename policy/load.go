package policy

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/hallmark-dev/hallmark/attest"
)

// File is where a repository keeps its policy, relative to its root.
const File = ".hallmark/policy.yaml"

// Errors about where a policy comes from.
var (
	// ErrNoPolicy is returned when a revision has no policy file.
	ErrNoPolicy = errors.New("policy: no policy")
	// ErrKey wraps every error about one of the policy's keys: a key file
	// that cannot be read, or bytes that are not a public key.
	ErrKey = errors.New("policy: bad key")
)

// Load parses a policy and builds the keyring of its keys, each under its
// policy name. A key given inline is read from the policy itself; any
// other is read by open, given the key's public_key exactly as written.
// Where such a path points is open's decision (see "Key files" in the
// package documentation): [LoadFile] reads it relative to the policy
// file's directory, a revision's policy reads it from that revision's tree
// relative to the repository's root. open may be nil when every key is
// inline. A policy with no keys gives an empty keyring.
func Load(data []byte, open func(name string) ([]byte, error)) (*Policy, *attest.Keyring, error) {
	p, err := Parse(data)
	if err != nil {
		return nil, nil, err
	}
	ring := &attest.Keyring{}
	for _, k := range p.Keys {
		pemBytes := []byte(k.PublicKey)
		if !k.InlinePEM() {
			if open == nil {
				return nil, nil, fmt.Errorf("%w: key %q names the file %s, and this policy can only take inline keys: put the PEM block in public_key", ErrKey, k.Name, k.PublicKey)
			}
			if pemBytes, err = open(k.PublicKey); err != nil {
				return nil, nil, fmt.Errorf("%w: key %q: reading %s: %w (put the key file where public_key says, or the PEM block itself in public_key)", ErrKey, k.Name, k.PublicKey, err)
			}
		}
		pub, err := attest.ParsePublicKey(pemBytes)
		if err != nil {
			return nil, nil, fmt.Errorf("%w: key %q: %w (public_key must be a PEM public key, as `hallmark keys generate` writes to NAME.pub)", ErrKey, k.Name, err)
		}
		if err := ring.Add(attest.TrustedKey{Name: k.Name, Key: pub}); err != nil {
			return nil, nil, fmt.Errorf("%w: key %q: %w", ErrKey, k.Name, err)
		}
	}
	return p, ring, nil
}

// LoadFile reads a policy file from disk, as `verify --policy FILE` does:
// its key paths are relative to the file's directory; absolute ones are
// taken as they are.
func LoadFile(file string) (*Policy, *attest.Keyring, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, nil, fmt.Errorf("policy: %w", err)
	}
	dir := filepath.Dir(file)
	p, ring, err := Load(data, func(name string) ([]byte, error) {
		name = filepath.FromSlash(name)
		if !filepath.IsAbs(name) {
			name = filepath.Join(dir, name)
		}
		return os.ReadFile(name)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	return p, ring, nil
}
