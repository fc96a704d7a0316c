package probe

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// The scan's results become findings: each rule on a hand-made scan.
func TestScanFindings(t *testing.T) {
	suite := func(name, kx, strength string) result.Suite {
		return result.Suite{Name: name, KeyExchange: kx, Strength: strength}
	}
	modern := result.VersionScan{Version: "TLS 1.3", Accepted: true, Suites: []result.Suite{suite("TLS_AES_128_GCM_SHA256", "any", "strong")}}
	tests := []struct {
		name     string
		versions []result.VersionScan
		want     []string
	}{
		{"modern", []result.VersionScan{{Version: "TLS 1.2", Accepted: true, ServerPreference: ptr(true),
			Suites: []result.Suite{suite("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "ECDHE", "strong")}}, modern}, nil},
		{"SSL 2.0", []result.VersionScan{{Version: "SSL 2.0", Accepted: true, Suites: []result.Suite{suite("SSL_CK_RC4_128_WITH_MD5", "RSA", "insecure")}}, modern},
			[]string{critical(cause.TLSSSLv2Enabled), critical(cause.TLSWeakCipher), warning(cause.TLSNoForwardSecrecy)}},
		{"SSL 3.0", []result.VersionScan{{Version: "SSL 3.0", Accepted: true, Suites: []result.Suite{suite("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "ECDHE", "acceptable")}}, modern},
			[]string{critical(cause.TLSSSLv3Enabled)}},
		{"legacy TLS 1.0 only", []result.VersionScan{{Version: "TLS 1.0", Accepted: true, ServerPreference: ptr(false), DHBits: 1024, Suites: []result.Suite{
			suite("TLS_DHE_RSA_WITH_AES_128_CBC_SHA", "DHE", "acceptable"),
			suite("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "RSA", "weak"),
		}}, {Version: "TLS 1.3"}},
			[]string{warning(cause.TLSWeakCipher), warning(cause.TLSNoForwardSecrecy), warning(cause.TLSWeakDH), warning(cause.TLSLegacyVersion), info(cause.TLSNoServerPreference), info(cause.TLS13Unsupported)}},
		{"export and 512-bit DH", []result.VersionScan{{Version: "TLS 1.2", Accepted: true, DHBits: 512, Suites: []result.Suite{
			suite("TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", "DHE", "insecure"),
		}}, modern},
			[]string{critical(cause.TLSWeakCipher), critical(cause.TLSWeakDH)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &Config{Clock: time.Now}
			a := newAttempt(cfg, time.Now(), result.ModeExplicit, netip.MustParseAddrPort("127.0.0.1:21"))
			a.scanFindings(&result.TLSScan{Versions: tt.versions})
			var got []string
			for _, f := range collectFindings([]*attempt{a}) {
				got = append(got, string(f.Severity)+":"+f.ID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("findings = %v, want %v", got, tt.want)
			}
		})
	}
}
