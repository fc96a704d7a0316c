package probe

import (
	"context"
	"crypto/tls"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// Passive mode as firewalls, IPv6 and load balancers break it, on the fake
// server.

// closedPort is a loopback port nothing listens on: a listener's, closed.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// dialRecorder dials for the probe and remembers every address it was
// asked to dial; block makes an address time out, as a filtered port does.
type dialRecorder struct {
	block string // ":port" suffix that never answers
	mu    sync.Mutex
	addrs []string
}

func (d *dialRecorder) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	d.mu.Lock()
	d.addrs = append(d.addrs, addr)
	d.mu.Unlock()
	if d.block != "" && strings.HasSuffix(addr, d.block) {
		<-ctx.Done() // filtered: no answer at all
		return nil, ctx.Err()
	}
	return (&net.Dialer{}).DialContext(ctx, network, addr)
}

func (d *dialRecorder) dialled() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.addrs...)
}

// countSent counts the times the client sent command on the attempt's own
// control connection.
func countSent(a result.Attempt, command string) int {
	n := 0
	for _, e := range a.Timeline {
		if e.From == result.FromClient && e.Text == command {
			n++
		}
	}
	return n
}

// EPSV answered, its port unreachable, PASV's port reachable: the listing
// is retried over PASV, at the control connection's address, and that
// listing is the data channel's.
func TestEPSVPortBlocked(t *testing.T) {
	cert := localCert(t, testcert.Options{})
	port := closedPort(t)
	epsv := "229 Entering Extended Passive Mode (|||" + itoa(port) + "|)"

	t.Run("refused, PASV behind NAT", func(t *testing.T) {
		srv := serve(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(cert), PassiveHost: "10.0.0.5", Replies: map[string]string{"EPSV": epsv}})
		d := &dialRecorder{}
		r := diagnose(t, srv.Addr, func(c *Config) { c.Mode = ModeExplicit; c.Dial = d.dial })
		wantFindings(t, r, warning(cause.PASVAddressMismatch), warning(cause.EPSVPortBlocked), info(cause.ProtWithoutPBSZRefused), info(cause.DataProtRequired))
		f := finding(t, r, cause.EPSVPortBlocked)
		if !strings.Contains(f.Evidence, "EPSV port 127.0.0.1:"+itoa(port)+" refused the connection") || !strings.Contains(f.Evidence, "LIST worked: 226") {
			t.Errorf("evidence = %q", f.Evidence)
		}
		a := r.Attempts[0]
		dc := a.DataChannel
		if !dc.OK || dc.PassiveCommand != "PASV" || dc.EPSVSupported == nil || !*dc.EPSVSupported ||
			!strings.HasPrefix(dc.AdvertisedAddress, "10.0.0.5:") || !strings.HasPrefix(dc.UsedAddress, "127.0.0.1:") || len(dc.Transfers) != 3 {
			t.Errorf("data channel = %+v", dc)
		}
		// Only the first listing tries EPSV; the later ones go straight to PASV.
		if n := countSent(a, "EPSV"); n != 1 {
			t.Errorf("EPSV sent %d times on the main connection, want 1", n)
		}
		for _, addr := range d.dialled() {
			if strings.HasPrefix(addr, "10.0.0.5:") {
				t.Errorf("dialled the address the 227 advertised: %s", addr)
			}
		}
	})

	t.Run("filtered", func(t *testing.T) {
		srv := serve(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(cert), Replies: map[string]string{"EPSV": epsv}})
		d := &dialRecorder{block: ":" + itoa(port)}
		r := diagnose(t, srv.Addr, func(c *Config) { c.Mode = ModeExplicit; c.Timeout = time.Second; c.Dial = d.dial })
		wantFindings(t, r, strict(warning(cause.EPSVPortBlocked))...)
		if f := r.Findings[0]; !strings.Contains(f.Evidence, "did not answer within 1s") {
			t.Errorf("evidence = %q", f.Evidence)
		}
		if dc := r.Attempts[0].DataChannel; !dc.OK || dc.PassiveCommand != "PASV" {
			t.Errorf("data channel = %+v", dc)
		}
	})
}

// Over IPv6 a 227 cannot carry the server's address: Pure-FTPd and
// FileZilla Server refuse PASV, others answer with an IPv4 address. The
// fake server listens on ::1.
func TestIPv6Passive(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	ln.Close()
	cert := localCert(t, testcert.Options{IPs: []net.IP{net.IPv6loopback}})
	tests := []struct {
		name     string
		replies  map[string]string
		want     []string
		evidence string // in the first finding
	}{
		{name: "Pure-FTPd refuses PASV", replies: map[string]string{"PASV": "425 You cannot use PASV on IPv6 connections. Use EPSV instead."},
			want:     strict(info(cause.IPv6PASVRefused)),
			evidence: "over IPv6 (the control connection's peer is ::1), an audit connection's PASV: 425 You cannot use PASV on IPv6 connections. Use EPSV instead.; EPSV was answered in the main session"},
		{name: "FileZilla Server refuses PASV", replies: map[string]string{"PASV": "500 You are connected using IPv6. PASV is only for IPv4. You have to use the EPSV command instead."},
			want: strict(info(cause.IPv6PASVRefused)), evidence: "PASV: 500 You are connected using IPv6."},
		// An IPv4 address in a 227 over IPv6 is no NAT mistake.
		{name: "IPv4 227 over IPv6", want: strictInfo},
		{name: "EPSV and PASV refused", replies: map[string]string{"EPSV": "502 Command not implemented.", "PASV": "425 You cannot use PASV on IPv6 connections. Use EPSV instead."},
			want:     []string{critical(cause.PassiveRefused), info(cause.EPSVUnsupported), info(cause.ProtWithoutPBSZRefused)},
			evidence: "(over IPv6, to ::1, where PASV cannot name the address: only EPSV can work)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(cert), Host: "::1", Replies: tt.replies})
			if !strings.HasPrefix(srv.Addr, "[::1]:") {
				t.Fatalf("server on %s, want [::1]", srv.Addr)
			}
			r := diagnose(t, srv.Addr, explicitOnly)
			wantFindings(t, r, tt.want...)
			if tt.evidence != "" && len(r.Findings) > 0 && !strings.Contains(r.Findings[0].Evidence, tt.evidence) {
				t.Errorf("evidence = %q, want it to contain %q", r.Findings[0].Evidence, tt.evidence)
			}
			if tt.replies == nil {
				dc := r.Attempts[0].DataChannel
				if !dc.OK || dc.PassiveCommand != "EPSV" || !strings.HasPrefix(dc.UsedAddress, "[::1]:") || dc.AdvertisedAddress != "" {
					t.Errorf("data channel = %+v", dc)
				}
			}
		})
	}
}

