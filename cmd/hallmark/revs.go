package main

import (
	"context"

	"github.com/hallmark-dev/hallmark/attribution"
	"github.com/hallmark-dev/hallmark/repo"
)

// sinceBeforeRev checks, before a history is replayed, that since (when
// given) is an ancestor of rev, naming both as the user wrote them.
func sinceBeforeRev(ctx context.Context, r *repo.Repo, since, rev string) error {
	if since == "" {
		return nil
	}
	ok, err := r.IsAncestor(ctx, since, rev)
	if err != nil {
		return err
	}
	if !ok {
		return usagef("--since %s is not in the history of --rev %s, so no line of it was added since: give an older --since, or swap them", since, rev)
	}
	return nil
}

// evidenceWords is how the text output names an evidence: a signed record
// that no trusted key checks is not "unsigned".
func evidenceWords(e attribution.Evidence) string {
	if e == attribution.Untrusted {
		return "signed, key not trusted"
	}
	return string(e)
}
