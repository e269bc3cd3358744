package attribution

import (
	"context"
	"testing"

	"github.com/hallmark-dev/hallmark/policy"
)

// TestSignedMeansWhatVerifyAccepts: a record signed by a key the policy
// lets sign only reviews is not "signed" evidence in a report, as it is
// not a verified record for verify; with the right to record, it is.
func TestSignedMeansWhatVerifyAccepts(t *testing.T) {
	ctx := context.Background()
	_, rp, ring := evidenceRepo(t)
	evidenceOf := func(may policy.Claim) Evidence {
		t.Helper()
		pol := &policy.Policy{Keys: []policy.Key{{Name: "dev", PublicKey: "x", May: []policy.Claim{may}}}}
		a, err := Analyze(ctx, rp, &Options{Keyring: ring, Policy: pol, NoCache: true})
		if err != nil {
			t.Fatal(err)
		}
		lines, err := a.File("signed.go")
		if err != nil {
			t.Fatal(err)
		}
		return lines[0].Evidence
	}
	if ev := evidenceOf(policy.ClaimReview); ev == Signed {
		t.Errorf("a review-only key's record counted as signed evidence")
	}
	if ev := evidenceOf(policy.ClaimRecord); ev != Signed {
		t.Errorf("a record key's record: evidence %q, want signed", ev)
	}
}