// Behind a load balancer, a client's connections may land on nodes with
// other certificates or without its TLS session.
func TestLoadBalancerHints(t *testing.T) {
	cert := localCert(t, testcert.Options{})
	other := localCert(t, testcert.Options{})

	// The main session's control connection reaches node A, the audits'
	// node B. The main one is the first the server accepts: the audits
	// connect once its connect succeeded (overlap.go).
	nodeA, nodeB := ftpstest.NewTLSConfig(cert), ftpstest.NewTLSConfig(other)
	alternating := func(n int) *tls.Config {
		if n == 1 {
			return nodeA
		}
		return nodeB
	}

	tests := []struct {
		name     string
		cfg      ftpstest.Config
		want     []string
		evidence string // in the first finding
		check    func(t *testing.T, dc *result.DataChannel)
	}{
		{name: "data connections on another node", cfg: ftpstest.Config{TLS: ftpstest.NewTLSConfig(cert), DataTLS: ftpstest.NewTLSConfig(other)},
			want:     strict(warning(cause.LBSplitNodes), warning(cause.DataResumptionUnsupported)),
			evidence: "the data connection presented another certificate (SHA-256 " + fingerprint(other.Certificate[0]) + ") than the control connection (" + fingerprint(cert.Certificate[0]) + ")",
			check: func(t *testing.T, dc *result.DataChannel) {
				if !dc.OK || dc.SameCertificate == nil || *dc.SameCertificate {
					t.Errorf("data channel = %+v", dc)
				}
			}},
		{name: "audit connections on another node", cfg: ftpstest.Config{TLS: nodeA, ControlTLSFor: alternating},
			want:     strict(warning(cause.LBSplitNodes)),
			evidence: "audit connections were presented another certificate (SHA-256 " + fingerprint(other.Certificate[0]) + ") than the main connection (" + fingerprint(cert.Certificate[0]) + ")"},
		{name: "every second data connection on a node without the session", cfg: ftpstest.Config{TLS: ftpstest.NewTLSConfig(cert), DataTLS: noTickets(cert), DataTLSEvery: 2},
			want:     strict(warning(cause.LBSplitNodes)),
			evidence: "2 of 3 good listings of the session resumed the control TLS session and the others did not (resumed: true, false, true)",
			check: func(t *testing.T, dc *result.DataChannel) {
				if !dc.OK || dc.SameCertificate == nil || !*dc.SameCertificate || len(dc.Transfers) != 3 {
					t.Errorf("data channel = %+v", dc)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.cfg)
			r := diagnose(t, srv.Addr, explicitOnly)
			wantFindings(t, r, tt.want...)
			if len(r.Findings) > 0 && !strings.Contains(r.Findings[0].Evidence, tt.evidence) {
				t.Errorf("evidence = %q, want it to contain %q", r.Findings[0].Evidence, tt.evidence)
			}
			if tt.check != nil {
				tt.check(t, r.Attempts[0].DataChannel)
			}
		})
	}
}

// 227 (0,0,0,0,p1,p2) is AWS Transfer Family's PassiveIp=0.0.0.0: "use the
// control connection's address", meant for load balancers. It is no NAT
// mistake, and the probe connects to the control address as asked.
func TestPASVZeroAddress(t *testing.T) {
	srv := serve(t, ftpstest.Config{
		TLS:         ftpstest.NewTLSConfig(localCert(t, testcert.Options{})),
		PassiveHost: "0.0.0.0",
		Replies:     map[string]string{"EPSV": "502 EPSV not implemented."},
	})
	r := diagnose(t, srv.Addr, explicitOnly)
	wantFindings(t, r, strict(info(cause.EPSVUnsupported), info(cause.PASVZeroAddress))...)
	f := finding(t, r, cause.PASVZeroAddress)
	if !strings.HasPrefix(f.Evidence, "227 advertised 0.0.0.0:") || !strings.Contains(f.Evidence, "which asks clients to use the control connection's address; connected to 127.0.0.1:") {
		t.Errorf("evidence = %q", f.Evidence)
	}
	if dc := r.Attempts[0].DataChannel; !dc.OK || !strings.HasPrefix(dc.AdvertisedAddress, "0.0.0.0:") || !strings.HasPrefix(dc.UsedAddress, "127.0.0.1:") {
		t.Errorf("data channel = %+v", dc)
	}
	if r.Status != result.StatusOK {
		t.Errorf("status = %s, want ok", r.Status)
	}
}
