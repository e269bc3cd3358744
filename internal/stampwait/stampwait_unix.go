//go:build darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd

package stampwait

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// Supported reports whether stamps can run in the background here: a
// marker's process can be checked (kill(2)) and the lock waited for
// (flock(2)).
const Supported = true

// waitUnlocked waits until no process holds path's exclusive lock, until
// deadline; a missing file is no lock. It polls rather than block in the
// kernel, so that ctx is honoured.
func waitUnlocked(ctx context.Context, path string, deadline time.Time) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	for pause := time.Millisecond; ; pause = min(2*pause, 20*time.Millisecond) {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
		if err == nil {
			return syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			return fmt.Errorf("stampwait: lock %s: %w", path, err)
		}
		if time.Now().After(deadline) {
			return ErrTimeout
		}
		if err := sleep(ctx, pause); err != nil {
			return err
		}
	}
}

// processAlive reports whether a process with this id exists (signal 0
// checks without sending; EPERM means it exists under another user).
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// DetachSession puts this process in a session of its own, out of reach
// of the terminal's signals.
func DetachSession() { _, _ = syscall.Setsid() }
