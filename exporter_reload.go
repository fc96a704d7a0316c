package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
)

// liveModules are the exporter's modules, replaced whole by a reload while
// scrapes read them: a scrape sees the old set or the new, never a mix.
type liveModules struct{ p atomic.Pointer[modules] }

// newLiveModules holds mods.
func newLiveModules(mods modules) *liveModules {
	l := &liveModules{}
	l.p.Store(&mods)
	return l
}

// get returns the modules in force.
func (l *liveModules) get() modules { return *l.p.Load() }

// reloadModules reads the modules again (exporterOptions.Reload) and puts
// them in force. A file that does not load changes nothing: the modules
// in force stay, and the error is logged and returned.
func (s *exporter) reloadModules() error {
	if s.opts.Reload == nil {
		return fmt.Errorf("no modules file to reload")
	}
	mods, err := s.opts.Reload()
	if err != nil {
		s.opts.Logf("reloading the modules: %v; the modules in force stay", err)
		return err
	}
	s.mods.p.Store(&mods)
	s.opts.Logf("modules reloaded: %d in force", len(mods))
	return nil
}

// reload is POST /-/reload, as blackbox_exporter has it: 200 once the
// modules are reloaded, 500 with the error when the file does not load
// (the modules in force then stay).
func (s *exporter) reload(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.reloadModules(); err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, "reloading the modules failed, the modules in force stay: %v\n", err)
		return
	}
	fmt.Fprintln(w, "modules reloaded")
}

// reloadOnHUP reloads the exporter's modules at each SIGHUP until ctx
// ends. SIGHUP is caught from the moment it returns, so the signal no
// longer ends the process; stop releases it.
func (s *exporter) reloadOnHUP(ctx context.Context) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-hup:
				s.reloadModules() // logged; the old modules stay on failure
			case <-ctx.Done():
				return
			}
		}
	}()
	return func() {
		signal.Stop(hup)
		cancel()
		<-done
	}
}
