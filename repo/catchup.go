package repo

import (
	"context"
	"os"

	"github.com/hallmark-dev/hallmark/internal/git"
)

// A stamp that failed (disk full, a killed hook, hooks off) must lose
// nothing: the pending state names the commit its capture started on
// (pendingState.Base), and a later stamp attributes every commit made
// since from that capture, oldest first, before the commit it was asked
// for.

// maxCatchUp bounds how many unstamped commits one stamp catches up.
const maxCatchUp = 100

// headID is the commit HEAD points at, "" on an unborn branch.
func (r *Repo) headID(ctx context.Context) string {
	b, err := r.reader(ctx)
	if err != nil {
		return ""
	}
	id, _, _, err := b.ReadID("HEAD^{commit}")
	if err != nil {
		return ""
	}
	return id
}

// isAncestor reports whether a is an ancestor of (or is) b.
func (r *Repo) isAncestor(ctx context.Context, a, b string) bool {
	_, err := r.git.Output(ctx, "merge-base", "--is-ancestor", a, b)
	return err == nil
}

// capturedSince reports whether the pending capture applies to commit: a
// commit after the state's base on the way to HEAD.
func (r *Repo) capturedSince(ctx context.Context, state *pendingState, commit, head string) bool {
	return state.Base != "" && commit != state.Base && head != "" &&
		r.isAncestor(ctx, state.Base, commit) && r.isAncestor(ctx, commit, head)
}

// catchUp stamps the commits on c's first-parent line after the pending
// state's base that have no record yet, oldest first, from the pending
// capture. Only commits the local person committed are stamped: commits
// that came from others (a fast-forward pull) are not this capture's.
func (r *Repo) catchUp(ctx context.Context, c *git.Commit, st *store, state *pendingState, opts *StampOptions) (bool, error) {
	// The usual case, a stamp right after its commit, costs no process.
	if state.Base == "" || len(c.Parents) == 0 || state.Base == c.ID || state.Base == c.Parents[0] || !r.isAncestor(ctx, state.Base, c.Parents[0]) {
		return false, nil
	}
	ids, err := r.git.RevList(ctx, "--first-parent", "--no-merges", "-n", "100", state.Base+".."+c.Parents[0])
	if err != nil {
		return false, err
	}
	if len(ids) > maxCatchUp {
		ids = ids[len(ids)-maxCatchUp:]
	}
	committer := r.Config(ctx)["user.email"]
	if v, ok := os.LookupEnv("GIT_COMMITTER_EMAIL"); ok {
		committer = v
	}
	consumed := false
	for _, id := range ids {
		prev, _, err := r.storedRecord(ctx, id)
		if err != nil {
			return consumed, err
		}
		if prev != nil {
			continue
		}
		pc, err := r.commit(ctx, id)
		if err != nil {
			return consumed, err
		}
		if pc.CommitterEmail != committer {
			continue
		}
		rec, used, err := r.recordFor(ctx, pc, nil, state, st)
		if err != nil {
			return consumed, err
		}
		rec.Recorder = recorderOr(opts.Recorder)
		if _, err := r.store(ctx, pc.ID, pc.Raw, rec, opts.Signer, "stamp"); err != nil {
			return consumed, err
		}
		consumed = consumed || used
	}
	return consumed, nil
}
