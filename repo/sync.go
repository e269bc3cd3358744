package repo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/hallmark-dev/hallmark/internal/words"
	"regexp"
	"strings"
	"time"

	"github.com/hallmark-dev/hallmark/internal/git"
)

// DefaultSyncBudget is how long [Repo.Sync] keeps trying, by default,
// while other clones keep winning the race to push.
const DefaultSyncBudget = 2 * time.Minute

// SyncOptions tunes [Repo.Sync]. A nil value means the defaults.
type SyncOptions struct {
	// Budget bounds the time spent on fetch-merge-push rounds lost to
	// other clones' pushes; zero means DefaultSyncBudget. Between rounds
	// Sync waits a random time that doubles, up to a few seconds.
	Budget time.Duration
	// NoPush only fetches and merges.
	NoPush bool
	// Progress, when set, is called as each step begins: "fetch",
	// "merge", "push" (again in each round).
	Progress func(step string)
}

// SyncResult says what a sync did. Notes are counted by commit: a commit
// whose note gained one envelope or ten counts once.
type SyncResult struct {
	Remote string `json:"remote"`
	// Attempts is the number of fetch-merge-push rounds.
	Attempts int `json:"attempts"`
	// RemoteHasNotes: the remote had a notes ref at the last fetch.
	RemoteHasNotes bool `json:"remote_has_notes"`
	// Received counts the commits whose note here gained envelopes from
	// the remote.
	Received int `json:"received"`
	// Sent counts the commits whose note on the remote gained envelopes
	// from here; zero unless Pushed.
	Sent int `json:"sent"`
	// Pushed: the remote's notes ref was moved to ours.
	Pushed bool `json:"pushed"`
}

var (
	// ErrSyncRace: other clones kept pushing for the whole time budget.
	ErrSyncRace = errors.New("repo: sync: other clones kept pushing notes for the whole time budget; run sync again")
	// ErrSyncWouldLose: a merge or a push would have removed an envelope
	// that one side has. It is a bug if it is ever seen; nothing was pushed
	// and the local notes were left as they were.
	ErrSyncWouldLose = errors.New("repo: sync: refusing to lose envelopes")
)

// RemoteNotesRef is where a remote's notes are fetched to, by Sync and by
// the fetch refspec [Repo.Init] adds to each remote: a mirror of the
// remote, never our own notes, so a forced update of it loses nothing.
// A remote given as a URL or path gets a mirror named by its hash.
func RemoteNotesRef(remote string) string {
	if !remoteName.MatchString(remote) || strings.Contains(remote, "..") {
		sum := sha256.Sum256([]byte(remote))
		return "refs/notes/hallmark-remotes/url-" + hex.EncodeToString(sum[:8])
	}
	return "refs/notes/hallmark-remotes/" + remote
}

var remoteName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Sync shares the notes with a remote: fetch its notes, merge them into
// ours by union (every envelope line of either side kept, once, whatever
// either side's history says: a deletion on the remote is not merged as
// one), and push the union, which holds every envelope the remote has.
//
// The push is never forced: it names the remote tip that was fetched and
// merged (git's --force-with-lease), and what it pushes descends from that
// tip, so it lands only as a fast-forward of exactly what was merged.
// When another clone pushed in between, Sync starts again after a random
// wait that doubles each time, until the time budget is spent
// ([ErrSyncRace]).
//
// Notes are read only where the two sides differ, and never past
// [MaxNoteSize]: a note over it that only one side has is taken as it is,
// unread; one that would have to be unioned with a different note is an
// error ([ErrNoteTooLarge], naming the blob), and nothing is pushed.
func (r *Repo) Sync(ctx context.Context, remote string, opts *SyncOptions) (*SyncResult, error) {
	if opts == nil {
		opts = &SyncOptions{}
	}
	budget := opts.Budget
	if budget <= 0 {
		budget = DefaultSyncBudget
	}
	if remote == "" {
		remote = "origin"
	}
	if strings.HasPrefix(remote, "-") {
		return nil, fmt.Errorf("repo: sync: bad remote %q", remote)
	}
	res := &SyncResult{Remote: remote}
	wait := newBackoff(budget, 20*time.Millisecond, 3*time.Second)
	for {
		res.Attempts++
		done, err := r.syncOnce(ctx, remote, opts, res)
		if done || err != nil {
			return res, err
		}
		// Lost the race: wait, longer each round, and start over.
		again, err := wait.next(ctx)
		if err != nil {
			return res, err
		}
		if !again {
			return res, fmt.Errorf("%w (%d attempts in %s)", ErrSyncRace, res.Attempts, budget)
		}
	}
}

