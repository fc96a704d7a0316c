package tlswire

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRecordedFlights parses the server flights TestLiveServers recorded
// and checks that ReadResponse consumed exactly what it read live.
func TestRecordedFlights(t *testing.T) {
	for _, tc := range flightCases {
		t.Run(tc.name, func(t *testing.T) {
			r := bytes.NewReader(readHex(t, tc.name))
			got, err := ReadResponse(r, tc.more)
			if err != nil {
				t.Fatalf("ReadResponse: %v", err)
			}
			if diff := cmp.Diff(tc.want, got, ignoreCertsAndExtensions); diff != "" {
				t.Errorf("response mismatch (-want +got):\n%s", diff)
			}
			if len(got.Certificates) != tc.certs {
				t.Errorf("got %d certificates, want %d", len(got.Certificates), tc.certs)
			}
			if r.Len() != 0 {
				t.Errorf("%d recorded bytes left unread", r.Len())
			}
		})
	}
}

// TestRecordedExtensions checks the ServerHello extensions of two
// recordings: both servers confirm secure renegotiation and EMS.
func TestRecordedExtensions(t *testing.T) {
	for name, want := range map[string][]uint16{
		"go-tls12-ecdhe":  {extSessionTicket, extRenegotiationInfo, extExtendedMasterSecret, extECPointFormats, extServerName},
		"openssl-dhe1024": {extRenegotiationInfo, extSessionTicket, extExtendedMasterSecret},
		"go-tls13-x25519": {extSupportedVersions, extKeyShare},
	} {
		got, err := ReadResponse(bytes.NewReader(readHex(t, name)), true)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if diff := cmp.Diff(want, got.Extensions); diff != "" {
			t.Errorf("%s: extensions (-want +got):\n%s", name, diff)
		}
	}
}

