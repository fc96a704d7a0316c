package probe

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"syscall"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/tlswire"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// TLS alerts the diagnosis names (RFC 8446 §6).
const (
	alertHandshakeFailure    = 40
	alertNoCertificate       = 41
	alertBadCertificate      = 42
	alertProtocolVersion     = 70
	alertUnrecognizedName    = 112
	alertCertificateRequired = 116
)

// offeredSuites is every suite crypto/tls can speak, legacy ones included:
// naming them explicitly turns on RSA key exchange and 3DES, which Go's
// defaults hide, so that a legacy server is diagnosed instead of refused.
var offeredSuites = func() []uint16 {
	var ids []uint16
	for _, s := range tls.CipherSuites() {
		ids = append(ids, s.ID)
	}
	for _, s := range tls.InsecureCipherSuites() {
		ids = append(ids, s.ID)
	}
	return ids
}()

// tlsConfig offers TLS 1.0 to 1.3 and every suite Go knows, and a key
// share for the group the server negotiated before, if any. It does not
// verify the chain: verification is done afterwards and recorded as data,
// so that an untrusted server still shows its certificate.
func (a *attempt) tlsConfig() *tls.Config {
	c := &tls.Config{
		ServerName:         a.cfg.ServerName,
		InsecureSkipVerify: true,
		MinVersion:         tls.VersionTLS10,
		MaxVersion:         cmp.Or(a.maxVersion, tls.VersionTLS13),
		CipherSuites:       offeredSuites,
		ClientSessionCache: a.tickets,
		GetClientCertificate: func(*tls.CertificateRequestInfo) (*tls.Certificate, error) {
			a.certAsked = true
			return &tls.Certificate{}, nil // no certificate: that is the point
		},
	}
	if a.maxVersion == 0 { // a TLS 1.2 ClientHello carries no key shares
		c.CurvePreferences = sharing(a.group)
	}
	return c
}

// goGroups is crypto/tls's own order of key exchange groups (Go 1.26,
// crypto/tls/defaults.go): it ignores CurvePreferences' order, keeps this
// one, and sends key shares for the first group offered only, a hybrid
// with its ECDH part's share beside it (hybridECDH).
var goGroups = []tls.CurveID{
	tls.X25519MLKEM768, tls.SecP256r1MLKEM768, tls.SecP384r1MLKEM1024,
	tls.X25519, tls.CurveP256, tls.CurveP384, tls.CurveP521,
}

// hybridECDH is the ECDH group whose share crypto/tls sends beside each
// hybrid's.
var hybridECDH = map[tls.CurveID]tls.CurveID{
	tls.X25519MLKEM768:     tls.X25519,
	tls.SecP256r1MLKEM768:  tls.CurveP256,
	tls.SecP384r1MLKEM1024: tls.CurveP384,
}

// sharing is the CurvePreferences whose ClientHello carries a key share
// for group, the one the server negotiated before, so that it needs no
// HelloRetryRequest: goGroups from the first that shares it (P-256 by
// SecP256r1MLKEM768's side share). The groups after it stay offered, so a
// server that changed its mind still negotiates, after a retry. nil (Go's
// default, X25519MLKEM768 and x25519 shares) before any handshake, when
// the default already shares group, or for a group Go does not know.
func sharing(group tls.CurveID) []tls.CurveID {
	i := slices.IndexFunc(goGroups, func(g tls.CurveID) bool {
		ecdh, hybrid := hybridECDH[g]
		return g == group || hybrid && ecdh == group
	})
	if i <= 0 {
		return nil
	}
	return goGroups[i:]
}

// keyShares names the groups a ClientHello with CurvePreferences prefs
// sends key shares for.
func keyShares(prefs []tls.CurveID) string {
	first := goGroups[0]
	if len(prefs) > 0 {
		first = prefs[0]
	}
	names := []string{tlswire.GroupName(uint16(first))}
	if g, ok := hybridECDH[first]; ok {
		names = append(names, tlswire.GroupName(uint16(g)))
	}
	return strings.Join(names, ", ")
}

