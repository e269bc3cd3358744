package repo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/hallmark-dev/hallmark/internal/git"
)

// SyncOptions tunes [Repo.Sync]. A nil value means the defaults.
type SyncOptions struct {
	// Attempts bounds the fetch-merge-push rounds when another clone keeps
	// winning the race to push; zero means 8.
	Attempts int
	// NoPush only fetches and merges.
	NoPush bool
}

// SyncResult says what a sync did.
type SyncResult struct {
	Remote   string
	Attempts int
	Fetched  bool // the remote had notes
	Merged   bool // the remote's notes were merged into ours
	Pushed   bool
}

// ErrSyncRace is returned when every attempt lost the race to push.
var ErrSyncRace = errors.New("repo: sync: the remote's notes kept moving; try again")

// remoteNotesRef is where a remote's notes are fetched to: a mirror of the
// remote, never our own notes, so updating it loses nothing.
func remoteNotesRef(remote string) string { return "refs/notes/hallmark-remotes/" + remote }

// Sync shares the notes with a remote: fetch its notes, merge them into
// ours by union (every distinct envelope kept once, nothing of ours ever
// dropped or overwritten), and push without force. When another clone
// pushed in between, it starts again, a few times, with a growing wait.
func (r *Repo) Sync(ctx context.Context, remote string, opts *SyncOptions) (*SyncResult, error) {
	if opts == nil {
		opts = &SyncOptions{}
	}
	attempts := opts.Attempts
	if attempts <= 0 {
		attempts = 8
	}
	if remote == "" {
		remote = "origin"
	}
	if strings.HasPrefix(remote, "-") {
		return nil, fmt.Errorf("repo: sync: bad remote %q", remote)
	}
	res := &SyncResult{Remote: remote}
	tracking := remoteNotesRef(remote)
	for res.Attempts < attempts {
		res.Attempts++
		// Fetch: a forced update of the mirror ref only.
		_, err := r.git.Output(ctx, "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote, "+"+NotesRef+":"+tracking)
		switch {
		case err == nil:
			res.Fetched = true
		case isMissingRemoteRef(err):
			// The remote has no notes yet: there is nothing to merge.
		default:
			return res, fmt.Errorf("repo: sync: fetch from %s: %w", remote, err)
		}
		if res.Fetched {
			merged, err := r.mergeNotes(ctx, tracking)
			if err != nil {
				return res, err
			}
			res.Merged = res.Merged || merged
		}
		if opts.NoPush {
			return res, nil
		}
		if _, err := r.git.Output(ctx, "rev-parse", "--verify", "--quiet", NotesRef); err != nil {
			return res, nil // nothing of ours to push
		}
		_, err = r.git.Output(ctx, "push", "--quiet", remote, NotesRef+":"+NotesRef)
		if err == nil {
			res.Pushed = true
			return res, nil
		}
		if !isRejected(err) {
			return res, fmt.Errorf("repo: sync: push to %s: %w", remote, err)
		}
		// Lost the race: wait a little, longer each time, and start over.
		wait := time.Duration(20*res.Attempts*res.Attempts+rand.IntN(50)) * time.Millisecond
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-time.After(wait):
		}
	}
	return res, ErrSyncRace
}

// mergeNotes merges the fetched notes into ours by union of lines.
func (r *Repo) mergeNotes(ctx context.Context, tracking string) (bool, error) {
	theirs, err := r.git.Output(ctx, "rev-parse", "--verify", tracking)
	if err != nil {
		return false, err
	}
	ours, err := r.git.Output(ctx, "rev-parse", "--verify", "--quiet", NotesRef)
	if err != nil {
		// No notes of our own yet: take theirs as they are.
		_, err := r.git.Output(ctx, "update-ref", "-m", "hallmark: sync: first notes from "+tracking, NotesRef, strings.TrimSpace(string(theirs)), "")
		return err == nil, err
	}
	if strings.TrimSpace(string(ours)) == strings.TrimSpace(string(theirs)) {
		return false, nil
	}
	// cat_sort_uniq concatenates both notes of a commit, sorts the lines
	// and drops duplicates: a set union of envelopes, one a line.
	if _, err := r.git.Output(ctx, "notes", "--ref="+NotesRef, "merge", "--quiet", "--strategy=cat_sort_uniq", tracking); err != nil {
		return false, fmt.Errorf("repo: sync: merge notes: %w", err)
	}
	return true, nil
}

func isMissingRemoteRef(err error) bool {
	var ge *git.Error
	return errors.As(err, &ge) && strings.Contains(ge.Stderr, "couldn't find remote ref")
}

func isRejected(err error) bool {
	var ge *git.Error
	if !errors.As(err, &ge) {
		return false
	}
	s := ge.Stderr + ge.Error()
	for _, m := range []string{"rejected", "non-fast-forward", "fetch first", "failed to update ref", "cannot lock ref", "stale info"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}
