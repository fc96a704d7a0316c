package tlswire

import (
	"bytes"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/cryptobyte"
)

// parsedHello is what parseClientHello finds in Marshal's output.
type parsedHello struct {
	RecordVersion, Version uint16
	Random                 []byte
	SessionIDLen           int
	Suites                 []uint16
	HasExtensions          bool
	Extensions             []uint16 // types in order
	ServerName             string
	Groups                 []uint16
	SignatureSchemes       []uint16
	SupportedVersions      []uint16
	KeyShares              map[uint16]int // group → key_exchange length
}

// parseClientHello decodes a ClientHello record without crypto/tls.
func parseClientHello(t *testing.T, rec []byte) (parsedHello, int) {
	t.Helper()
	var p parsedHello
	s := cryptobyte.String(rec)
	var typ, hsType uint8
	var body, msg, sid, suites, comp, exts cryptobyte.String
	if !s.ReadUint8(&typ) || typ != recordTypeHandshake || !s.ReadUint16(&p.RecordVersion) ||
		!s.ReadUint16LengthPrefixed(&body) || !s.Empty() {
		t.Fatalf("bad record framing: %x", rec[:min(len(rec), 5)])
	}
	msgLen := len(body)
	if !body.ReadUint8(&hsType) || hsType != typeClientHello || !body.ReadUint24LengthPrefixed(&msg) || !body.Empty() {
		t.Fatal("bad handshake framing")
	}
	if !msg.ReadUint16(&p.Version) || !msg.ReadBytes(&p.Random, 32) || !msg.ReadUint8LengthPrefixed(&sid) ||
		!msg.ReadUint16LengthPrefixed(&suites) || !msg.ReadUint8LengthPrefixed(&comp) || !bytes.Equal(comp, []byte{0}) {
		t.Fatal("bad ClientHello")
	}
	p.SessionIDLen = len(sid)
	p.Suites = readUint16s(t, suites)
	if msg.Empty() {
		return p, msgLen
	}
	p.HasExtensions = true
	if !msg.ReadUint16LengthPrefixed(&exts) || !msg.Empty() {
		t.Fatal("bad extensions block")
	}
	for !exts.Empty() {
		var et uint16
		var data, list cryptobyte.String
		if !exts.ReadUint16(&et) || !exts.ReadUint16LengthPrefixed(&data) {
			t.Fatal("bad extension")
		}
		p.Extensions = append(p.Extensions, et)
		switch et {
		case extServerName:
			var nameType uint8
			var name cryptobyte.String
			if !data.ReadUint16LengthPrefixed(&list) || !list.ReadUint8(&nameType) || nameType != 0 ||
				!list.ReadUint16LengthPrefixed(&name) || !list.Empty() {
				t.Fatal("bad server_name")
			}
			p.ServerName = string(name)
		case extSupportedGroups, extSignatureAlgorithms:
			if !data.ReadUint16LengthPrefixed(&list) {
				t.Fatalf("bad extension %d", et)
			}
			if et == extSupportedGroups {
				p.Groups = readUint16s(t, list)
			} else {
				p.SignatureSchemes = readUint16s(t, list)
			}
		case extSupportedVersions:
			if !data.ReadUint8LengthPrefixed(&list) {
				t.Fatal("bad supported_versions")
			}
			p.SupportedVersions = readUint16s(t, list)
		case extKeyShare:
			p.KeyShares = map[uint16]int{}
			if !data.ReadUint16LengthPrefixed(&list) {
				t.Fatal("bad key_share")
			}
			for !list.Empty() {
				var g uint16
				var ke cryptobyte.String
				if !list.ReadUint16(&g) || !list.ReadUint16LengthPrefixed(&ke) {
					t.Fatal("bad key_share entry")
				}
				p.KeyShares[g] = len(ke)
			}
		}
	}
	return p, msgLen
}

func readUint16s(t *testing.T, s cryptobyte.String) []uint16 {
	t.Helper()
	var out []uint16
	for !s.Empty() {
		var v uint16
		if !s.ReadUint16(&v) {
			t.Fatal("odd-length uint16 list")
		}
		out = append(out, v)
	}
	return out
}

