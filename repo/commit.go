package repo

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/internal/repolink"
)

// Errors from git that a caller may want to tell apart; match them with
// [errors.Is].
var (
	// ErrNotRepository: the directory is in no git repository.
	ErrNotRepository = git.ErrNotRepository
	// ErrNoCommits: the repository has no commits yet.
	ErrNoCommits = git.ErrNoCommits
	// ErrBadRevision: a revision names no commit.
	ErrBadRevision = git.ErrBadRevision
	// ErrNotFound: an object (a file at a commit, say) is not there.
	ErrNotFound = git.ErrNotFound
)

// Commit is a commit object as hallmark reads it.
//
// Its fields are those of the internal parser's commit, one for one, so
// that one converts to the other without a copy; a field added there fails
// to compile here until it is added (or hidden) on purpose.
type Commit struct {
	ID             string
	Tree           string
	Parents        []string
	AuthorName     string
	AuthorEmail    string
	AuthorTime     time.Time
	CommitterName  string
	CommitterEmail string
	CommitTime     time.Time
	Message        string
	// Raw is the object exactly as `git cat-file commit` prints it: what
	// the commit's id is the hash of.
	Raw []byte
}

// CommitObject reads the commit rev names.
func (r *Repo) CommitObject(ctx context.Context, rev string) (*Commit, error) {
	c, err := r.commit(ctx, rev)
	if err != nil {
		return nil, err
	}
	return (*Commit)(c), nil
}

// WorkTree is the absolute path of the repository's work tree; it is empty
// when the repository is bare.
func (r *Repo) WorkTree() string { return r.git.WorkTree }

// GitDir is the absolute path of the repository's git directory.
func (r *Repo) GitDir() string { return r.git.GitDir }

// IsAncestor reports whether commit a is an ancestor of commit b (or b
// itself).
func (r *Repo) IsAncestor(ctx context.Context, a, b string) (bool, error) {
	ac, err := r.commit(ctx, a)
	if err != nil {
		return false, err
	}
	bc, err := r.commit(ctx, b)
	if err != nil {
		return false, err
	}
	_, err = r.git.Output(ctx, "merge-base", "--is-ancestor", ac.ID, bc.ID)
	var ee *exec.ExitError
	switch {
	case err == nil:
		return true, nil
	case errors.As(err, &ee) && ee.ExitCode() == 1:
		return false, nil
	}
	return false, err
}

// MergeBase returns the best common ancestor of commits a and b, as `git
// merge-base` chooses it.
func (r *Repo) MergeBase(ctx context.Context, a, b string) (string, error) {
	for _, rev := range []string{a, b} {
		if strings.HasPrefix(rev, "-") {
			return "", fmt.Errorf("%w: %q", ErrBadRevision, rev)
		}
	}
	out, err := r.git.Output(ctx, "merge-base", "--", a, b)
	if err != nil {
		return "", fmt.Errorf("repo: no merge base of %s and %s: %w", a, b, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// RevList lists the commits of a range, in `git rev-list` syntax (a
// revision, "BASE..HEAD", "^BASE HEAD"), oldest first.
func (r *Repo) RevList(ctx context.Context, rng ...string) ([]string, error) {
	for _, a := range rng {
		if strings.HasPrefix(a, "-") {
			return nil, fmt.Errorf("%w: %q", ErrBadRevision, a)
		}
	}
	return r.git.RevList(ctx, rng...)
}

// link is what hallmark's own packages reach through repolink.
type link struct{ r *Repo }

func (l link) Git() *git.Repo { return l.r.git }

func (l link) Batch(ctx context.Context) (*git.Batch, error) { return l.r.reader(ctx) }

func (l link) Commit(ctx context.Context, rev string) (*git.Commit, error) {
	return l.r.commit(ctx, rev)
}

func (l link) Added(ctx context.Context, c *git.Commit) ([]git.FileDiff, error) {
	return l.r.added(ctx, c)
}

func init() {
	repolink.Register(func(r any) repolink.Handle { return link{r.(*Repo)} })
}
