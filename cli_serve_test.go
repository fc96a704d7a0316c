package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"go.uber.org/goleak"
)

// `ftpsdiag serve` end to end: a module file, a scrape of a real vsftpd
// through /probe, the exposition parsed with Prometheus' own text parser,
// and a clean stop when the context ends.
func TestServeScrapesRealServer(t *testing.T) {
	srv, config := vsftpdModule(t, "mode: explicit")

	// Nothing the exporter starts may outlive it.
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "--listen", "127.0.0.1:0", "--config", config}, nil, io.Discard, pw)
		pw.Close()
	}()
	lines := bufio.NewScanner(pr)
	if !lines.Scan() {
		t.Fatal("serve printed nothing")
	}
	m := regexp.MustCompile(`listening on (http://127\.0\.0\.1:\d+)/`).FindStringSubmatch(lines.Text())
	if m == nil {
		t.Fatalf("no address in %q", lines.Text())
	}
	go io.Copy(io.Discard, pr)

	client := &http.Client{Timeout: 30 * time.Second}
	req, _ := http.NewRequest("GET", m[1]+"/probe?module=local&target="+url.QueryEscape("ftpes://"+srv.Addr), nil)
	req.Header.Set("X-Prometheus-Scrape-Timeout-Seconds", "20")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("exposition does not parse: %v", err)
	}
	if v := families["ftps_probe_success"].GetMetric()[0].GetGauge().GetValue(); v != 1 {
		t.Errorf("ftps_probe_success = %v, want 1", v)
	}
	info := families["ftps_tls_version_info"].GetMetric()
	if len(info) == 0 {
		t.Fatal("no ftps_tls_version_info")
	}
	labels := map[string]string{}
	for _, l := range info[0].GetLabel() {
		labels[l.GetName()] = l.GetValue()
	}
	if labels["version"] != "TLS 1.3" || labels["mode"] != "explicit" {
		t.Errorf("ftps_tls_version_info labels %v", labels)
	}
	if families["ftps_data_channel_ok"].GetMetric()[0].GetGauge().GetValue() != 1 {
		t.Errorf("ftps_data_channel_ok is not 1")
	}
	if families["ftps_session_reuse_required"].GetMetric()[0].GetGauge().GetValue() != 1 {
		t.Errorf("vsftpd requires session reuse by default: ftps_session_reuse_required should be 1")
	}

	cancel()
	select {
	case c := <-code:
		if c != exitOK {
			t.Errorf("serve exited %d after the context ended", c)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop when its context ended")
	}
}

// startServe runs serve on 127.0.0.1 with h and lim; stop ends it and
// returns its error.
func startServe(t *testing.T, h http.Handler, lim serverLimits, logf func(string, ...any)) (addr string, stop func() error) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, h, lim, logf) }()
	stop = sync.OnceValue(func() error {
		cancel()
		return <-done
	})
	t.Cleanup(func() { stop() })
	return ln.Addr().String(), stop
}

// A bounded load of idle keep-alive connections: every one is closed
// once it has been idle for lim.Idle; a connection that never finishes
// its request line is closed after lim.ReadHeader; an oversized request
// gets 431 without reaching the exporter.
func TestServeConnectionLimits(t *testing.T) {
	const conns = 100
	lim := serverLimits{ReadHeader: 300 * time.Millisecond, Idle: 300 * time.Millisecond, Grace: time.Second}
	addr, _ := startServe(t, newExporter(defaultModules(), exporterOptions{}).Handler(), lim, t.Logf)

	// closed waits for the server to close c, failing after a bound far
	// beyond the limits.
	closed := func(c net.Conn, r io.Reader) error {
		c.SetReadDeadline(time.Now().Add(20 * time.Second))
		if _, err := io.Copy(io.Discard, r); err != nil {
			return fmt.Errorf("still open: %w", err)
		}
		return nil
	}
	start := time.Now()
	var wg sync.WaitGroup
	for i := range conns {
		wg.Go(func() {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			if i%10 == 0 { // a request line that never ends
				fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: %s\r\n", addr)
				if err := closed(c, c); err != nil {
					t.Errorf("a stalled request: %v", err)
				}
				return
			}
			fmt.Fprintf(c, "GET / HTTP/1.1\r\nHost: %s\r\n\r\n", addr)
			br := bufio.NewReader(c)
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.Close {
				t.Errorf("GET /: %d, close %v; want 200 on a kept-alive connection", resp.StatusCode, resp.Close)
			}
			if err := closed(c, br); err != nil {
				t.Errorf("an idle connection: %v", err)
			}
		})
	}
	wg.Wait()
	if took := time.Since(start); took < lim.Idle {
		t.Errorf("connections closed after %s, before the idle timeout", took)
	}

	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /probe?target=ftp.example.com HTTP/1.1\r\nHost: %s\r\nX-Big: %s\r\n\r\n", addr, strings.Repeat("a", 2*maxHeaderBytes))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("an oversized request: %d, want 431", resp.StatusCode)
	}
}

