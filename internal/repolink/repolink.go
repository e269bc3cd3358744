// Package repolink hands hallmark's own packages the git driver behind a
// *repo.Repo, which the public API does not: attribution replays a history
// through the same git process and commit reader a Repo holds, while an
// embedder sees only repo's public types (see internal/apiseal).
//
// repo registers itself here when it is initialised, so there is no import
// cycle: repolink names *repo.Repo only as the value it is given.
package repolink

import (
	"context"

	"github.com/hallmark-dev/hallmark/internal/git"
)

// Handle is what a *repo.Repo gives hallmark's own packages. It is safe for
// concurrent use, as the Repo is.
type Handle interface {
	// Git is the repository's git driver.
	Git() *git.Repo
	// Batch is the repository's shared `cat-file --batch` process; its
	// calls are serialized. It is closed with the Repo.
	Batch(ctx context.Context) (*git.Batch, error)
	// Commit reads and parses a commit.
	Commit(ctx context.Context, rev string) (*git.Commit, error)
	// Added is what the commit adds, file by file.
	Added(ctx context.Context, c *git.Commit) ([]git.FileDiff, error)
}

var of func(r any) Handle

// Register is called once by package repo.
func Register(f func(r any) Handle) { of = f }

// Of returns the handle of r, a *repo.Repo. Any other value is a
// programmer's mistake and panics.
func Of(r any) Handle { return of(r) }
