package tlswire

import (
	"crypto/tls"
	"slices"
	"strings"
	"testing"
)

func TestSuiteRegistry(t *testing.T) {
	all := Suites()
	if len(all) < 350 {
		t.Fatalf("only %d suites", len(all))
	}
	names := map[string]bool{}
	for i, s := range all {
		if i > 0 && all[i-1].Code >= s.Code {
			t.Errorf("%s after %s: not sorted or duplicate", s.CodeString(), all[i-1].CodeString())
		}
		if names[s.Name] {
			t.Errorf("duplicate name %s", s.Name)
		}
		names[s.Name] = true
		if !strings.HasPrefix(s.Name, "TLS_") || s.KeyExchange == "" || s.Auth == "" || s.Cipher == "" || s.MAC == "" || s.Strength == "" {
			t.Errorf("incomplete entry %+v", s)
		}
		if s.TLS13() != (s.Auth == "any") {
			t.Errorf("%s: key exchange %q but auth %q", s.Name, s.KeyExchange, s.Auth)
		}
		if !s.TLS13() && !strings.Contains(s.Name, "_WITH_"+s.Cipher) {
			t.Errorf("%s: cipher %q not in the name", s.Name, s.Cipher)
		}
		if got, ok := LookupSuite(s.Code); !ok || got != s {
			t.Errorf("LookupSuite(%s) = %+v, %v", s.CodeString(), got, ok)
		}
	}
	for _, code := range []uint16{SCSVRenegotiation, SCSVFallback, 0xD004, 0xCC13, 0x001C} {
		if s, ok := LookupSuite(code); ok {
			t.Errorf("LookupSuite(0x%04X) = %s, want none", code, s.Name)
		}
	}
	if got := SuiteName(0xFEFE); got != "0xFEFE" {
		t.Errorf("SuiteName(0xFEFE) = %q", got)
	}
}

