package probe

import (
	"context"
	"crypto/x509"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
)

// TestRunWarmsSystemRoots: a run that trusts the system roots starts
// reading them before its first dial, so that they are ready when the
// control certificate is verified (issue 16: read lazily, they held the
// command after the handshake back 15-25 ms); a run given its own roots
// never reads them.
func TestRunWarmsSystemRoots(t *testing.T) {
	refused := errors.New("refused by the test")
	for _, tc := range []struct {
		name  string
		roots *x509.CertPool
		want  bool
	}{
		{"system roots", nil, true},
		{"own roots", x509.NewCertPool(), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			asked := make(chan struct{})
			var once sync.Once
			old := loadSystemRoots
			loadSystemRoots = func() { once.Do(func() { close(asked) }) }
			t.Cleanup(func() { loadSystemRoots = old })
			var dials atomic.Int32
			diagnose(t, "ftpes://127.0.0.1:21", func(c *Config) {
				c.Roots = tc.roots
				c.Dial = func(ctx context.Context, _, _ string) (net.Conn, error) {
					dials.Add(1)
					if !tc.want {
						select {
						case <-asked:
							t.Error("the system roots were read although the run has its own")
						default:
						}
						return nil, refused
					}
					select {
					case <-asked:
					case <-ctx.Done():
						t.Error("the run dialled and never started reading the system roots")
					}
					return nil, refused
				}
			})
			if dials.Load() == 0 {
				t.Fatal("the run never dialled")
			}
		})
	}
}
