package probe

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
	"github.com/ftpsdiag/ftpsdiag/report"
)

// Hostile servers: whatever a broken or malicious server does, the
// diagnosis ends within its deadlines, reads a bounded amount, does not
// crash, says what the server did, and prints nothing a terminal would act
// on. goleak (TestMain) checks that no case leaves a goroutine behind.

const (
	// hostileStep is the per-step timeout (--timeout) of these diagnoses,
	// hostileOverall the context deadline of the whole run (--deadline).
	hostileStep    = 300 * time.Millisecond
	hostileOverall = 5 * time.Second
	// hostileSlack is what a diagnosis may take beyond the step timeouts
	// it spends: loopback round trips and TLS handshakes, a few
	// connections at once, the race detector, parallel subtests.
	hostileSlack = 1500 * time.Millisecond
	// hostileIdle bounds every fake server's own waits: a backstop that
	// only matters if the probe hangs, which the time bounds catch first.
	hostileIdle = 10 * time.Second
)

// hostileRun diagnoses addr in explicit mode with the hostile deadlines
// (edit may change them) and returns the result and the wall time it took.
func hostileRun(t *testing.T, addr string, overall time.Duration, edit func(*Config)) (*result.Result, time.Duration) {
	t.Helper()
	tg, err := ParseTarget(addr)
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{Target: tg, Mode: ModeExplicit, Roots: rootCA(t).Pool(), Timeout: hostileStep, WarnDays: 30}
	if edit != nil {
		edit(&cfg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), overall)
	defer cancel()
	start := time.Now()
	r := Run(ctx, cfg)
	return r, time.Since(start)
}

// hostileBound is the longest a diagnosis may take when steps per-step
// timeouts can expire one after the other: never more than the overall
// deadline, plus the slack.
func hostileBound(steps int, step, overall time.Duration) time.Duration {
	return min(time.Duration(steps)*step, overall) + hostileSlack
}

// hostileCase is one hostile server and what the diagnosis must make of it.
type hostileCase struct {
	name   string
	server func(t *testing.T) ftpstest.Config
	edit   func(*Config)
	// step and overall override hostileStep and hostileOverall.
	step, overall time.Duration
	// steps is how many per-step timeouts may expire back to back.
	steps int
	// atLeast: the run must have waited this long (a timeout cut it).
	atLeast  time.Duration
	want     []string // findings, "severity:id", in report order
	evidence string   // in the first finding's evidence
	status   result.Status
	check    func(t *testing.T, r *result.Result)
	// limits checks the bounds the probe kept.
	limits func(t *testing.T, r *result.Result)
}

