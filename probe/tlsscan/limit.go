package tlsscan

import (
	"context"
	"sync"
)

// limiter bounds the connections open at once; a 421 from the server
// shrinks the bound, for the rest of the scan.
type limiter struct {
	mu    sync.Mutex
	cond  chan struct{} // closed and replaced when a slot frees
	max   int
	inUse int
}

func newLimiter(n int) *limiter {
	return &limiter{max: n, cond: make(chan struct{})}
}

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
	l.mu.Unlock()
}

func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.max
}
