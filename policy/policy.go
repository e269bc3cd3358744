package policy

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/hallmark-dev/hallmark/internal/git"
	"go.yaml.in/yaml/v3"
)

// Claim is something a key may sign.
type Claim string

// The claims.
const (
	ClaimRecord Claim = "record"
	ClaimCarry  Claim = "carry"
	ClaimReview Claim = "review"
)

var allClaims = []Claim{ClaimRecord, ClaimCarry, ClaimReview}

// Policy is a parsed policy file.
type Policy struct {
	Keys    []Key        `yaml:"keys"`
	Require Require      `yaml:"require"`
	Bundles []BundleRule `yaml:"bundles"`
}

// BundleRule trusts keys (by name) to sign the bundles of the modules
// whose path is Module or starts with Module + "/".
type BundleRule struct {
	Module string   `yaml:"module"`
	Keys   []string `yaml:"keys"`
}

// BundleKeys returns the names of the keys trusted for a module path's
// bundles: those of every rule whose module is the path or a parent of it.
func (p *Policy) BundleKeys(modulePath string) []string {
	var out []string
	for _, r := range p.Bundles {
		if modulePath == r.Module || strings.HasPrefix(modulePath, strings.TrimSuffix(r.Module, "/")+"/") {
			out = append(out, r.Keys...)
		}
	}
	return out
}

// Key is a trusted public key.
type Key struct {
	Name      string  `yaml:"name"`
	PublicKey string  `yaml:"public_key"` // an inline PEM block, or a file: see "Key files" in the package doc
	May       []Claim `yaml:"may"`
}

// Require is what a history must satisfy.
type Require struct {
	Signed bool `yaml:"signed"`
	// SignedSince, with Signed, exempts the commits before an adoption
	// point from Signed: those reachable from the parents of this commit
	// (what `git rev-list SIGNEDSINCE^@` lists). The commit itself and
	// every other commit must be signed. A full object id, never a name:
	// see "Adopting on an existing history" in the package doc.
	SignedSince string       `yaml:"signed_since"`
	MaxAIShare  *float64     `yaml:"max_ai_share"`
	Review      []ReviewRule `yaml:"review"`
}

// ReviewRule asks for a review attestation on commits whose AI or mixed
// lines fall under Paths.
type ReviewRule struct {
	Paths []string `yaml:"paths"`
}

// ErrPolicy is wrapped by every error about the policy file itself.
var ErrPolicy = errors.New("policy: invalid policy")

// Parse reads a policy. Unknown fields are errors, so that a typo never
// silently weakens a policy.
func Parse(data []byte) (*Policy, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Policy
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPolicy, err)
	}
	names := map[string]bool{}
	for i, k := range p.Keys {
		if k.Name == "" {
			return nil, fmt.Errorf("%w: key %d has no name", ErrPolicy, i)
		}
		if names[k.Name] {
			return nil, fmt.Errorf("%w: two keys are named %q", ErrPolicy, k.Name)
		}
		names[k.Name] = true
		if k.PublicKey == "" {
			return nil, fmt.Errorf("%w: key %q has no public_key", ErrPolicy, k.Name)
		}
		for _, c := range k.May {
			if !slices.Contains(allClaims, c) {
				return nil, fmt.Errorf("%w: key %q may %q: want one of %v", ErrPolicy, k.Name, c, allClaims)
			}
		}
	}
	for i, r := range p.Bundles {
		if r.Module == "" || len(r.Keys) == 0 {
			return nil, fmt.Errorf("%w: bundle rule %d needs a module and keys", ErrPolicy, i)
		}
		for _, k := range r.Keys {
			if !names[k] {
				return nil, fmt.Errorf("%w: bundle rule for %s names key %q, which the policy does not list", ErrPolicy, r.Module, k)
			}
		}
	}
	if since := p.Require.SignedSince; since != "" {
		if !p.Require.Signed {
			return nil, fmt.Errorf("%w: signed_since %s without signed: true: it exempts commits from signed, so set both", ErrPolicy, since)
		}
		if !git.IsObjectID(since) {
			return nil, fmt.Errorf("%w: signed_since %q is not a full commit id: write the id itself (git rev-parse 'REV^{commit}'), not a name that whoever can push a branch or tag can move", ErrPolicy, since)
		}
	}
	if s := p.Require.MaxAIShare; s != nil && (*s < 0 || *s > 1) {
		return nil, fmt.Errorf("%w: max_ai_share %v is not between 0 and 1", ErrPolicy, *s)
	}
	for i, r := range p.Require.Review {
		if len(r.Paths) == 0 {
			return nil, fmt.Errorf("%w: review rule %d has no paths", ErrPolicy, i)
		}
		for _, pat := range r.Paths {
			if _, err := path.Match(strings.ReplaceAll(pat, "**", "*"), ""); err != nil {
				return nil, fmt.Errorf("%w: review path %q: %v", ErrPolicy, pat, err)
			}
		}
	}
	return &p, nil
}

// InlinePEM reports whether the key is given inline rather than as a path.
func (k Key) InlinePEM() bool { return strings.Contains(k.PublicKey, "-----BEGIN") }

// Allows reports whether the key may sign the claim.
func (k Key) Allows(c Claim) bool { return len(k.May) == 0 || slices.Contains(k.May, c) }

// Key returns the named key.
func (p *Policy) Key(name string) (Key, bool) {
	for _, k := range p.Keys {
		if k.Name == name {
			return k, true
		}
	}
	return Key{}, false
}

// NeedsReview reports whether a file path falls under a review rule.
func (p *Policy) NeedsReview(file string) bool {
	for _, r := range p.Require.Review {
		for _, pat := range r.Paths {
			if Match(pat, file) {
				return true
			}
		}
	}
	return false
}
