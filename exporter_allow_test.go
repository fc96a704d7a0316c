package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

func TestParseAllow(t *testing.T) {
	l, err := parseAllow(allowFile{
		Hosts: []string{"FTP.Example.COM.", "192.0.2.7", "10.1.2.3/16", "2001:db8::/32", "::ffff:192.0.2.9"},
		Ports: []string{"21", " 990", "2121-2130"},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		what string
		got  bool
		want bool
	}{
		{"the name, another case, no dot", l.allowsName("ftp.example.com"), true},
		{"another name", l.allowsName("ftp.example.org"), false},
		{"an address is not a name", l.allowsName("192.0.2.7"), false},
		{"a listed address", l.allowsAddr(netip.MustParseAddr("192.0.2.7")), true},
		{"its IPv4-mapped form", l.allowsAddr(netip.MustParseAddr("::ffff:192.0.2.7")), true},
		{"a mapped address listed", l.allowsAddr(netip.MustParseAddr("192.0.2.9")), true},
		{"its neighbour", l.allowsAddr(netip.MustParseAddr("192.0.2.8")), false},
		{"in 10.1.0.0/16", l.allowsAddr(netip.MustParseAddr("10.1.200.1")), true},
		{"outside it", l.allowsAddr(netip.MustParseAddr("10.2.0.1")), false},
		{"in 2001:db8::/32", l.allowsAddr(netip.MustParseAddr("2001:db8:1::1")), true},
		{"port 21", l.allowsPort(21), true},
		{"port 990", l.allowsPort(990), true},
		{"port 2125, in the range", l.allowsPort(2125), true},
		{"port 2131", l.allowsPort(2131), false},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: %v, want %v", tc.what, tc.got, tc.want)
		}
	}

	ports, err := parseAllow(allowFile{Ports: []string{"21"}})
	if err != nil {
		t.Fatal(err)
	}
	if !ports.set() || !ports.allowsName("anything.example") || !ports.allowsAddr(netip.MustParseAddr("198.51.100.1")) {
		t.Errorf("a list of ports alone restricts hosts: %+v", ports)
	}
	if (allowList{}).set() {
		t.Errorf("the zero list restricts")
	}

	for _, bad := range []allowFile{
		{Hosts: []string{"*.example.com"}},
		{Hosts: []string{"ftp.example.com:21"}},
		{Hosts: []string{"ftps://ftp.example.com"}},
		{Hosts: []string{"10.0.0.0/33"}},
		{Hosts: []string{""}},
		{Ports: []string{"0"}},
		{Ports: []string{"65536"}},
		{Ports: []string{"2130-2121"}},
		{Ports: []string{"21-"}},
		{Ports: []string{"ftp"}},
	} {
		if _, err := parseAllow(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// The allow-list in a module, and the flags' on top of it, against a real
// diagnosis of a fake server on 127.0.0.1: a target passes by its listed
// name or by the address it resolves to, and only on listed control ports;
// the data connection (on a port the server chose) passes with it. A
// refused target gets a 403 and is never probed.
func TestProbeAllowList(t *testing.T) {
	cert, err := rootCA(t).Issue(testcert.Options{DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	ftps := ftpsServer(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(cert)})
	port := strconv.Itoa(ftps.Port)
	dir := t.TempDir()
	ca := writeFile(t, dir, "ca.pem", string(rootCA(t).RootPEM()))
	module := func(name, allow string) string {
		return fmt.Sprintf("  %s:\n    mode: explicit\n    timeout: 5s\n    ca_file: %s\n    allow: %s\n", name, ca, allow)
	}
	mods, err := loadModules(writeFile(t, dir, "modules.yml", "modules:\n"+
		module("ip", "{hosts: [127.0.0.1], ports: ["+port+"]}")+
		module("net", "{hosts: [127.0.0.0/30]}")+
		module("other", "{hosts: [127.0.0.2]}")+
		module("name", "{hosts: [LocalHost.]}")+
		"  both:\n    allow: {ports: ["+port+"]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	flags, err := parseAllow(allowFile{Hosts: []string{"127.0.0.0/8"}, Ports: []string{port}})
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name      string
		flags     allowList
		module    string
		target    string
		wantCode  int
		wantInMsg string
	}{
		{"listed address and port", allowList{}, "ip", "127.0.0.1:" + port, http.StatusOK, ""},
		{"a name resolving into the list", allowList{}, "ip", "localhost:" + port, http.StatusOK, ""},
		{"a port not listed", allowList{}, "ip", "127.0.0.1:1", http.StatusForbidden, "port 1:"},
		{"the scheme's default port, not listed", allowList{}, "ip", "ftpes://127.0.0.1", http.StatusForbidden, "port 21:"},
		{"an address not listed", allowList{}, "ip", "127.0.0.2:" + port, http.StatusForbidden, "127.0.0.2: not in"},
		{"a name resolving outside the list", allowList{}, "other", "localhost:" + port, http.StatusForbidden, `"localhost" resolves to 127.0.0.1: not in`},
		{"a name resolving into a network", allowList{}, "net", "localhost:" + port, http.StatusOK, ""},
		{"a listed name, in another case", allowList{}, "name", "LOCALHOST:" + port, http.StatusOK, ""},
		{"a listed name's address is not listed", allowList{}, "name", "127.0.0.1:" + port, http.StatusForbidden, "127.0.0.1: not in"},
		{"a bare host takes ports 990 and 21", allowList{}, "both", "127.0.0.1", http.StatusForbidden, "port 990:"},
		{"the flags and the module allow", flags, "net", "localhost:" + port, http.StatusOK, ""},
		{"the module allows, the flags' ports do not", flags, "net", "127.0.0.1:1", http.StatusForbidden, "port 1:"},
		{"the flags allow, the module does not", flags, "other", "localhost:" + port, http.StatusForbidden, "resolves to 127.0.0.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startExporter(t, mods, exporterOptions{Allow: tc.flags, Logf: t.Logf})
			code, body := get(t, srv, "/probe?module="+tc.module+"&target="+url.QueryEscape(tc.target), "20")
			if code != tc.wantCode {
				t.Fatalf("%d %s, want %d", code, body, tc.wantCode)
			}
			mfs := scrape(t, srv, "/metrics", "")
			refused := sample(t, mfs, "ftpsdiag_exporter_scrapes_refused_total", "reason", "not_allowed")
			if code == http.StatusOK {
				if v := sample(t, parseExposition(t, body), "ftps_probe_success"); v != 1 {
					t.Errorf("ftps_probe_success = %v, want 1:\n%s", v, body)
				}
				if refused != 0 {
					t.Errorf("refused not_allowed = %v, want 0", refused)
				}
				return
			}
			if !strings.Contains(string(body), tc.wantInMsg) || !strings.Contains(string(body), strconv.Quote(tc.target)) {
				t.Errorf("body %q, want the target and %q", body, tc.wantInMsg)
			}
			if refused != 1 {
				t.Errorf("refused not_allowed = %v, want 1", refused)
			}
			if mfs["ftpsdiag_exporter_probes_total"].GetMetric() != nil {
				t.Errorf("a refused target was probed")
			}
		})
	}
}

// The check by the address actually dialled: a diagnosis that connects
// elsewhere than the allow-list permits (as when DNS answers differently
// the second time) is refused at the dial and the scrape gets a 403, not
// the server's failure; a connection to the allowed address goes through,
// on any port. Without a list the probe dials as it always has.
func TestAllowGuardChecksDialledAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	dials := make(chan []error, 1)
	dialling := func(ctx context.Context, cfg probe.Config) *result.Result {
		var errs []error
		if cfg.Dial == nil {
			dials <- nil
			return fakeResult(cfg)
		}
		for _, addr := range []string{ln.Addr().String(), "127.0.0.2:21"} {
			c, err := cfg.Dial(ctx, "tcp", addr)
			if err == nil {
				c.Close()
			}
			errs = append(errs, err)
		}
		dials <- errs
		return fakeResult(cfg)
	}
	mods, err := loadModules(writeFile(t, t.TempDir(), "modules.yml", "modules:\n  lo:\n    allow: {hosts: [127.0.0.1/32], ports: [21]}\n  any: {}\n"))
	if err != nil {
		t.Fatal(err)
	}
	srv := startExporter(t, mods, exporterOptions{Logf: t.Logf, Probe: dialling})

	code, body := get(t, srv, "/probe?module=lo&target=localhost:21", "")
	if code != http.StatusForbidden || !strings.Contains(string(body), `"localhost" connects to 127.0.0.2`) {
		t.Errorf("%d %q, want 403 naming the address dialled", code, body)
	}
	errs := <-dials
	if len(errs) != 2 || errs[0] != nil || !errors.Is(errs[1], errNotAllowed) {
		t.Errorf("dial errors %v: want the allowed address connected, the other refused", errs)
	}
	mfs := scrape(t, srv, "/metrics", "")
	if v := sample(t, mfs, "ftpsdiag_exporter_scrapes_refused_total", "reason", "not_allowed"); v != 1 {
		t.Errorf("refused not_allowed = %v, want 1", v)
	}

	if code, body := get(t, srv, "/probe?module=any&target=localhost:21", ""); code != http.StatusOK {
		t.Errorf("without a list: %d %s", code, body)
	}
	if errs := <-dials; errs != nil {
		t.Errorf("without a list the exporter replaced the probe's dialler")
	}
}
