package tlsscan

import (
	"context"
	"sync"
)

// limiter bounds the connections open at once. It starts low and grows
// by one with each answered probe up to its ceiling, as TCP's slow start
// does, so that the scan's first burst does not overflow a small listen
// backlog (Pure-FTPd's is 5: a dropped SYN costs a one-second retry). A
// 421 from the server halves the bound, and the ceiling with it.
type limiter struct {
	mu      sync.Mutex
	cond    chan struct{} // closed and replaced when a slot frees
	max     int
	ceiling int
	inUse   int
}

// slowStart is the bound a scan starts with.
const slowStart = 2

// newLimiter bounds a scan to n connections at once, starting at
// slowStart.
func newLimiter(n int) *limiter {
	return &limiter{max: min(n, slowStart), ceiling: n, cond: make(chan struct{})}
}

// grow widens the bound by one, up to the ceiling.
func (l *limiter) grow() {
	l.mu.Lock()
	if l.max < l.ceiling {
		l.max++
		close(l.cond)
		l.cond = make(chan struct{})
	}
	l.mu.Unlock()
}

// acquire waits for a free connection slot, or until ctx is done.
func (l *limiter) acquire(ctx context.Context) error {
	for {
		l.mu.Lock()
		if l.inUse < l.max {
			l.inUse++
			l.mu.Unlock()
			return nil
		}
		wait := l.cond
		l.mu.Unlock()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-wait:
		}
	}
}

// release frees a slot and wakes the waiters.
func (l *limiter) release() {
	l.mu.Lock()
	l.inUse--
	close(l.cond)
	l.cond = make(chan struct{})
	l.mu.Unlock()
}

// shrink halves the bound, down to one connection at a time.
func (l *limiter) shrink() {
	l.mu.Lock()
	l.max = max(1, l.max/2)
	l.ceiling = l.max
	l.mu.Unlock()
}

// size is the current bound; the scan reports the one it ended with.
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.max
}
