package repo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/hallmark-dev/hallmark/internal/stampwait"
)

// The post-commit stamp in the background.
//
// A stamp costs a commit its process start-ups and its signature (issue 13
// measured the hooks as installed at 1.6x-2.0x a plain `git commit`), so
// the post-commit hook that `hallmark init` installs starts the stamp as a
// background job of its shell and returns, as `git gc --auto` and `git
// maintenance --auto` do. The shell does it with built-ins alone: a Go
// program's start-up is the cost being saved. Nothing is believed early
// and nothing is lost:
//
//   - Before it returns, the hook leaves a marker, GIT_DIR/hallmark/
//     in-flight.PID, naming the stamp's process. Open waits while a marker
//     names a live process, then for the pending-state lock the stamp
//     takes (see WaitForStamps); so does every checkpoint and stamp. No
//     hallmark command in the repository reads the notes or the capture
//     while a stamp is under way.
//   - The hook names the commit, read from the ref git has just written:
//     a commit made while the stamp runs is not mistaken for it.
//   - The hook marks the staged file (stagedFile) in flight, so the next
//     commit's prepare-commit-msg asks hallmark, which waits, instead of
//     reading trailers the stamp is about to change.
//   - A stamp that dies (killed, a power cut) leaves the capture as it was
//     and its marker names a dead process, which readers remove: the next
//     stamp catches the commit up (catchup.go). One that fails writes
//     backgroundFailedFile, which the next hook says aloud.
//
// On systems without flock(2) and kill(2) (Windows) the hooks stamp in the
// foreground, and HALLMARK_STAMP=foreground in the environment of `git
// commit` asks for it anywhere (a script that reads the notes right after).

// StampModeEnv, set to "foreground" in the environment of `git commit`,
// makes the post-commit hook stamp before it returns.
const StampModeEnv = "HALLMARK_STAMP"

const (
	backgroundLogFile    = "hallmark/background.log"
	backgroundFailedFile = "hallmark/background-failed"
	// stagedInFlight is stagedFile's first line while a stamp runs in the
	// background: the hook's shell reads no trailers from it and asks
	// hallmark, which waits for the stamp.
	stagedInFlight = "hallmark-staged-in-flight"
)

// stampWait bounds how long WaitForStamps waits for a stamp in flight
// before it says which process it waits for.
const stampWait = 2 * time.Minute

// ErrStampInFlight is returned when a stamp under way in the repository
// takes longer than hallmark waits for it.
var ErrStampInFlight = errors.New("repo: a stamp is still under way")

// WaitForStamps waits until no stamp is under way in the repository: the
// post-commit hook's stamp in the background, or a checkpoint or stamp of
// another process. Open waits once; a Repo kept open across commits (a
// long-running bot) calls it before it reads the record of a commit made
// since. After stampWait it gives up with ErrStampInFlight rather than
// read notes a stamp is about to change.
func (r *Repo) WaitForStamps(ctx context.Context) error {
	return waitForStamps(ctx, r.git.GitDir)
}

// backgroundStart is when this process began as a background stamp, or
// the zero time: such a stamp waits only for the stamps begun before it.
var backgroundStart atomic.Pointer[time.Time]

func waitForStamps(ctx context.Context, gitDir string) error {
	var since time.Time
	if t := backgroundStart.Load(); t != nil {
		since = *t
	}
	busy, err := stampwait.Wait(ctx, gitDir, stampWait, since)
	if !errors.Is(err, stampwait.ErrTimeout) {
		return err
	}
	if busy.PID != 0 {
		return fmt.Errorf("%w: process %d has been stamping for over %v (its log: %s); wait for it or stop it: the next stamp catches the commit up",
			ErrStampInFlight, busy.PID, stampWait, filepath.Join(gitDir, backgroundLogFile))
	}
	return fmt.Errorf("%w: %s has been locked for over %v", ErrStampInFlight, filepath.Join(gitDir, "hallmark", "lock"), stampWait)
}

// beginBackground is the first thing a background stamp does, before it
// opens the repository: note when it began (see backgroundStart), leave
// the session of the terminal (a ^C or a closed window after `git commit`
// must not cut the stamp short) and forget the commit's temporary index,
// which git removes once the commit is made.
func beginBackground() {
	now := time.Now()
	backgroundStart.Store(&now)
	stampwait.DetachSession()
	os.Unsetenv("GIT_INDEX_FILE")
}

// finishBackground is the last thing a background stamp does: it puts the
// staged file back in step with the pending state (the hook marked it in
// flight), writes down a failure for the next hook to say (or clears an
// old one) and removes its marker.
func (r *Repo) finishBackground(ctx context.Context, commit string, stampErr error) {
	failed := filepath.Join(r.git.GitDir, backgroundFailedFile)
	if stampErr != nil {
		_ = writeAtomic(failed, []byte(fmt.Sprintf("%s: %v\n", commit, stampErr)))
	} else {
		_ = os.Remove(failed)
	}
	r.refreshStaged(ctx)
	_ = os.Remove(filepath.Join(r.git.GitDir, "hallmark", stampwait.MarkerPrefix+strconv.Itoa(os.Getpid())))
}

// refreshStaged writes the staged file from the pending state again.
func (r *Repo) refreshStaged(ctx context.Context) {
	if r.git.WorkTree == "" {
		return
	}
	st, state, unlock, err := r.openPending(ctx)
	if err != nil {
		return
	}
	defer unlock()
	_ = st.writeStaged(state)
}
