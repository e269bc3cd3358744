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

func TestSignedSince(t *testing.T) {
	const sha1ID = "2c1e9a4f7d3b8e6a5c0f1d2e3b4a5968778695a4"
	sha256ID := strings.Repeat("0a", 32)
	for _, tt := range []struct {
		reason string
		yaml   string
		want   string // the parsed field; "" with ok false means an error
		ok     bool
	}{
		{"a SHA-1 commit id", "require: {signed: true, signed_since: " + sha1ID + "}", sha1ID, true},
		{"a SHA-256 commit id", "require: {signed: true, signed_since: " + sha256ID + "}", sha256ID, true},
		{"an id of digits only stays a string", "require: {signed: true, signed_since: " + strings.Repeat("1", 40) + "}", strings.Repeat("1", 40), true},
		{"absent", "require: {signed: true}", "", true},
		{"without signed it would mean nothing", "require: {signed_since: " + sha1ID + "}", "", false},
		{"with signed false likewise", "require: {signed: false, signed_since: " + sha1ID + "}", "", false},
		{"a tag name can be moved by whoever pushes it", "require: {signed: true, signed_since: v1.0}", "", false},
		{"a branch expression likewise", "require: {signed: true, signed_since: main~3}", "", false},
		{"an abbreviated id is ambiguous in time", "require: {signed: true, signed_since: 2c1e9a4}", "", false},
		{"upper-case hex is not how git writes ids", "require: {signed: true, signed_since: " + strings.ToUpper(sha1ID) + "}", "", false},
		{"an option, not a revision", "require: {signed: true, signed_since: --all}", "", false},
		{"a list is not an id", "require: {signed: true, signed_since: [a]}", "", false},
	} {
		p, err := Parse([]byte(tt.yaml))
		if tt.ok {
			if err != nil {
				t.Errorf("%s: %v", tt.reason, err)
			} else if p.Require.SignedSince != tt.want {
				t.Errorf("%s: SignedSince %q, want %q", tt.reason, p.Require.SignedSince, tt.want)
			}
			continue
		}
		if !errors.Is(err, ErrPolicy) {
			t.Errorf("%s: got %v, want ErrPolicy", tt.reason, err)
		}
	}
}
