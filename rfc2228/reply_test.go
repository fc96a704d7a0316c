package rfc2228

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// crlf joins lines as a server sends them.
func crlf(lines ...string) string {
	return strings.Join(lines, "\r\n") + "\r\n"
}

func reply(code int, lines ...string) Reply {
	return Reply{Code: code, Lines: lines}
}

// Each case is what one server sends on connecting and in answer to FEAT.
var vendorTests = []struct {
	name string
	in   string
	want []Reply
}{
	// vsftpd 3.0.3 (Debian).
	{
		name: "vsftpd",
		in: crlf("220 (vsFTPd 3.0.3)",
			"211-Features:", " AUTH TLS", " EPRT", " EPSV", " MDTM", " PASV", " PBSZ", " PROT",
			" REST STREAM", " SIZE", " TVFS", " UTF8", "211 End"),
		want: []Reply{
			reply(220, "220 (vsFTPd 3.0.3)"),
			reply(211, "211-Features:", " AUTH TLS", " EPRT", " EPSV", " MDTM", " PASV", " PBSZ", " PROT",
				" REST STREAM", " SIZE", " TVFS", " UTF8", "211 End"),
		},
	},
	// ProFTPD 1.3.8 with mod_tls: DisplayConnect gives a multi-line 220
	// whose inner lines start with a space, sent one line per write.
	{
		name: "ProFTPD",
		in: crlf("220-Welcome to the ftpsdiag test server",
			" Unauthorized access is prohibited.",
			"220 ProFTPD Server (Debian) [127.0.0.1]",
			"211-Features:", " AUTH TLS", " CCC", " PBSZ", " PROT", " LANG en-US*",
			" MFF modify;UNIX.group;UNIX.mode;", " MFMT",
			" MLST modify*;perm*;size*;type*;unique*;UNIX.group*;UNIX.groupname*;UNIX.mode*;UNIX.owner*;UNIX.ownername*;",
			" SITE MKDIR", " SITE RMDIR", " SITE UTIME", " SITE SYMLINK", " SIZE", "211 End"),
		want: []Reply{
			reply(220, "220-Welcome to the ftpsdiag test server",
				" Unauthorized access is prohibited.",
				"220 ProFTPD Server (Debian) [127.0.0.1]"),
			reply(211, "211-Features:", " AUTH TLS", " CCC", " PBSZ", " PROT", " LANG en-US*",
				" MFF modify;UNIX.group;UNIX.mode;", " MFMT",
				" MLST modify*;perm*;size*;type*;unique*;UNIX.group*;UNIX.groupname*;UNIX.mode*;UNIX.owner*;UNIX.ownername*;",
				" SITE MKDIR", " SITE RMDIR", " SITE UTIME", " SITE SYMLINK", " SIZE", "211 End"),
		},
	},
	// Pure-FTPd 1.0.50: every banner line carries "220-".
	{
		name: "Pure-FTPd",
		in: crlf("220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------",
			"220-You are user number 1 of 50 allowed.",
			"220-Local time is now 20:31. Server port: 21.",
			"220-This is a private system - No anonymous login",
			"220 You will be disconnected after 15 minutes of inactivity.",
			"211-Extensions supported:", " UTF8", " EPRT", " IDLE", " MDTM", " SIZE", " MFMT", " REST STREAM",
			" MLST type*;size*;sizd*;modify*;UNIX.mode*;UNIX.uid*;UNIX.gid*;unique*;",
			" MLSD", " PRET", " AUTH TLS", " PBSZ", " PROT", " TVFS", " ESTA", " PASV", " EPSV", "211 End."),
		want: []Reply{
			reply(220, "220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------",
				"220-You are user number 1 of 50 allowed.",
				"220-Local time is now 20:31. Server port: 21.",
				"220-This is a private system - No anonymous login",
				"220 You will be disconnected after 15 minutes of inactivity."),
			reply(211, "211-Extensions supported:", " UTF8", " EPRT", " IDLE", " MDTM", " SIZE", " MFMT", " REST STREAM",
				" MLST type*;size*;sizd*;modify*;UNIX.mode*;UNIX.uid*;UNIX.gid*;unique*;",
				" MLSD", " PRET", " AUTH TLS", " PBSZ", " PROT", " TVFS", " ESTA", " PASV", " EPSV", "211 End."),
		},
	},
	// pyftpdlib 1.5: one AUTH line per mechanism.
	{
		name: "pyftpdlib",
		in: crlf("220 pyftpdlib 1.5.7 ready.",
			"211-Features supported:", " AUTH SSL", " AUTH TLS", " EPRT", " EPSV", " MDTM", " MFMT",
			" MLST type*;perm*;size*;modify*;unique*;unix.mode;unix.uid;unix.gid;",
			" PBSZ", " PROT", " REST STREAM", " SIZE", " TVFS", " UTF8", "211 End FEAT.",
			"234 AUTH TLS successful."),
		want: []Reply{
			reply(220, "220 pyftpdlib 1.5.7 ready."),
			reply(211, "211-Features supported:", " AUTH SSL", " AUTH TLS", " EPRT", " EPSV", " MDTM", " MFMT",
				" MLST type*;perm*;size*;modify*;unique*;unix.mode;unix.uid;unix.gid;",
				" PBSZ", " PROT", " REST STREAM", " SIZE", " TVFS", " UTF8", "211 End FEAT."),
			reply(234, "234 AUTH TLS successful."),
		},
	},
	// RFC 959 §4.2: inside a multi-line reply, lines with other codes,
	// the same code and a hyphen, or a bare code are text.
	{
		name: "inner lines with other codes",
		in:   crlf("214-The following commands are recognized:", "200 is not the end", "214-nor is this", "214", "  ABOR ACCT", "214 Help OK."),
		want: []Reply{
			reply(214, "214-The following commands are recognized:", "200 is not the end", "214-nor is this", "214", "  ABOR ACCT", "214 Help OK."),
		},
	},
	// RFC 2228 protected replies and a bare code with no text.
	{
		name: "protected reply and bare code",
		in:   crlf("631 Zm9vYmFy", "200"),
		want: []Reply{reply(631, "631 Zm9vYmFy"), reply(200, "200")},
	},
}

