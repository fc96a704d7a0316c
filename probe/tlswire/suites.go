package tlswire

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Signalling cipher suite values: codes sent in the suite list that name no
// cipher suite, so they are not in Suites.
const (
	// SCSVRenegotiation is TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746).
	SCSVRenegotiation uint16 = 0x00FF
	// SCSVFallback is TLS_FALLBACK_SCSV (RFC 7507): a server that supports a
	// higher version than the one offered must answer inappropriate_fallback.
	SCSVFallback uint16 = 0x5600
)

// Strength grades a cipher suite for an audit. The rules apply from
// StrengthInsecure upwards and the first that matches wins: a TLS 1.3 suite
// without encryption is insecure, a 3DES suite with forward secrecy weak.
type Strength string

const (
	// StrengthStrong is a TLS 1.3 suite, or an AEAD cipher (GCM, CCM,
	// ChaCha20-Poly1305) with forward secrecy.
	StrengthStrong Strength = "strong"
	// StrengthAcceptable is forward secrecy with a 128-bit block cipher in CBC
	// mode and an HMAC (AES, Camellia, ARIA, SEED).
	StrengthAcceptable Strength = "acceptable"
	// StrengthWeak is a key exchange without forward secrecy (static RSA, DH,
	// ECDH, plain PSK, RSA_PSK, Kerberos, GOST key transport), or a 64-bit
	// block cipher open to Sweet32 (3DES, IDEA).
	StrengthWeak Strength = "weak"
	// StrengthInsecure is no encryption, no authentication (anonymous DH and
	// ECDH, TLS_NULL_WITH_NULL_NULL), an export-grade or otherwise sub-112-bit
	// cipher (DES, RC2, 40- and 56-bit RC4), any RC4, or an MD5 MAC.
	StrengthInsecure Strength = "insecure"
)

// Suite is one entry of the IANA TLS Cipher Suites registry.
type Suite struct {
	Code uint16
	// Name is the IANA name, e.g. "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256".
	Name string
	// KeyExchange is "RSA", "DHE", "ECDHE", "DH", "ECDH", "PSK", "DHE_PSK",
	// "RSA_PSK", "ECDHE_PSK", "SRP", "KRB5", "ECCPWD", "GOST", "NULL",
	// "anon DH", "anon ECDH", or "any" for TLS 1.3 suites.
	KeyExchange string
	// Auth is "RSA", "ECDSA", "DSS", "PSK", "SRP", "KRB5", "ECCPWD",
	// "GOST", "anon", "NULL", or "any" for TLS 1.3 suites.
	Auth string
	// Cipher is the bulk cipher and mode, e.g. "AES_128_GCM",
	// "CHACHA20_POLY1305", "3DES_EDE_CBC", "RC4_128" or "NULL".
	Cipher string
	// Bits is the symmetric key strength: 112 for 3DES, 40 for export
	// ciphers, 0 for NULL.
	Bits int
	// MAC is "SHA", "SHA256", "SHA384", "MD5", "OMAC", "IMIT", "NULL", or
	// "AEAD" when the cipher authenticates.
	MAC string
	// Export marks the export-grade suites (RSA/DH key exchange limited to
	// 512 or 1024 bits and a 40- or 56-bit cipher).
	Export bool
	// Strength is the grade this package gives the suite.
	Strength Strength
}

// TLS13 reports whether the suite is a TLS 1.3 suite, which names no key
// exchange and can be negotiated only at TLS 1.3.
func (s Suite) TLS13() bool { return s.KeyExchange == "any" }

// ForwardSecret reports whether the key exchange is ephemeral, so that a
// later leak of the server's key does not expose recorded sessions.
// Anonymous exchanges report false: an active attacker reads them anyway.
func (s Suite) ForwardSecret() bool {
	switch s.KeyExchange {
	case "DHE", "ECDHE", "DHE_PSK", "ECDHE_PSK", "SRP", "ECCPWD", "any":
		return true
	}
	return false
}

// CodeString returns the code as "0xC02F".
func (s Suite) CodeString() string { return fmt.Sprintf("0x%04X", s.Code) }

// needsTLS12 reports whether the suite uses a TLS 1.2 construction (an AEAD
// cipher, a SHA-2 HMAC or the TLS 1.2 PRF) and so cannot be negotiated at
// SSL 3.0 to TLS 1.1.
func (s Suite) needsTLS12() bool {
	switch s.MAC {
	case "SHA", "MD5", "NULL":
		return false
	}
	return true
}

// grade applies Strength's rules to s, worst first.
func grade(s Suite) Strength {
	fs := s.ForwardSecret()
	switch {
	case s.Bits < 112, s.Cipher == "RC4_128", s.MAC == "MD5", s.Auth == "anon", s.KeyExchange == "NULL":
		return StrengthInsecure
	case s.TLS13():
		return StrengthStrong
	case !fs, s.Cipher == "3DES_EDE_CBC", s.Cipher == "IDEA_CBC":
		return StrengthWeak
	case s.MAC == "AEAD":
		return StrengthStrong
	}
	return StrengthAcceptable
}

// suites is the registry, sorted by code like suiteTable.
var suites = func() []Suite {
	out := make([]Suite, len(suiteTable))
	for i, r := range suiteTable {
		s := Suite{Code: r.code, Name: r.name, KeyExchange: r.kx, Auth: r.auth,
			Cipher: r.cipher, Bits: r.bits, MAC: r.mac, Export: strings.Contains(r.name, "_EXPORT")}
		s.Strength = grade(s)
		out[i] = s
	}
	return out
}()

// Suites returns the whole registry sorted by code.
func Suites() []Suite { return slices.Clone(suites) }

// LookupSuite returns the registry entry for code.
func LookupSuite(code uint16) (Suite, bool) {
	i, ok := slices.BinarySearchFunc(suites, code, func(s Suite, c uint16) int { return cmp.Compare(s.Code, c) })
	if !ok {
		return Suite{}, false
	}
	return suites[i], true
}

// SuiteName returns the IANA name of code, or the code as "0x%04X".
func SuiteName(code uint16) string {
	if s, ok := LookupSuite(code); ok {
		return s.Name
	}
	return fmt.Sprintf("0x%04X", code)
}

// SuitesFor returns, sorted by code, the suites a server could negotiate at
// version: at TLS 1.3 only the TLS 1.3 suites; at TLS 1.2 every other suite;
// at SSL 3.0 to TLS 1.1 those that need no TLS 1.2 construction. Any other
// version (SSL 2.0 has its own cipher specs) gives nil.
func SuitesFor(version uint16) []Suite {
	var keep func(Suite) bool
	switch version {
	case VersionTLS13:
		keep = Suite.TLS13
	case VersionTLS12:
		keep = func(s Suite) bool { return !s.TLS13() }
	case VersionSSL30, VersionTLS10, VersionTLS11:
		keep = func(s Suite) bool { return !s.TLS13() && !s.needsTLS12() }
	default:
		return nil
	}
	var out []Suite
	for _, s := range suites {
		if keep(s) {
			out = append(out, s)
		}
	}
	return out
}
