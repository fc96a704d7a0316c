package probe

import (
	"encoding/binary"
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
)

// readHelloSuites reads one ClientHello record and returns its cipher
// suites, or nil when the bytes are not a ClientHello.
func readHelloSuites(c net.Conn) []uint16 {
	var hdr [5]byte
	if _, err := io.ReadFull(c, hdr[:]); err != nil || hdr[0] != 22 {
		return nil
	}
	body := make([]byte, binary.BigEndian.Uint16(hdr[3:]))
	if _, err := io.ReadFull(c, body); err != nil || len(body) < 39 || body[0] != 1 {
		return nil
	}
	rest := body[4+2+32:] // type, length, version, random
	if len(rest) < 1+int(rest[0])+2 {
		return nil
	}
	rest = rest[1+int(rest[0]):] // session ID
	n := int(binary.BigEndian.Uint16(rest))
	if len(rest) < 2+n {
		return nil
	}
	var suites []uint16
	for i := 2; i+1 < 2+n; i += 2 {
		suites = append(suites, binary.BigEndian.Uint16(rest[i:]))
	}
	return suites
}

// fakeServerHello is a TLS 1.2 ServerHello record choosing suite, without
// extensions.
func fakeServerHello(suite uint16) []byte {
	msg := []byte{2, 0, 0, 38, 3, 3}
	msg = append(msg, make([]byte, 32)...) // random
	msg = append(msg, 0, byte(suite>>8), byte(suite), 0)
	return append([]byte{22, 3, 3, 0, byte(len(msg))}, msg...)
}

// pickIfOffered is a server whose only suite is suite: it answers a
// ClientHello that offers it with a ServerHello, any other with alert 40
// and ProFTPD's plaintext 421.
func pickIfOffered(suite uint16) func(net.Conn) {
	return func(c net.Conn) {
		if slices.Contains(readHelloSuites(c), suite) {
			c.Write(fakeServerHello(suite))
			io.Copy(io.Discard, c) // until the client hangs up
			return
		}
		c.Write(append(tlsAlert(40), "421 TLS handshake failed\r\n"...))
	}
}

// After alert 40, one more ClientHello offers every suite of the registry:
// a server that picks one Go lacks shares no suite with Go clients; one
// that refuses again accepts no suite at all.
func TestNoSharedCipher(t *testing.T) {
	tests := []struct {
		name      string
		afterAuth func(net.Conn)
		want      string
		evidence  []string
	}{
		{"DHE only", pickIfOffered(0x009E), critical(cause.TLSNoSharedCipher), []string{
			"offered the 25 suites Go implements: server sent TLS alert 40 (tls: handshake failure); then in plaintext: 421 TLS handshake failed. Then, offered all",
			"got a ServerHello choosing TLS_DHE_RSA_WITH_AES_128_GCM_SHA256 (TLS 1.2), which Go does not implement"}},
		{"CAMELLIA only", pickIfOffered(0x0041), critical(cause.TLSNoSharedCipher), []string{
			"a ServerHello choosing TLS_RSA_WITH_CAMELLIA_128_CBC_SHA (TLS 1.2), which Go does not implement"}},
		{"alert 40 to every suite", ftpstest.Alert(40), critical(cause.TLSHandshakeFailed), []string{
			"server sent TLS alert 40 (tls: handshake failure); offered all",
			"on its own connection, got alert 40 too: it accepted no suite at all"}},
		{"a suite Go has, chosen from the longer hello", func(c net.Conn) {
			if len(readHelloSuites(c)) > len(offeredSuites) {
				c.Write(fakeServerHello(0xC02F))
				io.Copy(io.Discard, c)
				return
			}
			c.Write(tlsAlert(40))
		}, critical(cause.TLSHandshakeFailed), []string{
			"a ServerHello choosing TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 (TLS 1.2), a suite Go offers too: the refusal was not about cipher suites"}},
		{"reset on the second hello", func(c net.Conn) {
			if len(readHelloSuites(c)) > len(offeredSuites) {
				c.(*net.TCPConn).SetLinger(0)
				return
			}
			c.Write(tlsAlert(40))
		}, critical(cause.TLSHandshakeFailed), []string{"on its own connection, got connection"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := diagnoseAfterAuth(t, "220 ProFTPD Server (Debian) [127.0.0.1]", tt.afterAuth)
			wantFindings(t, r, tt.want)
			for _, e := range tt.evidence {
				if f := r.Findings[0]; !strings.Contains(f.Evidence, e) {
					t.Errorf("evidence = %q, want it to contain %q", f.Evidence, e)
				}
			}
			audits := r.Attempts[0].Audits
			if len(audits) != 1 || !strings.HasPrefix(audits[0].Purpose, "cipher suites:") {
				t.Fatalf("audits = %+v, want the cipher-suite retry", audits)
			}
			if tt.want == critical(cause.TLSNoSharedCipher) && !strings.Contains(r.Findings[0].Remedy, "TLSCipherSuite") {
				t.Errorf("remedy = %q, want ProFTPD's setting", r.Findings[0].Remedy)
			}
		})
	}
}

// On an implicit port the retry sends its ClientHello at once.
func TestNoSharedCipherImplicit(t *testing.T) {
	srv := serve(t, ftpstest.Config{OnConnect: pickIfOffered(0x009E)})
	r := diagnose(t, srv.Addr, func(c *Config) { c.Mode = ModeImplicit; c.Timeout = time.Second })
	wantFindings(t, r, critical(cause.TLSNoSharedCipher))
	if e := r.Findings[0].Evidence; !strings.Contains(e, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256") {
		t.Errorf("evidence = %q", e)
	}
}
