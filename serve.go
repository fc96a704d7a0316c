package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/spf13/pflag"
)

// runServe is `ftpsdiag serve`: a Prometheus exporter in the style of
// blackbox_exporter, until the context ends (Ctrl-C).
func runServe(ctx context.Context, fs *pflag.FlagSet, o *options, stderr io.Writer) int {
	if fs.NArg() != 1 {
		return usage(stderr, usageError{"serve takes no target: Prometheus passes it as /probe?target=..."})
	}
	mods, err := loadModules(o.modules)
	if err != nil {
		return usage(stderr, usageError{"--config: " + err.Error()})
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return usage(stderr, usageError{fmt.Sprintf("--listen %s: %v", o.listen, err)})
	}
	srv := &http.Server{
		Handler: newExporter(mods, exporterOptions{
			Tool: "ftpsdiag " + version,
			Logf: func(format string, args ...any) { fmt.Fprintf(stderr, "ftpsdiag: "+format+"\n", args...) },
		}).Handler(),
		ReadHeaderTimeout: 10 * time.Second,
	}
	fmt.Fprintf(stderr, "ftpsdiag: exporter listening on http://%s/ (probe: /probe?target=HOST&module=%s)\n", ln.Addr(), defaultModule)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err = <-done:
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = srv.Shutdown(shutdown)
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "ftpsdiag: error: serving: %v\n", err)
		return exitUnknown
	}
	return exitOK
}
