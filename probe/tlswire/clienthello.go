package tlswire

import (
	"cmp"
	"crypto/ecdh"
	"crypto/mlkem"
	"crypto/rand"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"golang.org/x/crypto/cryptobyte"
)

// Record and handshake message types, and extension types.
const (
	recordTypeChangeCipherSpec uint8 = 20
	recordTypeAlert            uint8 = 21
	recordTypeHandshake        uint8 = 22

	typeClientHello       uint8 = 1
	typeServerHello       uint8 = 2
	typeCertificate       uint8 = 11
	typeServerKeyExchange uint8 = 12
	typeServerHelloDone   uint8 = 14

	extServerName           uint16 = 0
	extSupportedGroups      uint16 = 10
	extECPointFormats       uint16 = 11
	extSignatureAlgorithms  uint16 = 13
	extPadding              uint16 = 21
	extExtendedMasterSecret uint16 = 23
	extSessionTicket        uint16 = 35
	extSupportedVersions    uint16 = 43
	extPSKKeyExchangeModes  uint16 = 45
	extKeyShare             uint16 = 51
	extRenegotiationInfo    uint16 = 0xFF01
)

// maxPlaintext is the largest record payload (RFC 5246 §6.2.1).
const maxPlaintext = 16384

// modernSignatureSchemes are offered at TLS 1.2 and 1.3: ECDSA, EdDSA,
// RSA-PSS, RSA PKCS #1 v1.5 with SHA-2, and the TLS 1.3 brainpool schemes.
var modernSignatureSchemes = []uint16{
	0x0403, 0x0503, 0x0603, // ecdsa_secp256r1_sha256, _secp384r1_sha384, _secp521r1_sha512
	0x0807, 0x0808, // ed25519, ed448
	0x0804, 0x0805, 0x0806, // rsa_pss_rsae_sha256, _sha384, _sha512
	0x0809, 0x080A, 0x080B, // rsa_pss_pss_sha256, _sha384, _sha512
	0x0401, 0x0501, 0x0601, // rsa_pkcs1_sha256, _sha384, _sha512
	0x081A, 0x081B, 0x081C, // ecdsa_brainpoolP256r1tls13_sha256, P384 _sha384, P512 _sha512
}

// legacySignatureSchemes are the TLS 1.2 hash/signature pairs a current
// client no longer offers, so that old servers still find one they sign with.
var legacySignatureSchemes = []uint16{
	0x0402, 0x0502, 0x0602, // dsa with SHA-256, -384, -512
	0x0301, 0x0302, 0x0303, // rsa, dsa, ecdsa with SHA-224
	0x0201, 0x0202, 0x0203, // rsa_pkcs1_sha1, dsa_sha1, ecdsa_sha1
	0x0101, // rsa with MD5
}

// ClientHello describes a hand-built ClientHello. The private keys behind
// KeyShares are discarded: no handshake is ever completed.
type ClientHello struct {
	// Version is the one version offered, SSL 3.0 to TLS 1.3. TLS 1.3 is
	// offered as legacy_version 0x0303 plus supported_versions {0x0304};
	// lower versions go in legacy_version alone, without supported_versions,
	// so the server cannot pick a higher one. An SSL 3.0 hello carries no
	// extensions (some SSL 3.0 servers reject them) and signals secure
	// renegotiation with the SCSV instead.
	Version uint16
	// Suites are the cipher suites in preference order. Add SCSVFallback to
	// test downgrade protection.
	Suites []uint16
	// ServerName is sent as SNI host_name unless empty or an IP literal.
	ServerName string
	// Groups are the supported_groups; nil offers every real group, modern
	// ones first.
	Groups []uint16
	// KeyShares are the TLS 1.3 key_share entries, each also in Groups:
	// x25519, secp256r1, secp384r1, secp521r1 and the ML-KEM hybrids
	// X25519MLKEM768, SecP256r1MLKEM768 and SecP384r1MLKEM1024. None sends
	// an empty key_share list, which a TLS 1.3 server answers with a
	// HelloRetryRequest naming its group. Ignored below TLS 1.3.
	KeyShares []uint16
	// SignatureSchemes are sent at TLS 1.2 and 1.3; nil offers the modern
	// schemes, plus legacy SHA-1, SHA-224 and MD5 pairs at TLS 1.2.
	SignatureSchemes []uint16
	// Random is the client random; zero means crypto/rand.
	Random [32]byte
	// MinVersion, with Version TLS 1.3, also offers every version down to
	// it (TLS 1.0 to 1.2) in supported_versions, so that the server picks
	// any of them as a real client lets it; Suites may then mix TLS 1.3
	// suites with earlier ones, and nil SignatureSchemes add the legacy
	// TLS 1.2 pairs. Zero offers Version alone; it must be zero with any
	// other Version.
	MinVersion uint16
}

