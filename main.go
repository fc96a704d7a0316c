//go:debug tlssha1=1
//go:debug x509negativeserial=1

// Command ftpsdiag tells an FTP server's administrator why an FTPS
// connection works or fails, and audits how the server is configured.
//
// The go:debug lines above let the prober complete handshakes that Go's
// defaults refuse (SHA-1 signatures in TLS 1.2, certificates with negative
// serial numbers), so that a legacy server is diagnosed instead of refused.
package main

import (
	"context"
	"os"
	"os/signal"
)

// main wires the process to run: its arguments, standard streams, Ctrl-C
// as cancellation, and the exit code.
func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
