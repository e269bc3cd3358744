package repo

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/policy"
)

// TrustSource says where the [Trust] that judges commits comes from: from
// outside the commits judged, which may change the work tree's policy and
// add keys of their own. Exactly one of its three ways is used.
type TrustSource struct {
	// Keys are public key files, or NAME=PATH (see [attest.LoadKeyring]):
	// exactly these keys are trusted, each for every claim.
	Keys []string
	// PolicyFile is a policy file (see [policy.LoadFile]). It must lie
	// outside the work tree.
	PolicyFile string
	// Base is the revision whose committed policy is used when neither
	// Keys nor PolicyFile is given: for a range BASE..HEAD, its BASE.
	Base string
}

// Errors of [Repo.LoadTrust].
var (
	// ErrKeysAndPolicy: keys and a policy file were both given; keys mean
	// exactly those keys, so they do not combine.
	ErrKeysAndPolicy = errors.New("repo: keys and a policy file cannot be combined")
	// ErrPolicyInWorkTree: the policy file is in the work tree, which the
	// commits being verified may have changed.
	ErrPolicyInWorkTree = errors.New("repo: the policy file is in the work tree")
	// ErrNoTrustSource: none of the ways was given.
	ErrNoTrustSource = errors.New("repo: no trusted key, policy file or base revision")
)

// LoadTrust builds the trust src names, as `hallmark verify` does. A policy
// (a file, or the one committed at Base) that lists no key is an error
// wrapping [attest.ErrNoKeys]; a Base without a policy, one wrapping
// [policy.ErrNoPolicy].
func (r *Repo) LoadTrust(ctx context.Context, src *TrustSource) (*Trust, error) {
	if src == nil {
		src = &TrustSource{}
	}
	switch {
	case len(src.Keys) > 0 && src.PolicyFile != "":
		return nil, ErrKeysAndPolicy
	case len(src.Keys) > 0:
		ring, err := attest.LoadKeyring(src.Keys)
		if err != nil {
			return nil, err
		}
		return &Trust{Keyring: ring}, nil
	case src.PolicyFile != "":
		inside, err := r.inWorkTree(src.PolicyFile)
		if err != nil {
			return nil, err
		}
		if inside {
			return nil, fmt.Errorf("%w: %s", ErrPolicyInWorkTree, src.PolicyFile)
		}
		pol, ring, err := policy.LoadFile(src.PolicyFile)
		if err != nil {
			return nil, err
		}
		return nonEmptyTrust(pol, ring, "the policy "+src.PolicyFile)
	case src.Base == "":
		return nil, ErrNoTrustSource
	}
	pol, ring, err := r.PolicyAt(ctx, src.Base)
	if err != nil {
		return nil, err
	}
	return nonEmptyTrust(pol, ring, "the policy at "+src.Base)
}

func nonEmptyTrust(pol *policy.Policy, ring *attest.Keyring, what string) (*Trust, error) {
	if ring.Len() == 0 {
		return nil, fmt.Errorf("%w: %s lists none", attest.ErrNoKeys, what)
	}
	return &Trust{Keyring: ring, Policy: pol}, nil
}

// inWorkTree reports whether a path lies in the work tree, links resolved.
func (r *Repo) inWorkTree(p string) (bool, error) {
	wt := r.git.WorkTree
	if wt == "" {
		return false, nil
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return false, err
	}
	if resolved, err := filepath.EvalSymlinks(abs); err == nil {
		abs = resolved
	}
	if resolved, err := filepath.EvalSymlinks(wt); err == nil {
		wt = resolved
	}
	rel, err := filepath.Rel(wt, abs)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)), nil
}