// Marshal returns the ClientHello as one handshake record: record version
// 0x0300 for an SSL 3.0 offer, 0x0301 otherwise. Besides the fields of h, a
// TLS offer carries ec_point_formats, an empty session_ticket,
// extended_master_secret and renegotiation_info, plus psk_key_exchange_modes
// and a 32-byte session ID for TLS 1.3; a hello of 256–511 bytes is padded
// (RFC 7685) past a known F5 bug.
func (h ClientHello) Marshal() ([]byte, error) {
	if h.Version < VersionSSL30 || h.Version > VersionTLS13 {
		return nil, fmt.Errorf("tlswire: a ClientHello cannot offer %s", VersionName(h.Version))
	}
	if len(h.Suites) == 0 {
		return nil, errors.New("tlswire: a ClientHello needs at least one cipher suite")
	}
	if h.MinVersion != 0 && (h.Version != VersionTLS13 || h.MinVersion < VersionTLS10 || h.MinVersion > VersionTLS13) {
		return nil, fmt.Errorf("tlswire: a ClientHello for %s cannot offer down to %s", VersionName(h.Version), VersionName(h.MinVersion))
	}
	random := h.Random
	if random == [32]byte{} {
		rand.Read(random[:])
	}
	var sessionID []byte
	if h.Version == VersionTLS13 {
		sessionID = make([]byte, 32) // RFC 8446 §D.4 middlebox compatibility
		rand.Read(sessionID)
	}
	suites := h.Suites
	var exts []byte
	if h.Version == VersionSSL30 {
		if !slices.Contains(suites, SCSVRenegotiation) {
			suites = append(slices.Clip(suites), SCSVRenegotiation)
		}
	} else {
		var err error
		if exts, err = h.extensions(); err != nil {
			return nil, err
		}
	}
	hello := func(exts []byte) ([]byte, error) {
		b := cryptobyte.NewBuilder(nil)
		b.AddUint8(typeClientHello)
		b.AddUint24LengthPrefixed(func(b *cryptobyte.Builder) {
			b.AddUint16(min(h.Version, VersionTLS12))
			b.AddBytes(random[:])
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(sessionID) })
			b.AddUint16LengthPrefixed(uint16s(suites))
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8(0) }) // null compression
			if h.Version != VersionSSL30 {
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(exts) })
			}
		})
		return b.Bytes()
	}
	msg, err := hello(exts)
	if err != nil {
		return nil, fmt.Errorf("tlswire: building ClientHello: %w", err)
	}
	if h.Version != VersionSSL30 && len(msg) >= 256 && len(msg) < 512 {
		// Like BoringSSL: reach 512 bytes, with at least one byte of padding.
		pad := 512 - len(msg)
		if pad >= 5 {
			pad -= 4
		} else {
			pad = 1
		}
		exts = append(slices.Clip(exts), byte(extPadding>>8), byte(extPadding), byte(pad>>8), byte(pad))
		exts = append(exts, make([]byte, pad)...)
		if msg, err = hello(exts); err != nil {
			return nil, fmt.Errorf("tlswire: building ClientHello: %w", err)
		}
	}
	if len(msg) > maxPlaintext {
		return nil, fmt.Errorf("tlswire: ClientHello of %d bytes does not fit in one record", len(msg))
	}
	recordVersion := VersionTLS10
	if h.Version == VersionSSL30 {
		recordVersion = VersionSSL30
	}
	record := []byte{recordTypeHandshake, byte(recordVersion >> 8), byte(recordVersion), byte(len(msg) >> 8), byte(len(msg))}
	return append(record, msg...), nil
}