// handshake runs the TLS handshake on the control connection now, so that a
// failure is blamed on TLS and not on the next command.
func (a *attempt) handshake(ctx context.Context) error {
	ctx, cancel := a.step(ctx)
	defer cancel()
	a.tickets = &ticketWatcher{ClientSessionCache: tls.NewLRUClientSessionCache(4)}
	a.tlsAt = a.cfg.Clock()
	sni := "no SNI (IP address)"
	if sniSent(a.cfg.ServerName) {
		sni = "SNI " + a.cfg.ServerName
	}
	if a.ctrl.Buffered() > 0 {
		return a.spokeFirst()
	}
	if err := a.settle(ctx); err != nil {
		return err
	}
	a.event(result.FromTLS, fmt.Sprintf("ClientHello: TLS 1.0-%s, %d cipher suites, %s", strings.TrimPrefix(tls.VersionName(cmp.Or(a.maxVersion, tls.VersionTLS13)), "TLS "), len(offeredSuites), sni))
	tc := tls.Client(a.tap, a.tlsConfig())
	from := a.tap.received()
	a.tap.watchHello()
	if err := tc.HandshakeContext(ctx); err != nil {
		a.res.RoundTrips++
		err = fmt.Errorf("TLS handshake: %w", err)
		if rh, ok := errors.AsType[tls.RecordHeaderError](err); ok {
			text := a.tap.plaintext(ctx, rh.RecordHeader[:])
			a.event(result.FromServer, text)
			if a.readAsCommand(text) {
				return a.retryAfterRace(ctx, text)
			}
			a.notTLS(text, err)
			return err
		}
		a.handshakeFailed(ctx, err, from)
		return err
	}
	a.tlsConn = tc
	if err := a.ctrl.Upgrade(tc); err != nil {
		err = fmt.Errorf("switching the control channel to TLS: %w", err)
		a.event(result.FromNet, err.Error())
		a.find(cause.TLSHandshakeFailed, err.Error())
		return err
	}
	a.recordTLS(tc.ConnectionState())
	a.raceWon()
	return nil
}

// spokeFirst reports a server that sent bytes right after its 234, before
// any ClientHello: a TLS server waits for the client, so these are an error.
func (a *attempt) spokeFirst() error {
	err := a.ctrl.Upgrade(a.tap) // fails, and hands over what is buffered
	seen := ""
	if pe, ok := errors.AsType[*rfc2228.ProtocolError](err); ok {
		seen, _, _ = strings.Cut(strings.TrimRight(string(pe.Seen), "\r\n"), "\n")
	}
	a.event(result.FromServer, seen)
	err = fmt.Errorf("TLS handshake: the server spoke first after 234: %q", seen)
	a.find(cause.TLSHandshakeFailed, "after 234, before any ClientHello, the server sent: "+seen)
	a.fail(err)
	return err
}

// notTLS reports a handshake that the server answered with text, bytes
// that are not TLS: a plaintext reply, or garbage.
func (a *attempt) notTLS(text string, err error) {
	if a.res.Server == "" {
		a.res.Server = identify(rfc2228.Reply{Lines: []string{text}})
	}
	switch {
	case !looksLikeReply(text):
		a.find(cause.TLSHandshakeFailed, fmt.Sprintf("the server answered the ClientHello with bytes that are not TLS: %q", text))
	case a.res.Mode == result.ModeImplicit:
		a.find(cause.ImplicitGotPlaintext, "expected a TLS ServerHello, got plaintext: "+text)
	default:
		a.find(cause.TLSHandshakeFailed, "the server answered the ClientHello in plaintext: "+text+a.raceRetried())
	}
	a.fail(err)
}

// handshakeFailed turns a failed handshake, whose records began at byte
// from of the connection and were TLS, into its root cause.
func (a *attempt) handshakeFailed(ctx context.Context, err error, from int64) {
	if code, ok := receivedAlert(err); ok {
		evidence := fmt.Sprintf("server sent TLS alert %d (%s)", code, tls.AlertError(code).Error())
		a.event(result.FromTLS, "alert from server: "+evidence[len("server sent TLS alert "):])
		then := ""
		if text := a.tap.trailer(ctx, from); text != "" {
			a.event(result.FromServer, text+" (plaintext after the alert)")
			then = "; then in plaintext: " + text
			if a.res.Server == "" {
				a.res.Server = identify(rfc2228.Reply{Lines: []string{text}})
			}
		}
		switch {
		case a.certRequired(code, then):
		case code == alertProtocolVersion:
			a.find(cause.TLSNoCommonVersion, evidence+" to a ClientHello offering TLS 1.0 to 1.3"+then)
		case code == alertUnrecognizedName:
			a.find(cause.TLSSNIUnrecognized, evidence+" for server name "+a.cfg.ServerName+then)
		default:
			a.find(cause.TLSHandshakeFailed, evidence+then)
		}
		a.fail(err)
		return
	}
	a.event(result.FromNet, shortErr(err))
	if a.res.Mode == result.ModeExplicit && (isTimeout(err) || isEOF(err) || errors.Is(err, syscall.ECONNRESET)) {
		a.find(cause.ALGBreaksTLSAfter234, "after 234 the TLS handshake got: "+shortErr(err))
	} else {
		a.find(cause.TLSHandshakeFailed, errEvidence(err))
	}
	a.fail(err)
}