func TestHostileServers(t *testing.T) {
	conf := ftpstest.NewTLSConfig(localCert(t, testcert.Options{}))
	withTLS := func(cfg ftpstest.Config) func(*testing.T) ftpstest.Config {
		return func(*testing.T) ftpstest.Config {
			cfg.TLS = conf
			return cfg
		}
	}
	evil := func(e evilServer) func(*testing.T) ftpstest.Config {
		return func(*testing.T) ftpstest.Config {
			e.conf = conf
			return ftpstest.Config{OnConnect: e.run}
		}
	}
	afterAuth := func(hook func(net.Conn)) func(*testing.T) ftpstest.Config {
		return withTLS(ftpstest.Config{AfterAuth: hook})
	}
	chain := func(build func(t *testing.T) tls.Certificate) func(*testing.T) ftpstest.Config {
		return func(t *testing.T) ftpstest.Config {
			return ftpstest.Config{TLS: ftpstest.NewTLSConfig(build(t))}
		}
	}
	tests := []hostileCase{
		// Silence and slowness: cut by the per-step timeout.
		{
			name:   "never sends a byte",
			server: withTLS(ftpstest.Config{OnConnect: ftpstest.Silent}),
			steps:  1, atLeast: hostileStep,
			want: []string{critical(cause.ExplicitGotSilence)}, evidence: "then not one byte before the timeout", status: result.StatusCritical,
		},
		{
			name:   "never sends a byte, auto-detection",
			server: withTLS(ftpstest.Config{OnConnect: ftpstest.Silent}),
			edit:   func(c *Config) { c.Mode = ModeAuto },
			steps:  1, atLeast: hostileStep,
			want: []string{critical(cause.NoGreeting)}, evidence: "no answer to a TLS ClientHello either", status: result.StatusCritical,
		},
		{
			name:   "one byte per 50 ms forever",
			server: withTLS(ftpstest.Config{OnConnect: drip("220 slow")}),
			steps:  1, atLeast: hostileStep,
			want: []string{critical(cause.NoGreeting)}, evidence: "timeout", status: result.StatusCritical,
			check: func(t *testing.T, r *result.Result) {
				if f := r.Findings[0]; !strings.Contains(f.Evidence, "220 s") {
					t.Errorf("evidence %q does not show the bytes that did arrive", f.Evidence)
				}
			},
		},
		{
			name:   "one byte per 50 ms forever, only the overall deadline",
			server: withTLS(ftpstest.Config{OnConnect: drip("220 slow")}),
			step:   time.Minute, overall: 700 * time.Millisecond,
			steps: 1, atLeast: 700 * time.Millisecond,
			// Our deadline, not the server, ended the wait: unknown.
			want: []string{warning(cause.RunInterrupted)}, evidence: "not finished: explicit on port", status: result.StatusUnknown,
		},

		// Replies that are not what RFC 959 allows.
		{
			name:   "NUL and invalid UTF-8 in the banner",
			server: withTLS(ftpstest.Config{Greeting: []string{"220 nul\x00byte \xff\xfe\xc3( not UTF-8"}}),
			steps:  0,
			want:   strictInfo, status: result.StatusOK,
			check: func(t *testing.T, r *result.Result) {
				if b := r.Attempts[0].Banner; len(b) != 1 || b[0] != "220 nul\x00byte \xff\xfe\xc3( not UTF-8" {
					t.Errorf("banner = %q, want the bytes as sent", b)
				}
			},
		},
		{
			name:   "reply code 999",
			server: withTLS(ftpstest.Config{OnConnect: ftpstest.Say("999 x")}),
			want:   []string{critical(cause.NoGreeting)}, evidence: "reply code 999 out of range", status: result.StatusCritical,
		},
		{
			name:   "reply code 2x0",
			server: withTLS(ftpstest.Config{OnConnect: ftpstest.Say("2x0 y")}),
			want:   []string{critical(cause.NoGreeting)}, evidence: `does not start with a 3-digit code): "2x0 y`, status: result.StatusCritical,
		},
		{
			name:   "a multi-line reply closed by another code, then properly",
			server: withTLS(ftpstest.Config{Greeting: []string{"220-Welcome", "230 is not the end of a 220 reply", "220 ready"}}),
			want:   strictInfo, status: result.StatusOK,
			check: func(t *testing.T, r *result.Result) {
				if b := r.Attempts[0].Banner; len(b) != 3 || b[2] != "220 ready" {
					t.Errorf("banner = %q, want all three lines", b)
				}
			},
		},
		{
			name:   "two replies to FEAT",
			server: evil(evilServer{stray: "500 A reply to no command."}),
			want:   strictInfo, status: result.StatusOK,
			check: func(t *testing.T, r *result.Result) {
				a := r.Attempts[0]
				if a.AuthMechanism != "TLS" || !a.OK {
					t.Errorf("mechanism %q ok %v: the stray reply was taken for the answer to AUTH TLS", a.AuthMechanism, a.OK)
				}
				// The FEAT inside TLS went on an audit's connection.
				texts := timelineTexts(a)
				for _, au := range a.Audits {
					for _, e := range au.Timeline {
						texts = append(texts, e.Text)
					}
				}
				if !strings.Contains(strings.Join(texts, "\n"), "500 A reply to no command.") {
					t.Errorf("the stray reply is not on the timeline")
				}
			},
		},

		// TLS gone wrong right after 234.
		{
			name:   "234 then plaintext",
			server: afterAuth(ftpstest.Say("500 OOPS: no TLS here")),
			want:   []string{critical(cause.TLSHandshakeFailed)}, evidence: "500 OOPS: no TLS here", status: result.StatusCritical,
		},
		{
			name:   "234 then a TLS alert",
			server: afterAuth(ftpstest.Alert(40)),
			want:   []string{critical(cause.TLSHandshakeFailed)}, evidence: "alert 40", status: result.StatusCritical,
		},
		{
			name: "ServerHello then garbage",
			server: func(t *testing.T) ftpstest.Config {
				return ftpstest.Config{TLS: conf, AfterAuth: func(c net.Conn) {
					hello, err := serverHello(c, conf)
					if err != nil {
						return
					}
					c.Write(append(hello, "\xff\xfe garbage after a ServerHello\r\n"...))
					ftpstest.Silent(c)
				}}
			},
			want: []string{critical(cause.TLSHandshakeFailed)}, evidence: `bytes that are not TLS: "\xff\xfe garbage after a ServerHello"`, status: result.StatusCritical,
		},
		{
			// No line end: the probe waits a moment for the rest of the
			// line to show it (tapConn.readMore), which should still
			// end within the deadline.
			name: "non-TLS bytes without a line end, only the overall deadline",
			server: afterAuth(func(c net.Conn) {
				if _, err := readRecord(c); err == nil {
					c.Write([]byte("\xff\xfe garbage"))
				}
				ftpstest.Silent(c)
			}),
			step: time.Minute, overall: 200 * time.Millisecond,
			steps: 1,
			want:  []string{critical(cause.TLSHandshakeFailed)}, evidence: `bytes that are not TLS: "\xff\xfe garbage"`, status: result.StatusCritical,
			check: func(t *testing.T, r *result.Result) {
				if took := time.Duration(r.DurationMS * float64(time.Millisecond)); took > 350*time.Millisecond {
					t.Errorf("took %v with a 200ms deadline", took)
				}
			},
		},
		{
			// Go's client takes certificate messages up to 256 KiB
			// (maxHandshakeCertificateMsg), other handshake messages
			// up to 64 KiB: 300 intermediates fit, and every one is
			// recorded.
			name:   "300 copies of an intermediate",
			server: chain(func(t *testing.T) tls.Certificate { return copiedIntermediates(t, 300) }),
			steps:  0,
			want:   strict(warning(cause.CertChainUnsorted)), evidence: "was issued by", status: result.StatusWarning,
			check: func(t *testing.T, r *result.Result) {
				if n := len(r.Attempts[0].Certificates); n != 301 {
					t.Errorf("recorded %d certificates, want 301", n)
				}
			},
		},
		{
			name: "a chain over 256 KiB",
			server: chain(func(t *testing.T) tls.Certificate {
				one := copiedIntermediates(t, 1)
				return copiedIntermediates(t, 256<<10/len(one.Certificate[1])+1)
			}),
			want: []string{critical(cause.TLSHandshakeFailed)}, evidence: "exceeds maximum of 262144 bytes", status: result.StatusCritical,
		},
		{
			name: "a leaf with a 1 MiB extension",
			server: chain(func(t *testing.T) tls.Certificate {
				ext := pkix.Extension{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 55555, 1}, Value: bytes.Repeat([]byte{'A'}, 1<<20)}
				return localCert(t, testcert.Options{ExtraExtensions: []pkix.Extension{ext}})
			}),
			want: []string{critical(cause.TLSHandshakeFailed)}, evidence: "exceeds maximum of 262144 bytes", status: result.StatusCritical,
		},

		// Passive replies out of range.
		{
			name: "227 with a host number out of range",
			server: withTLS(ftpstest.Config{Replies: map[string]string{
				"EPSV": "502 EPSV not implemented.", "PASV": "227 Entering Passive Mode (300,1,1,1,4,1).",
			}}),
			want:     []string{critical(cause.PassiveRefused), info(cause.EPSVUnsupported), info(cause.ProtWithoutPBSZRefused)},
			evidence: "PASV: 227 Entering Passive Mode (300,1,1,1,4,1).", status: result.StatusCritical,
		},
		{
			name: "227 with a port number out of range",
			server: withTLS(ftpstest.Config{Replies: map[string]string{
				"EPSV": "502 EPSV not implemented.", "PASV": "227 Entering Passive Mode (127,0,0,1,999,1).",
			}}),
			want:     []string{critical(cause.PassiveRefused), info(cause.EPSVUnsupported), info(cause.ProtWithoutPBSZRefused)},
			evidence: "PASV: 227 Entering Passive Mode (127,0,0,1,999,1).", status: result.StatusCritical,
		},

		// Data connections that do not end.
		{
			name:   "a listing line every 50 ms forever",
			server: evil(evilServer{feed: dripListing}),
			steps:  1, atLeast: hostileStep,
			want: strict(critical(cause.DataTLSFailed)), evidence: "the listing stopped: timeout", status: result.StatusCritical,
			check: func(t *testing.T, r *result.Result) {
				if dc := r.Attempts[0].DataChannel; dc.ListingBytes == 0 || dc.ListingTruncated || dc.OK {
					t.Errorf("data channel = %+v, want a partial listing", dc)
				}
			},
		},
		{
			name:   "a listing whose data connection never closes",
			server: evil(evilServer{feed: neverClose}),
			steps:  1, atLeast: hostileStep,
			want: strict(critical(cause.DataTLSFailed)), evidence: "the listing stopped: timeout", status: result.StatusCritical,
		},
		{
			name:   "an endless listing",
			server: evil(evilServer{feed: endlessListing}),
			limits: func(t *testing.T, r *result.Result) {
				dc := r.Attempts[0].DataChannel
				if !dc.ListingTruncated || dc.ListingBytes < maxListing || dc.ListingBytes >= maxListing+64<<10 {
					t.Errorf("listing %d bytes, truncated %v: want it cut at the 1 MiB cap", dc.ListingBytes, dc.ListingTruncated)
				}
			},
			want: strictInfo, status: result.StatusOK,
			check: func(t *testing.T, r *result.Result) {
				if dc := r.Attempts[0].DataChannel; !dc.OK {
					t.Errorf("data channel not OK, though the listing ran to the probe's own cap: %+v", dc)
				}
			},
		},

		// Resets (TCP RST) at every step.
		{
			name:   "reset after the greeting",
			server: evil(evilServer{resetAfter: "220"}),
			want:   []string{critical(cause.ConnectionLost)}, evidence: "reset", status: result.StatusCritical,
			limits: wantError("reset"),
		},
		{
			name: "reset after FEAT",
			// The audit that sent FEAT inside TLS lost its session: the
			// main one sends FEAT itself, last, and loses its own.
			server: evil(evilServer{resetAfter: "FEAT"}),
			want:   append([]string{critical(cause.ConnectionLost)}, strictInfo...), evidence: "reset", status: result.StatusCritical,
			limits: wantError("reset"),
		},
		{
			name:   "reset after 234",
			server: afterAuth(ftpstest.Reset),
			want:   []string{critical(cause.ALGBreaksTLSAfter234)}, evidence: "reset", status: result.StatusCritical,
		},
		{
			name: "reset in the middle of the ServerHello",
			server: afterAuth(func(c net.Conn) {
				if hello, err := serverHello(c, conf); err == nil {
					c.Write(hello[:len(hello)/2])
				}
				ftpstest.Reset(c)
			}),
			want: []string{critical(cause.ALGBreaksTLSAfter234)}, evidence: "reset", status: result.StatusCritical,
		},
		{
			name:   "reset instead of an answer to PASS",
			server: evil(evilServer{resetOn: "PASS"}),
			limits: wantError("reading reply to PASS"),
			want:   []string{critical(cause.ConnectionLost)}, evidence: "reset", status: result.StatusCritical,
		},
		{
			name:   "reset after 230",
			server: evil(evilServer{resetAfter: "PASS"}),
			want:   []string{critical(cause.ConnectionLost)}, evidence: "reset", status: result.StatusCritical,
		},
		{
			name:   "reset after 150",
			server: evil(evilServer{resetAfter: "LIST"}),
			want:   strict(critical(cause.DataTLSFailed)), evidence: "reset", status: result.StatusCritical,
		},
		{
			name:   "data handshake fails, then the server exits",
			server: evil(evilServer{dataTLSExit: true}),
			want:   strict(critical(cause.DataTLSFailed)), evidence: "then connection closed by peer (EOF); the server then closed the control connection", status: result.StatusCritical,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			step, overall := cmp.Or(tt.step, hostileStep), cmp.Or(tt.overall, hostileOverall)
			cfg := tt.server(t)
			cfg.IdleTimeout = hostileIdle
			srv := serve(t, cfg)
			r, took := hostileRun(t, srv.Addr, overall, func(c *Config) {
				c.Timeout = step
				if tt.edit != nil {
					tt.edit(c)
				}
			})
			t.Logf("took %v, status %s, findings %v", took.Round(time.Millisecond), r.Status, findingIDs(r))
			if testing.Verbose() {
				t.Logf("verdict %q, error %q", r.Verdict, r.Attempts[0].Error)
				for _, f := range r.Findings {
					t.Logf("%s: %.300q", f.ID, f.Evidence)
				}
			}
			if bound := hostileBound(tt.steps, step, overall); took > bound {
				t.Errorf("took %v, over the bound %v (%d step(s) of %v, deadline %v)", took, bound, tt.steps, step, overall)
			}
			if took < tt.atLeast {
				t.Errorf("took %v, less than %v: something other than the timeout ended it", took, tt.atLeast)
			}
			if tt.limits != nil {
				tt.limits(t, r)
			}
			wantFindings(t, r, tt.want...)
			if r.Status != tt.status {
				t.Errorf("status = %s, want %s; verdict %q", r.Status, tt.status, r.Verdict)
			}
			if tt.evidence != "" && len(r.Findings) > 0 && !strings.Contains(r.Findings[0].Evidence, tt.evidence) {
				t.Errorf("evidence = %q, want it to contain %q", r.Findings[0].Evidence, tt.evidence)
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

// wantError checks the attempt's error names what the server did.
func wantError(what string) func(t *testing.T, r *result.Result) {
	return func(t *testing.T, r *result.Result) {
		if e := r.Attempts[0].Error; !strings.Contains(e, what) {
			t.Errorf("attempt error = %q, want it to contain %q", e, what)
		}
	}
}

// The server floods the greeting; the probe stops reading at the reply
// caps (rfc2228: 8 KiB a line, 64 KiB a reply). What it allocates is
// measured as the growth of runtime.MemStats.TotalAlloc over the run:
// every byte allocated, freed or not, by the probe and the fake server
// alike, so an upper bound on how much the heap could have grown. These
// cases do not run in parallel, so that nothing else allocates meanwhile.
func TestHostileMemory(t *testing.T) {
	const (
		maxAlloc   = 4 << 20   // a few MiB: the result, buffers, one 64 KiB write chunk
		maxWritten = 512 << 10 // the caps plus what the socketBuffer-sized kernel buffers hold
	)
	longLine := bytes.Repeat([]byte("220-an endless multi-line greeting that never ends with a 220 space\r\n"), 512)
	tests := []struct {
		name     string
		first    string // written once
		chunk    []byte // then written again and again
		limit    int64  // total to write, 0 = until the client goes
		evidence string
	}{
		{"endless multi-line reply", "", longLine, 0, "reply longer than 65536 bytes"},
		{"a single 10 MiB line", "220 ", bytes.Repeat([]byte{'a'}, 64<<10), 10 << 20, "reply line longer than 8192 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var written atomic.Int64
			srv := serve(t, ftpstest.Config{IdleTimeout: hostileIdle, OnConnect: func(c net.Conn) {
				c.(*net.TCPConn).SetWriteBuffer(socketBuffer)
				n, _ := io.WriteString(c, tt.first)
				written.Store(int64(n) + flood(c, tt.chunk, tt.limit))
			}})
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			r, took := hostileRun(t, srv.Addr, hostileOverall, func(c *Config) { c.Dial = smallBufferDial })
			runtime.ReadMemStats(&after)
			srv.Close() // waits for the server to stop writing
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("took %v, allocated %d KiB (heap %+d KiB), the server wrote %d KiB",
				took.Round(time.Millisecond), alloc>>10, (int64(after.HeapAlloc)-int64(before.HeapAlloc))>>10, written.Load()>>10)

			if bound := hostileBound(0, hostileStep, hostileOverall); took > bound {
				t.Errorf("took %v, over %v", took, bound)
			}
			wantFindings(t, r, critical(cause.NoGreeting))
			if f := r.Findings[0]; !strings.Contains(f.Evidence, tt.evidence) {
				t.Errorf("evidence = %.200q..., want it to contain %q", f.Evidence, tt.evidence)
			}
			if alloc > maxAlloc {
				t.Errorf("the diagnosis allocated %d KiB, over %d KiB", alloc>>10, maxAlloc>>10)
			}
			if n := written.Load(); n > maxWritten {
				t.Errorf("the server pushed %d KiB before the probe hung up, over %d KiB", n>>10, maxWritten>>10)
			}
		})
	}
}

// socketBuffer is the size of the kernel buffers on both ends of a flood.
// Left to loopback autotuning they grow to several MiB, which the kernel,
// not the probe, would take from the server.
const socketBuffer = 64 << 10

// smallBufferDial dials with a fixed receive buffer of socketBuffer.
func smallBufferDial(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if err := c.(*net.TCPConn).SetReadBuffer(socketBuffer); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Terminal safety end to end: a server whose banner and replies carry ANSI
// and OSC escapes, CR, NUL and a bidi override. The text report shows them
// escaped; the JSON keeps the exact bytes. (The CLI's serve-ftps script
// command only serves a healthy server, so this is a Go test, not a
// testdata/script case.)
func TestHostileTextIsEscaped(t *testing.T) {
	evil := "\x1b[2J\x1b]0;owned\x07 \x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\ cr\rnul\x00 \u202etxt.exe"
	srv := serve(t, ftpstest.Config{
		TLS:      ftpstest.NewTLSConfig(localCert(t, testcert.Options{})),
		Greeting: []string{"220-" + evil, "220 \xff\xfe not UTF-8"},
		Replies:  map[string]string{"LIST": "550 " + evil},
	})
	r, took := hostileRun(t, srv.Addr, hostileOverall, func(c *Config) { c.Timeout = 5 * time.Second })
	t.Logf("took %v", took)
	f := finding(t, r, cause.DataListRefused)
	if !strings.Contains(f.Evidence, "550 "+evil) {
		t.Fatalf("evidence = %q, want the reply as sent", f.Evidence)
	}

	var text bytes.Buffer
	if err := report.Text(&text, r, report.Options{Width: 120}); err != nil {
		t.Fatal(err)
	}
	out := text.String()
	for _, raw := range []string{"\x1b", "\r", "\x00", "\x07", "\u202e", "\xff"} {
		if strings.Contains(out, raw) {
			t.Errorf("the text report contains a raw %q", raw)
		}
	}
	for _, escaped := range []string{`\x1b[2J`, `\x1b]0;owned\x07`, `cr\rnul\x00`, `\u202etxt.exe`, `\xff\xfe not UTF-8`} {
		if !strings.Contains(out, escaped) {
			t.Errorf("the text report does not show %s", escaped)
		}
	}
	if t.Failed() {
		t.Logf("text report:\n%s", out)
	}

	var doc bytes.Buffer
	if err := report.JSON(&doc, r); err != nil {
		t.Fatal(err)
	}
	for _, raw := range []string{"\x1b", "\r", "\x00", "\u202e"} {
		if strings.Contains(doc.String(), raw) {
			t.Errorf("the JSON contains a raw %q", raw)
		}
	}
	var back result.Result
	if err := json.Unmarshal(doc.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if got := back.Attempts[0].Banner[0]; got != "220-"+evil {
		t.Errorf("JSON banner = %q, want %q", got, "220-"+evil)
	}
	if got := finding(t, &back, cause.DataListRefused).Evidence; got != f.Evidence {
		t.Errorf("JSON evidence = %q, want %q", got, f.Evidence)
	}
	// JSON strings are UTF-8: invalid bytes come back as U+FFFD, a limit
	// of the format (the text report shows them as \xff).
	if got := back.Attempts[0].Banner[1]; got != "220 \ufffd\ufffd not UTF-8" {
		t.Errorf("JSON banner line 2 = %q", got)
	}
}

// drip sends text one byte every 50 ms, then dots at the same pace
// forever, never a line end: a stalled server that is not silent.
func drip(text string) func(net.Conn) {
	return func(c net.Conn) {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for i := 0; ; i++ {
			b := byte('.')
			if i < len(text) {
				b = text[i]
			}
			if _, err := c.Write([]byte{b}); err != nil {
				return
			}
			<-tick.C
		}
	}
}

// flood writes chunk again and again until limit bytes (0: no limit) or a
// failed write: the peer went, or the write deadline, which keeps a client
// that stops reading without closing from blocking it for good. It returns
// how many bytes the kernel took.
func flood(c net.Conn, chunk []byte, limit int64) int64 {
	c.SetWriteDeadline(time.Now().Add(hostileIdle))
	var n int64
	for limit == 0 || n < limit {
		b := chunk
		if limit > 0 && int64(len(b)) > limit-n {
			b = b[:limit-n]
		}
		m, err := c.Write(b)
		n += int64(m)
		if err != nil {
			break
		}
	}
	return n
}

// serverHello reads the client's first TLS record and returns the first
// record a real Go TLS server with conf answers it with: its ServerHello.
func serverHello(c net.Conn, conf *tls.Config) ([]byte, error) {
	hello, err := readRecord(c)
	if err != nil {
		return nil, err
	}
	cli, srv := net.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		tls.Server(srv, conf).Handshake()
		srv.Close()
	}()
	defer func() {
		cli.Close()
		<-done
	}()
	cli.SetDeadline(time.Now().Add(hostileIdle))
	if _, err := cli.Write(hello); err != nil {
		return nil, err
	}
	return readRecord(cli)
}

// readRecord reads one TLS record, header included.
func readRecord(r io.Reader) ([]byte, error) {
	hdr := make([]byte, 5)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, err
	}
	body := make([]byte, binary.BigEndian.Uint16(hdr[3:]))
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, err
	}
	return append(hdr, body...), nil
}

// copiedIntermediates is a leaf for localhost followed by n copies of the
// intermediate that issued it.
func copiedIntermediates(t *testing.T, n int) tls.Certificate {
	t.Helper()
	inter, err := rootCA(t).NewIntermediate("ftpsdiag hostile intermediate")
	if err != nil {
		t.Fatal(err)
	}
	c, err := inter.Issue(testcert.Options{DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	for range n - 1 {
		c.Certificate = append(c.Certificate, inter.Cert.Raw)
	}
	return c
}

// Listing feeds for evilServer: each writes to the data connection after
// 150 and the data handshake, and returns when it is done or the client
// went.

// dripListing sends a listing line every 50 ms, forever.
func dripListing(w net.Conn) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, err := io.WriteString(w, "-rw-r--r--    1 ftp      ftp             0 Mar 14 09:26 slow\r\n"); err != nil {
			return err
		}
		<-tick.C
	}
}

// neverClose sends a listing, then keeps the data connection open until
// the client closes it.
func neverClose(w net.Conn) error {
	if _, err := io.WriteString(w, "-rw-r--r--    1 ftp      ftp             0 Mar 14 09:26 a\r\n"); err != nil {
		return err
	}
	io.Copy(io.Discard, w)
	return errors.New("the client closed the data connection first")
}

// endlessListing sends listing lines as fast as the client takes them.
func endlessListing(w net.Conn) error {
	chunk := bytes.Repeat([]byte("-rw-r--r--    1 ftp      ftp             0 Mar 14 09:26 again\r\n"), 512)
	flood(w, chunk, 0)
	return errors.New("the client closed the data connection first")
}

// evilServer is a small explicit FTPS server (control and data) that
// answers a diagnosis correctly, like a hardened vsftpd, except at the
// point a case chooses. It runs as an ftpstest OnConnect hook.
type evilServer struct {
	conf *tls.Config
	// stray is sent after the first reply to FEAT, answering no command.
	stray string
	// resetAfter resets the control connection (TCP RST) right after the
	// reply to this verb ("220": the greeting); for LIST, after the 150,
	// and the data connection too. resetOn resets it instead of replying.
	resetAfter, resetOn string
	// dataTLSExit answers the data connection's ClientHello with a
	// handshake_failure alert, then closes the control connection without
	// a reply, as Pure-FTPd exits when a data handshake fails.
	dataTLSExit bool
	// feed writes the listing; nil: one line.
	feed func(w net.Conn) error
}

const evilFeat = "211-Features:\r\n AUTH TLS\r\n PBSZ\r\n PROT\r\n EPSV\r\n211 End"

func (e evilServer) run(raw net.Conn) {
	var ctl net.Conn = raw
	br := bufio.NewReader(raw)
	say := func(s string) bool {
		ctl.SetWriteDeadline(time.Now().Add(hostileIdle))
		_, err := io.WriteString(ctl, s+"\r\n")
		return err == nil
	}
	if !say("220 evil ready") {
		return
	}
	if e.resetAfter == "220" {
		ftpstest.Reset(raw)
		return
	}
	var ln net.Listener
	defer func() {
		if ln != nil {
			ln.Close()
		}
	}()
	listen := func() (int, bool) {
		if ln != nil {
			ln.Close()
		}
		var err error
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			return 0, false
		}
		return ln.Addr().(*net.TCPAddr).Port, true
	}
	secure, pbsz, protP, strayed := false, false, false, false
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(strings.TrimRight(line, "\r\n"), " ")
		verb = strings.ToUpper(verb)
		if verb == e.resetOn {
			ftpstest.Reset(raw)
			return
		}
		ok := true
		switch verb {
		case "FEAT":
			reply := evilFeat
			if e.stray != "" && !strayed {
				reply, strayed = reply+"\r\n"+e.stray, true
			}
			ok = say(reply)
		case "AUTH":
			if secure || !strings.EqualFold(arg, "TLS") {
				ok = say("504 Unknown AUTH type.")
				break
			}
			if !say("234 Proceed with negotiation.") {
				return
			}
			// Bytes the client sent after AUTH go to TLS, as they would
			// on a server that reads the socket directly.
			tc := tls.Server(readerConn{Conn: raw, r: br}, e.conf)
			if tc.Handshake() != nil {
				return
			}
			ctl, br, secure = tc, bufio.NewReader(tc), true
		case "USER":
			if !secure {
				ok = say("530 Non-anonymous sessions must use encryption.")
			} else {
				ok = say("331 Please specify the password.")
			}
		case "PASS":
			ok = say("230 Login successful.")
		case "PBSZ":
			pbsz = secure
			ok = say("200 PBSZ set to 0.")
		case "PROT":
			switch {
			case !pbsz:
				ok = say("503 PBSZ first.")
			case strings.EqualFold(arg, "P"):
				protP = true
				ok = say("200 PROT now Private.")
			default:
				ok = say("536 Only PROT P is allowed.")
			}
		case "EPSV", "PASV":
			port, listening := listen()
			switch {
			case !listening:
				ok = say("425 Cannot open a passive connection.")
			case verb == "EPSV":
				ok = say(fmt.Sprintf("229 Entering Extended Passive Mode (|||%d|)", port))
			default:
				ok = say(fmt.Sprintf("227 Entering Passive Mode (127,0,0,1,%d,%d).", port>>8, port&0xff))
			}
		case "LIST", "MLSD", "NLST":
			if ln == nil {
				ok = say("425 Use PASV or EPSV first.")
				break
			}
			ok = e.transfer(raw, ln, protP, say)
			ln.Close()
			ln = nil
		case "QUIT":
			say("221 Goodbye.")
			return
		default:
			ok = say("502 Command not implemented.")
		}
		if !ok {
			return
		}
		if verb == e.resetAfter {
			ftpstest.Reset(raw)
			return
		}
	}
}

