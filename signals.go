package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// signalCause is the cause of a run cancelled by a signal: the interrupted
// targets' findings name it, and the exit code says which it was.
type signalCause struct{ sig syscall.Signal }

// Error names the signal as the findings show it.
func (c signalCause) Error() string {
	if c.sig == syscall.SIGTERM {
		return "SIGTERM"
	}
	return "SIGINT"
}

// exitCode is the shell's convention for a process ended by a signal:
// 128 + its number (130 for SIGINT, 143 for SIGTERM).
func (c signalCause) exitCode() int { return 128 + int(c.sig) }

// withSignals returns a context cancelled, with a signalCause, by the first
// SIGINT or SIGTERM: the run then stops starting targets, cancels those
// running and reports what finished. A second signal ends the process as
// usual. stop releases the signals.
func withSignals(parent context.Context) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-sigs:
			signal.Stop(sigs) // the next one kills at once
			cancel(signalCause{s.(syscall.Signal)})
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(sigs)
		cancel(nil)
	}
}
