package probe

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
	"github.com/ftpsdiag/ftpsdiag/report"
)

// allowedVerbs are the only commands ftpsdiag may send (README, "Build and
// run"). Everything else is forbidden, in particular whatever changes a
// server or makes it act: STOR, STOU, APPE (upload), DELE, RMD, XRMD, MKD,
// XMKD (delete, create), RNFR, RNTO (rename), SITE (CHMOD, EXEC, ...),
// MFMT, MFF, ALLO, REST, RETR (download), PORT, EPRT (active mode: the
// server would connect out), CWD, CDUP, XCWD, ACCT, REIN, ABOR, HOST, OPTS,
// TYPE, MODE, STRU, SMNT, ADAT, MIC, CONF, ENC.
var allowedVerbs = []string{"FEAT", "AUTH", "USER", "PASS", "PBSZ", "PROT", "EPSV", "PASV", "LIST", "MLSD", "NLST", "CCC", "NOOP", "SYST", "QUIT"}

// clearVerbs are the commands ftpsdiag may send outside TLS: FEAT and AUTH
// before the upgrade, USER by the cleartext-login audit (never followed by
// PASS), NOOP and QUIT once CCC has ended TLS, SYST after a handshake that
// stalled right after 234 (a masked reply names the firewall), QUIT to end
// an audit.
var clearVerbs = []string{"FEAT", "AUTH", "USER", "NOOP", "SYST", "QUIT"}

const safetyPassword = "Secr3t-ftpsdiag-safety-Pw"

