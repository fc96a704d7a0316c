package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"golang.org/x/sync/errgroup"

	"github.com/ftpsdiag/ftpsdiag/probe"
	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/report"
)

// diagnoseAll runs every target, at most parallel at a time, each within
// its own --deadline, and returns the results in input order. With JSON
// Lines each result is written as soon as it is ready. Once ctx is
// cancelled (a signal) it starts no more targets; those running end
// interrupted, and those never started have no result.
func diagnoseAll(ctx context.Context, base probe.Config, specs []targetSpec, o *options, stdout, stderr io.Writer) []*result.Result {
	results := make([]*result.Result, len(specs))
	progress := newProgress(stderr, len(specs))
	stopWatch := func() {}
	if len(specs) == 1 { // a long --scan: a live status line instead of "0/1"
		base, stopWatch = watchOne(stderr, base, report.Sanitize(probe.RedactTarget(specs[0].target)))
	}
	var mu sync.Mutex // orders JSON Lines output and progress
	var g errgroup.Group
	g.SetLimit(o.parallel)
	for i, spec := range specs {
		if ctx.Err() != nil {
			break
		}
		g.Go(func() error {
			if ctx.Err() != nil {
				return nil // cancelled while the loop waited for a slot
			}
			ctx, cancel := withDeadline(ctx, o.deadline)
			defer cancel()
			r := diagnoseOne(ctx, base, spec)
			mu.Lock()
			defer mu.Unlock()
			results[i] = r
			if o.format == "jsonl" {
				writeJSONLine(stdout, r)
			}
			progress.step()
			return nil
		})
	}
	g.Wait()
	stopWatch()
	progress.done()
	started := slices.DeleteFunc(results, func(r *result.Result) bool { return r == nil })
	if ctx.Err() != nil {
		cut := 0
		for _, r := range started {
			if slices.ContainsFunc(r.Findings, cause.RunInterrupted.Is) {
				cut++
			}
		}
		fmt.Fprintf(stderr, "ftpsdiag: %v: stopped: %d of %d targets finished, %d cut short (unknown), %d not started\n",
			context.Cause(ctx), len(started)-cut, len(specs), cut, len(specs)-len(started))
	}
	return started
}

// withDeadline bounds one target's diagnosis by --deadline, which its
// findings name when it fires.
func withDeadline(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, d, fmt.Errorf("--deadline %s", d))
}

// diagnoseOne applies a target line's own settings; a target that cannot
// be diagnosed becomes an "unknown" result.
func diagnoseOne(ctx context.Context, base probe.Config, spec targetSpec) *result.Result {
	cfg := base
	if spec.serverName != "" {
		cfg.ServerName = spec.serverName
	}
	if spec.user != "" {
		cfg.User = spec.user
	}
	t, err := probe.ParseTarget(spec.target)
	if err == nil {
		cfg.Target = t
		err = cfg.Validate()
	}
	if err != nil {
		return probe.Unknown(base.Tool, probe.RedactTarget(spec.target), fmt.Errorf("%s: %w", spec.origin, err))
	}
	return probe.Run(ctx, cfg)
}

// writeJSONLine writes r as one line of JSON (--format jsonl). A Result is
// plain data, so Marshal does not fail; write errors are ignored.
func writeJSONLine(w io.Writer, r *result.Result) {
	b, err := json.Marshal(r)
	if err == nil {
		w.Write(append(b, '\n'))
	}
}

// renderAll writes the results in the chosen format (JSON Lines were
// written as they came). With list, the targets came as a list (--targets,
// standard input, several arguments): JSON is then an array even of one
// result, so that a script's jq filter does not break when a fleet shrinks.
func renderAll(w io.Writer, results []*result.Result, o *options, status result.Status, list bool) error {
	switch o.format {
	case "jsonl":
		return nil
	case "json":
		if list {
			return report.JSONList(w, results)
		}
		if len(results) == 0 {
			return nil // the only target was interrupted before it started
		}
		return report.JSON(w, results[0])
	case "nagios":
		return report.Nagios(w, results, status, o.warnDays, o.critDays)
	case "html":
		return report.HTML(w, results, report.HTMLOptions{})
	case "markdown":
		return report.Markdown(w, results)
	}
	opts := report.Options{Color: useColor(w, o.noColor), Width: textWidth(w)}
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(w)
		}
		if err := report.Text(w, r, opts); err != nil {
			return err
		}
	}
	if len(results) > 1 {
		return report.Summary(w, results, opts)
	}
	return nil
}

// progress shows "n/N targets" on a terminal's stderr while a run over
// several targets goes on; elsewhere it is silent.
type progress struct {
	w            io.Writer
	count, total int
	on           bool
}

// newProgress counts up to total targets. It draws only on a terminal,
// where "\r" redraws the line, and only for more than one target.
func newProgress(stderr io.Writer, total int) *progress {
	f, ok := stderr.(*os.File)
	on := ok && total > 1 && isatty.IsTerminal(f.Fd())
	return &progress{w: stderr, total: total, on: on}
}

// step counts one more target diagnosed and redraws the line.
func (p *progress) step() {
	p.count++
	if p.on {
		fmt.Fprintf(p.w, "\rftpsdiag: %d/%d targets diagnosed", p.count, p.total)
	}
}

// done erases the progress line, so the report does not start after it.
func (p *progress) done() {
	if p.on {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
