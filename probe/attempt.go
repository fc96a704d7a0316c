package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// attempt is one control connection in one mode, with what it learnt.
type attempt struct {
	cfg      *Config
	start    time.Time
	addr     netip.AddrPort
	res      result.Attempt
	findings []result.Finding

	tap            *tapConn             // the TCP connection, recording what the server sent
	ctrl           *rfc2228.Conn        // control channel, plaintext or TLS
	tlsConn        *tls.Conn            // nil until the handshake
	tickets        *ticketWatcher       // sees session tickets arrive
	certAsked      bool                 // the server sent a CertificateRequest
	sessionID      bool                 // the control ServerHello, below TLS 1.3, carried a session ID to resume by
	tlsAt          time.Time            // when the handshake started
	dialedAt       time.Time            // when the first TCP connect started: the critical path's start
	maxVersion     uint16               // highest TLS version offered; 0 = TLS 1.3
	group          tls.CurveID          // the group a TLS 1.3 handshake to this server negotiated, offered first by later ones; 0 before
	raced          string               // the reply to a ClientHello the server read as a command: this connection is the retry (race.go)
	early          *earlyAudits         // audit connections opened beside this session's own start (overlap.go)
	connected      *bool                // an early audit connection's connect outcome, for its check's connect
	userReply      *rfc2228.Reply       // the reply to the USER an early audit connection sent, for its check's login
	pipelined      bool                 // PBSZ, PROT and EPSV (and an audit's PASS) go in one write
	epsvReply      *rfc2228.Reply       // the reply to an EPSV sent with PBSZ and PROT, for the listing's passive
	protectReplies []rfc2228.Reply      // the replies to PBSZ 0, PROT P and EPSV sent with PASS, for protect
	batchLost      bool                 // commands sent in one write were not all answered, or out of order
	scanned        chan *result.TLSScan // the --scan running beside this session (scan.go)

	failed   error            // the error that ended the attempt (fail)
	withheld []result.Finding // made once Run's own limit had fired (interrupt.go)

	mu sync.Mutex // guards the timeline and findings: the data handshake runs beside the control reply
}

// newAttempt prepares an attempt in mode on addr; run or an audit check
// makes the connection.
func newAttempt(cfg *Config, start time.Time, mode result.Mode, addr netip.AddrPort) *attempt {
	return &attempt{
		cfg:   cfg,
		start: start,
		addr:  addr,
		res:   result.Attempt{Mode: mode, Port: int(addr.Port()), Timeline: []result.Event{}},
		// Until a server is seen to drop commands sent together.
		pipelined: true,
	}
}

// run makes the whole attempt and leaves its outcome in a.res.
func (a *attempt) run(ctx context.Context) {
	defer a.close()
	if !a.dial(ctx) {
		return
	}
	defer a.endBeside()
	switch a.res.Mode {
	case result.ModeImplicit:
		a.implicit(ctx, a.handshake(ctx))
	case result.ModeExplicit:
		a.explicit(ctx, nil)
	}
}

// event appends a control-connection timeline entry stamped now.
func (a *attempt) event(from result.Source, text string) {
	a.eventOn("", from, text)
}

// dataEvent appends a data-connection timeline entry.
func (a *attempt) dataEvent(from result.Source, text string) {
	a.eventOn(result.ConnData, from, text)
}

// eventOn appends a timeline entry for connection conn ("" for the
// control connection), stamped on the diagnosis clock; the data handshake
// draws beside the control reply, hence the lock.
func (a *attempt) eventOn(conn string, from result.Source, text string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.res.Timeline = append(a.res.Timeline, result.Event{
		AtMS: ms(a.cfg.Clock().Sub(a.start)),
		From: from,
		Conn: conn,
		Text: text,
	})
}

// find records a finding from the catalog.
func (a *attempt) find(id cause.ID, evidence string) {
	a.findAs(id, "", evidence)
}

// findAs records a finding whose severity the context sets, overriding
// the catalog's ("" keeps it).
func (a *attempt) findAs(id cause.ID, severity result.Severity, evidence string) {
	f := id.Finding(a.res.Server, evidence)
	f.Mode, f.Port = a.res.Mode, a.res.Port
	if severity != "" {
		f.Severity = severity
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.cfg.cut() { // our own deadline or cancellation has fired: see readmit
		a.withheld = append(a.withheld, f)
		return
	}
	a.findings = append(a.findings, f)
}

// annotate adds to the evidence of an earlier finding: a consequence is
// reported at its root, not as a finding of its own.
func (a *attempt) annotate(id cause.ID, more string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range a.findings {
		if id.Is(a.findings[i]) {
			a.findings[i].Evidence += more
			return
		}
	}
}

// drop removes an earlier finding that a later one supersedes.
func (a *attempt) drop(id cause.ID) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.findings = slices.DeleteFunc(a.findings, id.Is)
}

