package tlswire

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

var update = flag.Bool("update", false, "re-record the server flights in testdata/ from live servers")

// ecdsaChain is a P-256 leaf and its intermediate, so a Certificate message
// carries two certificates.
var ecdsaChain = sync.OnceValues(func() (tls.Certificate, error) {
	root, err := testcert.NewRoot("tlswire test root")
	if err != nil {
		return tls.Certificate{}, err
	}
	inter, err := root.NewIntermediate("tlswire test intermediate")
	if err != nil {
		return tls.Certificate{}, err
	}
	return inter.Issue(testcert.Options{DNSNames: []string{"ftp.example.test"}})
})

func mustChain(t *testing.T) tls.Certificate {
	t.Helper()
	c, err := ecdsaChain()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// goServer returns a starter for a crypto/tls server that takes one
// connection on 127.0.0.1 and runs one handshake with cfg plus the ECDSA
// chain.
func goServer(cfg *tls.Config) func(t *testing.T) string {
	return func(t *testing.T) string {
		cfg := cfg.Clone()
		cfg.Certificates = []tls.Certificate{mustChain(t)}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			defer conn.Close()
			conn.SetDeadline(time.Now().Add(10 * time.Second))
			tls.Server(conn, cfg).Handshake() // fails when the client hangs up
		}()
		t.Cleanup(func() {
			ln.Close()
			<-done
		})
		return ln.Addr().String()
	}
}

// opensslServer returns a starter for `openssl s_server` with an RSA
// certificate, and with dh1024 a 1024-bit DH group, serving one connection
// on a free loopback port; extra arguments follow.
func opensslServer(dh1024 bool, extra ...string) func(t *testing.T) string {
	return func(t *testing.T) string {
		bin, err := exec.LookPath("openssl")
		if err != nil {
			t.Skip("openssl not installed")
		}
		dir := t.TempDir()
		cert, err := testcert.SelfSigned(testcert.Options{DNSNames: []string{"ftp.example.test"}, RSABits: 2048})
		if err != nil {
			t.Fatal(err)
		}
		keyPEM, err := testcert.KeyPEM(cert)
		if err != nil {
			t.Fatal(err)
		}
		certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
		writeFile(t, certFile, testcert.CertPEM(cert))
		writeFile(t, keyFile, keyPEM)
		args := []string{"s_server", "-naccept", "1", "-www", "-cert", certFile, "-key", keyFile}
		if dh1024 {
			// RFC 5114's 1024-bit group: instant, unlike generating a safe
			// prime, and PKCS #3 encoded, unlike `dhparam -dsaparam` (X9.42),
			// which OpenSSL 3.0's s_server rejects, falling back to 2048 bits.
			dhFile := filepath.Join(dir, "dh.pem")
			if out, err := exec.Command(bin, "genpkey", "-genparam", "-algorithm", "DH",
				"-pkeyopt", "group:dh_1024_160", "-out", dhFile).CombinedOutput(); err != nil {
				t.Fatalf("openssl genpkey: %v\n%s", err, out)
			}
			args = append(args, "-dhparam", dhFile)
		}

		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		cmd := exec.Command(bin, slices.Concat(args, []string{"-accept", addr}, extra)...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			cmd.Process.Kill()
			cmd.Wait()
		})
		// s_server prints ACCEPT once it listens.
		sc := bufio.NewScanner(stdout)
		for sc.Scan() && sc.Text() != "ACCEPT" {
		}
		if sc.Err() != nil || sc.Text() != "ACCEPT" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("openssl s_server did not start: %v\n%s", sc.Err(), stderr.Bytes())
		}
		go io.Copy(io.Discard, stdout)
		return addr
	}
}

