package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/term"

	"github.com/ftpsdiag/ftpsdiag/probe"
)

// terminalFd returns w's file descriptor when w is a terminal.
func terminalFd(w io.Writer) (int, bool) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return 0, false
	}
	return int(f.Fd()), true
}

// textWidth is the width to render text at: $COLUMNS when it holds a
// width, else the width of the terminal w is, else 0, the report's fixed
// default, so that a pipe or a file gets the same lines on every machine.
func textWidth(w io.Writer) int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	fd, ok := terminalFd(w)
	if !ok {
		return 0
	}
	if n, _, err := term.GetSize(fd); err == nil && n > 0 {
		return n
	}
	return 0
}

// maxLiveTarget bounds the target's length in the live status line.
const maxLiveTarget = 40

// Timing of the live status line; tests set liveAfter to 0 to see the
// first line at once.
var (
	liveAfter = time.Second            // a diagnosis shorter than this draws nothing
	liveEvery = 250 * time.Millisecond // redraws after that
)

// watchOne shows, on a terminal's stderr only, a status line redrawn in
// place while one target's diagnosis runs: the time it has taken and the
// connections it has made, which is what a long --scan is busy with. It
// counts the connections through cfg.Dial; stop erases the line before
// the report is written. Elsewhere it changes nothing.
func watchOne(stderr io.Writer, cfg probe.Config, target string) (probe.Config, func()) {
	if _, ok := terminalFd(stderr); !ok {
		return cfg, func() {}
	}
	dial := cfg.Dial
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	var conns atomic.Int64
	cfg.Dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
		conns.Add(1)
		return dial(ctx, network, addr)
	}
	if r := []rune(target); len(r) > maxLiveTarget { // one line: a wrapped line would not redraw in place
		target = string(r[:maxLiveTarget-1]) + "…"
	}
	start := time.Now()
	draw := func() {
		fmt.Fprintf(stderr, "\r\033[Kftpsdiag: diagnosing %s: %.0f s, %d connections", target, time.Since(start).Seconds(), conns.Load())
	}
	first, drawn := liveAfter, false
	if first <= 0 { // at once, before the probe starts: what the tests see
		draw()
		first, drawn = liveEvery, true
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		next := time.NewTimer(first)
		defer next.Stop()
		for {
			select {
			case <-done:
				if drawn {
					fmt.Fprint(stderr, "\r\033[K")
				}
				return
			case <-next.C:
				draw()
				drawn = true
				next.Reset(liveEvery)
			}
		}
	})
	return cfg, func() {
		close(done)
		wg.Wait()
	}
}
