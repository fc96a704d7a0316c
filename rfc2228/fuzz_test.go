package rfc2228

import (
	"errors"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// readConn is a net.Conn reading from data at most chunk bytes at a time;
// only the methods Conn uses are implemented.
type readConn struct {
	net.Conn
	data  string
	chunk int
}

func (c *readConn) Read(p []byte) (int, error) {
	if c.data == "" {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.chunk)], c.data)
	c.data = c.data[n:]
	return n, nil
}

func (*readConn) Write(p []byte) (int, error) { return len(p), nil }
func (*readConn) SetDeadline(time.Time) error { return nil }

// errorKind classes ReadReply's errors; every error must be one of these.
func errorKind(err error) string {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected EOF"
	case errors.Is(err, io.EOF):
		return "EOF"
	case errors.Is(err, ErrReplyTooLarge):
		return "too large"
	}
	if _, ok := errors.AsType[*ProtocolError](err); ok {
		return "protocol"
	}
	return "other: " + err.Error()
}

func FuzzReadReply(f *testing.F) {
	for _, tt := range vendorTests {
		f.Add(tt.in, uint8(0))
		f.Add(strings.ReplaceAll(tt.in, "\r\n", "\n"), uint8(3))
	}
	f.Add("\x16\x03\x01\x00\x02\x02\x46", uint8(1))
	f.Add("220-"+strings.Repeat("x", 100)+"\r\n", uint8(7))
	f.Add("220-a\r\n220 b", uint8(2))
	f.Add("999 x\r\n2x0\r\n", uint8(0))
	f.Fuzz(func(t *testing.T, in string, chunk uint8) {
		// The replies and the final error must not depend on how the
		// bytes are split into reads.
		read := func(chunk int) ([]Reply, string) {
			c := NewConn(&readConn{data: in, chunk: chunk})
			c.MaxLineLength, c.MaxReplySize = 64, 256
			replies, err := readAll(c)
			for _, r := range replies {
				if r.Code < 100 || r.Code > 699 || len(r.Lines) == 0 || !strings.HasPrefix(r.Lines[0], strconv.Itoa(r.Code)) {
					t.Fatalf("bad reply %q", r.Lines)
				}
				for _, l := range r.Lines {
					if len(l) > c.MaxLineLength {
						t.Fatalf("line of %d bytes", len(l))
					}
				}
			}
			kind := errorKind(err)
			if strings.HasPrefix(kind, "other") {
				t.Fatalf("unexpected error %v", err)
			}
			return replies, kind
		}
		whole, wholeErr := read(len(in) + 1)
		split, splitErr := read(int(chunk%16) + 1)
		if diff := cmp.Diff(whole, split); diff != "" || wholeErr != splitErr {
			t.Fatalf("read whole: %s; read in %d-byte chunks: %s; replies (-whole +split):\n%s",
				wholeErr, chunk%16+1, splitErr, diff)
		}
	})
}

func FuzzParsePASV(f *testing.F) {
	for _, tt := range pasvTests {
		f.Add(tt.r.String())
	}
	f.Fuzz(func(t *testing.T, s string) {
		ap, err := ParsePASV(Reply{Code: CodePassive, Lines: strings.Split(s, "\n")})
		if err == nil && (!ap.Addr().Is4() || ap.Port() == 0) {
			t.Fatalf("ParsePASV(%q) = %v", s, ap)
		}
	})
}

func FuzzParseEPSV(f *testing.F) {
	for _, tt := range epsvTests {
		f.Add(tt.r.String())
	}
	f.Fuzz(func(t *testing.T, s string) {
		port, err := ParseEPSV(Reply{Code: CodeExtendedPassive, Lines: strings.Split(s, "\n")})
		if err == nil && (port < 1 || port > 65535) {
			t.Fatalf("ParseEPSV(%q) = %d", s, port)
		}
	})
}

func FuzzParseFeat(f *testing.F) {
	for _, tt := range vendorTests {
		for _, r := range tt.want {
			f.Add(r.String())
		}
	}
	f.Add("211-Extensions supported\n AUTH tls;TLS-C;SSL;\n auth TLS-P, tls\n211 END")
	f.Fuzz(func(t *testing.T, s string) {
		feat := ParseFeat(Reply{Code: CodeSystemStatus, Lines: strings.Split(s, "\n")})
		mechs := feat.AuthMechanisms()
		if len(mechs) > 0 && !feat.Has("AUTH") {
			t.Fatalf("mechanisms %q without an AUTH feature", mechs)
		}
		for _, m := range mechs {
			if m == "" || m != strings.ToUpper(m) {
				t.Fatalf("mechanism %q", m)
			}
		}
	})
}