var (
	fixedRandom   = [32]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}
	allSigSchemes = slices.Concat(modernSignatureSchemes, legacySignatureSchemes)
	tls12Exts     = []uint16{extServerName, extSupportedGroups, extECPointFormats, extSignatureAlgorithms, extSessionTicket, extExtendedMasterSecret, extRenegotiationInfo}
)

func TestMarshal(t *testing.T) {
	tests := []struct {
		name  string
		hello ClientHello
		want  parsedHello
	}{
		{
			name: "TLS 1.3 with hybrid and classic key shares",
			hello: ClientHello{Version: VersionTLS13, Suites: []uint16{0x1301, 0x1303}, ServerName: "ftp.example.test.",
				Groups: []uint16{GroupX25519MLKEM768, GroupX25519, GroupSecp384r1}, KeyShares: []uint16{GroupX25519MLKEM768, GroupX25519, GroupSecp384r1}},
			want: parsedHello{RecordVersion: VersionTLS10, Version: VersionTLS12, SessionIDLen: 32, Suites: []uint16{0x1301, 0x1303},
				HasExtensions: true, Extensions: append(slices.Clone(tls12Exts), extSupportedVersions, extPSKKeyExchangeModes, extKeyShare),
				ServerName: "ftp.example.test", Groups: []uint16{GroupX25519MLKEM768, GroupX25519, GroupSecp384r1},
				SignatureSchemes: modernSignatureSchemes, SupportedVersions: []uint16{VersionTLS13},
				KeyShares: map[uint16]int{GroupX25519MLKEM768: 1184 + 32, GroupX25519: 32, GroupSecp384r1: 97}},
		},
		{
			name:  "TLS 1.3 with an empty key_share",
			hello: ClientHello{Version: VersionTLS13, Suites: []uint16{0x1302}, Groups: []uint16{GroupSecp256r1}},
			want: parsedHello{RecordVersion: VersionTLS10, Version: VersionTLS12, SessionIDLen: 32, Suites: []uint16{0x1302},
				HasExtensions: true, Extensions: append(slices.Clone(tls12Exts[1:]), extSupportedVersions, extPSKKeyExchangeModes, extKeyShare),
				Groups: []uint16{GroupSecp256r1}, SignatureSchemes: modernSignatureSchemes, SupportedVersions: []uint16{VersionTLS13},
				KeyShares: map[uint16]int{}},
		},
		{
			name:  "TLS 1.2 to an IPv4 address",
			hello: ClientHello{Version: VersionTLS12, Suites: []uint16{0xC02F, 0x009E}, ServerName: "192.0.2.7"},
			want: parsedHello{RecordVersion: VersionTLS10, Version: VersionTLS12, Suites: []uint16{0xC02F, 0x009E},
				HasExtensions: true, Extensions: tls12Exts[1:], Groups: defaultGroups, SignatureSchemes: allSigSchemes},
		},
		{
			name:  "TLS 1.0 to an IPv6 address",
			hello: ClientHello{Version: VersionTLS10, Suites: []uint16{0x002F}, ServerName: "[2001:db8::1]", Groups: []uint16{GroupSecp256r1}, KeyShares: []uint16{30}},
			want: parsedHello{RecordVersion: VersionTLS10, Version: VersionTLS10, Suites: []uint16{0x002F}, HasExtensions: true,
				Extensions: []uint16{extSupportedGroups, extECPointFormats, extSessionTicket, extExtendedMasterSecret, extRenegotiationInfo},
				Groups:     []uint16{GroupSecp256r1}},
		},
		{
			name:  "SSL 3.0",
			hello: ClientHello{Version: VersionSSL30, Suites: []uint16{0x000A, 0x0005}, ServerName: "ftp.example.test"},
			want:  parsedHello{RecordVersion: VersionSSL30, Version: VersionSSL30, Suites: []uint16{0x000A, 0x0005, SCSVRenegotiation}},
		},
		{
			name:  "SSL 3.0 with the SCSV already offered",
			hello: ClientHello{Version: VersionSSL30, Suites: []uint16{SCSVRenegotiation, 0x000A}},
			want:  parsedHello{RecordVersion: VersionSSL30, Version: VersionSSL30, Suites: []uint16{SCSVRenegotiation, 0x000A}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.hello.Random = fixedRandom
			rec, err := tc.hello.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			got, _ := parseClientHello(t, rec)
			tc.want.Random = fixedRandom[:]
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ClientHello mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMarshalPadding checks that no hello lands in 256–511 bytes, which
// some F5 devices cannot parse.
func TestMarshalPadding(t *testing.T) {
	padded := 0
	for n := 1; n < 300; n++ {
		for _, v := range []uint16{VersionTLS10, VersionTLS12, VersionTLS13} {
			h := ClientHello{Version: v, Suites: make([]uint16, n), Groups: []uint16{GroupX25519}, SignatureSchemes: []uint16{0x0403}}
			rec, err := h.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			p, msgLen := parseClientHello(t, rec)
			if msgLen >= 256 && msgLen < 512 {
				t.Fatalf("%s hello with %d suites is %d bytes", VersionName(v), n, msgLen)
			}
			if slices.Contains(p.Extensions, extPadding) {
				padded++
				if msgLen < 512 || msgLen > 512+4 {
					t.Fatalf("%s hello with %d suites padded to %d bytes", VersionName(v), n, msgLen)
				}
			}
		}
	}
	if padded == 0 {
		t.Error("no hello was padded")
	}
}

func TestMarshalRandom(t *testing.T) {
	a, err := ClientHello{Version: VersionTLS12, Suites: []uint16{0xC02F}}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	b, err := ClientHello{Version: VersionTLS12, Suites: []uint16{0xC02F}}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, b) {
		t.Error("two hellos with a zero Random are identical")
	}
}

func TestMarshalErrors(t *testing.T) {
	for name, h := range map[string]ClientHello{
		"SSL 2.0":                           {Version: VersionSSL20, Suites: []uint16{0x002F}},
		"unknown version":                   {Version: 0x0305, Suites: []uint16{0x1301}},
		"no suites":                         {Version: VersionTLS12},
		"key share for x448":                {Version: VersionTLS13, Suites: []uint16{0x1301}, Groups: []uint16{30}, KeyShares: []uint16{30}},
		"key share for a group not offered": {Version: VersionTLS13, Suites: []uint16{0x1301}, Groups: []uint16{GroupSecp256r1}, KeyShares: []uint16{GroupX25519}},
		"more than a record":                {Version: VersionTLS12, Suites: make([]uint16, 9000)},
		"more groups than a list holds":     {Version: VersionTLS12, Suites: []uint16{0xC02F}, Groups: make([]uint16, 40000)},
	} {
		if rec, err := h.Marshal(); err == nil {
			t.Errorf("%s: Marshal returned %d bytes and no error", name, len(rec))
		}
	}
}

func TestSSLv2ClientHello(t *testing.T) {
	for _, n := range []int{0, 2, 8, maxSSLv2Specs + 5} {
		specs := make([]uint32, n)
		for i := range specs {
			specs[i] = 0x0700C0 + uint32(i)
		}
		b := SSLv2ClientHello(specs)
		sent := min(n, maxSSLv2Specs)
		want := slices.Concat(
			[]byte{0x80 | byte((9+3*sent+16)>>8), byte(9 + 3*sent + 16)},
			[]byte{1, 0, 2, byte(3 * sent >> 8), byte(3 * sent), 0, 0, 0, 16})
		if len(b) != 2+9+3*sent+16 || !bytes.Equal(b[:11], want) {
			t.Fatalf("%d specs: header %x, want %x (length %d)", n, b[:min(len(b), 11)], want, len(b))
		}
		for i := range sent {
			got := uint32(b[11+3*i])<<16 | uint32(b[12+3*i])<<8 | uint32(b[13+3*i])
			if got != specs[i] {
				t.Fatalf("%d specs: spec %d = %06x, want %06x", n, i, got, specs[i])
			}
		}
	}
}