// TestProbeSendsOnlyWhatItMay runs the most complete diagnosis the tool can
// make (both modes, auto-detection, a named user with a password, --scan,
// --ccc; a hardened, a permissive and a legacy server) and checks what
// reached the servers: only allowed verbs, never PASS or the password
// outside TLS, and never the password in the JSON or text report.
func TestProbeSendsOnlyWhatItMay(t *testing.T) {
	profiles := []struct {
		name string
		cfg  ftpstest.Config
		// seen are verbs this profile must make the probe send, so that
		// the test cannot pass by the probe doing nothing.
		seen []string
	}{
		{"hardened", ftpstest.Config{AllowCCC: true},
			[]string{"FEAT", "AUTH", "USER", "PASS", "PBSZ", "PROT", "EPSV", "PASV", "LIST", "CCC", "NOOP", "QUIT"}},
		{"permissive", ftpstest.Config{AllowCCC: true, ClearLoginRefusal: allow, ClearDataRefusal: allow},
			[]string{"USER", "PASS", "LIST", "CCC", "NOOP"}},
		{"legacy: no EPSV, no LIST, no MLSD, no CCC", ftpstest.Config{Replies: map[string]string{
			"EPSV": "500 EPSV not understood.",
			"LIST": "502 Command not implemented.",
			"MLSD": "502 Command not implemented.",
		}}, []string{"PASV", "LIST", "MLSD", "NLST", "CCC"}},
	}
	for _, p := range profiles {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			tlsCfg := ftpstest.NewTLSConfig(localCert(t, testcert.Options{}))
			newServer := func(implicit bool) *ftpstest.Server {
				cfg := p.cfg
				cfg.Implicit, cfg.TLS = implicit, tlsCfg
				cfg.Users = map[string]string{"alice": safetyPassword}
				cfg.DenyAnonymous = true
				return serve(t, cfg)
			}
			full := func(c *Config) {
				c.ServerName = "localhost"
				c.User, c.Password = "alice", safetyPassword
				c.Scan, c.CCC = true, true
			}

			// Implicit and explicit at once, on a bare host.
			implicit, explicit := newServer(true), newServer(false)
			implicitRec, explicitRec := newRecordingProxy(t, implicit.Addr), newRecordingProxy(t, explicit.Addr)
			both := diagnose(t, "127.0.0.1", func(c *Config) {
				full(c)
				c.Mode, c.ImplicitPort, c.ExplicitPort = ModeBoth, implicitRec.port(), explicitRec.port()
			})
			// Auto-detection, on servers of their own: detection sends a
			// ClientHello to the explicit port, which the server reads as
			// command lines of binary noise, so only the proxy judges what
			// was sent there.
			autoImplicit, autoExplicit := newServer(true), newServer(false)
			autoImplicitRec, autoExplicitRec := newRecordingProxy(t, autoImplicit.Addr), newRecordingProxy(t, autoExplicit.Addr)
			autoI := diagnose(t, autoImplicitRec.addr(), full)
			autoE := diagnose(t, autoExplicitRec.addr(), full)

			results := []*result.Result{both, autoI, autoE}
			for _, r := range results {
				wantCompleteDiagnosis(t, r)
			}

			// (a) Every line the servers received is an allowed verb.
			seen := map[string]bool{}
			for _, srv := range []*ftpstest.Server{implicit, explicit, autoImplicit} {
				for _, line := range srv.Commands() {
					verb := strings.ToUpper(strings.Fields(line + " ")[0])
					seen[verb] = true
					if !slices.Contains(allowedVerbs, verb) {
						t.Errorf("the server received %q: %s is not an allowed command", line, verb)
					}
				}
			}
			for _, verb := range p.seen {
				if !seen[verb] {
					t.Errorf("the probe never sent %s; got %v", verb, sortedVerbs(seen))
				}
			}

			// (b) Byte by byte, per connection: PASS and the password never
			// outside TLS; implicit connections start with TLS.
			recs := []struct {
				rec      *recordingProxy
				implicit bool
			}{{implicitRec, true}, {explicitRec, false}, {autoImplicitRec, true}, {autoExplicitRec, false}}
			for _, x := range recs {
				conns := x.rec.close()
				if len(conns) == 0 {
					t.Fatalf("no connection through the proxy to %s", x.rec.backend)
				}
				tlsConns := 0
				for i, sent := range conns {
					where := fmt.Sprintf("%s, connection %d", x.rec.backend, i)
					if bytes.Contains(sent, []byte(safetyPassword)) {
						t.Errorf("%s: the password was sent in clear", where)
					}
					events := splitClientStream(sent)
					if slices.ContainsFunc(events, func(e clientEvent) bool { return e.tls }) {
						tlsConns++
					}
					if x.implicit && len(events) > 0 && !events[0].tls {
						t.Errorf("%s: an implicit connection began with %q, not TLS", where, events[0].line)
					}
					for _, e := range events {
						if e.tls {
							continue
						}
						verb := strings.ToUpper(strings.Fields(e.line + " ")[0])
						if !slices.Contains(clearVerbs, verb) {
							t.Errorf("%s: %q sent in clear", where, strings.ReplaceAll(e.line, safetyPassword, "****"))
						}
					}
				}
				if tlsConns == 0 {
					t.Errorf("%s: no connection used TLS", x.rec.backend)
				}
				t.Logf("%s (implicit %v): %d connections, %d with TLS", x.rec.backend, x.implicit, len(conns), tlsConns)
			}

			// (c) The password is nowhere in what the user is shown.
			for _, r := range results {
				js, err := json.Marshal(r)
				if err != nil {
					t.Fatal(err)
				}
				var text bytes.Buffer
				if err := report.Text(&text, r, report.Options{}); err != nil {
					t.Fatal(err)
				}
				if !bytes.Contains(js, []byte("PASS ****")) {
					t.Errorf("%s: no PASS **** on the timeline: was the password sent at all?", r.Target)
				}
				for name, out := range map[string][]byte{"JSON": js, "text report": text.Bytes()} {
					if bytes.Contains(out, []byte(safetyPassword)) {
						t.Errorf("%s: the password is in the %s", r.Target, name)
					}
				}
			}
		})
	}
}

