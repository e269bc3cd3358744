// Package policyrev reads a repository's trust policy as it is at a
// revision, with its keys: what a server hook or a review bot must judge a
// change by (the policy of the base, never the one the change brings).
//
// It uses only hallmark's public API (Repo.ReadFile, policy.Parse,
// attest.ParsePublicKey); the library is to own this as policy loading
// (issue 12), and the examples will then call that instead.
package policyrev

import (
	"context"
	"errors"
	"fmt"
	"path"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/policy"
	"github.com/hallmark-dev/hallmark/repo"
)

// File is where a repository keeps its policy.
const File = ".hallmark/policy.yaml"

// ErrNoPolicy is returned when the revision has no policy file.
var ErrNoPolicy = errors.New("policyrev: no policy")

// Load reads File at rev, and each key it names: inline, or a path
// relative to the policy's directory, read at the same revision.
func Load(ctx context.Context, r *repo.Repo, rev string) (*policy.Policy, *attest.Keyring, error) {
	data, err := r.ReadFile(ctx, rev, File)
	if err != nil {
		return nil, nil, fmt.Errorf("%w at %s: %s: %v", ErrNoPolicy, rev, File, err)
	}
	pol, err := policy.Parse(data)
	if err != nil {
		return nil, nil, fmt.Errorf("policyrev: %s at %s: %w", File, rev, err)
	}
	ring := &attest.Keyring{}
	for _, k := range pol.Keys {
		pemBytes := []byte(k.PublicKey)
		if !k.InlinePEM() {
			p := path.Clean(path.Join(path.Dir(File), k.PublicKey))
			if pemBytes, err = r.ReadFile(ctx, rev, p); err != nil {
				return nil, nil, fmt.Errorf("policyrev: key %q: %s at %s: %w", k.Name, p, rev, err)
			}
		}
		pub, err := attest.ParsePublicKey(pemBytes)
		if err != nil {
			return nil, nil, fmt.Errorf("policyrev: key %q: %w", k.Name, err)
		}
		if err := ring.Add(attest.TrustedKey{Name: k.Name, Key: pub}); err != nil {
			return nil, nil, fmt.Errorf("policyrev: %w", err)
		}
	}
	if ring.Len() == 0 {
		return nil, nil, fmt.Errorf("policyrev: %s at %s: %w", File, rev, attest.ErrNoKeys)
	}
	return pol, ring, nil
}