// extensions returns the encoded extensions of a TLS 1.0–1.3 hello, without
// the outer length.
func (h ClientHello) extensions() ([]byte, error) {
	groups := h.Groups
	if groups == nil {
		groups = defaultGroups
	}
	schemes := h.SignatureSchemes
	if schemes == nil {
		schemes = modernSignatureSchemes
		if h.Version == VersionTLS12 || h.MinVersion != 0 && h.MinVersion <= VersionTLS12 {
			schemes = slices.Concat(modernSignatureSchemes, legacySignatureSchemes)
		}
	}
	type keyShare struct {
		group uint16
		data  []byte
	}
	var shares []keyShare
	if h.Version == VersionTLS13 {
		for _, g := range h.KeyShares {
			if !slices.Contains(groups, g) {
				return nil, fmt.Errorf("tlswire: key share for %s, which is not in the supported groups", GroupName(g))
			}
			data, err := newKeyShare(g)
			if err != nil {
				return nil, err
			}
			shares = append(shares, keyShare{g, data})
		}
	}

	b := cryptobyte.NewBuilder(nil)
	add := func(typ uint16, body cryptobyte.BuilderContinuation) {
		b.AddUint16(typ)
		b.AddUint16LengthPrefixed(body)
	}
	empty := func(*cryptobyte.Builder) {}
	if name := sniName(h.ServerName); name != "" {
		add(extServerName, func(b *cryptobyte.Builder) {
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
				b.AddUint8(0) // host_name
				b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes([]byte(name)) })
			})
		})
	}
	add(extSupportedGroups, func(b *cryptobyte.Builder) { b.AddUint16LengthPrefixed(uint16s(groups)) })
	add(extECPointFormats, func(b *cryptobyte.Builder) {
		b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8(0) }) // uncompressed
	})
	if h.Version >= VersionTLS12 {
		add(extSignatureAlgorithms, func(b *cryptobyte.Builder) { b.AddUint16LengthPrefixed(uint16s(schemes)) })
	}
	add(extSessionTicket, empty)
	add(extExtendedMasterSecret, empty)
	add(extRenegotiationInfo, func(b *cryptobyte.Builder) { b.AddUint8(0) }) // empty renegotiated_connection
	if h.Version == VersionTLS13 {
		add(extSupportedVersions, func(b *cryptobyte.Builder) {
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) {
				for v := VersionTLS13; v >= cmp.Or(h.MinVersion, VersionTLS13); v-- {
					b.AddUint16(v)
				}
			})
		})
		add(extPSKKeyExchangeModes, func(b *cryptobyte.Builder) {
			b.AddUint8LengthPrefixed(func(b *cryptobyte.Builder) { b.AddUint8(1) }) // psk_dhe_ke
		})
		add(extKeyShare, func(b *cryptobyte.Builder) {
			b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) {
				for _, ks := range shares {
					b.AddUint16(ks.group)
					b.AddUint16LengthPrefixed(func(b *cryptobyte.Builder) { b.AddBytes(ks.data) })
				}
			})
		})
	}
	out, err := b.Bytes()
	if err != nil {
		return nil, fmt.Errorf("tlswire: building ClientHello extensions: %w", err)
	}
	return out, nil
}

// uint16s adds vs as big-endian 16-bit values, for a length-prefixed
// list.
func uint16s(vs []uint16) cryptobyte.BuilderContinuation {
	return func(b *cryptobyte.Builder) {
		for _, v := range vs {
			b.AddUint16(v)
		}
	}
}

// sniName returns the host name to send as SNI, or "" for none: RFC 6066
// §3 forbids IP literals.
func sniName(host string) string {
	host = strings.TrimSuffix(host, ".")
	if _, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		return ""
	}
	return host
}

// newKeyShare returns a fresh public key_exchange value for group. Hybrids
// concatenate as draft-ietf-tls-ecdhe-mlkem says: ML-KEM first for
// X25519MLKEM768, the ECDH point first for the NIST-curve hybrids.
func newKeyShare(group uint16) ([]byte, error) {
	switch group {
	case GroupX25519:
		return ecdhShare(ecdh.X25519())
	case GroupSecp256r1:
		return ecdhShare(ecdh.P256())
	case GroupSecp384r1:
		return ecdhShare(ecdh.P384())
	case GroupSecp521r1:
		return ecdhShare(ecdh.P521())
	case GroupX25519MLKEM768:
		return hybridShare(mlkem768Share, func() ([]byte, error) { return ecdhShare(ecdh.X25519()) })
	case GroupSecP256r1MLKEM768:
		return hybridShare(func() ([]byte, error) { return ecdhShare(ecdh.P256()) }, mlkem768Share)
	case GroupSecP384r1MLKEM1024:
		return hybridShare(func() ([]byte, error) { return ecdhShare(ecdh.P384()) }, mlkem1024Share)
	}
	return nil, fmt.Errorf("tlswire: cannot make a key share for group %s", GroupName(group))
}

// ecdhShare returns the public key of a fresh key pair on curve c. The
// private key is dropped: a probe never finishes the handshake.
func ecdhShare(c ecdh.Curve) ([]byte, error) {
	k, err := c.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("tlswire: generating key share: %w", err)
	}
	return k.PublicKey().Bytes(), nil
}

// mlkem768Share returns a fresh ML-KEM-768 encapsulation key.
func mlkem768Share() ([]byte, error) {
	k, err := mlkem.GenerateKey768()
	if err != nil {
		return nil, fmt.Errorf("tlswire: generating ML-KEM-768 key share: %w", err)
	}
	return k.EncapsulationKey().Bytes(), nil
}

// mlkem1024Share returns a fresh ML-KEM-1024 encapsulation key.
func mlkem1024Share() ([]byte, error) {
	k, err := mlkem.GenerateKey1024()
	if err != nil {
		return nil, fmt.Errorf("tlswire: generating ML-KEM-1024 key share: %w", err)
	}
	return k.EncapsulationKey().Bytes(), nil
}

// hybridShare returns first's share followed by second's.
func hybridShare(first, second func() ([]byte, error)) ([]byte, error) {
	a, err := first()
	if err != nil {
		return nil, err
	}
	b, err := second()
	if err != nil {
		return nil, err
	}
	return append(a, b...), nil
}
