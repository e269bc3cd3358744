//go:build !(darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd || windows)

package repo

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// lockWait is how long lockFile waits for a lock another process holds.
const lockWait = 30 * time.Second

// lockFile holds the lock as a file created with O_EXCL beside path, on
// systems without flock or LockFileEx. Unlike those, the file outlives a
// killed process: after lockWait the error names it, for a person to
// remove once no hallmark runs.
func lockFile(path string) (func(), error) {
	held := path + ".held"
	deadline := time.Now().Add(lockWait)
	for {
		f, err := os.OpenFile(held, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err == nil {
			f.Close()
			return func() { _ = os.Remove(held) }, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("repo: lock %s: %w", held, err)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("repo: lock %s: held for over %v (remove it if no hallmark is running)", held, lockWait)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