// Shutdown: a scrape in flight when the context ends gets its answer; one
// whose probe outlasts the grace period has its probe cancelled and gets a
// 503 (not a failed server's metrics); serve returns once both have
// answered, leaving no goroutine behind.
func TestServeShutdown(t *testing.T) {
	for _, tc := range []struct {
		name     string
		grace    time.Duration
		finish   bool // the probe ends when released, not only when cancelled
		wantCode int
	}{
		{"the scrape in flight finishes", 10 * time.Second, true, http.StatusOK},
		{"the probe past the grace period is cancelled", 100 * time.Millisecond, false, http.StatusServiceUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
			b := newBlockingProbe()
			e := newExporter(defaultModules(), exporterOptions{Logf: t.Logf, Probe: b.run})
			shutting := make(chan struct{})
			logf := func(format string, args ...any) {
				t.Logf(format, args...)
				if strings.HasPrefix(format, "shutting down") {
					close(shutting)
				}
			}
			addr, stop := startServe(t, e.Handler(), serverLimits{ReadHeader: time.Second, Idle: time.Second, Grace: tc.grace}, logf)

			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			type answer struct {
				code int
				body string
			}
			answers := make(chan answer, 1)
			go func() {
				resp, err := client.Get("http://" + addr + "/probe?target=ftp.example.com")
				if err != nil {
					t.Error(err)
					answers <- answer{}
					return
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				answers <- answer{resp.StatusCode, string(body)}
			}()
			<-b.started
			stopped := make(chan error, 1)
			go func() { stopped <- stop() }()
			<-shutting
			if tc.finish {
				close(b.release)
			}
			a := <-answers
			if a.code != tc.wantCode {
				t.Errorf("scrape in flight: %d %q, want %d", a.code, a.body, tc.wantCode)
			}
			if !tc.finish && !strings.Contains(a.body, "cancelled") {
				t.Errorf("body %q does not say the probe was cancelled", a.body)
			}
			if err := <-stopped; err != nil {
				t.Errorf("serve: %v", err)
			}
			if _, err := net.Dial("tcp", addr); err == nil {
				t.Errorf("still accepting after shutdown")
			}
			want := 0.0
			if !tc.finish {
				want = 1
			}
			if v := sample(t, gather(t, e), "ftpsdiag_exporter_scrapes_refused_total", "reason", "cancelled"); v != want {
				t.Errorf("refused cancelled = %v, want %v", v, want)
			}
		})
	}
}

// The serve flags are checked before anything listens.
func TestServeFlagErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--allow-hosts", "10.0.0.0/8,*.example.com"}, `--allow-hosts: "*.example.com": want a host name`},
		{[]string{"--allow-ports", "21,2130-2121"}, `--allow-ports: "2130-2121": want a port`},
		{[]string{"--max-probes", "0"}, "--max-probes 0: want at least 1"},
	} {
		var stderr strings.Builder
		code := run(context.Background(), append([]string{"serve", "--listen", "127.0.0.1:0"}, tc.args...), nil, io.Discard, &stderr)
		if code != exitUnknown || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, %q; want 3 and %q", tc.args, code, stderr.String(), tc.want)
		}
	}
}

// serve warns when it listens beyond loopback with modules that may probe
// anything: the cases that decide it.
func TestServeOpenWarning(t *testing.T) {
	ports, err := parseAllow(allowFile{Ports: []string{"21"}})
	if err != nil {
		t.Fatal(err)
	}
	mods := modules{"b": {}, "a": {}, "fenced": {allow: ports}}
	if got := strings.Join(unrestricted(mods, allowList{}), ","); got != "a,b" {
		t.Errorf("unrestricted without flags = %q, want a,b", got)
	}
	if got := unrestricted(mods, ports); got != nil {
		t.Errorf("unrestricted with the flags' list = %q, want none", got)
	}
	for addr, want := range map[string]bool{"127.0.0.1:9399": true, "127.3.4.5:1": true, "[::1]:9399": true, "0.0.0.0:9399": false, "[::]:9399": false, "192.0.2.1:9399": false} {
		if got := isLoopback(net.TCPAddrFromAddrPort(netip.MustParseAddrPort(addr))); got != want {
			t.Errorf("isLoopback(%s) = %v", addr, got)
		}
	}
}
