package rfc2228

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// pasvNumbers matches h1,h2,h3,h4,p1,p2 wherever it is: not every server
// puts it in parentheses.
var pasvNumbers = regexp.MustCompile(`(\d+) *, *(\d+) *, *(\d+) *, *(\d+) *, *(\d+) *, *(\d+)`)

// ParsePASV returns the address of a 227 reply (RFC 959). The address is
// returned as sent, even 0.0.0.0 or a private one. A malformed reply is a
// *ProtocolError.
func ParsePASV(r Reply) (netip.AddrPort, error) {
	if r.Code != CodePassive {
		return netip.AddrPort{}, fmt.Errorf("PASV reply code %d is not %d", r.Code, CodePassive)
	}
	m := pasvNumbers.FindStringSubmatch(r.Text())
	if m == nil {
		return netip.AddrPort{}, malformed(r, "no h1,h2,h3,h4,p1,p2 in PASV reply")
	}
	var b [6]byte
	for i, s := range m[1:] {
		n, err := strconv.Atoi(s)
		if err != nil || n > 255 {
			return netip.AddrPort{}, malformed(r, fmt.Sprintf("number %s out of range in PASV reply", s))
		}
		b[i] = byte(n)
	}
	port := uint16(b[4])<<8 | uint16(b[5])
	if port == 0 {
		return netip.AddrPort{}, malformed(r, "port 0 in PASV reply")
	}
	return netip.AddrPortFrom(netip.AddrFrom4([4]byte(b[:4])), port), nil
}

// ParseEPSV returns the port of a 229 reply "(|||port|)" (RFC 2428 §3). The
// delimiter may be any printable character other than a digit, the same four
// times. A malformed reply is a *ProtocolError.
func ParseEPSV(r Reply) (port int, err error) {
	if r.Code != CodeExtendedPassive {
		return 0, fmt.Errorf("EPSV reply code %d is not %d", r.Code, CodeExtendedPassive)
	}
	text := r.Text()
	for i := strings.IndexByte(text, '('); i >= 0; {
		if port, ok := epsvPort(text[i+1:]); ok {
			return port, nil
		}
		j := strings.IndexByte(text[i+1:], '(')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return 0, malformed(r, "no (|||port|) in EPSV reply")
}

// epsvPort parses "|||port|)" at the start of s.
func epsvPort(s string) (int, bool) {
	if len(s) < 6 {
		return 0, false
	}
	d := s[0]
	if d < 33 || d > 126 || isDigit(d) || s[1] != d || s[2] != d {
		return 0, false
	}
	digits, rest, ok := strings.Cut(s[3:], string(d))
	if !ok || !strings.HasPrefix(rest, ")") || len(digits) == 0 || len(digits) > 5 {
		return 0, false
	}
	for i := range len(digits) {
		if !isDigit(digits[i]) {
			return 0, false
		}
	}
	port, _ := strconv.Atoi(digits)
	return port, port > 0 && port <= 65535
}

// malformed reports a passive reply that cannot be parsed, with its lines.
func malformed(r Reply, reason string) error {
	seen := []byte(r.String())
	return &ProtocolError{Reason: reason, Seen: seen[:min(len(seen), maxSeen)]}
}