func writeFile(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(name, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// exchange sends hello to addr and reads the answer, returning the bytes
// ReadResponse consumed.
func exchange(t *testing.T, addr string, hello []byte, more bool) (Response, []byte, error) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := conn.Write(hello); err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	resp, err := ReadResponse(io.TeeReader(conn, &got), more)
	return resp, got.Bytes(), err
}

// flightCase is a ClientHello sent to a real server. Its answer is recorded
// in testdata/<name>.hex, which TestRecordedFlights parses without a server.
type flightCase struct {
	name   string
	about  string // first line of the recording
	server func(t *testing.T) string
	hello  func() ([]byte, error)
	more   bool
	want   Response // Certificates and Extensions not compared
	certs  int      // len(Certificates)
}

func hello(h ClientHello) func() ([]byte, error) { return h.Marshal }

var flightCases = []flightCase{
	{
		name:   "go-tls13-x25519",
		about:  "Go crypto/tls server; ClientHello TLS 1.3, TLS_AES_256_GCM_SHA384, groups x25519 secp256r1, key share x25519",
		server: goServer(&tls.Config{}),
		hello:  hello(ClientHello{Version: VersionTLS13, Suites: []uint16{0x1302}, ServerName: "ftp.example.test", Groups: []uint16{GroupX25519, GroupSecp256r1}, KeyShares: []uint16{GroupX25519}}),
		more:   true, // nothing more to read at TLS 1.3
		want:   Response{Kind: KindServerHello, Version: VersionTLS13, Suite: 0x1302, Group: GroupX25519},
	},
	{
		name:   "go-tls13-hrr-p256",
		about:  "Go crypto/tls server with CurvePreferences P-256; ClientHello TLS 1.3, groups x25519 secp256r1, no key share",
		server: goServer(&tls.Config{CurvePreferences: []tls.CurveID{tls.CurveP256}}),
		hello:  hello(ClientHello{Version: VersionTLS13, Suites: []uint16{0x1301}, Groups: []uint16{GroupX25519, GroupSecp256r1}}),
		want:   Response{Kind: KindHelloRetry, Version: VersionTLS13, Suite: 0x1301, Group: GroupSecp256r1},
	},
	{
		name:   "go-tls13-hrr-pq",
		about:  "Go crypto/tls server, defaults; ClientHello TLS 1.3, default groups, key share x25519: Go insists on ML-KEM",
		server: goServer(&tls.Config{}),
		hello:  hello(ClientHello{Version: VersionTLS13, Suites: []uint16{0x1301}, KeyShares: []uint16{GroupX25519}}),
		want:   Response{Kind: KindHelloRetry, Version: VersionTLS13, Suite: 0x1301, Group: GroupX25519MLKEM768},
	},
	{
		name:   "go-tls12-ecdhe",
		about:  "Go crypto/tls server with CurvePreferences P-384; ClientHello TLS 1.2, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
		server: goServer(&tls.Config{CurvePreferences: []tls.CurveID{tls.CurveP384}}),
		hello:  hello(ClientHello{Version: VersionTLS12, Suites: []uint16{0xC02B}, ServerName: "ftp.example.test"}),
		more:   true,
		want:   Response{Kind: KindServerHello, Version: VersionTLS12, Suite: 0xC02B, Group: GroupSecp384r1},
		certs:  2,
	},
	{
		name:   "go-tls12-hello-only",
		about:  "Go crypto/tls server; ClientHello TLS 1.2, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, read up to the ServerHello",
		server: goServer(&tls.Config{}),
		hello:  hello(ClientHello{Version: VersionTLS12, Suites: []uint16{0xC02C}}),
		want:   Response{Kind: KindServerHello, Version: VersionTLS12, Suite: 0xC02C},
	},
	{
		name:   "go-tls11-ecdhe-cbc",
		about:  "Go crypto/tls server with MinVersion TLS 1.0; ClientHello TLS 1.1, TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
		server: goServer(&tls.Config{MinVersion: tls.VersionTLS10}),
		hello:  hello(ClientHello{Version: VersionTLS11, Suites: []uint16{0xC009}}),
		more:   true,
		want:   Response{Kind: KindServerHello, Version: VersionTLS11, Suite: 0xC009, Group: GroupX25519},
		certs:  2,
	},
	{
		name:   "go-tls10-below-min",
		about:  "Go crypto/tls server, default MinVersion TLS 1.2; ClientHello TLS 1.0",
		server: goServer(&tls.Config{}),
		hello:  hello(ClientHello{Version: VersionTLS10, Suites: []uint16{0xC009, 0xC013, 0x002F}}),
		want:   Response{Kind: KindAlert, AlertLevel: 2, AlertDescription: 70},
	},
	{
		name:   "go-no-common-suite",
		about:  "Go crypto/tls server; ClientHello TLS 1.2, RC4 and 3DES only",
		server: goServer(&tls.Config{}),
		hello:  hello(ClientHello{Version: VersionTLS12, Suites: []uint16{0x0005, 0x000A}}),
		want:   Response{Kind: KindAlert, AlertLevel: 2, AlertDescription: 40},
	},
	{
		name:   "go-ssl30",
		about:  "Go crypto/tls server; ClientHello SSL 3.0",
		server: goServer(&tls.Config{}),
		hello:  hello(ClientHello{Version: VersionSSL30, Suites: []uint16{0x002F, 0x000A}}),
		want:   Response{Kind: KindAlert, AlertLevel: 2, AlertDescription: 70},
	},
	{
		name:   "go-sslv2",
		about:  "Go crypto/tls server; SSL 2.0 CLIENT-HELLO with every cipher spec",
		server: goServer(&tls.Config{}),
		hello: func() ([]byte, error) {
			var specs []uint32
			for _, s := range SSLv2Specs() {
				specs = append(specs, s.Code)
			}
			return SSLv2ClientHello(specs), nil
		},
		want: Response{Kind: KindAlert, AlertLevel: 2, AlertDescription: 70},
	},
	{
		name:   "openssl-dhe1024",
		about:  "openssl s_server, 1024-bit DH; ClientHello TLS 1.2, TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
		server: opensslServer(true, "-cipher", "DHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0"),
		hello:  hello(ClientHello{Version: VersionTLS12, Suites: []uint16{0x009E}}),
		more:   true,
		want:   Response{Kind: KindServerHello, Version: VersionTLS12, Suite: 0x009E, DHBits: 1024},
		certs:  1,
	},
	{
		name:   "openssl-tls13-hrr",
		about:  "openssl s_server; ClientHello TLS 1.3, default groups, no key share",
		server: opensslServer(false),
		hello:  hello(ClientHello{Version: VersionTLS13, Suites: []uint16{0x1301, 0x1302}}),
		want:   Response{Kind: KindHelloRetry, Version: VersionTLS13, Suite: 0x1301, Group: GroupX25519},
	},
	{
		name:   "openssl-tls10",
		about:  "openssl s_server, default security level 2; ClientHello TLS 1.0 with every TLS 1.0 suite: internal_error, not protocol_version",
		server: opensslServer(false),
		hello:  hello(ClientHello{Version: VersionTLS10, Suites: suiteCodes(VersionTLS10)}),
		want:   Response{Kind: KindAlert, AlertLevel: 2, AlertDescription: 80},
	},
	{
		name:   "openssl-ssl30",
		about:  "openssl s_server; ClientHello SSL 3.0 with every SSL 3.0 suite: handshake_failure, not protocol_version",
		server: opensslServer(false),
		hello:  hello(ClientHello{Version: VersionSSL30, Suites: suiteCodes(VersionSSL30)}),
		want:   Response{Kind: KindAlert, AlertLevel: 2, AlertDescription: 40},
	},
	{
		name:   "openssl-sslv2",
		about:  "openssl s_server; SSL 2.0 CLIENT-HELLO",
		server: opensslServer(false),
		hello: func() ([]byte, error) {
			return SSLv2ClientHello([]uint32{0x010080, 0x0700C0}), nil
		},
		want: Response{Kind: KindAlert, AlertLevel: 2, AlertDescription: 70},
	},
}

// suiteCodes returns the codes of SuitesFor(v).
func suiteCodes(v uint16) []uint16 {
	var out []uint16
	for _, s := range SuitesFor(v) {
		out = append(out, s.Code)
	}
	return out
}

var ignoreCertsAndExtensions = cmpopts.IgnoreFields(Response{}, "Certificates", "Extensions")

// TestLiveServers sends each case's hello to a real server; with -update
// it stores what the server answered.
func TestLiveServers(t *testing.T) {
	for _, tc := range flightCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr := tc.server(t)
			msg, err := tc.hello()
			if err != nil {
				t.Fatal(err)
			}
			got, raw, err := exchange(t, addr, msg, tc.more)
			if err != nil {
				t.Fatalf("ReadResponse: %v (read %q)", err, raw)
			}
			if diff := cmp.Diff(tc.want, got, ignoreCertsAndExtensions); diff != "" {
				t.Errorf("response mismatch (-want +got):\n%s", diff)
			}
			if len(got.Certificates) != tc.certs {
				t.Errorf("got %d certificates, want %d", len(got.Certificates), tc.certs)
			}
			if strings.HasPrefix(tc.name, "go-") && tc.certs > 0 {
				if diff := cmp.Diff(mustChain(t).Certificate, got.Certificates); diff != "" {
					t.Errorf("certificates differ from the server's chain (-want +got):\n%s", diff)
				}
			}
			if *update {
				writeHex(t, tc.name, tc.about, raw)
			}
		})
	}
}

