//go:build !(darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd)

package stampwait

import (
	"context"
	"time"
)

// Supported: without flock(2) and kill(2) the hooks stamp in the
// foreground, so no stamp is ever in flight for Wait.
const Supported = false

func waitUnlocked(context.Context, string, time.Time) error { return nil }

func processAlive(int) bool { return false }

// DetachSession does nothing here.
func DetachSession() {}
