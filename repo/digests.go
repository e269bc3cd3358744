package repo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/provenance"
)

// CheckDigests compares every file digest of rec with the file in the
// commit rec names: what a record verified on its own ([attest.Verify]
// checks the signature and the commit object, not the tree's files) must
// also match. A file the commit lacks or whose content differs is an error
// wrapping [attest.ErrDigestMismatch]. [Repo.Verify] makes this check, and
// more, itself.
func (r *Repo) CheckDigests(ctx context.Context, rec *provenance.Record) error {
	b, err := r.reader(ctx)
	if err != nil {
		return err
	}
	names := make([]string, len(rec.Files))
	for i, f := range rec.Files {
		names[i] = rec.Commit + ":" + f.Path
	}
	objs, err := b.ReadMany(names)
	if err != nil {
		return err
	}
	for i, f := range rec.Files {
		o := objs[i]
		switch {
		case errors.Is(o.Err, ErrNotFound) || (o.Err == nil && o.Type != "blob"):
			return fmt.Errorf("%w: %s is not a file in commit %s", attest.ErrDigestMismatch, f.Path, rec.Commit)
		case o.Err != nil:
			return o.Err
		}
		sum := sha256.Sum256(o.Data)
		if got := "sha256:" + hex.EncodeToString(sum[:]); got != f.Digest {
			return fmt.Errorf("%w: %s in %s is %s, the record says %s", attest.ErrDigestMismatch, f.Path, rec.Commit, got, f.Digest)
		}
	}
	return nil
}