func TestSuiteGrades(t *testing.T) {
	tests := []struct {
		code     uint16
		name     string
		strength Strength
		bits     int
		fs       bool
	}{
		{0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", StrengthStrong, 128, true},
		{0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", StrengthStrong, 256, true},
		{0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", StrengthStrong, 128, true},
		{0x1301, "TLS_AES_128_GCM_SHA256", StrengthStrong, 128, true},
		{0x1305, "TLS_AES_128_CCM_8_SHA256", StrengthStrong, 128, true},
		{0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", StrengthAcceptable, 128, true},
		{0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", StrengthAcceptable, 256, true},
		{0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", StrengthWeak, 128, false},
		{0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", StrengthWeak, 128, false},
		{0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", StrengthWeak, 112, false},
		{0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", StrengthWeak, 112, true},
		{0xC031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", StrengthWeak, 128, false},
		{0x00A8, "TLS_PSK_WITH_AES_128_GCM_SHA256", StrengthWeak, 128, false},
		{0x0005, "TLS_RSA_WITH_RC4_128_SHA", StrengthInsecure, 128, false},
		{0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", StrengthInsecure, 128, false},
		{0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", StrengthInsecure, 40, false},
		{0x0009, "TLS_RSA_WITH_DES_CBC_SHA", StrengthInsecure, 56, false},
		{0x0002, "TLS_RSA_WITH_NULL_SHA", StrengthInsecure, 0, false},
		{0xC0B4, "TLS_SHA256_SHA256", StrengthInsecure, 0, true},
		{0x0000, "TLS_NULL_WITH_NULL_NULL", StrengthInsecure, 0, false},
	}
	for _, tc := range tests {
		s, ok := LookupSuite(tc.code)
		if !ok {
			t.Errorf("0x%04X missing", tc.code)
			continue
		}
		if s.Name != tc.name || s.Strength != tc.strength || s.Bits != tc.bits || s.ForwardSecret() != tc.fs {
			t.Errorf("%s: got %s %s, %d bits, forward secret %v; want %s %s, %d bits, %v",
				s.CodeString(), s.Name, s.Strength, s.Bits, s.ForwardSecret(), tc.name, tc.strength, tc.bits, tc.fs)
		}
	}
	if s, _ := LookupSuite(0x0014); !s.Export {
		t.Error("TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA not marked Export")
	}
	if got := (Suite{Code: 0xC02F}).CodeString(); got != "0xC02F" {
		t.Errorf("CodeString = %q", got)
	}
}

// TestGoCipherSuiteNames checks every suite crypto/tls knows against the
// registry.
func TestGoCipherSuiteNames(t *testing.T) {
	for _, cs := range slices.Concat(tls.CipherSuites(), tls.InsecureCipherSuites()) {
		s, ok := LookupSuite(cs.ID)
		if !ok || s.Name != cs.Name {
			t.Errorf("crypto/tls 0x%04X %s: registry has %q (found %v)", cs.ID, cs.Name, s.Name, ok)
		}
	}
}

func TestSuitesFor(t *testing.T) {
	has := func(list []Suite, code uint16) bool {
		return slices.ContainsFunc(list, func(s Suite) bool { return s.Code == code })
	}
	tls13, tls12, tls11, ssl3 := SuitesFor(VersionTLS13), SuitesFor(VersionTLS12), SuitesFor(VersionTLS11), SuitesFor(VersionSSL30)
	for _, s := range tls13 {
		if !s.TLS13() {
			t.Errorf("SuitesFor(TLS 1.3) has %s", s.Name)
		}
	}
	if len(tls13)+len(tls12) != len(Suites()) {
		t.Errorf("TLS 1.3 (%d) and TLS 1.2 (%d) suites do not add up to %d", len(tls13), len(tls12), len(Suites()))
	}
	for _, c := range []struct {
		list []Suite
		name string
		code uint16
		want bool
	}{
		{tls13, "TLS 1.3", 0x1301, true},
		{tls13, "TLS 1.3", 0xC02F, false},
		{tls12, "TLS 1.2", 0x1301, false},
		{tls12, "TLS 1.2", 0xC02F, true},
		{tls12, "TLS 1.2", 0x0005, true},
		{tls11, "TLS 1.1", 0xC013, true},
		{tls11, "TLS 1.1", 0xC02F, false}, // GCM
		{tls11, "TLS 1.1", 0x003C, false}, // SHA256 HMAC
		{tls11, "TLS 1.1", 0xCCA8, false}, // ChaCha20
		{tls11, "TLS 1.1", 0xC09C, false}, // CCM
		{tls11, "TLS 1.1", 0xC050, false}, // ARIA-GCM
		{tls11, "TLS 1.1", 0x0041, true},  // Camellia-CBC-SHA
		{tls11, "TLS 1.1", 0xC100, false}, // GOST
		{ssl3, "SSL 3.0", 0x0003, true},
		{ssl3, "SSL 3.0", 0x0000, true},
	} {
		if has(c.list, c.code) != c.want {
			t.Errorf("SuitesFor(%s) has 0x%04X: %v, want %v", c.name, c.code, !c.want, c.want)
		}
	}
	if !slices.Equal(ssl3, SuitesFor(VersionTLS10)) || SuitesFor(VersionSSL20) != nil || SuitesFor(0x0305) != nil {
		t.Error("SuitesFor: SSL 3.0 and TLS 1.0 differ, or SSL 2.0 / unknown versions give suites")
	}
}

func TestSSLv2Specs(t *testing.T) {
	specs := SSLv2Specs()
	for i, s := range specs {
		if !strings.HasPrefix(s.Name, "SSL_CK_") || s.Bits == 0 || s.Strength() != StrengthInsecure {
			t.Errorf("bad spec %+v", s)
		}
		if i > 0 && specs[i-1].Code >= s.Code {
			t.Errorf("0x%06X after 0x%06X", s.Code, specs[i-1].Code)
		}
		if got := SSLv2SpecName(s.Code); got != s.Name {
			t.Errorf("SSLv2SpecName(0x%06X) = %q", s.Code, got)
		}
	}
	if got := SSLv2SpecName(0x0700C0); got != "SSL_CK_DES_192_EDE3_CBC_WITH_MD5" {
		t.Errorf("SSLv2SpecName(0x0700C0) = %q", got)
	}
	if got := SSLv2SpecName(0xFF0810); got != "0xFF0810" {
		t.Errorf("SSLv2SpecName(0xFF0810) = %q", got)
	}
}

func TestGroups(t *testing.T) {
	all := Groups()
	names := map[string]bool{}
	for i, g := range all {
		if i > 0 && all[i-1].Code >= g.Code {
			t.Errorf("%d after %d", g.Code, all[i-1].Code)
		}
		if g.Name == "" || names[g.Name] {
			t.Errorf("empty or duplicate name for %d", g.Code)
		}
		names[g.Name] = true
	}
	for code, want := range map[uint16]string{
		1: "sect163k1", 22: "secp256k1", 23: "secp256r1", 29: "x25519", 30: "x448", 33: "brainpoolP512r1tls13",
		256: "ffdhe2048", 260: "ffdhe8192", 4587: "SecP256r1MLKEM768", 0x11EC: "X25519MLKEM768", 4589: "SecP384r1MLKEM1024",
		0x1234: "0x1234",
	} {
		if got := GroupName(code); got != want {
			t.Errorf("GroupName(%d) = %q, want %q", code, got, want)
		}
	}
	seen := map[uint16]bool{}
	for _, g := range defaultGroups {
		if _, ok := LookupGroup(g); !ok || seen[g] || g == GroupExplicitPrime || g == GroupExplicitChar2 {
			t.Errorf("default group %d unknown, repeated or a pseudo-group", g)
		}
		seen[g] = true
	}
	if len(defaultGroups) != len(all)-2 {
		t.Errorf("%d default groups, want every one of %d but the two pseudo-groups", len(defaultGroups), len(all))
	}
}

func TestNames(t *testing.T) {
	for v, want := range map[uint16]string{VersionSSL20: "SSL 2.0", VersionSSL30: "SSL 3.0", VersionTLS10: "TLS 1.0",
		VersionTLS11: "TLS 1.1", VersionTLS12: "TLS 1.2", VersionTLS13: "TLS 1.3", 0x7F1C: "0x7F1C"} {
		if got := VersionName(v); got != want {
			t.Errorf("VersionName(0x%04X) = %q, want %q", v, got, want)
		}
	}
	for d, want := range map[uint8]string{40: "handshake_failure", 70: "protocol_version", 80: "internal_error", 200: "alert(200)"} {
		if got := AlertName(d); got != want {
			t.Errorf("AlertName(%d) = %q, want %q", d, got, want)
		}
	}
}
