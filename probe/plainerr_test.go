package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"testing"
)

// plainErr keeps the step and replaces Go's chain below it with shortErr's
// few words; an error those words do not cover stays whole.
func TestPlainErr(t *testing.T) {
	timeout := &os.SyscallError{Syscall: "read", Err: os.ErrDeadlineExceeded}
	alert := errors.New("remote error: tls: handshake failure")
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("reading the greeting: %w", fmt.Errorf("reading reply: %w: %w", context.DeadlineExceeded, timeout)), "reading the greeting: timeout: no reply"},
		{fmt.Errorf("reading reply to AUTH TLS: %w", io.EOF), "reading reply to AUTH TLS: connection closed by peer (EOF)"},
		{fmt.Errorf("connecting to 127.0.0.1:21: %w", fmt.Errorf("dial tcp: %w", syscall.ECONNREFUSED)), "connecting to 127.0.0.1:21: connection refused (RST)"},
		{fmt.Errorf("TLS handshake: %w", alert), "TLS handshake: remote error: tls: handshake failure"},
		{errors.Join(io.EOF, errors.New("and more")), "connection closed by peer (EOF)"},
		{io.EOF, "connection closed by peer (EOF)"},
	} {
		if got := plainErr(tc.err); got != tc.want {
			t.Errorf("plainErr(%q) = %q, want %q", tc.err, got, tc.want)
		}
	}
}
