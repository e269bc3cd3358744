package repo

import (
	"context"
	"math/rand/v2"
	"time"
)

// backoff paces the attempts a writer makes after losing a race to
// another writer (a notes commit landed first, here or on a remote): it
// waits a random time between half and all of a span that doubles, up to
// a cap, so that writers that collided spread out instead of colliding
// again, and it gives up when the next wait would pass the deadline.
type backoff struct {
	deadline time.Time
	wait     time.Duration
	max      time.Duration
}

func newBackoff(budget, first, max time.Duration) *backoff {
	return &backoff{deadline: time.Now().Add(budget), wait: first, max: max}
}

// next waits before another attempt. It returns false, without waiting,
// when the budget does not allow one, and ctx's error when ctx ends first.
func (b *backoff) next(ctx context.Context) (bool, error) {
	d := b.wait/2 + rand.N(b.wait/2+1)
	if time.Now().Add(d).After(b.deadline) {
		return false, nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false, ctx.Err()
	case <-t.C:
	}
	b.wait = min(2*b.wait, b.max)
	return true, nil
}