// certRequired reports a server that asked for a client certificate and
// then refused the connection that came without one. At TLS 1.2 the alert
// ends the handshake (OpenSSL and Go send handshake_failure, others
// bad_certificate or no_certificate); at TLS 1.3 the client's handshake is
// over before the server has read its empty Certificate, so the alert
// (certificate_required) arrives on the first read. then is what followed
// the alert, for the evidence. It reports whether the alert was that
// refusal.
func (a *attempt) certRequired(code uint8, then string) bool {
	switch {
	case !a.certAsked:
		return false
	case code != alertHandshakeFailure && code != alertNoCertificate && code != alertBadCertificate && code != alertCertificateRequired:
		return false
	}
	a.drop(cause.TLSClientCertRequested) // the refusal says more
	a.find(cause.TLSClientCertRequired, fmt.Sprintf("CertificateRequest, then alert %d (%s): the server requires a client certificate%s", code, tls.AlertError(code).Error(), then))
	return true
}

// weakCipherRefused reports a server that refuses the cipher suite it has
// just negotiated: Pure-FTPd accepts what OpenSSL settles on, then, if the
// suite has under 128 bits, answers 534 inside TLS to whatever comes first
// and exits. r and err are the first reply read inside TLS. It records the
// finding and ends the attempt.
func (a *attempt) weakCipherRefused(r rfc2228.Reply, err error) bool {
	refused := err == nil && r.Code == rfc2228.CodePolicyDenied || err != nil && lost(err)
	if a.tlsConn == nil || !refused {
		return false
	}
	cs := a.tlsConn.ConnectionState()
	s, ok := tlswire.LookupSuite(cs.CipherSuite)
	if !ok || s.Bits >= 128 {
		return false
	}
	then := firstLine(r)
	if err != nil {
		then = shortErr(err)
	} else {
		err = fmt.Errorf("the server refused the negotiated cipher suite: %s", then)
	}
	a.find(cause.TLSWeakCipherRejected, fmt.Sprintf("negotiated %s with %s (%d-bit), then the first reply inside TLS was: %s", tls.VersionName(cs.Version), s.Name, s.Bits, then))
	a.fail(err)
	return true
}

// receivedAlert extracts the alert the server sent. crypto/tls reports a
// received alert as a net.OpError "remote error" around an unexported type
// whose text equals AlertError's, so the code is recovered from that text.
func receivedAlert(err error) (uint8, bool) {
	oe, ok := errors.AsType[*net.OpError](err)
	if !ok || oe.Op != "remote error" || oe.Err == nil {
		return 0, false
	}
	text := oe.Err.Error()
	for code := range 256 {
		if tls.AlertError(code).Error() == text {
			return uint8(code), true
		}
	}
	return 0, false
}

// recordTLS notes a completed control handshake: its round trips, the
// TLS details and certificate chain, and the findings they show.
func (a *attempt) recordTLS(cs tls.ConnectionState) {
	a.res.RoundTrips += handshakeRoundTrips(cs)
	info := a.tlsInfo(cs)
	a.res.TLS = info
	if retry, sessionID, ok := parseServerHello(a.tap.serverHello()); ok {
		if !a.early.hasScout() { // else what Go's default shares meet is measured there
			info.HelloRetry = &retry
		}
		a.sessionID = sessionID && cs.Version < tls.VersionTLS13 // at TLS 1.3 it only echoes ours
		if retry {
			a.event(result.FromTLS, "HelloRetryRequest: the server took none of the key shares offered ("+keyShares(sharing(a.group))+") and asked for "+cmp.Or(info.Group, "another group"))
		}
	}
	if cs.Version >= tls.VersionTLS13 { // below, the ClientHello carries no key shares
		a.group = cs.CurveID // later handshakes offer its share first
	}
	a.event(result.FromTLS, "handshake done: "+describeTLS(info))
	for i, c := range cs.PeerCertificates {
		a.res.Certificates = append(a.res.Certificates, convertCertificate(c, a.cfg.Clock()))
		if i == 0 {
			a.event(result.FromTLS, fmt.Sprintf("certificate: %s, issued by %s, %d in chain", shortName(c.Subject), shortName(c.Issuer), len(cs.PeerCertificates)))
		}
	}
	if a.certAsked {
		a.find(cause.TLSClientCertRequested, "the server sent a CertificateRequest in the handshake")
	}
	if cs.Version < tls.VersionTLS12 {
		a.find(cause.TLSLegacyVersion, fmt.Sprintf("negotiated %s with %s", info.Version, info.CipherSuite))
	}
	a.verify(cs.PeerCertificates, len(cs.OCSPResponse) > 0)
}

