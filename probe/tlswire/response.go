package tlswire

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/cryptobyte"
)

// Limits on what ReadResponse accepts from a server.
const (
	maxRecord       = maxPlaintext + 2048 // TLSCiphertext bound, RFC 5246 §6.2.3
	maxFlight       = 512 << 10           // every byte read
	maxMessage      = 256 << 10           // one handshake message
	maxCertificates = 16                  // kept from one Certificate message
	maxLine         = 512                 // a plaintext reply line
)

var (
	// ErrMalformed reports bytes that break the TLS or SSL 2.0 encoding.
	ErrMalformed = errors.New("malformed TLS data")
	// ErrLimit reports a record, handshake message or flight larger than
	// ReadResponse accepts.
	ErrLimit = errors.New("size limit exceeded")
)

// malformed returns an error wrapping ErrMalformed that says what broke.
func malformed(format string, args ...any) error {
	return fmt.Errorf("tlswire: %s: %w", fmt.Sprintf(format, args...), ErrMalformed)
}

// helloRetryRandom is the ServerHello.random of a HelloRetryRequest
// (RFC 8446 §4.1.3).
var helloRetryRandom = []byte{
	0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
	0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
}

// Kind classifies a server's answer to a ClientHello.
type Kind int

const (
	// KindNone: nothing could be read (the connection closed or the read
	// failed before the first byte).
	KindNone Kind = iota
	// KindServerHello: a TLS or SSL 3.0 ServerHello.
	KindServerHello
	// KindHelloRetry: a TLS 1.3 HelloRetryRequest.
	KindHelloRetry
	// KindAlert: a TLS alert record.
	KindAlert
	// KindPlaintext: a line that looks like an FTP reply ("220 ", "421-").
	KindPlaintext
	// KindSSLv2ServerHello: an SSL 2.0 SERVER-HELLO.
	KindSSLv2ServerHello
	// KindSSLv2Error: an SSL 2.0 ERROR message.
	KindSSLv2Error
	// KindGarbage: anything else.
	KindGarbage
)

var kindNames = [...]string{"none", "server-hello", "hello-retry", "alert", "plaintext", "sslv2-server-hello", "sslv2-error", "garbage"}

