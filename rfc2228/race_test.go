package rfc2228

import "testing"

func TestReadAsCommand(t *testing.T) {
	for _, tc := range []struct {
		line string
		want bool
	}{
		// ftp-srv 4.6.3 on loopback, its socket switched after the 234
		// was written: the ClientHello's first bytes echoed.
		{"502 Command not allowed: \x16\x03\x01\x05\xef\xbf\xbd\x01\x00\x05\xef\xbf\xbd\x03\x03J\x19", true},
		// Refusals that quote nothing: what a server that does not echo
		// says to a command it does not know.
		{"500 Syntax error, command unrecognized.", true},
		{"501 Syntax error in parameters or arguments.", true},
		{"502 Command not implemented.", true},
		{"530 Please login with USER and PASS.", true},
		// Replies that say something else after a ClientHello: a limit,
		// a TLS failure told in clear, a greeting.
		{"421 TLS handshake failed", false},
		{"500OOPS", false},
		{"220 ftpstest ready", false},
		{"534 Policy requires SSL.", false},
		{"", false},
	} {
		if got := ReadAsCommand(tc.line); got != tc.want {
			t.Errorf("ReadAsCommand(%q) = %v, want %v", tc.line, got, tc.want)
		}
	}
}
