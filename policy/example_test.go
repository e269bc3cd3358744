package policy_test

import (
	"errors"
	"fmt"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/policy"
)

// Load takes the policy's bytes and a function that reads the key files it
// names; here one file, from a map, as a revision's tree would give it.
func ExampleLoad() {
	priv, _ := attest.GenerateKey(attest.Ed25519)
	pub, _ := attest.MarshalPublicKey(priv.Public())
	files := map[string][]byte{".hallmark/keys/alice.pub": pub}
	data := []byte(`
keys:
  - {name: alice, public_key: .hallmark/keys/alice.pub, may: [record, review]}
require:
  signed: true
  review:
    - paths: ["security/**"]
`)
	pol, ring, err := policy.Load(data, func(name string) ([]byte, error) {
		if b, ok := files[name]; ok {
			return b, nil
		}
		return nil, fmt.Errorf("%s: not in the tree", name)
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	alice, _ := pol.Key("alice")
	fmt.Println(ring.Len(), "trusted key; alice may review:", alice.Allows(policy.ClaimReview))
	fmt.Println("security/auth.go needs a review:", pol.NeedsReview("security/auth.go"))

	_, _, err = policy.Load([]byte("keys: [{name: bob, public_key: keys/bob.pub}]"), func(name string) ([]byte, error) {
		return nil, fmt.Errorf("%s: not in the tree", name)
	})
	fmt.Println("a key file that is not there:", errors.Is(err, policy.ErrKey))
	// Output:
	// 1 trusted key; alice may review: true
	// security/auth.go needs a review: true
	// a key file that is not there: true
}

func ExampleMatch() {
	for _, c := range [][2]string{
		{"security/**", "security/auth/token.go"},
		{"**/*.sql", "db/migrations/001.sql"},
		{"*.sql", "db/migrations/001.sql"},
		{"docs/*.md", "docs/guide/intro.md"},
	} {
		fmt.Println(c[0], c[1], policy.Match(c[0], c[1]))
	}
	// Output:
	// security/** security/auth/token.go true
	// **/*.sql db/migrations/001.sql true
	// *.sql db/migrations/001.sql true
	// docs/*.md docs/guide/intro.md false
}

func ExampleReviewed() {
	reviews := []policy.SignedReview{
		{Signer: "grace", Approved: true, Paths: []string{"docs/README.md"}},
		{Signer: "heidi", Approved: true, Paths: []string{"security/"}},
		{Signer: "heidi", Approved: false, Paths: []string{"security/legacy/"}},
	}
	for _, f := range []string{"docs/README.md", "security/auth.go", "security/legacy/old.go", "main.go"} {
		fmt.Println(f, policy.Reviewed(reviews, f))
	}
	// Output:
	// docs/README.md true
	// security/auth.go true
	// security/legacy/old.go false
	// main.go false
}
