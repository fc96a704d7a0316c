package rfc2228

import (
	"strconv"
	"strings"
	"time"
)

// RaceSettle is how long a ClientHello that must not meet that race (see
// ReadAsCommand) waits after the 234. ftp-srv 4.6.3 on loopback read as a
// command 141 of 200 ClientHellos sent at once, and none of 200 sent 1 ms
// after the 234; 100 ms leaves room for a loaded server.
const RaceSettle = 100 * time.Millisecond

// handshakeRecord is how every TLS ClientHello starts: a record of content
// type 22 (handshake) and major version 3.
const handshakeRecord = "\x16\x03"

// ReadAsCommand reports whether line, a plaintext reply that came where a
// TLS ServerHello should have, just after a ClientHello sent on a 234, says
// that the server read that ClientHello as an FTP command. A server that
// switches its socket to TLS only once its 234 is written may read a
// ClientHello that arrives first as a command line (ftp-srv answers
// "502 Command not allowed: \x16\x03\x01..."). The reply either quotes
// the ClientHello's first bytes, as servers that echo the command they
// refuse do, or is a refusal of a command: 500, 501 or 502 (RFC 959's
// unknown command, bad argument, not implemented) or 530 (servers that
// answer any command but USER and PASS so before a login). A reply that
// passes is a candidate only: a server that never speaks TLS after its
// 234 answers the same, so the caller confirms the race by a second
// handshake whose ClientHello waits after the 234.
func ReadAsCommand(line string) bool {
	if strings.Contains(line, handshakeRecord) {
		return true
	}
	if len(line) < 4 || (line[3] != ' ' && line[3] != '-') {
		return false
	}
	code, err := strconv.Atoi(line[:3])
	if err != nil {
		return false
	}
	switch code {
	case CodeSyntaxError, CodeArgumentSyntaxError, CodeNotImplemented, CodeNotLoggedIn:
		return true
	}
	return false
}