// tlsInfo describes a handshake that started at a.tlsAt.
func (a *attempt) tlsInfo(cs tls.ConnectionState) *result.TLSInfo {
	info := &result.TLSInfo{
		Version:           tls.VersionName(cs.Version),
		CipherSuite:       tls.CipherSuiteName(cs.CipherSuite),
		ALPN:              cs.NegotiatedProtocol,
		SNISent:           sniSent(a.cfg.ServerName),
		Resumed:           cs.DidResume,
		OCSPStapled:       len(cs.OCSPResponse) > 0,
		ClientCertRequest: a.certAsked,
		HandshakeMS:       ms(a.cfg.Clock().Sub(a.tlsAt)),
	}
	if cs.CurveID != 0 {
		info.Group = tlswire.GroupName(uint16(cs.CurveID)) // IANA names, as the scan reports them
	}
	return info
}

// describeTLS is the timeline's one-line account of a handshake.
func describeTLS(info *result.TLSInfo) string {
	s := info.Version + ", " + info.CipherSuite + prefixed(", ", info.Group)
	if info.Resumed {
		s += ", resumed"
	}
	return s
}

// handshakeRoundTrips counts what a control handshake costs before the
// next command can go: one at TLS 1.3 or resumed (our Finished goes with
// that command), two for a full TLS 1.2 one, and one more when the server
// answered our first ClientHello with a HelloRetryRequest.
func handshakeRoundTrips(cs tls.ConnectionState) int {
	n := 2
	if cs.Version >= tls.VersionTLS13 || cs.DidResume {
		n = 1
	}
	if cs.HelloRetryRequest {
		n++
	}
	return n
}

// finishTLS notes what only shows after the handshake: TLS 1.3 tickets
// arrive with the first reply read inside TLS.
func (a *attempt) finishTLS() {
	if a.res.TLS == nil || a.tickets == nil {
		return
	}
	a.res.TLS.SessionTicket = a.tickets.stored()
	a.res.TLS.Resumable = ptr(a.res.TLS.SessionTicket || a.sessionID)
}

// helloRetryRandom is the random of a HelloRetryRequest, the SHA-256 of
// "HelloRetryRequest" (RFC 8446 §4.1.3).
var helloRetryRandom = sha256.Sum256([]byte("HelloRetryRequest"))

// parseServerHello reads the start of the server's first handshake
// record (what tapConn.watchHello kept): whether it is a
// HelloRetryRequest, and whether it carries a session ID. ok is false
// when it is not a ServerHello.
func parseServerHello(b []byte) (retry, sessionID, ok bool) {
	const (
		recordHandshake = 22
		typeServerHello = 2
		randomAt        = 5 + 4 + 2 // record header, handshake header, legacy_version
		idLengthAt      = randomAt + 32
	)
	if len(b) <= idLengthAt || b[0] != recordHandshake || b[5] != typeServerHello {
		return false, false, false
	}
	return bytes.Equal(b[randomAt:idLengthAt], helloRetryRandom[:]), b[idLengthAt] > 0, true
}

// shortName is the CN when there is one: the timeline has little room.
func shortName(n pkix.Name) string {
	if n.CommonName != "" {
		return "CN=" + n.CommonName
	}
	return n.String()
}

// sniSent reports whether Go sends a server name: not for an IP address.
func sniSent(name string) bool {
	_, err := netip.ParseAddr(name)
	return name != "" && err != nil
}

// prefixed is s after prefix, or "" when s is empty.
func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

// looksLikeReply reports whether text starts like an FTP reply ("220 ").
func looksLikeReply(text string) bool {
	return len(text) >= 3 && isDigit(text[0]) && isDigit(text[1]) && isDigit(text[2])
}

// isDigit reports an ASCII digit.
func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// ticketWatcher is the session cache of one control connection; it notes
// whether the server handed out a resumable session. It ignores
// deletions: crypto/tls forgets a session whenever a handshake that offered
// it fails, and the probe aborts data handshakes itself (a refused LIST
// before MLSD is tried), which must not cost the next data connection its
// resumption.
type ticketWatcher struct {
	tls.ClientSessionCache
	mu  sync.Mutex
	put bool
}

// Put stores a session and notes that the server handed one out.
func (w *ticketWatcher) Put(key string, cs *tls.ClientSessionState) {
	if cs == nil {
		return
	}
	w.mu.Lock()
	w.put = true
	w.mu.Unlock()
	w.ClientSessionCache.Put(key, cs)
}

// stored reports whether the server handed out a resumable session.
func (w *ticketWatcher) stored() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.put
}
