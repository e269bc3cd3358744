package repo

import (
	"context"
	"errors"
	"fmt"
	"os"
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
	case len(src.Keys) > 0:
		return keysTrust(src)
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

// LoadReportTrust builds the trust that labels evidence in a report, a
// blame or a show, as those commands do: the same [Trust] that
// [Repo.LoadTrust] builds for verify, from the same [TrustSource], by
// looser rules. A report passes nothing: it says which records verify
// under the keys the reader trusts, and "not checked" when none is, so a
// reader may trust a policy file of her own work tree, or nothing at all;
// verify decides whether commits pass, so it refuses what the commits it
// judges could have changed. The rules:
//
//   - Keys and PolicyFile together: [ErrKeysAndPolicy], as for verify.
//   - Keys: exactly those keys, each for every claim.
//   - PolicyFile: that policy, wherever it lies, even if it lists no key.
//   - Base: the policy committed at Base; none there means no trusted key.
//   - none of them: the policy committed at HEAD when the work tree holds
//     a policy file ([policy.File]), the sign the repository has adopted
//     one; otherwise (in a bare repository too) no trusted key.
//
// No trusted key is a Trust with an empty keyring and no policy, never an
// error: the caller reports signatures as not checked.
func (r *Repo) LoadReportTrust(ctx context.Context, src *TrustSource) (*Trust, error) {
	if src == nil {
		src = &TrustSource{}
	}
	none := &Trust{Keyring: &attest.Keyring{}}
	switch {
	case len(src.Keys) > 0:
		return keysTrust(src)
	case src.PolicyFile != "":
		pol, ring, err := policy.LoadFile(src.PolicyFile)
		if err != nil {
			return nil, err
		}
		return &Trust{Keyring: ring, Policy: pol}, nil
	}
	base := src.Base
	if base == "" {
		wt := r.git.WorkTree
		if wt == "" {
			return none, nil
		}
		if _, err := os.Stat(filepath.Join(wt, filepath.FromSlash(policy.File))); err != nil {
			return none, nil
		}
		base = "HEAD"
	}
	pol, ring, err := r.PolicyAt(ctx, base)
	if errors.Is(err, policy.ErrNoPolicy) {
		return none, nil
	}
	if err != nil {
		return nil, err
	}
	return &Trust{Keyring: ring, Policy: pol}, nil
}

// keysTrust is the trust of src's keys, by both rule sets: exactly those
// keys, each for every claim; with a policy file beside them, an error.
func keysTrust(src *TrustSource) (*Trust, error) {
	if src.PolicyFile != "" {
		return nil, ErrKeysAndPolicy
	}
	ring, err := attest.LoadKeyring(src.Keys)
	if err != nil {
		return nil, err
	}
	return &Trust{Keyring: ring}, nil
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
