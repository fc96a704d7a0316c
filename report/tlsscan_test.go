package report

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// TestTextTLSScanColors: strengths and legacy versions are coloured;
// "acceptable" and a modern "yes" are not.
func TestTextTLSScanColors(t *testing.T) {
	const red, yellow, green = "\x1b[31;1m", "\x1b[33m", "\x1b[32m"
	for _, tc := range []struct {
		name    string
		r       *result.Result
		want    []string
		notWant []string
	}{
		{"legacy", legacyVsftpd(),
			[]string{"│ SSL 3.0 │ " + red + "yes", "│ TLS 1.0 │ " + yellow + "yes", red + "insecure", yellow + "weak", "│ acceptable │"},
			[]string{"m" + "acceptable", green + "strong"}},
		{"modern", modernProFTPD(),
			[]string{green + "strong", "│ TLS 1.2 │ yes", "│ TLS 1.3 │ yes"},
			[]string{red + "insecure", "does not accept TLS 1.3"}},
	} {
		checkText(t, tc.name+", colour on", tc.r, Options{Color: true}, tc.want, tc.notWant)
	}
}

// checkText renders r and checks that the text shows every want and none
// of bad.
func checkText(t *testing.T, name string, r *result.Result, o Options, want, bad []string) {
	t.Helper()
	out := render(t, r, o)
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s: text report does not show %q", name, w)
		}
	}
	for _, b := range bad {
		if strings.Contains(out, b) {
			t.Errorf("%s: text report contains %q", name, b)
		}
	}
}

// TestTextTLSScanIsInert: scan errors (which may quote a server's reply)
// and every other string of the scan are sanitized; errors past the cap
// are counted, not listed.
func TestTextTLSScanIsInert(t *testing.T) {
	r := legacyVsftpd()
	s := r.Attempts[0].TLSScan
	s.Versions[2].Groups = []string{"x25519" + csi}
	s.Versions[2].Suites[0].Name = rlo + "TLS_FAKE"
	s.Versions[2].Suites[0].Strength = "strong" + osc
	s.Errors = []string{"AUTH TLS: 421 " + csi + "busy\r" + badUTF8}
	for i := range 11 {
		s.Errors = append(s.Errors, fmt.Sprintf("probe %d failed", i+2))
	}
	checkText(t, "hostile scan", r, Options{},
		[]string{`scan error: AUTH TLS: 421 \x1b[31mbusy\r\xff\xfe`, `x25519\x1b[31m`, `\u202eTLS_FAKE`,
			`strong\x1b]0;pwned\x07`, "scan error: probe 10 failed\n… and 2 more scan errors\n"},
		[]string{"\x1b", "\x07", "\r", "\u202e", "\xff", "probe 11 failed"})
}

// TestScannedVersions: the six versions always appear, oldest first; one
// the scan left out is "not probed", one it added comes last.
func TestScannedVersions(t *testing.T) {
	got := scannedVersions([]result.VersionScan{
		{Version: "TLS 1.3", Accepted: true}, {Version: "TLS 1.2"}, {Version: "TLS 1.4"},
		{Version: "TLS 1.1"}, {Version: "TLS 1.0"}, {Version: "SSL 3.0"},
	})
	var names []string
	for _, v := range got {
		names = append(names, fmt.Sprintf("%s:%t", v.Version, v.probed))
	}
	want := "SSL 2.0:false SSL 3.0:true TLS 1.0:true TLS 1.1:true TLS 1.2:true TLS 1.3:true TLS 1.4:true"
	if s := strings.Join(names, " "); s != want {
		t.Errorf("scannedVersions = %s; want %s", s, want)
	}
	if lacksTLS13(got) {
		t.Error("lacksTLS13 with TLS 1.3 accepted")
	}
	if lacksTLS13(got[:1]) {
		t.Error("lacksTLS13 when TLS 1.3 was not probed")
	}
}

// TestSuitesCaption: the caption says whose order the table follows.
func TestSuitesCaption(t *testing.T) {
	one := []result.Suite{{Name: "TLS_AES_128_GCM_SHA256"}}
	two := append(one, result.Suite{Name: "TLS_AES_256_GCM_SHA384"})
	for _, tc := range []struct {
		v    result.VersionScan
		want string
	}{
		{result.VersionScan{Version: "TLS 1.3", Suites: one}, "TLS 1.3: 1 cipher suite"},
		{result.VersionScan{Version: "TLS 1.3", Suites: two, ServerPreference: ptr(true)}, "TLS 1.3: 2 cipher suites, in server preference order"},
		{result.VersionScan{Version: "TLS 1.3", Suites: two, ServerPreference: ptr(false)}, "TLS 1.3: 2 cipher suites, server follows the client's order"},
		{result.VersionScan{Version: "TLS 1.2"}, "TLS 1.2: 0 cipher suites identified"},
	} {
		if got := suitesCaption(tc.v); got != tc.want {
			t.Errorf("suitesCaption(%+v) = %q; want %q", tc.v, got, tc.want)
		}
	}
}

// TestTextTLSScanUnfinished: a version whose probes our limit cut is
// unknown, never "no", and its suites may be incomplete; an unfinished
// TLS 1.3 is not "not accepted".
func TestTextTLSScanUnfinished(t *testing.T) {
	r := modernProFTPD()
	s := r.Attempts[0].TLSScan
	for i := range s.Versions {
		switch s.Versions[i].Version {
		case "TLS 1.2":
			s.Versions[i].Unfinished = "interrupted"
		case "TLS 1.3":
			s.Versions[i] = result.VersionScan{Version: "TLS 1.3", Unfinished: "interrupted"}
		}
	}
	checkText(t, "unfinished scan", r, Options{},
		[]string{"│ TLS 1.2 │ yes", "│ TLS 1.3 │ unknown (interrupted)", "found before the scan stopped (interrupted): there may be more"},
		[]string{"│ TLS 1.3 │ no", "does not accept TLS 1.3"})
}
