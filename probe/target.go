package probe

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// Default ports: IANA ftps (implicit) and ftp (explicit).
const (
	DefaultImplicitPort = 990
	DefaultExplicitPort = 21
)

// Target is what the user asked to diagnose, parsed but not resolved.
type Target struct {
	Raw  string      // as typed
	Host string      // host name or IP literal, without brackets
	Port int         // 0 when the target named no port
	Mode result.Mode // mode implied by a URL scheme; empty when none
}

// ErrBadTarget is wrapped by every target parsing error.
var ErrBadTarget = errors.New("bad target")

var errCredentials = fmt.Errorf("%w: credentials do not belong in the target; they would end up in shell history and process lists", ErrBadTarget)

// ParseTarget accepts HOST, HOST:PORT, [IPv6]:PORT, an IPv6 address bare or
// in brackets, and
// the URLs FileZilla users know: ftps:// (implicit, default port 990),
// ftpes:// and ftp:// (explicit, default port 21).
func ParseTarget(s string) (Target, error) {
	t := Target{Raw: s}
	s = strings.TrimSpace(s)
	if s == "" {
		return t, fmt.Errorf("%w: empty target", ErrBadTarget)
	}
	// Checked first, so that no later message can quote a password back.
	if strings.Contains(s, "@") {
		return t, errCredentials
	}
	if strings.Contains(s, "://") {
		return parseURL(t, s)
	}
	if addr, err := netip.ParseAddr(s); err == nil { // bare IPv6 (or IPv4)
		t.Host = addr.String()
		return t, nil
	}
	if inner, ok := strings.CutPrefix(s, "["); ok && strings.HasSuffix(inner, "]") { // [IPv6] without a port, as in a URL
		if addr, err := netip.ParseAddr(strings.TrimSuffix(inner, "]")); err == nil && addr.Is6() {
			t.Host = addr.String()
			return t, nil
		}
	}
	host, port, err := splitHostPort(s)
	if err != nil {
		return t, err
	}
	t.Host, t.Port = host, port
	return t, validHost(t.Host)
}

// RedactTarget hides any credentials a target carries, for messages and
// results: "ftps://user:pw@host" becomes "ftps://****@host".
func RedactTarget(s string) string {
	at := strings.LastIndex(s, "@")
	if at < 0 {
		return s
	}
	start := 0
	if i := strings.Index(s, "://"); i >= 0 && i < at {
		start = i + len("://")
	}
	return s[:start] + "****" + s[at:]
}

// parseURL reads an ftps://, ftpes:// or ftp:// target: the scheme gives
// the mode, and the URL must name a server, not a path.
func parseURL(t Target, s string) (Target, error) {
	u, err := url.Parse(s)
	if err != nil {
		return t, fmt.Errorf("%w: %q is not a URL: %v", ErrBadTarget, s, errors.Unwrap(err))
	}
	switch strings.ToLower(u.Scheme) {
	case "ftps":
		t.Mode = result.ModeImplicit
	case "ftpes", "ftp":
		t.Mode = result.ModeExplicit
	default:
		return t, fmt.Errorf("%w: unknown scheme %q (use ftps:// for implicit TLS, ftpes:// or ftp:// for explicit)", ErrBadTarget, u.Scheme)
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.Fragment != "" {
		return t, fmt.Errorf("%w: %q: a target names a server, not a path", ErrBadTarget, s)
	}
	t.Host = u.Hostname()
	if p := u.Port(); p != "" {
		n, err := parsePort(p)
		if err != nil {
			return t, err
		}
		t.Port = n
	}
	return t, validHost(t.Host)
}

// splitHostPort splits HOST, HOST:PORT or [IPv6]:PORT; port is 0 when
// none is given.
func splitHostPort(s string) (string, int, error) {
	if !strings.Contains(s, ":") && !strings.HasPrefix(s, "[") {
		return s, 0, nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return "", 0, fmt.Errorf("%w: %q: want HOST, HOST:PORT, [IPv6] or [IPv6]:PORT", ErrBadTarget, s)
	}
	n, err := parsePort(port)
	return host, n, err
}

// parsePort accepts a port number from 1 to 65535.
func parsePort(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("%w: port %q is not a number from 1 to 65535", ErrBadTarget, s)
	}
	return n, nil
}

// validHost rejects what no DNS name or address can contain, so that a
// typo fails here with a clear message rather than deep in the resolver.
func validHost(h string) error {
	if h == "" {
		return fmt.Errorf("%w: no host name", ErrBadTarget)
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return nil
	}
	if len(h) > 253 {
		return fmt.Errorf("%w: host name longer than 253 characters", ErrBadTarget)
	}
	for _, r := range h {
		ok := r == '-' || r == '.' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x7f && r != 0xfffd
		if !ok {
			return fmt.Errorf("%w: host name %q contains %q", ErrBadTarget, h, r)
		}
	}
	return nil
}