// TestKeySharesAgainstGo checks every key share this package can make
// against a Go server that accepts only that group, which validates the
// share before it answers.
func TestKeySharesAgainstGo(t *testing.T) {
	for _, g := range []tls.CurveID{tls.X25519, tls.CurveP256, tls.CurveP384, tls.CurveP521,
		tls.X25519MLKEM768, tls.SecP256r1MLKEM768, tls.SecP384r1MLKEM1024} {
		t.Run(g.String(), func(t *testing.T) {
			t.Parallel()
			addr := goServer(&tls.Config{CurvePreferences: []tls.CurveID{g}})(t)
			msg, err := ClientHello{Version: VersionTLS13, Suites: []uint16{0x1301}, KeyShares: []uint16{uint16(g)}}.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := exchange(t, addr, msg, false)
			if err != nil {
				t.Fatal(err)
			}
			want := Response{Kind: KindServerHello, Version: VersionTLS13, Suite: 0x1301, Group: uint16(g)}
			if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Response{}, "Extensions")); diff != "" {
				t.Errorf("response mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func hexPath(name string) string { return filepath.Join("testdata", name+".hex") }

// writeHex stores data as hex, 32 bytes a line, after a comment line.
func writeHex(t *testing.T, name, about string, data []byte) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n# %d bytes; regenerate with go test -run TestLiveServers -update\n", about, len(data))
	for len(data) > 0 {
		n := min(len(data), 32)
		b.WriteString(hex.EncodeToString(data[:n]) + "\n")
		data = data[n:]
	}
	writeFile(t, hexPath(name), []byte(b.String()))
}

// readHex reads a file written by writeHex.
func readHex(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(hexPath(name))
	if err != nil {
		t.Fatal(err)
	}
	var h strings.Builder
	for line := range strings.Lines(string(raw)) {
		if !strings.HasPrefix(line, "#") {
			h.WriteString(strings.TrimSpace(line))
		}
	}
	data, err := hex.DecodeString(h.String())
	if err != nil {
		t.Fatalf("%s: %v", hexPath(name), err)
	}
	return data
}
