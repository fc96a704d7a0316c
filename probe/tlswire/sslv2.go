package tlswire

import (
	"crypto/rand"
	"fmt"
	"slices"
)

// SSLv2Spec is an SSL 2.0 cipher spec. Every one is insecure: the protocol
// itself is broken (no handshake integrity, DROWN).
type SSLv2Spec struct {
	Code uint32 // three bytes on the wire, e.g. 0x010080
	Name string // e.g. "SSL_CK_RC4_128_WITH_MD5"
	Bits int    // symmetric key strength
}

// sslv2Specs are the draft's seven cipher specs plus SSL_CK_RC4_64_WITH_MD5,
// which OpenSSL also shipped; sorted by code.
var sslv2Specs = []SSLv2Spec{
	{0x010080, "SSL_CK_RC4_128_WITH_MD5", 128},
	{0x020080, "SSL_CK_RC4_128_EXPORT40_WITH_MD5", 40},
	{0x030080, "SSL_CK_RC2_128_CBC_WITH_MD5", 128},
	{0x040080, "SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5", 40},
	{0x050080, "SSL_CK_IDEA_128_CBC_WITH_MD5", 128},
	{0x060040, "SSL_CK_DES_64_CBC_WITH_MD5", 56},
	{0x0700C0, "SSL_CK_DES_192_EDE3_CBC_WITH_MD5", 112},
	{0x080080, "SSL_CK_RC4_64_WITH_MD5", 64},
}

// SSLv2Specs returns the known SSL 2.0 cipher specs sorted by code.
func SSLv2Specs() []SSLv2Spec { return slices.Clone(sslv2Specs) }

// Strength is always StrengthInsecure.
func (SSLv2Spec) Strength() Strength { return StrengthInsecure }

// SSLv2SpecName returns the name of an SSL 2.0 cipher spec, or the code as
// "0x%06X".
func SSLv2SpecName(code uint32) string {
	for _, s := range sslv2Specs {
		if s.Code == code {
			return s.Name
		}
	}
	return fmt.Sprintf("0x%06X", code)
}

// maxSSLv2Specs keeps an SSL 2.0 CLIENT-HELLO within the 2-byte header's
// 15-bit length.
const maxSSLv2Specs = 10000

// SSLv2ClientHello returns an SSL 2.0 CLIENT-HELLO offering specs (at most
// the first 10000) with no session ID and a random 16-byte challenge, framed
// with the 2-byte record header.
func SSLv2ClientHello(specs []uint32) []byte {
	specs = specs[:min(len(specs), maxSSLv2Specs)]
	const challengeLen = 16
	n := 9 + 3*len(specs) + challengeLen
	b := make([]byte, 0, 2+n)
	b = append(b, byte(n>>8)|0x80, byte(n))
	b = append(b, 1, 0x00, 0x02) // CLIENT-HELLO, version 2
	b = append(b, byte(3*len(specs)>>8), byte(3*len(specs)), 0, 0, 0, challengeLen)
	for _, s := range specs {
		b = append(b, byte(s>>16), byte(s>>8), byte(s))
	}
	challenge := make([]byte, challengeLen)
	rand.Read(challenge)
	return append(b, challenge...)
}