// fail ends the attempt: the error of the step that stopped it. A
// connection lost (reset, closed, silent) with no critical finding to
// explain it is a finding of its own.
func (a *attempt) fail(err error) {
	a.failed = err
	a.readmit(err)
	a.res.Error = plainErr(err)
	if err.Error() != a.res.Error {
		a.res.ErrorDetail = err.Error()
	}
	a.event(result.FromNet, "gave up: "+a.res.Error)
	if !a.hasSeverity(result.SeverityCritical) {
		if _, alert := receivedAlert(err); lost(err) || alert {
			a.find(cause.ConnectionLost, errEvidence(err))
		}
	}
}

// lost reports a connection the server closed, reset or stopped answering.
func lost(err error) bool {
	return isTimeout(err) || isEOF(err) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// hasSeverity reports a finding of that severity on this attempt.
func (a *attempt) hasSeverity(s result.Severity) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, f := range a.findings {
		if f.Severity == s {
			return true
		}
	}
	return false
}

// errEvidence is a finding's evidence for an error: what happened in a few
// words (shortErr), then the whole error, once.
func errEvidence(err error) string {
	if t := shortErr(err); t != err.Error() {
		return t + ": " + err.Error()
	}
	return err.Error()
}

// step bounds one exchange by the per-step timeout.
func (a *attempt) step(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, a.cfg.Timeout)
}

// dial opens the control connection, recording its connect time; a
// failure is the attempt's end and the port's finding.
func (a *attempt) dial(ctx context.Context) bool {
	ctx, cancel := a.step(ctx)
	defer cancel()
	a.event(result.FromNet, "TCP connect to "+a.addr.String())
	began := a.cfg.Clock()
	if a.dialedAt.IsZero() {
		a.dialedAt = began
	}
	c, err := a.cfg.Dial(ctx, "tcp", a.addr.String())
	a.res.RoundTrips++ // SYN, SYN-ACK
	if err != nil {
		err = fmt.Errorf("connecting to %s: %w", a.addr, err)
		switch {
		case isTimeout(err):
			a.event(result.FromNet, "no answer to TCP SYN")
			a.find(cause.PortTimeout, fmt.Sprintf("no TCP answer from %s within %s", a.addr, a.cfg.Timeout))
		case errors.Is(err, syscall.ECONNRESET): // accepted, then reset at once
			a.event(result.FromNet, "connection reset by peer")
			a.find(cause.ConnectionLost, errEvidence(err))
		default:
			a.event(result.FromNet, "connection failed: "+shortErr(err))
			a.find(cause.PortClosed, err.Error())
		}
		a.fail(err)
		return false
	}
	a.res.Address = a.addr.String()
	a.res.ConnectMS = ms(a.cfg.Clock().Sub(began))
	a.tap = newTapConn(c)
	a.ctrl = rfc2228.NewConn(a.tap)
	a.event(result.FromNet, "TCP connected")
	return true
}

// close ends the control connection (with close_notify inside TLS) and
// draws it; a second call does nothing.
func (a *attempt) close() {
	if a.tap == nil {
		return
	}
	if a.tlsConn != nil {
		_ = a.tlsConn.Close() // sends close_notify
	} else {
		_ = a.tap.Close()
	}
	a.event(result.FromNet, "connection closed")
	a.tap = nil
}

// cmd sends one command line and reads its reply, drawing both on the
// timeline (a password masked) and counting the round trip: every
// command of a session goes through it, the security commands as rfc2228
// spells them.
func (a *attempt) cmd(ctx context.Context, line string) (rfc2228.Reply, error) {
	ctx, cancel := a.step(ctx)
	defer cancel()
	a.event(result.FromClient, maskPassword(line))
	a.res.RoundTrips++
	a.drainUnsolicited(ctx)
	r, err := a.ctrl.Cmd(ctx, "%s", line)
	if err != nil {
		return r, a.ioError(ctx, err)
	}
	a.drawReply(r, maskPassword(line))
	return r, nil
}

// cmds sends commands in one write and reads their replies: one round
// trip for them all. Its caller says whether a failure is ours
// (lostBatch): a server that mishandles commands sent together is not to
// be blamed for it.
func (a *attempt) cmds(ctx context.Context, lines ...string) ([]rfc2228.Reply, error) {
	ctx, cancel := a.step(ctx)
	defer cancel()
	for _, line := range lines {
		a.event(result.FromClient, maskPassword(line))
	}
	a.res.RoundTrips++
	a.drainUnsolicited(ctx)
	rs, err := a.ctrl.Pipeline(ctx, restOfBatch, lines...)
	for i, r := range rs {
		a.drawReply(r, maskPassword(lines[i]))
	}
	if err != nil {
		return rs, a.ioError(ctx, err)
	}
	return rs, nil
}

// restOfBatch is how long the replies after the first to commands sent
// together are awaited, the first having taken first: a server that
// answers in turn sends them at once, and one that dropped them then
// costs seconds, not a whole --timeout (a server merely slower than this
// has its session made again, a command at a time: slower, never wrong).
func restOfBatch(first time.Duration) time.Duration {
	return max(4*first, 2*time.Second)
}

