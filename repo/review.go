package repo

import (
	"context"
	"fmt"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/sigstore/sigstore/pkg/signature"
)

// Review adds a reviewer's signed attestation to the commit's note.
func (r *Repo) Review(ctx context.Context, rev string, rv attest.Review, signer signature.Signer) (*attest.Review, error) {
	if signer == nil {
		return nil, fmt.Errorf("repo: a review must be signed: give a key")
	}
	c, err := r.commit(ctx, rev)
	if err != nil {
		return nil, err
	}
	rv.Commit = c.ID
	if rv.Reviewer == "" {
		p, err := r.Person(ctx)
		if err != nil {
			return nil, err
		}
		rv.Reviewer = p.String()
	}
	if rv.Verdict == "" {
		rv.Verdict = attest.Approved
	}
	st, err := attest.NewReviewStatement(&rv, c.Raw)
	if err != nil {
		return nil, err
	}
	b, err := attest.SignToBundle(st, signer)
	if err != nil {
		return nil, err
	}
	msg := fmt.Sprintf("hallmark: review %s (%s by %s)\n", c.ID[:12], rv.Verdict, rv.Reviewer)
	if err := r.AddNote(ctx, c.ID, [][]byte{b.Bytes()}, msg); err != nil {
		return nil, err
	}
	return &rv, nil
}
