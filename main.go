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
)

// main wires the process to run: its arguments, standard streams, SIGINT
// and SIGTERM as cancellation, and the exit code.
func main() {
	os.Exit(command(os.Args[1:]))
}

// command runs ftpsdiag as a process, with the first SIGINT or SIGTERM
// cancelling the run (withSignals); the test binary runs it the same way.
func command(args []string) int {
	ctx, stop := withSignals(context.Background())
	defer stop()
	return run(ctx, args, os.Stdin, os.Stdout, os.Stderr)
}