// outOfOrder notes replies to commands sent together that cannot answer
// them in turn, and returns the error that says so.
func (a *attempt) outOfOrder(what string) error {
	err := errors.New("replies out of order: " + what)
	a.event(result.FromNet, err.Error())
	return err
}

// lostBatch marks the connection as one whose commands sent together
// were not all answered in turn (batchLost), and returns err.
func (a *attempt) lostBatch(err error) error {
	a.batchLost = true
	return err
}

// reply reads one reply within ctx, which the caller bounds.
func (a *attempt) reply(ctx context.Context, what string) (rfc2228.Reply, error) {
	r, err := a.ctrl.ReadReply(ctx)
	if err != nil {
		return r, a.ioError(ctx, fmt.Errorf("%s: %w", what, err))
	}
	a.drawReply(r, what)
	return r, nil
}

// drawReply puts every line of a reply on the timeline, notes a reply
// without text (to says what it answered), and names the server software
// when the reply gives it away.
func (a *attempt) drawReply(r rfc2228.Reply, to string) {
	for _, l := range r.Lines {
		a.event(result.FromServer, l)
	}
	if r.TextMissing() && !a.has(cause.ReplyTextMissing) {
		a.find(cause.ReplyTextMissing, fmt.Sprintf("%s: %q", to, r.Lines[0]))
	}
	if a.res.Server == "" {
		a.res.Server = identify(r)
	}
}

// drainUnsolicited reads replies that arrived before the command they
// would seem to answer (a server answering one command twice), so that
// they are shown as what they are and not taken for the next reply.
func (a *attempt) drainUnsolicited(ctx context.Context) {
	for a.ctrl.Buffered() > 0 {
		r, err := a.ctrl.ReadReply(ctx)
		if err != nil {
			return
		}
		for _, l := range r.Lines {
			a.event(result.FromServer, l+" (a reply to no command)")
		}
	}
}

// ioError draws a failed exchange on the timeline and turns plaintext
// arriving inside TLS into its finding.
func (a *attempt) ioError(ctx context.Context, err error) error {
	if rh, ok := errors.AsType[tls.RecordHeaderError](err); ok && a.tlsConn != nil {
		text := a.tap.plaintext(ctx, rh.RecordHeader[:])
		a.event(result.FromServer, text+" (plaintext inside TLS)")
		a.find(cause.ServerErrorPlaintextInsideTLS, "after TLS the server sent plaintext: "+text)
		return err
	}
	if a.tlsConn != nil && a.certAsked && errors.Is(err, syscall.ECONNRESET) {
		// A command written after the handshake can meet the reset that
		// followed the server's alert (TLS 1.3 refuses a missing client
		// certificate after the handshake) before the alert is read; the
		// alert is still in the receive queue.
		a.tlsConn.SetReadDeadline(time.Now().Add(a.cfg.Timeout))
		if _, rerr := a.tlsConn.Read(make([]byte, 1)); rerr != nil {
			if _, ok := receivedAlert(rerr); ok {
				err = rerr
			}
		}
	}
	if code, ok := receivedAlert(err); ok && a.tlsConn != nil {
		a.event(result.FromTLS, fmt.Sprintf("alert from server: %d (%s)", code, tls.AlertError(code).Error()))
		a.certRequired(code, "") // otherwise fail reports the alert as the connection's end
		return err
	}
	a.event(result.FromNet, shortErr(err))
	return err
}

// maskPassword keeps secrets off the timeline.
func maskPassword(line string) string {
	if strings.EqualFold(verb(line), "PASS") {
		return "PASS ****"
	}
	return line
}

// verb is a command line's command name, upper case.
func verb(line string) string {
	v, _, _ := strings.Cut(line, " ")
	return strings.ToUpper(v)
}

// isTimeout reports a deadline hit, ours or the kernel's.
func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, syscall.ETIMEDOUT) {
		return true
	}
	ne, ok := errors.AsType[net.Error](err)
	return ok && ne.Timeout()
}

// plainErr is err for people: the step that failed, then what happened
// on the wire in a few words (shortErr), not Go's chain of wrapped errors
// ("reading the greeting: timeout: no reply", not "...: reading reply:
// context deadline exceeded: read tcp ...: i/o timeout"). An error
// shortErr has no words for is shown whole: its text is the evidence.
func plainErr(err error) string {
	short, whole := shortErr(err), err.Error()
	if short == whole {
		return whole
	}
	if inner := errors.Unwrap(err); inner != nil {
		if step, ok := strings.CutSuffix(whole, ": "+inner.Error()); ok {
			return step + ": " + short
		}
	}
	return short
}

// shortErr names what happened on the wire in a few words, for the
// timeline and evidence; "" for no error.
func shortErr(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled): // before isTimeout: a cancelled read also ends at a deadline
		return "cancelled"
	case isTimeout(err):
		return "timeout: no reply"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused (RST)"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by peer"
	case errors.Is(err, syscall.EPIPE):
		return "connection closed by peer (broken pipe)"
	}
	if isEOF(err) {
		return "connection closed by peer (EOF)"
	}
	return err.Error()
}
