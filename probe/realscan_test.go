package probe

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpdtest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// The TLS scan must find what sslscan finds on the same real server:
// the same versions, and at each version the same cipher suites.
func TestRealServerScanMatchesSSLScan(t *testing.T) {
	rsa := localCert(t, testcert.Options{RSABits: 2048})
	ecdsa := localCert(t, testcert.Options{})
	cases := []struct {
		name string
		kind ftpdtest.Kind
		opts ftpdtest.Options
		want []string   // accepted versions
		ids  []cause.ID // scan findings that must be there
	}{
		{"legacy TLS 1.0 only", ftpdtest.Vsftpd, ftpdtest.Options{TLS: true, Cert: rsa,
			OpenSSLConf: ftpdtest.ProtocolConf("TLSv1", "TLSv1"), Extra: []string{"ssl_ciphers=DEFAULT:@SECLEVEL=0"}},
			[]string{"TLS 1.0"}, []cause.ID{cause.TLSLegacyVersion, cause.TLS13Unsupported, cause.TLSWeakCipher, cause.TLSNoForwardSecrecy}},
		{"TLS 1.2 only", ftpdtest.ProFTPD, ftpdtest.Options{TLS: true, Cert: rsa, Extra: []string{"TLSProtocol TLSv1.2"}},
			[]string{"TLS 1.2"}, []cause.ID{cause.TLS13Unsupported, cause.TLSNoForwardSecrecy}},
		{"ECDSA only", ftpdtest.PureFTPd, ftpdtest.Options{TLS: true, Cert: ecdsa},
			[]string{"TLS 1.2", "TLS 1.3"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ftpdtest.Require(t, tc.kind)
			ftpdtest.RequireTool(t, "sslscan")
			t.Parallel()
			srv := ftpdtest.Start(t, tc.kind, tc.opts)
			r := diagnose(t, srv.Addr, func(c *Config) {
				c.Mode, c.Scan, c.ServerName = ModeExplicit, true, "localhost"
				c.User, c.Password = srv.User, srv.Password
			})
			scan := r.Attempts[0].TLSScan
			if scan == nil {
				t.Fatalf("no scan: %v", findingIDs(r))
			}
			if got := acceptedVersions(scan); !slices.Equal(got, tc.want) {
				t.Errorf("ftpsdiag: versions %v, want %v", got, tc.want)
			}
			for _, id := range tc.ids {
				finding(t, r, id)
			}
			began := time.Now()
			ref := sslscan(t, srv.Addr)
			t.Logf("ftpsdiag scan: %d connections, %.0f ms; sslscan: %s", scan.Connections, scan.DurationMS, time.Since(began).Round(time.Millisecond))
			if got := acceptedVersions(scan); !slices.Equal(got, ref.versions()) {
				t.Errorf("versions: ftpsdiag %v, sslscan %v", got, ref.versions())
			}
			for _, v := range scan.Versions {
				var ours []string
				for _, s := range v.Suites {
					ours = append(ours, s.Name)
				}
				slices.Sort(ours)
				if theirs := ref.suites[v.Version]; !slices.Equal(ours, theirs) {
					t.Errorf("%s suites:\n ftpsdiag %v\n sslscan  %v", v.Version, ours, theirs)
				}
			}
		})
	}
}

func acceptedVersions(s *result.TLSScan) []string {
	var out []string
	for _, v := range s.Versions {
		if v.Accepted {
			out = append(out, v.Version)
		}
	}
	return out
}

// sslscanResult is sslscan's view: accepted versions and IANA suite names
// per version.
type sslscanResult struct {
	enabled map[string]bool
	suites  map[string][]string
}

func (s sslscanResult) versions() []string {
	var out []string
	for _, v := range []string{"SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3"} {
		if s.enabled[v] {
			out = append(out, v)
		}
	}
	return out
}

func sslscan(t *testing.T, addr string) sslscanResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "sslscan", "--starttls-ftp", "--xml=-", "--no-colour", "--no-heartbleed",
		"--no-compression", "--no-renegotiation", "--no-fallback", "--no-check-certificate", addr).Output()
	if err != nil {
		t.Fatalf("sslscan: %v\n%s", err, out)
	}
	var doc struct {
		Protocols []struct {
			Type    string `xml:"type,attr"`
			Version string `xml:"version,attr"`
			Enabled string `xml:"enabled,attr"`
		} `xml:"ssltest>protocol"`
		Ciphers []struct {
			Status  string `xml:"status,attr"`
			Version string `xml:"sslversion,attr"`
			Cipher  string `xml:"cipher,attr"`
		} `xml:"ssltest>cipher"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("sslscan XML: %v\n%s", err, out)
	}
	iana := opensslToIANA(t)
	res := sslscanResult{enabled: map[string]bool{}, suites: map[string][]string{}}
	for _, p := range doc.Protocols {
		name := strings.ToUpper(p.Type) + " " + p.Version
		res.enabled[name] = p.Enabled == "1"
	}
	for _, c := range doc.Ciphers {
		v := strings.Replace(strings.Replace(c.Version, "TLSv", "TLS ", 1), "SSLv", "SSL ", 1)
		if v == "SSL 3" {
			v = "SSL 3.0"
		}
		name := c.Cipher
		if n, ok := iana[c.Cipher]; ok {
			name = n
		}
		res.suites[v] = append(res.suites[v], name)
	}
	for v := range res.suites {
		slices.Sort(res.suites[v])
	}
	return res
}

// opensslToIANA maps OpenSSL cipher names to IANA names, from openssl
// itself.
func opensslToIANA(t *testing.T) map[string]string {
	t.Helper()
	out, err := exec.Command("openssl", "ciphers", "-V", "-stdname", "ALL:COMPLEMENTOFALL:@SECLEVEL=0").Output()
	if err != nil {
		t.Fatalf("openssl ciphers: %v", err)
	}
	m := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		// 0xC0,0x2B - TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 - ECDHE-ECDSA-AES128-GCM-SHA256 TLSv1.2 ...
		f := strings.Fields(sc.Text())
		if len(f) >= 5 && f[1] == "-" && f[3] == "-" {
			m[f[4]] = f[2]
		}
	}
	return m
}