// TestFragmentation re-frames recorded flights: one message over many
// records, and many messages in one record, must read the same.
func TestFragmentation(t *testing.T) {
	for _, name := range []string{"go-tls12-ecdhe", "go-tls11-ecdhe-cbc", "openssl-dhe1024"} {
		flight := readHex(t, name)
		want, err := ReadResponse(bytes.NewReader(flight), true)
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range []int{1, 3, 100, maxPlaintext} {
			got, err := ReadResponse(bytes.NewReader(refragment(t, flight, size)), true)
			if err != nil {
				t.Errorf("%s in %d-byte records: %v", name, size, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s in %d-byte records (-whole +fragmented):\n%s", name, size, diff)
			}
		}
	}
}

// record frames payload as one record of type typ.
func record(typ uint8, payload []byte) []byte {
	return append([]byte{typ, 3, 3, byte(len(payload) >> 8), byte(len(payload))}, payload...)
}

// refragment re-frames the handshake bytes of a recorded flight into
// records of at most size bytes.
func refragment(t *testing.T, flight []byte, size int) []byte {
	t.Helper()
	var hs []byte
	for len(flight) > 0 {
		if len(flight) < 5 || flight[0] != recordTypeHandshake {
			t.Fatalf("refragment: not a handshake record: %x", flight[:min(len(flight), 5)])
		}
		n := int(flight[3])<<8 | int(flight[4])
		hs, flight = append(hs, flight[5:5+n]...), flight[5+n:]
	}
	var out []byte
	for len(hs) > 0 {
		n := min(len(hs), size)
		out, hs = append(out, record(recordTypeHandshake, hs[:n])...), hs[n:]
	}
	return out
}

// checkErr reports err unless it matches want with errors.Is; want nil
// means no error.
func checkErr(t *testing.T, err, want error) {
	t.Helper()
	if want == nil && err != nil || want != nil && !errors.Is(err, want) {
		t.Errorf("error = %v, want %v", err, want)
	}
}

// hsMsg frames a handshake message.
func hsMsg(typ uint8, body []byte) []byte {
	n := len(body)
	return append([]byte{typ, byte(n >> 16), byte(n >> 8), byte(n)}, body...)
}

// ext encodes one extension.
func ext(typ uint16, data ...byte) []byte {
	return append([]byte{byte(typ >> 8), byte(typ), byte(len(data) >> 8), byte(len(data))}, data...)
}

// serverHello builds a ServerHello message; exts nil leaves out the
// extensions block entirely.
func serverHello(version, suite uint16, random []byte, exts [][]byte) []byte {
	b := []byte{byte(version >> 8), byte(version)}
	b = append(b, random...)
	b = append(b, 0, byte(suite>>8), byte(suite), 0)
	if exts != nil {
		all := slices.Concat(exts...)
		b = append(b, byte(len(all)>>8), byte(len(all)))
		b = append(b, all...)
	}
	return hsMsg(typeServerHello, b)
}

var (
	random32 = bytes.Repeat([]byte{0xAB}, 32)
	sh12     = record(recordTypeHandshake, serverHello(VersionTLS12, 0xC02F, random32, [][]byte{ext(extRenegotiationInfo, 0)}))
	shDone   = record(recordTypeHandshake, hsMsg(typeServerHelloDone, nil))
)

func shWith(suite uint16, msgs ...[]byte) []byte {
	hs := slices.Concat(serverHello(VersionTLS12, suite, random32, [][]byte{}), slices.Concat(msgs...), hsMsg(typeServerHelloDone, nil))
	return record(recordTypeHandshake, hs)
}

func certificateMsg(certs ...[]byte) []byte {
	var list []byte
	for _, c := range certs {
		list = append(list, byte(len(c)>>16), byte(len(c)>>8), byte(len(c)))
		list = append(list, c...)
	}
	return hsMsg(typeCertificate, append([]byte{byte(len(list) >> 16), byte(len(list) >> 8), byte(len(list))}, list...))
}

func sslv2ServerHello(cert []byte, specs []byte) []byte {
	body := []byte{4, 0, 1, 0x00, 0x02, byte(len(cert) >> 8), byte(len(cert)), byte(len(specs) >> 8), byte(len(specs)), 0, 16}
	body = slices.Concat(body, cert, specs, bytes.Repeat([]byte{7}, 16))
	return append([]byte{0x80 | byte(len(body)>>8), byte(len(body))}, body...)
}

// syntheticCases are hand-built answers, including hostile ones.
var syntheticCases = []struct {
	name    string
	in      []byte
	more    bool
	want    Response
	wantErr error
}{
	// Plaintext: an FTP server on the port, or one refusing before TLS.
	{name: "vsftpd banner", in: []byte("220 (vsFTPd 3.0.3)\r\n"),
		want: Response{Kind: KindPlaintext, Text: "220 (vsFTPd 3.0.3)"}},
	{name: "too many users, then close", in: []byte("421 Too many users"),
		want: Response{Kind: KindPlaintext, Text: "421 Too many users"}},
	{name: "multi-line reply, first line only", in: []byte("220-Welcome\r\n220 ready\r\n"),
		want: Response{Kind: KindPlaintext, Text: "220-Welcome"}},
	{name: "endless line", in: []byte("220 " + strings.Repeat("x", 2000)),
		want: Response{Kind: KindPlaintext, Text: "220 " + strings.Repeat("x", maxLine-4)}},
	{name: "invalid UTF-8", in: []byte("220 caf\xe9\r\n"),
		want: Response{Kind: KindPlaintext, Text: "220 caf\uFFFD"}},

	// Not TLS, not FTP.
	{name: "SSH banner", in: []byte("SSH-2.0-OpenSSH_9.6\r\n"),
		want: Response{Kind: KindGarbage, Text: `"SSH-2"`}},
	{name: "binary", in: []byte{0, 1, 2, 3, 4, 5},
		want: Response{Kind: KindGarbage, Text: `"\x00\x01\x02\x03\x04"`}},
	{name: "application data first", in: record(23, []byte("hi")),
		want: Response{Kind: KindGarbage, Text: `"\x17\x03\x03\x00\x02"`}},
	{name: "nothing", in: nil,
		want: Response{Kind: KindNone}, wantErr: io.EOF},
	{name: "two bytes", in: []byte{0x16, 0x03},
		want: Response{Kind: KindGarbage, Text: `"\x16\x03"`}, wantErr: io.ErrUnexpectedEOF},

	// Alerts.
	{name: "fatal alert", in: record(recordTypeAlert, []byte{2, 40}),
		want: Response{Kind: KindAlert, AlertLevel: 2, AlertDescription: 40}},
	{name: "warning alert", in: record(recordTypeAlert, []byte{1, 112}),
		want: Response{Kind: KindAlert, AlertLevel: 1, AlertDescription: 112}},
	{name: "one-byte alert", in: record(recordTypeAlert, []byte{2}),
		want: Response{Kind: KindGarbage, Text: `"\x15\x03\x03\x00\x01"`}, wantErr: ErrMalformed},

	// Broken or oversized records.
	{name: "record over 18 KiB", in: []byte{0x16, 0x03, 0x03, 0x48, 0x01},
		want: Response{Kind: KindGarbage, Text: `"\x16\x03\x03H\x01"`}, wantErr: ErrLimit},
	{name: "truncated record", in: append([]byte{0x16, 0x03, 0x03, 0x00, 0x64}, make([]byte, 10)...),
		want: Response{Kind: KindGarbage, Text: `"\x16\x03\x03\x00d"`}, wantErr: io.ErrUnexpectedEOF},
	{name: "handshake message over 256 KiB", in: record(recordTypeHandshake, []byte{2, 0x10, 0, 0}),
		want: Response{Kind: KindGarbage, Text: `"\x16\x03\x03\x00\x04"`}, wantErr: ErrLimit},
	{name: "handshake message cut short", in: record(recordTypeHandshake, []byte{2, 0, 0, 100, 3, 3}),
		want: Response{Kind: KindGarbage, Text: `"\x16\x03\x03\x00\x06"`}, wantErr: io.ErrUnexpectedEOF},
	{name: "Certificate first", in: record(recordTypeHandshake, certificateMsg([]byte{1})),
		want: Response{Kind: KindGarbage, Text: `"\x16\x03\x03\x00\v"`}, wantErr: ErrMalformed},
	{name: "ServerHello too short", in: record(recordTypeHandshake, hsMsg(typeServerHello, []byte{3, 3})),
		want: Response{Kind: KindServerHello, Version: VersionTLS12}, wantErr: ErrMalformed},
	{name: "ServerHello with a broken extension", in: record(recordTypeHandshake,
		serverHello(VersionTLS12, 0xC02F, random32, [][]byte{{0xFF, 0x01, 0x00, 0x09}})),
		want: Response{Kind: KindServerHello, Version: VersionTLS12, Suite: 0xC02F}, wantErr: ErrMalformed},

	// ServerHellos.
	{name: "SSL 3.0 without extensions", in: record(recordTypeHandshake, serverHello(VersionSSL30, 0x000A, random32, nil)),
		want: Response{Kind: KindServerHello, Version: VersionSSL30, Suite: 0x000A}},
	{name: "HelloRetryRequest", in: record(recordTypeHandshake, serverHello(VersionTLS12, 0x1303, helloRetryRandom,
		[][]byte{ext(extSupportedVersions, 3, 4), ext(extKeyShare, 0, 23)})),
		more: true,
		want: Response{Kind: KindHelloRetry, Version: VersionTLS13, Suite: 0x1303, Group: 23, Extensions: []uint16{43, 51}}},

	// The rest of a TLS 1.2 flight.
	{name: "alert after ServerHello", in: slices.Concat(sh12, record(recordTypeAlert, []byte{2, 40})), more: true,
		want: Response{Kind: KindServerHello, Version: VersionTLS12, Suite: 0xC02F, Extensions: []uint16{0xFF01}, AlertLevel: 2, AlertDescription: 40}},
	{name: "close after ServerHello", in: sh12, more: true,
		want:    Response{Kind: KindServerHello, Version: VersionTLS12, Suite: 0xC02F, Extensions: []uint16{0xFF01}},
		wantErr: io.ErrUnexpectedEOF},
	{name: "ChangeCipherSpec skipped", in: slices.Concat(sh12, record(recordTypeChangeCipherSpec, []byte{1}), shDone), more: true,
		want: Response{Kind: KindServerHello, Version: VersionTLS12, Suite: 0xC02F, Extensions: []uint16{0xFF01}}},
	{name: "record version 2.0 mid-flight", in: slices.Concat(sh12, []byte{0x16, 0x02, 0x00, 0x00, 0x00}), more: true,
		want:    Response{Kind: KindServerHello, Version: VersionTLS12, Suite: 0xC02F, Extensions: []uint16{0xFF01}},
		wantErr: ErrMalformed},
	{name: "explicit prime curve", in: shWith(0xC02F, hsMsg(typeServerKeyExchange, []byte{1, 0xFF})), more: true,
		want: Response{Kind: KindServerHello, Version: VersionTLS12, Suite: 0xC02F, Group: GroupExplicitPrime}},
	{name: "ECDHE_PSK with identity hint", in: shWith(0xC035, hsMsg(typeServerKeyExchange, []byte{0, 3, 'a', 'b', 'c', 3, 0, 23, 1, 4})), more: true,
		want: Response{Kind: KindServerHello, Version: VersionTLS12, Suite: 0xC035, Group: 23}},
	{name: "DHE_PSK, prime with a leading zero", in: shWith(0x0090, hsMsg(typeServerKeyExchange, []byte{0, 0, 0, 3, 0, 1, 0xFF})), more: true,
		want: Response{Kind: KindServerHello, Version: VersionTLS12, Suite: 0x0090, DHBits: 9}},
	{name: "DHE ServerKeyExchange cut short", in: shWith(0x009E, hsMsg(typeServerKeyExchange, []byte{0, 200, 1})), more: true,
		want:    Response{Kind: KindServerHello, Version: VersionTLS12, Suite: 0x009E},
		wantErr: ErrMalformed},
	{name: "unknown curve type", in: shWith(0xC02F, hsMsg(typeServerKeyExchange, []byte{9})), more: true,
		want:    Response{Kind: KindServerHello, Version: VersionTLS12, Suite: 0xC02F},
		wantErr: ErrMalformed},
	{name: "RSA key exchange ignores ServerKeyExchange", in: shWith(0x002F, hsMsg(typeServerKeyExchange, []byte{9})), more: true,
		want: Response{Kind: KindServerHello, Version: VersionTLS12, Suite: 0x002F}},
	{name: "17 certificates, 16 kept", in: shWith(0x002F, certificateMsg(slices.Repeat([][]byte{{0x30}}, 17)...)), more: true,
		want: Response{Kind: KindServerHello, Version: VersionTLS12, Suite: 0x002F, Certificates: slices.Repeat([][]byte{{0x30}}, 16)}},
	{name: "empty certificate", in: shWith(0x002F, certificateMsg(nil)), more: true,
		want:    Response{Kind: KindServerHello, Version: VersionTLS12, Suite: 0x002F},
		wantErr: ErrMalformed},

	// SSL 2.0.
	{name: "SSL 2.0 SERVER-HELLO", in: sslv2ServerHello([]byte{0x30, 0x00}, []byte{1, 0, 0x80, 7, 0, 0xC0}),
		want: Response{Kind: KindSSLv2ServerHello, Version: VersionSSL20, SSLv2Specs: []uint32{0x010080, 0x0700C0}, Certificates: [][]byte{{0x30, 0x00}}}},
	{name: "SSL 2.0 NO-CIPHER-ERROR", in: []byte{0x80, 0x03, 0x00, 0x00, 0x01},
		want: Response{Kind: KindSSLv2Error, SSLv2Error: 1}},
	{name: "SSL 2.0 SERVER-HELLO with a bad spec list", in: sslv2ServerHello(nil, []byte{1, 0}),
		want: Response{Kind: KindSSLv2ServerHello, Version: VersionSSL20}, wantErr: ErrMalformed},
	{name: "SSL 2.0 SERVER-HELLO cut short", in: sslv2ServerHello(nil, []byte{1, 0, 0x80})[:8],
		want: Response{Kind: KindGarbage, Text: `"\x80\x1e\x04\x00\x01"`}, wantErr: io.ErrUnexpectedEOF},
}

func TestReadResponseSynthetic(t *testing.T) {
	for _, tc := range syntheticCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadResponse(bytes.NewReader(tc.in), tc.more)
			checkErr(t, err, tc.wantErr)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("response mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// endless yields a ServerHello, then handshake messages forever.
type endless struct {
	pending []byte
	n       int
}

func (e *endless) Read(p []byte) (int, error) {
	if len(e.pending) == 0 {
		e.pending = record(recordTypeHandshake, hsMsg(99, make([]byte, 1000)))
	}
	n := copy(p, e.pending)
	e.pending = e.pending[n:]
	e.n += n
	return n, nil
}

func TestReadResponseStopsAtFlightLimit(t *testing.T) {
	r := &endless{pending: sh12}
	got, err := ReadResponse(r, true)
	if !errors.Is(err, ErrLimit) {
		t.Errorf("error = %v, want ErrLimit", err)
	}
	if got.Kind != KindServerHello || got.Suite != 0xC02F {
		t.Errorf("lost the ServerHello: %+v", got)
	}
	if r.n > maxFlight {
		t.Errorf("read %d bytes, limit %d", r.n, maxFlight)
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{KindNone: "none", KindHelloRetry: "hello-retry", KindGarbage: "garbage", Kind(42): "Kind(42)"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}
