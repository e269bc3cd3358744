package policy

import (
	"errors"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	good := `
keys:
  - name: alice
    public_key: keys/alice.pub
    may: [record, review]
  - name: ci
    public_key: |
      -----BEGIN PUBLIC KEY-----
      abc
      -----END PUBLIC KEY-----
require:
  signed: true
  max_ai_share: 0.8
  review:
    - paths: ["security/**", "*.sql"]
`
	p, err := Parse([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	alice, _ := p.Key("alice")
	ci, _ := p.Key("ci")
	if !alice.Allows(ClaimReview) || alice.Allows(ClaimCarry) || !ci.Allows(ClaimCarry) || !ci.InlinePEM() || alice.InlinePEM() {
		t.Errorf("claims or inline detection wrong: %+v %+v", alice, ci)
	}
	if !p.Require.Signed || *p.Require.MaxAIShare != 0.8 {
		t.Errorf("require: %+v", p.Require)
	}
	for file, want := range map[string]bool{
		"security/x.go": true, "security/deep/y.go": true, "db/migrate.sql": true, "x.sql": true,
		"insecurity/x.go": false, "main.go": false,
	} {
		if got := p.NeedsReview(file); got != want {
			t.Errorf("NeedsReview(%s) = %v", file, got)
		}
	}
	for _, bad := range []string{
		"keys: [{name: a}]",
		"keys: [{public_key: x}]",
		"keys: [{name: a, public_key: x}, {name: a, public_key: y}]",
		"keys: [{name: a, public_key: x, may: [everything]}]",
		"require: {max_ai_share: 1.5}",
		"require: {signd: true}",
		"require: {review: [{paths: []}]}",
		"keys: [{name: a, public_key: x}]\nbundles: [{module: example.com/m, keys: [b]}]",
		"bundles: [{module: example.com/m}]",
		"not: [valid",
	} {
		if _, err := Parse([]byte(bad)); !errors.Is(err, ErrPolicy) {
			t.Errorf("%q: got %v, want ErrPolicy", bad, err)
		}
	}
}

func TestBundleKeys(t *testing.T) {
	p, err := Parse([]byte("keys: [{name: a, public_key: x}, {name: b, public_key: y}]\nbundles:\n  - {module: example.com/m, keys: [a]}\n  - {module: example.com, keys: [b]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	for mod, want := range map[string]string{"example.com/m": "a b", "example.com/m/v2": "a b", "example.com/mm": "b", "other.org/x": ""} {
		if got := strings.Join(p.BundleKeys(mod), " "); got != want {
			t.Errorf("BundleKeys(%s) = %q, want %q", mod, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("keys: [{name: a, public_key: x}]\nrequire: {signed: true}")
	f.Fuzz(func(t *testing.T, s string) {
		// Load must fail closed, never panic, whatever the key files hold.
		if p, ring, err := Load([]byte(s), func(string) ([]byte, error) { return []byte(s), nil }); err == nil && ring.Len() != len(p.Keys) {
			t.Fatalf("%d keys in the policy, %d in the keyring", len(p.Keys), ring.Len())
		}
		p, err := Parse([]byte(s))
		if err == nil {
			for _, k := range p.Keys {
				if k.Name == "" || k.PublicKey == "" {
					t.Fatal("accepted a key without name or public_key")
				}
			}
		}
	})
}