// syncOnce is one round; done is false when it lost a race (to another
// clone's push, or to a local notes writer) and must start over.
func (r *Repo) syncOnce(ctx context.Context, remote string, opts *SyncOptions, res *SyncResult) (done bool, err error) {
	mirror := RemoteNotesRef(remote)
	theirs := ""
	step := func(s string) {
		if opts.Progress != nil {
			opts.Progress(s)
		}
	}
	step("fetch")
	_, err = r.git.Output(ctx, "fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote, "+"+NotesRef+":"+mirror)
	switch {
	case err == nil:
		if theirs, err = r.refTip(ctx, mirror); err != nil {
			return false, err
		}
	case isMissingRemoteRef(err):
		// The remote has no notes: nothing to merge, and the push creates them.
	default:
		return false, fmt.Errorf("repo: sync: fetch from %s: %w", remote, err)
	}
	res.RemoteHasNotes = theirs != ""
	if theirs != "" {
		step("merge")
		n, err := r.mergeNotesFrom(ctx, theirs, "hallmark: sync: union with "+remote)
		if errors.Is(err, errNotesMoved) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		res.Received += n
	}
	if opts.NoPush {
		return true, nil
	}
	ours, err := r.notesTip(ctx)
	if err != nil || ours == "" || ours == theirs {
		return true, err // nothing of ours to push, or nothing new
	}
	// Checked, not assumed: the push must hold every envelope the remote has.
	lost, adds, err := r.notesLost(ctx, ours, theirs)
	if err != nil {
		return false, err
	}
	if len(lost) > 0 {
		return false, fmt.Errorf("%w: the remote has envelopes the local notes lack (the notes of %s, first %s); nothing was pushed", ErrSyncWouldLose, words.Count(len(lost), "commit"), lost[0])
	}
	step("push")
	_, err = r.git.Output(ctx, "push", "--quiet", "--force-with-lease="+NotesRef+":"+theirs, remote, NotesRef+":"+NotesRef)
	if err == nil {
		res.Pushed, res.Sent = true, adds
		return true, nil
	}
	if isRejected(err) {
		return false, nil
	}
	return false, fmt.Errorf("repo: sync: push to %s: %w", remote, err)
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
	// The remote's own lock or compare-and-swap failing is a race; its
	// hooks declining the push is not, and is reported at once.
	if strings.Contains(s, "remote rejected") && !strings.Contains(s, "failed to update ref") && !strings.Contains(s, "cannot lock ref") {
		return false
	}
	for _, m := range []string{"rejected", "non-fast-forward", "fetch first", "failed to update ref", "cannot lock ref", "stale info"} {
		if strings.Contains(s, m) {
			return true
		}
	}
	return false
}

// UnmergedRemoteNotes lists the remotes whose notes were fetched (into
// their mirror, [RemoteNotesRef], by `git fetch` with the refspec Init
// adds, or by an earlier sync) but are not merged into NotesRef. Readers
// (verify, report, blame) read NotesRef alone: what a fetch brought counts
// once `hallmark sync` merged it, and these are the remotes to name.
func (r *Repo) UnmergedRemoteNotes(ctx context.Context) ([]string, error) {
	const prefix = "refs/notes/hallmark-remotes/"
	out, err := r.git.Output(ctx, "for-each-ref", "--format=%(refname)", prefix)
	if err != nil {
		return nil, err
	}
	ours, err := r.notesTip(ctx)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, ref := range strings.Fields(string(out)) {
		if ours != "" {
			if _, err := r.git.Output(ctx, "merge-base", "--is-ancestor", ref, ours); err == nil {
				continue
			}
		}
		names = append(names, strings.TrimPrefix(ref, prefix))
	}
	return names, nil
}