// String returns the kind's name, such as "server-hello".
func (k Kind) String() string {
	if k >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Response is what ReadResponse learnt from the server's first flight.
type Response struct {
	// Kind classifies the answer.
	Kind Kind
	// Version is the negotiated version: the supported_versions extension
	// when present, else server_version (0x0002 for SSL 2.0).
	Version uint16
	// Suite is the cipher suite chosen in a ServerHello or HelloRetryRequest.
	Suite uint16
	// Group is a HelloRetryRequest's selected_group, a TLS 1.3 ServerHello's
	// key_share group, or at TLS 1.2 and below the ECDHE group of the
	// ServerKeyExchange (GroupExplicitPrime or GroupExplicitChar2 for
	// explicit curves), when read.
	Group uint16
	// DHBits is the bit length of the DH prime in a TLS 1.2-or-lower
	// ServerKeyExchange, when read.
	DHBits int
	// Extensions are the ServerHello's extension types in order.
	Extensions []uint16
	// AlertLevel and AlertDescription are the alert received: the answer
	// for KindAlert, or one that ended a flight after a ServerHello.
	AlertLevel, AlertDescription uint8
	// Text is the plaintext reply line, or the first bytes of garbage
	// quoted (at most five: a record header's worth).
	Text string
	// SSLv2Specs are the cipher specs of an SSL 2.0 SERVER-HELLO.
	SSLv2Specs []uint32
	// SSLv2Error is the code of an SSL 2.0 ERROR message.
	SSLv2Error uint16
	// Certificates are DER certificates, leaf first, from a TLS
	// 1.2-or-lower Certificate message or an SSL 2.0 SERVER-HELLO, when
	// read; at most 16 are kept.
	Certificates [][]byte
}

// ReadResponse reads from r until it can classify the server's answer to a
// ClientHello. For a ServerHello at TLS 1.2 or below with more set, it reads
// on through the flight (Certificate, ServerKeyExchange, …) to fill
// Certificates, Group and DHBits, and stops at ServerHelloDone. Handshake
// messages may be split across records or share one. It reads at most
// 512 KiB and rejects records above 18 KiB and handshake messages above
// 256 KiB with ErrLimit. The Response holds what was learnt even when the
// error is not nil. Set a deadline on r if it is a connection.
func ReadResponse(r io.Reader, more bool) (Response, error) {
	c := &recordReader{r: r}
	var hdr [5]byte
	n, err := c.readFull(hdr[:])
	head := hdr[:n]
	switch {
	case n == 0:
		return Response{Kind: KindNone}, fmt.Errorf("tlswire: reading the server's answer: %w", err)
	case isReplyStart(head):
		return c.readPlaintext(head), nil
	case err != nil:
		return garbage(head), fmt.Errorf("tlswire: reading a record header: %w", err)
	case hdr[1] == 3 && (hdr[0] == recordTypeAlert || hdr[0] == recordTypeHandshake):
		c.hdr, c.haveHdr = hdr, true
		return c.readTLS(more)
	case hdr[0]&0x80 != 0 && (hdr[2] == 4 || hdr[2] == 0):
		return c.readSSLv2(hdr)
	}
	return garbage(head), nil
}

// isReplyStart reports whether b starts like an RFC 959 reply: three
// digits and a space or hyphen.
func isReplyStart(b []byte) bool {
	if len(b) < 4 || (b[3] != ' ' && b[3] != '-') {
		return false
	}
	for _, c := range b[:3] {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// garbage reports the first bytes read, at most a record header's five.
func garbage(head []byte) Response {
	return Response{Kind: KindGarbage, Text: strconv.Quote(string(head))}
}

// recordReader reads records and handshake messages from r, counting every
// byte against maxFlight.
type recordReader struct {
	r       io.Reader
	n       int     // bytes read so far
	hdr     [5]byte // the latest record header
	haveHdr bool    // hdr is read but its record is not
	hs      []byte  // handshake bytes not yet returned as messages
}

// readFull fills b from the server; it fails with ErrLimit, reading
// nothing, if that would take the flight past maxFlight.
func (c *recordReader) readFull(b []byte) (int, error) {
	if c.n+len(b) > maxFlight {
		return 0, fmt.Errorf("tlswire: server sent more than %d bytes: %w", maxFlight, ErrLimit)
	}
	n, err := io.ReadFull(c.r, b)
	c.n += n
	return n, err
}

// readPlaintext completes the reply line that starts with head.
func (c *recordReader) readPlaintext(head []byte) Response {
	line := head
	var b [1]byte
	for !bytes.ContainsRune(line, '\n') && len(line) < maxLine {
		if _, err := c.readFull(b[:]); err != nil {
			break
		}
		line = append(line, b[0])
	}
	text, _, _ := strings.Cut(string(line), "\n")
	text = strings.ToValidUTF8(strings.TrimSuffix(text, "\r"), string(utf8.RuneError))
	return Response{Kind: KindPlaintext, Text: text}
}

// alertError carries an alert met where a handshake message was expected.
type alertError struct{ level, description uint8 }

// Error names the alert.
func (e alertError) Error() string {
	return fmt.Sprintf("tlswire: alert %s", AlertName(e.description))
}

// nextRecord returns the type and payload of the next record.
func (c *recordReader) nextRecord() (uint8, []byte, error) {
	if !c.haveHdr {
		if _, err := c.readFull(c.hdr[:]); err != nil {
			return 0, nil, fmt.Errorf("tlswire: reading a record header: %w", noEOF(err))
		}
	}
	c.haveHdr = false
	typ, length := c.hdr[0], int(c.hdr[3])<<8|int(c.hdr[4])
	if c.hdr[1] != 3 {
		return 0, nil, malformed("record version 0x%02X%02X", c.hdr[1], c.hdr[2])
	}
	if length > maxRecord {
		return 0, nil, fmt.Errorf("tlswire: record of %d bytes: %w", length, ErrLimit)
	}
	body := make([]byte, length)
	if _, err := c.readFull(body); err != nil {
		return 0, nil, fmt.Errorf("tlswire: reading a record: %w", noEOF(err))
	}
	return typ, body, nil
}

// noEOF turns io.EOF into io.ErrUnexpectedEOF: the server closed before it
// finished what it started.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// nextMessage returns the type and body of the next handshake message, or
// an alertError.
func (c *recordReader) nextMessage() (uint8, []byte, error) {
	for {
		if len(c.hs) >= 4 {
			length := int(c.hs[1])<<16 | int(c.hs[2])<<8 | int(c.hs[3])
			if length > maxMessage {
				return 0, nil, fmt.Errorf("tlswire: handshake message of %d bytes: %w", length, ErrLimit)
			}
			if len(c.hs) >= 4+length {
				typ, body := c.hs[0], c.hs[4:4+length]
				c.hs = c.hs[4+length:]
				return typ, body, nil
			}
		}
		typ, body, err := c.nextRecord()
		if err != nil {
			return 0, nil, err
		}
		switch typ {
		case recordTypeHandshake:
			c.hs = append(c.hs, body...)
		case recordTypeAlert:
			if len(body) < 2 {
				return 0, nil, malformed("alert record of %d bytes", len(body))
			}
			return 0, nil, alertError{body[0], body[1]}
		case recordTypeChangeCipherSpec:
			// TLS 1.3 middlebox compatibility; carries nothing we need.
		default:
			return 0, nil, malformed("record type %d during the handshake", typ)
		}
	}
}

// readTLS reads a ServerHello or alert whose record header is in c.hdr,
// and with more the rest of a TLS 1.2-or-lower flight.
func (c *recordReader) readTLS(more bool) (Response, error) {
	first := c.hdr
	typ, body, err := c.nextMessage()
	if a, ok := errors.AsType[alertError](err); ok {
		return Response{Kind: KindAlert, AlertLevel: a.level, AlertDescription: a.description}, nil
	}
	if err != nil {
		return garbage(first[:]), err
	}
	if typ != typeServerHello {
		return garbage(first[:]), malformed("handshake message type %d where a ServerHello belongs", typ)
	}
	resp, err := parseServerHello(body)
	if err != nil || resp.Kind == KindHelloRetry || !more || resp.Version < VersionSSL30 || resp.Version > VersionTLS12 {
		return resp, err
	}
	for {
		typ, body, err := c.nextMessage()
		if a, ok := errors.AsType[alertError](err); ok {
			resp.AlertLevel, resp.AlertDescription = a.level, a.description
			return resp, nil
		}
		if err != nil {
			return resp, fmt.Errorf("tlswire: reading the server's flight after ServerHello: %w", err)
		}
		switch typ {
		case typeCertificate:
			err = resp.parseCertificate(body)
		case typeServerKeyExchange:
			err = resp.parseServerKeyExchange(body)
		case typeServerHelloDone:
			return resp, nil
		}
		if err != nil {
			return resp, err
		}
	}
}

// parseServerHello reads a ServerHello body: the version (from
// supported_versions when present), the suite, the key share's group and
// the extension types. A HelloRetryRequest is told by its fixed random.
func parseServerHello(body []byte) (Response, error) {
	resp := Response{Kind: KindServerHello}
	s := cryptobyte.String(body)
	var random, sessionID, exts cryptobyte.String
	var compression uint8
	if !s.ReadUint16(&resp.Version) || !s.ReadBytes((*[]byte)(&random), 32) ||
		!s.ReadUint8LengthPrefixed(&sessionID) || len(sessionID) > 32 ||
		!s.ReadUint16(&resp.Suite) || !s.ReadUint8(&compression) {
		return resp, malformed("ServerHello truncated")
	}
	if bytes.Equal(random, helloRetryRandom) {
		resp.Kind = KindHelloRetry
	}
	if s.Empty() { // SSL 3.0 and early TLS servers may omit extensions
		return resp, nil
	}
	if !s.ReadUint16LengthPrefixed(&exts) || !s.Empty() {
		return resp, malformed("ServerHello extensions")
	}
	for !exts.Empty() {
		var typ uint16
		var data cryptobyte.String
		if !exts.ReadUint16(&typ) || !exts.ReadUint16LengthPrefixed(&data) {
			return resp, malformed("ServerHello extensions")
		}
		resp.Extensions = append(resp.Extensions, typ)
		switch typ {
		case extSupportedVersions:
			if !data.ReadUint16(&resp.Version) {
				return resp, malformed("supported_versions")
			}
		case extKeyShare: // selected_group, or the group of the server's share
			if !data.ReadUint16(&resp.Group) {
				return resp, malformed("key_share")
			}
		}
	}
	return resp, nil
}

// parseCertificate keeps the DER certificates of a Certificate message,
// the first maxCertificates of them.
func (resp *Response) parseCertificate(body []byte) error {
	s := cryptobyte.String(body)
	var list cryptobyte.String
	if !s.ReadUint24LengthPrefixed(&list) || !s.Empty() {
		return malformed("Certificate message")
	}
	for !list.Empty() {
		var der cryptobyte.String
		if !list.ReadUint24LengthPrefixed(&der) || der.Empty() {
			return malformed("Certificate message")
		}
		if len(resp.Certificates) < maxCertificates {
			resp.Certificates = append(resp.Certificates, bytes.Clone(der))
		}
	}
	return nil
}

// parseServerKeyExchange reads the DH prime size or the ECDH group from a
// ServerKeyExchange, as the negotiated suite's key exchange lays it out.
// Other key exchanges are left alone.
func (resp *Response) parseServerKeyExchange(body []byte) error {
	suite, ok := LookupSuite(resp.Suite)
	if !ok {
		return nil
	}
	s := cryptobyte.String(body)
	var hint cryptobyte.String
	switch suite.KeyExchange {
	case "DHE_PSK", "ECDHE_PSK":
		if !s.ReadUint16LengthPrefixed(&hint) {
			return malformed("ServerKeyExchange PSK identity hint")
		}
	}
	switch suite.KeyExchange {
	case "DHE", "anon DH", "DHE_PSK":
		var p cryptobyte.String
		if !s.ReadUint16LengthPrefixed(&p) {
			return malformed("ServerKeyExchange DH prime")
		}
		resp.DHBits = bitLen(p)
	case "ECDHE", "anon ECDH", "ECDHE_PSK":
		var curveType uint8
		if !s.ReadUint8(&curveType) {
			return malformed("ServerKeyExchange curve type")
		}
		switch curveType {
		case 1:
			resp.Group = GroupExplicitPrime
		case 2:
			resp.Group = GroupExplicitChar2
		case 3:
			if !s.ReadUint16(&resp.Group) {
				return malformed("ServerKeyExchange named curve")
			}
		default:
			return malformed("ServerKeyExchange curve type %d", curveType)
		}
	}
	return nil
}

// bitLen returns the bit length of the big-endian unsigned integer b.
func bitLen(b []byte) int {
	b = bytes.TrimLeft(b, "\x00")
	if len(b) == 0 {
		return 0
	}
	return 8*(len(b)-1) + bits.Len8(b[0])
}

// readSSLv2 reads an SSL 2.0 SERVER-HELLO or ERROR whose 2-byte header and
// first three body bytes are in hdr.
func (c *recordReader) readSSLv2(hdr [5]byte) (Response, error) {
	length := int(hdr[0]&0x7F)<<8 | int(hdr[1])
	if length < 3 {
		return garbage(hdr[:]), malformed("SSL 2.0 record of %d bytes", length)
	}
	msg := make([]byte, length)
	copy(msg, hdr[2:])
	if _, err := c.readFull(msg[3:]); err != nil {
		return garbage(hdr[:]), fmt.Errorf("tlswire: reading an SSL 2.0 message: %w", noEOF(err))
	}
	s := cryptobyte.String(msg[1:])
	if msg[0] == 0 {
		resp := Response{Kind: KindSSLv2Error}
		if !s.ReadUint16(&resp.SSLv2Error) {
			return resp, malformed("SSL 2.0 ERROR")
		}
		return resp, nil
	}
	resp := Response{Kind: KindSSLv2ServerHello}
	var hit, certType uint8
	var certLen, specsLen, idLen uint16
	var cert, specs []byte
	if !s.ReadUint8(&hit) || !s.ReadUint8(&certType) || !s.ReadUint16(&resp.Version) ||
		!s.ReadUint16(&certLen) || !s.ReadUint16(&specsLen) || !s.ReadUint16(&idLen) ||
		!s.ReadBytes(&cert, int(certLen)) || !s.ReadBytes(&specs, int(specsLen)) || specsLen%3 != 0 {
		return resp, malformed("SSL 2.0 SERVER-HELLO")
	}
	if len(cert) > 0 {
		resp.Certificates = [][]byte{bytes.Clone(cert)}
	}
	for i := 0; i < len(specs); i += 3 {
		resp.SSLv2Specs = append(resp.SSLv2Specs, uint32(specs[i])<<16|uint32(specs[i+1])<<8|uint32(specs[i+2]))
	}
	return resp, nil
}
