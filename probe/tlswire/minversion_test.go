package tlswire

import (
	"crypto/tls"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// A TLS 1.3 hello with MinVersion offers the lower versions too, as a real
// client does, and the legacy signature pairs they may need.
func TestMarshalMinVersion(t *testing.T) {
	rec, err := ClientHello{Version: VersionTLS13, MinVersion: VersionTLS10, Suites: []uint16{0x1301, 0xC02F, 0x009E},
		KeyShares: []uint16{GroupX25519}, Random: fixedRandom}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	p, _ := parseClientHello(t, rec)
	if want := []uint16{VersionTLS13, VersionTLS12, VersionTLS11, VersionTLS10}; !cmp.Equal(p.SupportedVersions, want) {
		t.Errorf("supported_versions = %04x, want %04x", p.SupportedVersions, want)
	}
	if !cmp.Equal(p.SignatureSchemes, allSigSchemes) {
		t.Errorf("signature schemes = %04x, want the modern and legacy ones", p.SignatureSchemes)
	}
	if p.Version != VersionTLS12 || p.SessionIDLen != 32 || p.KeyShares[GroupX25519] != 32 {
		t.Errorf("legacy_version %04x, session ID %d bytes, key shares %v", p.Version, p.SessionIDLen, p.KeyShares)
	}

	for name, h := range map[string]ClientHello{
		"below TLS 1.3": {Version: VersionTLS12, MinVersion: VersionTLS10, Suites: []uint16{0xC02F}},
		"SSL 3.0":       {Version: VersionTLS13, MinVersion: VersionSSL30, Suites: []uint16{0x1301}},
	} {
		if _, err := h.Marshal(); err == nil {
			t.Errorf("%s: Marshal accepted MinVersion %04x", name, h.MinVersion)
		}
	}
}

// A server that stops at TLS 1.2 picks TLS 1.2 from a mixed offer, one that
// speaks TLS 1.3 picks TLS 1.3.
func TestMinVersionAgainstGo(t *testing.T) {
	for _, tt := range []struct {
		name    string
		max     uint16
		version uint16
		suite   uint16
	}{
		{"TLS 1.2 server", tls.VersionTLS12, VersionTLS12, 0xC02B}, // TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
		{"TLS 1.3 server", tls.VersionTLS13, VersionTLS13, 0x1301},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr := goServer(&tls.Config{MaxVersion: tt.max})(t)
			msg, err := ClientHello{Version: VersionTLS13, MinVersion: VersionTLS12, Suites: []uint16{0x1301, 0xC02B, 0x009E},
				KeyShares: []uint16{GroupX25519}}.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := exchange(t, addr, msg, false)
			if err != nil {
				t.Fatal(err)
			}
			// Go prefers X25519MLKEM768, for which the hello carries no share:
			// a HelloRetryRequest names the suite all the same.
			if got.Kind != KindServerHello && got.Kind != KindHelloRetry || got.Version != tt.version || got.Suite != tt.suite {
				t.Errorf("got %v %s %s, want a ServerHello or HelloRetryRequest at %s with %s", got.Kind, VersionName(got.Version), SuiteName(got.Suite), VersionName(tt.version), SuiteName(tt.suite))
			}
		})
	}
}