// transfer accepts the data connection, says 150, hand-shakes under PROT
// P, feeds the listing and ends with 226, or 426 when the feed failed. It
// reports whether the control connection is still usable.
func (e evilServer) transfer(raw net.Conn, ln net.Listener, protP bool, say func(string) bool) bool {
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(hostileIdle))
	dc, err := ln.Accept()
	if err != nil {
		return say("425 Failed to establish connection.")
	}
	defer dc.Close()
	dc.SetDeadline(time.Now().Add(hostileIdle))
	if !say("150 Here comes the directory listing.") {
		return false
	}
	if e.resetAfter == "LIST" {
		ftpstest.Reset(dc)
		ftpstest.Reset(raw)
		return false
	}
	w := dc
	if protP && e.dataTLSExit {
		dc.Read(make([]byte, 4096)) // the ClientHello
		dc.Write(tlsAlert(40))
		return false
	}
	if protP {
		tc := tls.Server(dc, e.conf)
		if tc.Handshake() != nil {
			return say("522 SSL connection failed.")
		}
		w = tc
	}
	feed := e.feed
	if feed == nil {
		feed = func(w net.Conn) error {
			_, err := io.WriteString(w, "drwxr-xr-x    2 ftp      ftp          4096 Mar 14 09:26 pub\r\n")
			return err
		}
	}
	if err := feed(w); err != nil {
		return say("426 Connection closed; transfer aborted.")
	}
	w.Close() // close_notify under TLS
	return say("226 Transfer complete.")
}

// readerConn reads through r: bytes a bufio.Reader already took from the
// connection are not lost to what reads next.
type readerConn struct {
	net.Conn
	r io.Reader
}

func (c readerConn) Read(p []byte) (int, error) { return c.r.Read(p) }
