package probe

import (
	"crypto/tls"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// The HelloRetryRequest random RFC 8446 §4.1.3 prints.
func TestHelloRetryRandom(t *testing.T) {
	const want = "\xcf\x21\xad\x74\xe5\x9a\x61\x11\xbe\x1d\x8c\x02\x1e\x65\xb8\x91\xc2\xa2\x11\x16\x7a\xbb\x8c\x5e\x07\x9e\x09\xe2\xc8\xa8\x33\x9c"
	if string(helloRetryRandom[:]) != want {
		t.Errorf("helloRetryRandom = %x", helloRetryRandom)
	}
}

// The control handshake records whether the server forced a
// HelloRetryRequest (it takes only P-256 key shares, as vsftpd does) and
// whether it left a session to resume.
func TestControlHello(t *testing.T) {
	cert := localCert(t, testcert.Options{})
	conf := func(edit func(c *tls.Config)) *tls.Config {
		c := ftpstest.NewTLSConfig(cert)
		edit(c)
		return c
	}
	tests := []struct {
		name             string
		tls              *tls.Config
		retry, resumable bool
		version, group   string
	}{
		{name: "x25519 taken", tls: conf(func(c *tls.Config) {}), resumable: true, version: "TLS 1.3"},
		{name: "P-256 only", tls: conf(func(c *tls.Config) { c.CurvePreferences = []tls.CurveID{tls.CurveP256} }),
			retry: true, resumable: true, version: "TLS 1.3", group: "secp256r1"},
		{name: "TLS 1.3 without tickets", tls: conf(func(c *tls.Config) { c.SessionTicketsDisabled = true }), version: "TLS 1.3"},
		{name: "TLS 1.2 with tickets", tls: conf(func(c *tls.Config) { c.MaxVersion = tls.VersionTLS12 }), resumable: true, version: "TLS 1.2"},
		{name: "TLS 1.2 without tickets or session IDs", tls: conf(func(c *tls.Config) { c.MaxVersion, c.SessionTicketsDisabled = tls.VersionTLS12, true }), version: "TLS 1.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, ftpstest.Config{TLS: tt.tls})
			r := diagnose(t, srv.Addr, explicitOnly)
			info := r.Attempts[0].TLS
			switch {
			case info == nil:
				t.Fatalf("no control TLS: %v", findingIDs(r))
			case info.HelloRetry == nil || *info.HelloRetry != tt.retry:
				t.Errorf("hello_retry = %v, want %v", info.HelloRetry, tt.retry)
			case info.Resumable == nil || *info.Resumable != tt.resumable:
				t.Errorf("resumable = %v, want %v", info.Resumable, tt.resumable)
			case info.Version != tt.version || tt.group != "" && info.Group != tt.group:
				t.Errorf("%s, group %s; want %s, %s", info.Version, info.Group, tt.version, tt.group)
			}
			if dc := r.Attempts[0].DataChannel; dc.TLS == nil || dc.TLS.HelloRetry != nil || dc.TLS.Resumable != nil {
				t.Errorf("data TLS = %+v: hello_retry and resumable are the control handshake's", dc.TLS)
			}
		})
	}
}
