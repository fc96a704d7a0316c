package probe

import (
	"crypto/tls"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// A server that requires a client certificate refuses the probe, which
// presents none: at TLS 1.2 with an alert that ends the handshake, at TLS
// 1.3 with certificate_required on the first read after a handshake the
// client already counted as done. Neither may end as status ok.
func TestClientCertRequired(t *testing.T) {
	tests := []struct {
		name     string
		version  uint16
		implicit bool
		evidence string
	}{
		{"TLS 1.2", tls.VersionTLS12, false, "CertificateRequest, then alert 40 (tls: handshake failure)"},
		{"TLS 1.3", tls.VersionTLS13, false, "CertificateRequest, then alert 116 (tls: certificate required)"},
		{"TLS 1.3 implicit", tls.VersionTLS13, true, "CertificateRequest, then alert 116 (tls: certificate required)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conf := ftpstest.NewTLSConfig(localCert(t, testcert.Options{}))
			conf.MaxVersion = tt.version
			conf.ClientAuth = tls.RequireAnyClientCert
			srv := serve(t, ftpstest.Config{TLS: conf, Implicit: tt.implicit})
			mode := explicitOnly
			if tt.implicit {
				mode = implicitOnly
			}
			r := diagnose(t, srv.Addr, mode)
			wantFindings(t, r, "critical:tls-client-cert-required")
			if f := r.Findings[0]; !strings.Contains(f.Evidence, tt.evidence) {
				t.Errorf("evidence = %q, want it to contain %q", f.Evidence, tt.evidence)
			}
			if r.Status != result.StatusCritical || r.Attempts[0].OK {
				t.Errorf("status = %s, attempt ok = %v; want critical, not ok", r.Status, r.Attempts[0].OK)
			}
		})
	}
}
