// Package rfc2228 speaks the FTP control connection: RFC 959 replies and
// commands, the RFC 2228 and RFC 4217 security commands, RFC 2389 FEAT and
// RFC 2428 extended passive mode.
package rfc2228

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Reply is one FTP reply, single- or multi-line.
type Reply struct {
	Code  int      // 3-digit code
	Lines []string // every line exactly as received, CRLF stripped
}

// Text returns the message: the lines joined by "\n", with the leading
// "ddd-" or "ddd " removed from the first and the last line.
func (r Reply) Text() string {
	if len(r.Lines) == 0 {
		return ""
	}
	lines := slices.Clone(r.Lines)
	lines[0] = r.stripCode(lines[0])
	if last := len(lines) - 1; last > 0 {
		lines[last] = r.stripCode(lines[last])
	}
	return strings.Join(lines, "\n")
}

// stripCode removes "ddd " or "ddd-" from a line starting with the
// reply's code; other lines are text and stay whole.
func (r Reply) stripCode(line string) string {
	code := strconv.Itoa(r.Code)
	rest, ok := strings.CutPrefix(line, code)
	if !ok {
		return line
	}
	switch {
	case rest == "":
		return ""
	case rest[0] == ' ' || rest[0] == '-':
		return rest[1:]
	}
	return line
}

// String returns the raw lines joined by "\n".
func (r Reply) String() string {
	return strings.Join(r.Lines, "\n")
}

// TextMissing reports a one-line reply with nothing after its code ("200 "
// or "200"): RFC 959 §4.2 asks for text, and strict parsers (Apache
// Commons Net's, by default) reject such a reply as truncated. Lines keep
// what was received, so the absence survives parsing.
func (r Reply) TextMissing() bool {
	return len(r.Lines) == 1 && len(r.Lines[0]) <= len("200 ")
}

// Positive reports a 1xx, 2xx or 3xx reply.
func (r Reply) Positive() bool {
	return r.Code >= 100 && r.Code < 400
}

// ErrReplyTooLarge reports a reply line longer than Conn.MaxLineLength or a
// reply longer than Conn.MaxReplySize. It comes inside a *ProtocolError.
var ErrReplyTooLarge = errors.New("FTP reply too large")

// maxSeen caps ProtocolError.Seen.
const maxSeen = 4096

// ProtocolError reports bytes from the server that are not an RFC 959 reply,
// or a reply beyond the size limits.
type ProtocolError struct {
	Reason string
	// Seen holds at most 4 KiB of what the server sent: for ReadReply the
	// raw bytes from the start of the reply, for Upgrade the unread bytes,
	// for the parsers the reply's lines.
	Seen []byte
	Err  error // underlying cause such as ErrReplyTooLarge, or nil
}

// Error gives the reason and the start of what was received.
func (e *ProtocolError) Error() string {
	s := "FTP protocol error: " + e.Reason
	if len(e.Seen) > 0 {
		const show = 64
		if len(e.Seen) > show {
			s += fmt.Sprintf(" (received %q...)", e.Seen[:show])
		} else {
			s += fmt.Sprintf(" (received %q)", e.Seen)
		}
	}
	return s
}

// Unwrap returns the underlying cause, such as ErrReplyTooLarge.
func (e *ProtocolError) Unwrap() error { return e.Err }

// parseCodeLine checks the first line of a reply: three digits, class 1 to 6
// (6yz are RFC 2228 protected replies), then a space, a hyphen for a
// multi-line reply, or nothing. reason is empty when the line is valid.
func parseCodeLine(line string) (code int, multi bool, reason string) {
	if len(line) < 3 || !isDigit(line[0]) || !isDigit(line[1]) || !isDigit(line[2]) {
		return 0, false, "reply does not start with a 3-digit code"
	}
	if line[0] < '1' || line[0] > '6' {
		return 0, false, "reply code " + line[:3] + " out of range"
	}
	code, _ = strconv.Atoi(line[:3])
	switch {
	case len(line) == 3 || line[3] == ' ':
		return code, false, ""
	case line[3] == '-':
		return code, true, ""
	}
	return 0, false, fmt.Sprintf("bad separator %q after reply code", line[3])
}

// foreignProtocol names what bytes that cannot start an FTP reply look like,
// so that a wrong port or mode is reported as such.
func foreignProtocol(b []byte) string {
	switch {
	case len(b) >= 2 && (b[0] == 0x15 || b[0] == 0x16) && b[1] == 0x03:
		return "TLS record"
	case bytes.HasPrefix(b, []byte("SSH-")):
		return "SSH banner"
	case bytes.HasPrefix(b, []byte("HTTP/")):
		return "HTTP response"
	}
	return "unexpected data"
}

// isDigit reports an ASCII digit.
func isDigit(b byte) bool { return '0' <= b && b <= '9' }
