// Package stampwait waits for the stamps under way in a repository: a
// post-commit stamp the hook started as a background job (it leaves a
// marker, GIT_DIR/hallmark/in-flight.PID, naming its process), and any
// hallmark process holding the pending-state lock, GIT_DIR/hallmark/lock.
// The repo package's readers wait through it, and so do the test helpers
// that drive real hooks.
package stampwait

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// MarkerPrefix begins the name of a background stamp's marker; the rest
// is the decimal process id.
const MarkerPrefix = "in-flight."

// ErrTimeout is returned when the stamps take longer than Wait was given.
var ErrTimeout = errors.New("stampwait: still under way")

// Busy reports the process a wait is for: a background stamp's, or 0 for
// a holder of the lock (whose process the lock does not tell).
type Busy struct{ PID int }

// Wait waits, at most max, until no background stamp is alive and no
// process holds gitDir's pending-state lock. A marker whose process is
// gone (a killed stamp) is removed. This process's own marker, and its
// parent's, are not waited for: a background stamp opens its repository
// too. A background stamp passes the time it started as olderThan, and
// waits only for markers left before it: stamps then wait for earlier
// ones, never the other way round, and two cannot wait for each other.
// Others pass the zero time and wait for all. On timeout it returns
// ErrTimeout and what it waited for.
func Wait(ctx context.Context, gitDir string, max time.Duration, olderThan time.Time) (Busy, error) {
	dir := filepath.Join(gitDir, "hallmark")
	deadline := time.Now().Add(max)
	for pause := time.Millisecond; ; pause = min(2*pause, 20*time.Millisecond) {
		pid := liveStamp(dir, olderThan)
		if pid == 0 {
			break
		}
		if time.Now().After(deadline) {
			return Busy{PID: pid}, ErrTimeout
		}
		if err := sleep(ctx, pause); err != nil {
			return Busy{PID: pid}, err
		}
	}
	return Busy{}, waitUnlocked(ctx, filepath.Join(dir, "lock"), deadline)
}

// liveStamp is the process id of a background stamp under way, from the
// markers in dir (those left before olderThan, unless it is zero), or 0.
func liveStamp(dir string, olderThan time.Time) int {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), MarkerPrefix)
		if !ok {
			continue
		}
		pid, err := strconv.Atoi(rest)
		if err != nil || pid <= 0 {
			continue
		}
		if pid == os.Getpid() || pid == os.Getppid() {
			continue // our own marker, or our shell's if it forked first
		}
		if !olderThan.IsZero() {
			if fi, err := e.Info(); err != nil || !fi.ModTime().Before(olderThan) {
				continue // a later stamp: it waits for us
			}
		}
		if processAlive(pid) {
			return pid
		}
		_ = os.Remove(filepath.Join(dir, e.Name()))
	}
	return 0
}

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// Settle waits, at most a minute, for the stamps under way in the
// repository at dir (a work tree with .git in it, or a git directory). It
// is for test helpers that drive real hooks: what a test reads next must
// be what the stamp stored, and its directory must not be removed under
// the stamp.
func Settle(dir string) {
	gd := filepath.Join(dir, ".git")
	if fi, err := os.Stat(gd); err != nil || !fi.IsDir() {
		gd = dir
	}
	_, _ = Wait(context.Background(), gd, time.Minute, time.Time{})
}
