package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"
)

// serverLimits bound the exporter's HTTP server; tests shorten them.
type serverLimits struct {
	ReadHeader time.Duration // a request line and headers must arrive within this
	Idle       time.Duration // a keep-alive connection without a request is closed after this
	Grace      time.Duration // at shutdown, scrapes in flight may finish within this; then their probes are cancelled
}

// defaultLimits are `ftpsdiag serve`'s. There is no read or write timeout
// on the whole request: a scrape is bounded by its own budget (and a read
// timeout would cancel the request's context while its probe runs).
var defaultLimits = serverLimits{ReadHeader: 10 * time.Second, Idle: 30 * time.Second, Grace: 10 * time.Second}

// maxHeaderBytes bounds a request's line and headers: Prometheus sends a
// few hundred bytes. net/http answers a larger one with 431 itself.
const maxHeaderBytes = 8 << 10

// errShutdown is why the probes still running at the end of the grace
// period were cancelled.
var errShutdown = errors.New("the exporter is shutting down")

// runServe is `ftpsdiag serve`: a Prometheus exporter in the style of
// blackbox_exporter, until the context ends (SIGINT or SIGTERM).
func runServe(ctx context.Context, fs *pflag.FlagSet, o *options, stderr io.Writer) int {
	if fs.NArg() != 1 {
		return usage(stderr, usageError{"serve takes no target: Prometheus passes it as /probe?target=..."})
	}
	if o.maxProbes < 1 {
		return usage(stderr, usageError{fmt.Sprintf("--max-probes %d: want at least 1", o.maxProbes)})
	}
	allow, err := parseAllow(allowFile{Hosts: o.allowHosts, Ports: o.allowPorts})
	if err != nil { // parseAllow names the key, hosts or ports, as the flags end
		return usage(stderr, usageError{"--allow-" + err.Error()})
	}
	mods, err := loadModules(o.modules)
	if err != nil {
		return usage(stderr, usageError{"--config: " + err.Error()})
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return usage(stderr, usageError{fmt.Sprintf("--listen %s: %v", o.listen, err)})
	}
	logf := func(format string, args ...any) { fmt.Fprintf(stderr, "ftpsdiag: "+format+"\n", args...) }
	warnOpen := func(mods modules) {
		if open := unrestricted(mods, allow); len(open) > 0 && !isLoopback(ln.Addr()) {
			logf("warning: modules %s have no allow-list: whoever reaches %s can make the exporter connect to any host and port (see --allow-hosts)", strings.Join(open, ", "), ln.Addr())
		}
	}
	reload := func() (modules, error) { // SIGHUP and POST /-/reload
		mods, err := loadModules(o.modules)
		if err == nil {
			warnOpen(mods)
		}
		return mods, err
	}
	e := newExporter(mods, exporterOptions{Tool: "ftpsdiag " + version, MaxConcurrent: o.maxProbes, Allow: allow, Logf: logf, Reload: reload, Web: o.web})
	defer e.reloadOnHUP(ctx)()
	logf("exporter listening on http://%s/ (probe: /probe?target=HOST&module=%s)", ln.Addr(), defaultModule)
	if o.web {
		logf("web page on http://%s%s", ln.Addr(), webPath)
	}
	warnOpen(mods)
	if err := serve(ctx, ln, e.Handler(), defaultLimits, logf); err != nil {
		fmt.Fprintf(stderr, "ftpsdiag: error: serving: %v\n", err)
		return exitUnknown
	}
	return exitOK
}

// unrestricted lists the modules that probe any target: none when the
// flags set an allow-list.
func unrestricted(mods modules, flags allowList) []string {
	var open []string
	for _, name := range slices.Sorted(maps.Keys(mods)) {
		if !flags.set() && !mods[name].allow.set() {
			open = append(open, name)
		}
	}
	return open
}

// isLoopback reports whether addr is a loopback address, reachable only
// from this machine.
func isLoopback(addr net.Addr) bool {
	ap, err := netip.ParseAddrPort(addr.String())
	return err == nil && ap.Addr().IsLoopback()
}

// serve answers HTTP on ln until ctx ends, then shuts down: it stops
// accepting, lets the scrapes in flight finish within lim.Grace, then
// cancels their probes and waits as long again for their answers (a
// cancelled probe ends at its next step). It returns once every handler
// has returned.
func serve(ctx context.Context, ln net.Listener, h http.Handler, lim serverLimits, logf func(format string, args ...any)) error {
	// The requests' context: not ctx, which ends when shutdown begins.
	base, cancelProbes := context.WithCancelCause(context.WithoutCancel(ctx))
	defer cancelProbes(nil)
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: lim.ReadHeader,
		IdleTimeout:       lim.Idle,
		MaxHeaderBytes:    maxHeaderBytes,
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		srv.Close()
		return err
	case <-ctx.Done():
	}
	logf("shutting down: scrapes in flight have %s to finish", lim.Grace)
	grace, cancel := context.WithTimeout(context.Background(), lim.Grace)
	defer cancel()
	err := srv.Shutdown(grace)
	if errors.Is(err, context.DeadlineExceeded) {
		logf("probes still running after %s: cancelling them", lim.Grace)
		cancelProbes(errShutdown)
		cut, cancel := context.WithTimeout(context.Background(), lim.Grace)
		defer cancel()
		err = srv.Shutdown(cut)
	}
	if err != nil {
		srv.Close()
		err = fmt.Errorf("shutting down: %w", err)
	}
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}
