package probe

import (
	"crypto/tls"
	"net"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
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
			wantFindings(t, r, critical(cause.TLSClientCertRequired))
			if f := r.Findings[0]; !strings.Contains(f.Evidence, tt.evidence) {
				t.Errorf("evidence = %q, want it to contain %q", f.Evidence, tt.evidence)
			}
			if r.Status != result.StatusCritical || r.Attempts[0].OK {
				t.Errorf("status = %s, attempt ok = %v; want critical, not ok", r.Status, r.Attempts[0].OK)
			}
		})
	}
}

// Pure-FTPd completes a handshake on a cipher under 128 bits, then answers
// 534 inside TLS and exits: the 534 arrives as the reply to FEAT, and the
// next command finds the connection gone. That is the cipher, not a lost
// connection or a login failure.
func TestWeakCipherRejected(t *testing.T) {
	cert := localCert(t, testcert.Options{RSABits: 2048})
	for _, implicit := range []bool{false, true} {
		t.Run(map[bool]string{false: "explicit", true: "implicit"}[implicit], func(t *testing.T) {
			weak := func(c net.Conn) {
				tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}, MaxVersion: tls.VersionTLS12,
					CipherSuites: []uint16{tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA}})
				if tc.Handshake() != nil {
					return
				}
				tc.Write([]byte("534 Sorry, cleartext sessions and weak ciphers are not accepted on this server.\r\n"))
				tc.Close()
			}
			onConnect, mode := script{
				greeting:  "220 ---------- Welcome to Pure-FTPd [privsep] [TLS] ----------",
				answer:    map[string]string{"FEAT": plainFeat, "AUTH TLS": "234 AUTH TLS OK."},
				afterAuth: weak,
			}.run, explicitOnly
			if implicit {
				onConnect, mode = weak, implicitOnly
			}
			srv := serve(t, ftpstest.Config{OnConnect: onConnect})
			r := diagnose(t, srv.Addr, mode)
			wantFindings(t, r, critical(cause.TLSWeakCipherRejected))
			f := r.Findings[0]
			if want := "negotiated TLS 1.2 with TLS_RSA_WITH_3DES_EDE_CBC_SHA (112-bit), then the first reply inside TLS was: 534 Sorry, cleartext sessions and weak ciphers are not accepted on this server."; f.Evidence != want {
				t.Errorf("evidence = %q, want %q", f.Evidence, want)
			}
			if !implicit && !strings.Contains(f.Remedy, "-J") {
				t.Errorf("remedy for Pure-FTPd = %q", f.Remedy)
			}
		})
	}
}