// wantCompleteDiagnosis fails unless every attempt logged in, scanned and
// tried CCC, so that the checks judge a complete diagnosis.
func wantCompleteDiagnosis(t *testing.T, r *result.Result) {
	t.Helper()
	if len(r.Attempts) == 0 {
		t.Fatalf("%s: no attempts", r.Target)
	}
	for _, a := range r.Attempts {
		if a.Login == nil || !a.Login.OK || a.Login.Anonymous {
			t.Errorf("%s %s: login %+v, want alice logged in", r.Target, a.Mode, a.Login)
		}
		if a.TLSScan == nil {
			t.Errorf("%s %s: no TLS scan", r.Target, a.Mode)
		}
		if a.Policy == nil || a.Policy.CCCAccepted == nil {
			t.Errorf("%s %s: CCC not tested", r.Target, a.Mode)
		}
	}
}

func sortedVerbs(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// clientEvent is one step of what a client sent on a control connection:
// a line in clear, or a run of TLS records.
type clientEvent struct {
	tls  bool
	line string
}

// splitClientStream splits a client's bytes into lines sent in clear and
// runs of TLS records (SSL 2.0 records included), by the records' lengths.
// Lines may follow TLS: after CCC the control channel is clear again.
func splitClientStream(b []byte) []clientEvent {
	var out []clientEvent
	inTLS := false
	for len(b) > 0 {
		var n int
		switch {
		case len(b) >= 5 && b[0] >= 20 && b[0] <= 23 && b[1] == 3: // TLS record
			n = 5 + (int(b[3])<<8 | int(b[4]))
		case len(b) >= 2 && b[0]&0x80 != 0: // SSL 2.0 record, 2-byte header
			n = 2 + (int(b[0]&0x7f)<<8 | int(b[1]))
		default:
			n = bytes.IndexByte(b, '\n') + 1
			if n == 0 {
				n = len(b)
			}
			out = append(out, clientEvent{line: strings.TrimRight(string(b[:n]), "\r\n")})
			inTLS = false
			b = b[n:]
			continue
		}
		if !inTLS {
			out = append(out, clientEvent{tls: true})
			inTLS = true
		}
		b = b[min(n, len(b)):]
	}
	return out
}

// recordingProxy is a TCP proxy on 127.0.0.1 in front of one server that
// keeps, per connection, every byte the client sent.
type recordingProxy struct {
	backend string
	ln      net.Listener
	wg      sync.WaitGroup

	mu    sync.Mutex
	conns []*bytes.Buffer
}

// proxyLifetime bounds how long a proxied connection may live, so that a
// connection left open cannot hang the test.
const proxyLifetime = 30 * time.Second

func newRecordingProxy(t *testing.T, backend string) *recordingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &recordingProxy{backend: backend, ln: ln}
	r.wg.Go(r.accept)
	t.Cleanup(func() { r.close() })
	return r
}

func (r *recordingProxy) addr() string { return r.ln.Addr().String() }
func (r *recordingProxy) port() int    { return r.ln.Addr().(*net.TCPAddr).Port }

func (r *recordingProxy) accept() {
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		sent := &bytes.Buffer{}
		r.mu.Lock()
		r.conns = append(r.conns, sent)
		r.mu.Unlock()
		r.wg.Go(func() { r.pipe(c, sent) })
	}
}

// pipe forwards one connection both ways, passing half-closes on, so the
// client's last bytes are read in full before anything is closed.
func (r *recordingProxy) pipe(client net.Conn, sent *bytes.Buffer) {
	defer client.Close()
	server, err := net.Dial("tcp", r.backend)
	if err != nil {
		return
	}
	defer server.Close()
	deadline := time.Now().Add(proxyLifetime)
	client.SetDeadline(deadline)
	server.SetDeadline(deadline)
	var wg sync.WaitGroup
	wg.Go(func() {
		io.Copy(server, io.TeeReader(client, sent))
		server.(*net.TCPConn).CloseWrite()
	})
	io.Copy(client, server)
	client.(*net.TCPConn).CloseWrite()
	wg.Wait()
}

// close stops accepting, waits for every proxied connection to end and
// returns what the clients sent, one entry per connection in the order they
// were accepted. It may be called more than once.
func (r *recordingProxy) close() [][]byte {
	r.ln.Close()
	r.wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([][]byte, len(r.conns))
	for i, b := range r.conns {
		out[i] = b.Bytes()
	}
	return out
}