func TestReadReplyVendors(t *testing.T) {
	for _, tt := range vendorTests {
		for _, delivery := range []struct {
			name  string
			in    string
			chunk int
		}{
			{"CRLF", tt.in, 0},
			{"bare LF", strings.ReplaceAll(tt.in, "\r\n", "\n"), 0},
			{"one byte per write", tt.in, 1},
			{"7 bytes per write", tt.in, 7},
		} {
			t.Run(tt.name+"/"+delivery.name, func(t *testing.T) {
				c := serve(t, delivery.in, delivery.chunk)
				got, err := readAll(c)
				if !errors.Is(err, io.EOF) {
					t.Errorf("after the last reply: err = %v, want io.EOF", err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("replies (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// readAll reads replies until an error, which it returns.
func readAll(c *Conn) ([]Reply, error) {
	var replies []Reply
	for {
		r, err := c.ReadReply(context.Background())
		if err != nil {
			return replies, err
		}
		replies = append(replies, r)
	}
}

func TestReadReplyErrors(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		open     bool // the server stays connected after sending in
		want     Reply
		wantErr  error // checked with errors.Is unless nil
		protocol bool  // a *ProtocolError
		wantSeen string
	}{
		{name: "garbage", in: "hello world\r\n", protocol: true, wantSeen: "hello world\r\n"},
		{name: "TLS alert, no line end", in: "\x15\x03\x01\x00\x02\x02\x46", open: true, protocol: true, wantSeen: "\x15\x03\x01\x00\x02\x02\x46"},
		{name: "TLS handshake record", in: "\x16\x03\x03\x00\x7a\x02\x00\x00\x76\x03\x03", open: true, protocol: true, wantSeen: "\x16\x03\x03\x00\x7a\x02\x00\x00\x76\x03\x03"},
		{name: "SSH banner", in: "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", open: true, protocol: true, wantSeen: "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"},
		{name: "HTTP", in: "HTTP/1.1 400 Bad Request\r\n\r\n", protocol: true, wantSeen: "HTTP/1.1 400 Bad Request\r\n\r\n"},
		{name: "empty line", in: "\r\n220 ok\r\n", protocol: true, wantSeen: "\r\n220 ok\r\n"},
		{name: "code 999", in: "999 what\r\n", protocol: true, wantSeen: "999 what\r\n"},
		{name: "code 099", in: "099 what\r\n", protocol: true, wantSeen: "099 what\r\n"},
		{name: "code 2x0", in: "2x0 what\r\n", protocol: true, wantSeen: "2x0 what\r\n"},
		{name: "short code", in: "22\r\n", protocol: true, wantSeen: "22\r\n"},
		{name: "bad separator", in: "220_ready\r\n", protocol: true, wantSeen: "220_ready\r\n"},
		{name: "EOF before any byte", in: "", wantErr: io.EOF},
		{name: "EOF inside a line", in: "220 rea", wantErr: io.ErrUnexpectedEOF},
		{name: "EOF after CR", in: "220 ready\r", wantErr: io.ErrUnexpectedEOF},
		{
			name:    "EOF inside a multi-line reply",
			in:      crlf("220-Welcome", " more"),
			want:    reply(220, "220-Welcome", " more"),
			wantErr: io.ErrUnexpectedEOF,
		},
		{
			name:    "EOF inside a line of a multi-line reply",
			in:      "220-Welcome\r\n220 rea",
			want:    reply(220, "220-Welcome"),
			wantErr: io.ErrUnexpectedEOF,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := serveConn(t, tt.in, 0, tt.open)
			got, err := c.ReadReply(context.Background())
			if err == nil {
				t.Fatalf("got %q, want an error", got.Lines)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("err = %v, want %v", err, tt.wantErr)
			}
			if pe, ok := errors.AsType[*ProtocolError](err); ok != tt.protocol {
				t.Errorf("err = %v, is *ProtocolError: %v, want %v", err, ok, tt.protocol)
			} else if ok && string(pe.Seen) != tt.wantSeen {
				t.Errorf("Seen = %q, want %q", pe.Seen, tt.wantSeen)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("partial reply (-want +got):\n%s", diff)
			}
		})
	}
}

func TestForeignProtocolReason(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\x16\x03\x01", "not an FTP reply: TLS record"},
		{"SSH-2.0-x\r\n", "not an FTP reply: SSH banner"},
		{"HTTP/1.0 200 OK\r\n", "not an FTP reply: HTTP response"},
		{"<html>\r\n", "not an FTP reply: unexpected data"},
	}
	for _, tt := range tests {
		c := serve(t, tt.in, 0)
		_, err := c.ReadReply(context.Background())
		pe, ok := errors.AsType[*ProtocolError](err)
		if !ok || pe.Reason != tt.want {
			t.Errorf("%q: err = %v, want reason %q", tt.in, err, tt.want)
		}
	}
}

func TestReplyMethods(t *testing.T) {
	tests := []struct {
		r        Reply
		text     string
		str      string
		positive bool
	}{
		{reply(220, "220 (vsFTPd 3.0.3)"), "(vsFTPd 3.0.3)", "220 (vsFTPd 3.0.3)", true},
		{reply(220, "220"), "", "220", true},
		{reply(150, "150 Here comes the directory listing."), "Here comes the directory listing.", "150 Here comes the directory listing.", true},
		{reply(331, "331 Please specify the password."), "Please specify the password.", "331 Please specify the password.", true},
		{
			reply(220, "220-Welcome", " second line", "220 ready"),
			"Welcome\n second line\nready",
			"220-Welcome\n second line\n220 ready",
			true,
		},
		{
			reply(220, "220---------- Welcome ----------", "220-You are user number 1 of 50 allowed.", "220 Bye."),
			"--------- Welcome ----------\n220-You are user number 1 of 50 allowed.\nBye.",
			"220---------- Welcome ----------\n220-You are user number 1 of 50 allowed.\n220 Bye.",
			true,
		},
		{reply(421, "421 Too many users"), "Too many users", "421 Too many users", false},
		{reply(522, "522 Data connections must be encrypted."), "Data connections must be encrypted.", "522 Data connections must be encrypted.", false},
		{reply(632, "632 Zm9v"), "Zm9v", "632 Zm9v", false},
		{Reply{}, "", "", false},
	}
	for _, tt := range tests {
		if got := tt.r.Text(); got != tt.text {
			t.Errorf("%q.Text() = %q, want %q", tt.r.Lines, got, tt.text)
		}
		if got := tt.r.String(); got != tt.str {
			t.Errorf("%q.String() = %q, want %q", tt.r.Lines, got, tt.str)
		}
		if got := tt.r.Positive(); got != tt.positive {
			t.Errorf("%q.Positive() = %v, want %v", tt.r.Lines, got, tt.positive)
		}
	}
}

func TestMeaning(t *testing.T) {
	tests := []struct {
		code int
		want string
	}{
		{CodeAuthOK, "security exchange complete (AUTH accepted)"},
		{CodeServiceReady, "service ready for new user"},
		{CodeSecurityResourceMissing, "needed security resource unavailable (e.g. no certificate loaded)"},
		{CodeNetworkProtocolNotSupported, "data connection TLS failed or refused; after EPRT/EPSV: network protocol not supported"},
		{CodePolicyDenied, "request denied for policy reasons"},
		{CodeConfidential, "confidentiality-protected reply"},
		{199, "positive preliminary"},
		{299, "positive completion"},
		{399, "positive intermediate"},
		{499, "transient negative completion"},
		{599, "permanent negative completion"},
		{699, "protected reply"},
		{700, "unknown reply code"},
		{99, "unknown reply code"},
		{-1, "unknown reply code"},
	}
	for _, tt := range tests {
		if got := Meaning(tt.code); got != tt.want {
			t.Errorf("Meaning(%d) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

// Every code FTPS.md §2 and RFC 959 give the tool has its own meaning.
func TestMeaningKnowsCodes(t *testing.T) {
	codes := []int{110, 120, 125, 150, 200, 202, 211, 212, 213, 214, 215, 220, 221, 225, 226, 227, 228, 229,
		230, 232, 234, 235, 250, 257, 331, 332, 334, 335, 336, 350, 421, 425, 426, 431, 450, 451, 452,
		500, 501, 502, 503, 504, 521, 522, 530, 532, 533, 534, 535, 536, 537, 550, 551, 552, 553, 631, 632, 633}
	for _, code := range codes {
		if _, ok := meanings[code]; !ok {
			t.Errorf("Meaning(%d) = %q, the meaning of its class", code, Meaning(code))
		}
	}
}

// A reply with nothing after its code keeps its trailing space through
// ReadReply, so that TextMissing can tell "200 " (which Commons Net
// refuses as truncated) from "200  " and "200 PBSZ=0".
func TestTextMissing(t *testing.T) {
	c := serve(t, "200 \r\n200\r\n200  \r\n200 PBSZ=0\r\n211-Features:\r\n211 \r\n", 0)
	got, err := readAll(c)
	if !errors.Is(err, io.EOF) {
		t.Fatalf("err = %v, want io.EOF", err)
	}
	want := []bool{true, true, false, false, false}
	if len(got) != len(want) {
		t.Fatalf("read %d replies, want %d: %q", len(got), len(want), got)
	}
	for i, r := range got {
		if r.TextMissing() != want[i] {
			t.Errorf("%q.TextMissing() = %v, want %v", r.Lines, r.TextMissing(), want[i])
		}
	}
}
