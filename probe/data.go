package probe

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// maxListing caps how much of a listing is read: its size is measured,
// its content is not kept.
const maxListing = 1 << 20

// errNotAwaited stands for a final reply the probe chose not to wait for.
var errNotAwaited = errors.New("final reply not awaited")

// listCommands are tried in order when the server does not know one.
var listCommands = []string{"LIST", "MLSD", "NLST"}

// transfer is what one listing over a passive data connection showed.
type transfer struct {
	passiveErr error          // passive mode failed (finding already made when main)
	dialErr    error          // the data port could not be reached
	prelim     *rfc2228.Reply // the 1xx, if any
	final      rfc2228.Reply  // the reply that ended the command (2xx, or the refusal)
	replyErr   error          // the control connection failed while waiting
	tlsErr     error          // the data handshake failed
	tlsState   *tls.ConnectionState
	tail       *recordTail // the data connection's last TLS record
	readErr    error       // reading the listing failed (other than a clean end)
	truncated  bool        // we closed the data connection at the listing cap
	command    string
	moment     dataMoment // when the data handshake started
	heldBack   bool       // with after1xx: no 1xx came within the wait, and the ClientHello went anyway
	pasvRetry  *transfer  // after an unreachable EPSV port, the retry over PASV that failed too
}

// dataMoment is when a listing starts the data TLS handshake: clients use
// one of three moments, and servers differ in which they wait for.
type dataMoment int

const (
	// withCommand: right after sending the transfer command, beside its
	// reply, as Node's basic-ftp does; the main listing's moment.
	withCommand dataMoment = iota
	// beforeCommand: before the transfer command, as curl does.
	beforeCommand
	// after1xx: once the 1xx is read, as lftp, the Go FTP libraries,
	// Commons Net, Python ftplib and PHP do.
	after1xx
)

// maxWait150 bounds how long a listing that starts data TLS after the 1xx
// waits for it before sending its ClientHello anyway. A healthy server
// sends its 150 as soon as it accepted the data connection, within a
// round trip; 3 s is many round trips even across continents, and ends
// before the server measured in issue 15 gives up (425 after 5 s), so the
// late ClientHello still shows the 150 coming only after the handshake.
const maxWait150 = 3 * time.Second

// refused reports a transfer the server answered with a failure.
func (t transfer) refused() bool {
	return t.final.Code >= 400 || t.replyErr != nil
}

// noDataConnection reports a transfer that never got a data connection
// (passive mode failed, or its port could not be reached): it tells
// nothing about the server's data-connection policies.
func (t transfer) noDataConnection() bool {
	return t.passiveErr != nil || t.dialErr != nil
}

// ok reports a complete listing, or one we cut at the size cap: the
// server then rightly reports the transfer aborted (426, 451).
func (t transfer) ok() bool {
	done := t.final.Code/100 == 2 || t.truncated && (t.final.Code == rfc2228.CodeTransferAborted || t.final.Code == rfc2228.CodeLocalError)
	return t.passiveErr == nil && t.dialErr == nil && t.prelim != nil && t.replyErr == nil &&
		t.tlsErr == nil && t.readErr == nil && done
}

// evidence is the server's word on a failed transfer.
func (t transfer) evidence() string {
	end := t.final.String()
	switch {
	case t.readErr != nil:
		end = "the listing stopped: " + shortErr(t.readErr)
	case t.replyErr != nil:
		end = shortErr(t.replyErr)
	}
	if t.prelim != nil {
		return fmt.Sprintf("%s: %s, then %s", t.command, firstLine(*t.prelim), end)
	}
	return fmt.Sprintf("%s: %s", t.command, end)
}

// dataChannel runs the protected listing that proves data connections
// work, resuming the control session as healthy clients do, then repeats
// it (--transfers): each data connection must resume again.
func (a *attempt) dataChannel(ctx context.Context) {
	dc := a.res.DataChannel
	dc.Attempted, dc.Prot = true, "P"
	t, blocked := a.listFallback(ctx, dc, a.dataTLSConfig(true), withCommand)
	if blocked != "" {
		a.find(cause.EPSVPortBlocked, blocked)
	}
	dc.ListCommand = t.command
	if t.prelim != nil || t.final.Code != 0 {
		dc.TransferReply = t.final.String()
	}
	if t.tlsState != nil {
		dc.TLS = a.tlsInfo(*t.tlsState)
		same := len(t.tlsState.PeerCertificates) > 0 && a.tlsConn != nil &&
			bytes.Equal(t.tlsState.PeerCertificates[0].Raw, a.tlsConn.ConnectionState().PeerCertificates[0].Raw)
		dc.SameCertificate = &same
		if !same && len(t.tlsState.PeerCertificates) > 0 && a.tlsConn != nil {
			a.splitHint(fmt.Sprintf("the data connection presented another certificate (SHA-256 %s) than the control connection (%s)",
				fingerprint(t.tlsState.PeerCertificates[0].Raw), fingerprint(a.tlsConn.ConnectionState().PeerCertificates[0].Raw)))
		}
	}
	dc.OK = t.ok()
	dc.Transfers = []result.Transfer{t.record()}
	if !dc.OK {
		a.classifyTransfer(t, dc)
		return
	}
	if !dc.ListingTruncated && dc.CloseNotify != nil && !*dc.CloseNotify {
		a.find(cause.NoCloseNotify, fmt.Sprintf("%s: the data connection ended without a TLS close_notify (%d bytes received)", t.command, dc.ListingBytes))
	}
	if !dc.TLS.Resumed && a.offeredResumption() && !a.leafExpired() {
		a.find(cause.DataResumptionUnsupported, fmt.Sprintf("the data handshake (%s) did not resume the control session although the server had issued a session ticket", dc.TLS.Version))
	}
	a.moreTransfers(ctx, dc)
}

// moreTransfers lists again until --transfers listings were made: TLS 1.3
// tickets are single-use and session caches expire, so a session can fail
// on its third transfer after two good ones.
func (a *attempt) moreTransfers(ctx context.Context, dc *result.DataChannel) {
	defer a.mixedResumption(dc)
	for n := 2; n <= a.cfg.Transfers; n++ {
		scratch := *dc // keeps the first listing's figures
		if pasvInstead(dc) {
			scratch.EPSVSupported = ptr(false) // straight to PASV, as the first listing ended up
		}
		t := a.list(ctx, &scratch, a.dataTLSConfig(true), withCommand)
		dc.Transfers = append(dc.Transfers, t.record())
		if !t.ok() {
			a.find(cause.TLS13TicketLifecycle, fmt.Sprintf("transfer %d of %d failed after %s (resumed: %s): %s",
				n, a.cfg.Transfers, plural(n-1, "good one"), resumedList(dc.Transfers[:n-1]), t.failure()))
			return
		}
	}
}

// mixedResumption notes listings of one session of which some resumed
// the control session and others did not: data connections landing on
// nodes that do not share the session cache, or single-use tickets
// running out.
func (a *attempt) mixedResumption(dc *result.DataChannel) {
	var good []result.Transfer
	for _, t := range dc.Transfers {
		if t.OK {
			good = append(good, t)
		}
	}
	resumed := 0
	for _, t := range good {
		if t.Resumed {
			resumed++
		}
	}
	if resumed > 0 && resumed < len(good) {
		a.splitHint(fmt.Sprintf("%d of %d good listings of the session resumed the control TLS session and the others did not (resumed: %s)", resumed, len(good), resumedList(good)))
	}
}

// splitHint adds a sign that connections reach different nodes behind a
// load balancer to lb-split-nodes, reported once.
func (a *attempt) splitHint(hint string) {
	if a.has(cause.LBSplitNodes) {
		a.annotate(cause.LBSplitNodes, "; "+hint)
		return
	}
	a.find(cause.LBSplitNodes, hint)
}

// fingerprint is a certificate's SHA-256, abbreviated for evidence.
func fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:8]) + "…"
}

// record is the transfer as the result lists it.
func (t transfer) record() result.Transfer {
	r := result.Transfer{OK: t.ok(), Resumed: t.tlsState != nil && t.tlsState.DidResume}
	if r.OK {
		r.Reply = t.final.String()
	} else {
		r.Reply = t.failure()
	}
	return r
}

// failure says what went wrong, the data handshake included.
func (t transfer) failure() string {
	switch {
	case t.passiveErr != nil:
		return t.passiveErr.Error()
	case t.dialErr != nil:
		return shortErr(t.dialErr)
	case t.tlsErr != nil:
		return fmt.Sprintf("data TLS handshake: %s; %s", shortErr(t.tlsErr), t.evidence())
	}
	return t.evidence()
}

// resumedList lists whether each transfer resumed, for evidence.
func resumedList(ts []result.Transfer) string {
	var out []string
	for _, t := range ts {
		out = append(out, fmt.Sprint(t.Resumed))
	}
	return strings.Join(out, ", ")
}

// offeredResumption reports whether the server issued a session ticket on
// the control connection, the only session Go can resume. Only then does
// an unresumed data handshake mean the server declined.
func (a *attempt) offeredResumption() bool {
	return a.res.TLS != nil && a.res.TLS.SessionTicket
}

// classifyTransfer names the root cause of a failed protected listing.
func (a *attempt) classifyTransfer(t transfer, dc *result.DataChannel) {
	switch {
	case t.passiveErr != nil: // passive() reported it
	case t.dialErr != nil && isTimeout(t.dialErr):
		a.find(cause.DataConnectTimeout, fmt.Sprintf("no TCP answer from passive port %s within %s%s", dc.UsedAddress, a.cfg.Timeout, t.retried()))
	case t.dialErr != nil:
		a.find(cause.DataConnectRefused, fmt.Sprintf("connecting to passive port %s: %s%s", dc.UsedAddress, shortErr(t.dialErr), t.retried()))
	case t.prelim == nil && t.replyErr == nil:
		a.find(cause.DataListRefused, t.evidence())
	case t.tlsErr != nil:
		a.find(cause.DataTLSFailed, fmt.Sprintf("data TLS handshake: %s; %s%s", shortErr(t.tlsErr), t.evidence(), t.droppedSession()))
	case t.refused() && dc.TLS != nil && !dc.TLS.Resumed && a.leafExpired():
		// crypto/tls never resumes a session whose certificate has
		// expired: the refusal follows from cert-expired.
		a.annotate(cause.CertExpired, "; the data connection could not resume a session with an expired certificate and was refused: "+t.evidence())
	case t.refused() && dc.TLS != nil && !dc.TLS.Resumed && a.idOnlyResumption():
		a.find(cause.ResumptionSessionIDOnly, fmt.Sprintf("control handshake %s issued no session ticket, the data handshake could not resume, and the server refused: %s", a.res.TLS.Version, t.evidence()))
	default:
		a.find(cause.DataTLSFailed, t.evidence())
	}
}

// retried tells how the retry over PASV after an unreachable EPSV port
// failed too.
func (t transfer) retried() string {
	if t.pasvRetry == nil {
		return ""
	}
	return "; a retry over PASV failed too: " + t.pasvRetry.failure()
}

// droppedSession notes a control connection the server closed after a
// failed data handshake: clients must expect it and reconnect.
func (t transfer) droppedSession() string {
	if t.replyErr == nil || !lost(t.replyErr) || isTimeout(t.replyErr) {
		return ""
	}
	return "; the server then closed the control connection (Pure-FTPd exits when a data handshake fails, vsftpd 3.0.3 and later end the session): clients must reconnect for the next command"
}

// leafExpired reports a control certificate past its validity.
func (a *attempt) leafExpired() bool {
	return a.tlsConn != nil && a.cfg.Clock().After(a.tlsConn.ConnectionState().PeerCertificates[0].NotAfter)
}

// idOnlyResumption: at TLS 1.2 and below, Go resumes only with a session
// ticket; without one, a server that resumes by session ID looks like one
// that refuses to resume.
func (a *attempt) idOnlyResumption() bool {
	return a.res.TLS != nil && a.res.TLS.Version != "TLS 1.3" && !a.res.TLS.SessionTicket
}

// dataTLSConfig is the control connection's TLS config for data: the same
// server name, and (when resume) the same session cache, so that the data
// handshake resumes the control session (RFC 4217 §7, §10.2).
func (a *attempt) dataTLSConfig(resume bool) *tls.Config {
	c := a.tlsConfig()
	c.GetClientCertificate = nil
	c.ClientSessionCache = nil
	if resume {
		c.ClientSessionCache = a.tickets
	}
	return c
}

// list opens a passive data connection and runs a listing command over
// it, with TLS when tlsConf is set, trying MLSD and NLST when LIST is
// unknown to the server. The data handshake starts at moment.
func (a *attempt) list(ctx context.Context, dc *result.DataChannel, tlsConf *tls.Config, moment dataMoment) transfer {
	var t transfer
	for _, command := range listCommands {
		t = a.listOnce(ctx, dc, tlsConf, moment, command)
		if t.prelim != nil || !unknownCommand(t.final.Code) {
			return t
		}
	}
	return t
}

// listFallback lists like list; when EPSV was answered but its port could
// not be reached, it lists once more over PASV (dialling the control
// peer, never the 227's address), as curl does: a firewall may pass the
// PASV range and not the EPSV one. If PASV's port is reached, dc and the
// transfer are PASV's and blocked says what EPSV's port did; otherwise
// the EPSV transfer stands, dc untouched.
func (a *attempt) listFallback(ctx context.Context, dc *result.DataChannel, tlsConf *tls.Config, moment dataMoment) (t transfer, blocked string) {
	t = a.list(ctx, dc, tlsConf, moment)
	if t.dialErr == nil || dc.PassiveCommand != "EPSV" {
		return t, ""
	}
	retry := *dc
	retry.EPSVSupported = ptr(false) // straight to PASV
	a.event(result.FromNet, "the EPSV data port could not be reached: trying PASV")
	refusedBefore := a.has(cause.PassiveRefused)
	p := a.list(ctx, &retry, tlsConf, moment)
	if p.passiveErr != nil || p.dialErr != nil {
		if !refusedBefore {
			a.drop(cause.PassiveRefused) // the EPSV failure is the finding
		}
		t.pasvRetry = &p
		return t, ""
	}
	what := "refused the connection (" + shortErr(t.dialErr) + ")"
	if isTimeout(t.dialErr) {
		what = fmt.Sprintf("did not answer within %s", a.cfg.Timeout)
	}
	blocked = fmt.Sprintf("EPSV port %s %s; PASV port %s (%s) was reached", dc.UsedAddress, what, retry.UsedAddress, pasvOutcome(p))
	*dc = retry
	dc.EPSVSupported = ptr(true) // EPSV was answered: only its port is blocked
	return p, blocked
}

// pasvOutcome says how far the listing over PASV went.
func pasvOutcome(p transfer) string {
	if p.ok() {
		return p.command + " worked: " + p.final.String()
	}
	return "but the listing then failed: " + p.failure()
}

// pasvInstead reports a data channel that fell back to PASV although EPSV
// was answered: its port was blocked.
func pasvInstead(dc *result.DataChannel) bool {
	return dc.PassiveCommand == "PASV" && dc.EPSVSupported != nil && *dc.EPSVSupported
}

// unknownCommand reports a reply saying the server does not know the
// command, so that the next listing command is tried.
func unknownCommand(code int) bool {
	return code == rfc2228.CodeSyntaxError || code == rfc2228.CodeNotImplemented
}

// listOnce makes one listing with one command: passive mode, the data
// connection, the command, then (after the 1xx) the data handshake, the
// listing and the final reply, each drawn on the timeline. The data
// handshake starts at moment: beside the control reply, before the
// command, or after the 1xx. The transfer says how far it got.
func (a *attempt) listOnce(ctx context.Context, dc *result.DataChannel, tlsConf *tls.Config, moment dataMoment, command string) transfer {
	t := transfer{command: command, moment: moment}
	addr, err := a.passive(ctx, dc)
	if err != nil {
		t.passiveErr = err
		return t
	}
	conn, err := a.dialData(ctx, addr)
	if err != nil {
		t.dialErr = err
		return t
	}
	raw := &recordTail{Conn: conn}
	t.tail = raw
	defer raw.Close()

	ctx, cancel := a.step(ctx)
	defer cancel()
	var data net.Conn = raw
	var hs chan error
	if tlsConf != nil && moment == beforeCommand {
		// curl sends its ClientHello on connecting and spends a round trip
		// (TYPE A) before the transfer command; a NOOP does the same.
		// pyftpdlib resets a data connection whose ClientHello came
		// before it started TLS itself, once its event loop turns: a
		// network round trip gives it time, but on a fast link LIST can
		// arrive first (18 runs in 40 on loopback). There a second NOOP,
		// sent after the first was answered, makes sure it turned. The
		// link is judged by the kernel's round trip, not by how long the
		// NOOP took: a busy server is slow to answer, not slow to turn.
		noops := 2
		if rtt, ok := a.cfg.rtt(conn); ok && rtt >= serverTurn {
			noops = 1
		}
		data, hs = a.startDataTLS(ctx, raw, tlsConf, "ClientHello on the data connection, before "+command+" (as curl does)")
		for range noops {
			if _, err := a.cmd(ctx, "NOOP"); err != nil {
				t.replyErr = err
				raw.Close()
				<-hs
				return t
			}
		}
	}
	a.event(result.FromClient, command)
	a.res.RoundTrips++
	a.drainUnsolicited(ctx)
	if err := a.ctrl.Send(ctx, "%s", command); err != nil {
		t.replyErr = a.ioError(ctx, err)
		if hs != nil {
			raw.Close()
			<-hs
		}
		return t
	}
	if tlsConf != nil && moment == withCommand {
		// Handshake beside the control reply: servers differ in whether
		// they send 150 before or after accepting the data TLS session.
		data, hs = a.startDataTLS(ctx, raw, tlsConf, "ClientHello on the data connection")
	}
	var held func() (net.Conn, chan error, bool)
	if tlsConf != nil && moment == after1xx {
		held = a.holdDataTLS(ctx, raw, tlsConf, command)
	}
	r, err := a.reply(ctx, "reading reply to "+command)
	if held != nil {
		if d, h, late := held(); late {
			data, hs, t.heldBack = d, h, true
		} else if err == nil && r.Code/100 == 1 {
			data, hs = a.startDataTLS(ctx, raw, tlsConf, "ClientHello on the data connection, after "+firstLine(r)+" (as clients waiting for 150 do)")
		}
	}
	if err == nil && r.Code/100 == 1 {
		prelim := r
		t.prelim = &prelim
		r, err = a.receive(ctx, data, hs, &t, dc)
	}
	if hs != nil && t.prelim == nil {
		raw.Close() // the server will not accept the data handshake now
		<-hs
	}
	t.final, t.replyErr = r, err
	return t
}

// serverTurn is a network round trip long enough for a server's event
// loop to have handled what came with a command before the next one
// arrives.
const serverTurn = 20 * time.Millisecond

// holdDataTLS holds the data handshake back while the reply to command is
// awaited, as clients that wait for the 150 do, for maxWait150 at most (or
// --timeout, if shorter): then it starts it anyway, so that a server
// waiting for the ClientHello shows what it does once it comes. The
// returned function, called once the reply is in, reports whether the
// wait ran out, and then the handshake it started.
func (a *attempt) holdDataTLS(ctx context.Context, raw net.Conn, conf *tls.Config, command string) func() (net.Conn, chan error, bool) {
	wait := a.wait150()
	type started struct {
		data net.Conn
		hs   chan error
	}
	late := make(chan started, 1)
	timer := time.AfterFunc(wait, func() {
		a.dataEvent(result.FromNet, fmt.Sprintf("no reply to %s within %s", command, wait))
		data, hs := a.startDataTLS(ctx, raw, conf, "ClientHello on the data connection, sent anyway")
		late <- started{data, hs}
	})
	return func() (net.Conn, chan error, bool) {
		if timer.Stop() {
			return nil, nil, false
		}
		s := <-late
		return s.data, s.hs, true
	}
}

// wait150 is how long a listing that starts data TLS after the 1xx waits
// for it: maxWait150, or --timeout if shorter.
func (a *attempt) wait150() time.Duration {
	return cmp.Or(a.cfg.wait150, min(a.cfg.Timeout, maxWait150))
}

// startDataTLS starts the data handshake in the background and returns
// once the ClientHello is on the wire (or the handshake has ended), so
// that what the server sees next is ordered after it.
func (a *attempt) startDataTLS(ctx context.Context, raw net.Conn, conf *tls.Config, note string) (net.Conn, chan error) {
	sent := &firstWrite{Conn: raw, done: make(chan struct{})}
	tc := tls.Client(sent, conf)
	hs := make(chan error, 1)
	a.tlsAt = a.cfg.Clock()
	a.dataEvent(result.FromTLS, note)
	go func() { hs <- tc.HandshakeContext(ctx) }()
	select {
	case <-sent.done:
	case err := <-hs:
		hs <- err
	}
	return tc, hs
}

// firstWrite closes done once the first bytes were written.
type firstWrite struct {
	net.Conn
	once sync.Once
	done chan struct{}
}

// Write writes p and signals the first write.
func (w *firstWrite) Write(p []byte) (int, error) {
	n, err := w.Conn.Write(p)
	w.once.Do(func() { close(w.done) })
	return n, err
}

// receive completes a transfer after the 1xx: the data handshake, the
// listing itself, then the final reply, which servers send only once the
// data connection is closed.
func (a *attempt) receive(ctx context.Context, data net.Conn, hs chan error, t *transfer, dc *result.DataChannel) (rfc2228.Reply, error) {
	if hs != nil {
		if err := <-hs; err != nil {
			t.tlsErr = err
			a.dataEvent(result.FromTLS, "handshake failed: "+shortErr(err))
			data.Close()
			if t.moment == beforeCommand {
				// The audit has its answer; pyftpdlib, for one, never
				// sends a final reply after resetting it.
				return rfc2228.Reply{}, errNotAwaited
			}
			return a.reply(ctx, "reading reply after a failed data handshake")
		}
		cs := data.(*tls.Conn).ConnectionState()
		t.tlsState = &cs
		a.res.RoundTrips += dataHandshakeRoundTrips(cs, t.moment)
		done := "handshake done: " + describeTLS(a.tlsInfo(cs))
		if cs.HelloRetryRequest { // a round trip more, shown where it is counted
			done += ", after a HelloRetryRequest"
		}
		a.dataEvent(result.FromTLS, done)
	}
	n, lines, err := readListing(ctx, data)
	t.truncated = n >= maxListing
	dc.ListingBytes, dc.ListingLines, dc.ListingTruncated = n, lines, t.truncated
	a.dataEvent(result.FromServer, fmt.Sprintf("%d bytes, %d lines", n, lines))
	closeNotify := false
	if hs != nil {
		closeNotify = t.tail.endedWithAlert(t.tlsState.Version)
		dc.CloseNotify = &closeNotify
	}
	switch {
	case err != nil:
		t.readErr = err
		a.dataEvent(result.FromNet, "read failed: "+shortErr(err))
	case hs != nil && !closeNotify:
		a.dataEvent(result.FromNet, "closed without TLS close_notify")
	default:
		a.dataEvent(result.FromNet, "closed by server")
	}
	data.Close()       // sends our close_notify on TLS
	a.res.RoundTrips++ // servers send the final reply once the data connection is closed
	return a.reply(ctx, "reading the reply after the transfer")
}

// dataHandshakeRoundTrips counts what a data handshake adds, beyond the
// reply to the transfer command, before the listing's first bytes. The
// server sends them once it has our last flight: two round trips from the
// ClientHello for every kind of handshake (a full TLS 1.2 one ends with
// the server's Finished, which the data follows), one more after a
// HelloRetryRequest. The first came back beside the reply to the command
// when the ClientHello went with or before it.
func dataHandshakeRoundTrips(cs tls.ConnectionState, moment dataMoment) int {
	n := 2
	if cs.HelloRetryRequest {
		n++
	}
	if moment != after1xx {
		n--
	}
	return n
}

// readListing counts a listing up to maxListing bytes. crypto/tls reports
// a clean end (io.EOF) both for close_notify and for a bare TCP close at a
// record boundary; recordTail tells them apart.
func readListing(ctx context.Context, c net.Conn) (n int64, lines int, err error) {
	if d, ok := ctx.Deadline(); ok {
		c.SetReadDeadline(d)
	}
	buf := make([]byte, 32<<10)
	for n < maxListing {
		m, rerr := c.Read(buf)
		n += int64(m)
		lines += bytes.Count(buf[:m], []byte("\n"))
		switch {
		case rerr == nil:
			continue
		case errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF):
			return n, lines, nil
		}
		return n, lines, rerr
	}
	return n, lines, nil
}

// recordTail follows the TLS record headers flowing in on a data
// connection, to learn which record came last.
type recordTail struct {
	net.Conn
	header   [5]byte
	got      int // header bytes seen of the current record
	remain   int // body bytes still to come of the current record
	lastType byte
	lastLen  int
}

// Read reads from the connection, following the TLS record headers in
// what it delivers.
func (r *recordTail) Read(p []byte) (int, error) {
	n, err := r.Conn.Read(p)
	for b := p[:n]; len(b) > 0; {
		if r.remain > 0 {
			k := min(r.remain, len(b))
			r.remain, b = r.remain-k, b[k:]
			continue
		}
		k := copy(r.header[r.got:], b)
		r.got, b = r.got+k, b[k:]
		if r.got == len(r.header) {
			r.lastType, r.lastLen = r.header[0], int(binary.BigEndian.Uint16(r.header[3:]))
			r.remain, r.got = r.lastLen, 0
		}
	}
	return n, err
}

// endedWithAlert reports whether the last record was an alert: at TLS 1.2
// and below its type is visible; TLS 1.3 hides it as application data, but
// an alert is exactly 19 bytes there (2 bytes, the inner type, a 16-byte
// AEAD tag), which no listing line ending in CRLF produces alone in
// practice.
func (r *recordTail) endedWithAlert(version uint16) bool {
	const recordAlert, recordApplicationData, tls13AlertLen = 21, 23, 19
	if version >= tls.VersionTLS13 {
		return r.lastType == recordApplicationData && r.lastLen == tls13AlertLen
	}
	return r.lastType == recordAlert
}

// passive asks for a passive port with EPSV, falling back to PASV, and
// returns the address to dial: always the control connection's peer. A
// PASV address that differs is a finding (pasvReply.addressFinding), and
// is never dialled.
func (a *attempt) passive(ctx context.Context, dc *result.DataChannel) (netip.AddrPort, error) {
	peer := a.addr.Addr().Unmap()
	if dc.EPSVSupported == nil || *dc.EPSVSupported {
		r, err := a.epsv(ctx)
		if err != nil {
			return netip.AddrPort{}, err
		}
		if port, perr := rfc2228.ParseEPSV(r); r.Code == rfc2228.CodeExtendedPassive && perr == nil {
			dc.EPSVSupported, dc.PassiveCommand = ptr(true), "EPSV"
			dc.UsedAddress = netip.AddrPortFrom(peer, uint16(port)).String()
			return netip.AddrPortFrom(peer, uint16(port)), nil
		}
		dc.EPSVSupported = ptr(false)
		evidence := "EPSV: " + r.String()
		if r.Code == rfc2228.CodeNetworkProtocolNotSupported {
			evidence += " (after EPSV, 522 is RFC 2428's \"network protocol not supported\")"
		}
		a.find(cause.EPSVUnsupported, evidence)
	}
	p, err := a.pasv(ctx)
	if err != nil {
		return netip.AddrPort{}, err
	}
	if !p.advertised.IsValid() {
		a.find(cause.PassiveRefused, p.refusal())
		return netip.AddrPort{}, fmt.Errorf("PASV: %s", firstLine(p.reply))
	}
	used := p.used()
	dc.PassiveCommand, dc.AdvertisedAddress, dc.UsedAddress = "PASV", p.advertised.String(), used.String()
	if id, evidence := p.addressFinding(); id != cause.None && !a.has(id) { // once per session, not per transfer
		a.find(id, evidence)
	}
	return used, nil
}

// epsv sends EPSV, or returns the reply to the one sent with PBSZ and
// PROT (protectWithEPSV).
func (a *attempt) epsv(ctx context.Context) (rfc2228.Reply, error) {
	if r := a.epsvReply; r != nil {
		a.epsvReply = nil
		return *r, nil
	}
	return a.cmd(ctx, "EPSV")
}

// pasvReply is a PASV exchange, to be judged against the control
// connection's peer.
type pasvReply struct {
	reply      rfc2228.Reply
	peer       netip.Addr     // the control connection's peer
	advertised netip.AddrPort // the 227's address; invalid when refused or malformed
}

// pasv sends PASV and parses its reply; err is a broken connection, not a
// refusal.
func (a *attempt) pasv(ctx context.Context) (pasvReply, error) {
	p := pasvReply{peer: a.addr.Addr().Unmap()}
	r, err := a.cmd(ctx, "PASV")
	if err != nil {
		return p, err
	}
	p.reply = r
	if advertised, perr := rfc2228.ParsePASV(r); r.Code == rfc2228.CodePassive && perr == nil {
		p.advertised = advertised
	}
	return p, nil
}

// refused reports a PASV the server refused, as opposed to a 227 that
// could not be parsed.
func (p pasvReply) refused() bool { return p.reply.Code != rfc2228.CodePassive }

// refusal is the evidence of a refused or malformed PASV.
func (p pasvReply) refusal() string {
	evidence := "PASV: " + p.reply.String()
	if p.peer.Is6() {
		evidence += ipv6Note(p.peer)
	}
	return evidence
}

// used is the address to dial: always the control connection's peer.
func (p pasvReply) used() netip.AddrPort {
	return netip.AddrPortFrom(p.peer, p.advertised.Port())
}

// addressFinding judges the address the 227 advertised: 0.0.0.0 asks for
// the control connection's address (AWS Transfer Family's
// PassiveIp=0.0.0.0); another address is a NAT mistake, except over IPv6,
// where no IPv6 address fits in a 227 and an IPv4 one is the server's
// best. It returns cause.None when the address is the peer's, or there is
// none.
func (p pasvReply) addressFinding() (cause.ID, string) {
	used := p.used()
	switch {
	case !p.advertised.IsValid():
		return cause.None, ""
	case p.advertised.Addr().IsUnspecified():
		return cause.PASVZeroAddress, fmt.Sprintf("227 advertised %s, which asks clients to use the control connection's address; connected to %s", p.advertised, used)
	case p.peer.Is6():
		return cause.None, ""
	case p.advertised.Addr().Unmap() != p.peer:
		return cause.PASVAddressMismatch, fmt.Sprintf("227 advertised %s, but the control connection's peer is %s; connected to %s instead", p.advertised, p.peer, used)
	}
	return cause.None, ""
}

// ipv6Note explains a PASV refusal over IPv6.
func ipv6Note(peer netip.Addr) string {
	return fmt.Sprintf(" (over IPv6, to %s, where PASV cannot name the address: only EPSV can work)", peer)
}

// dialData opens a passive data connection, drawn on the data timeline.
func (a *attempt) dialData(ctx context.Context, addr netip.AddrPort) (net.Conn, error) {
	ctx, cancel := a.step(ctx)
	defer cancel()
	a.dataEvent(result.FromNet, "TCP connect to "+addr.String())
	a.res.RoundTrips++
	c, err := a.cfg.Dial(ctx, "tcp", addr.String())
	if err != nil {
		a.dataEvent(result.FromNet, "connection failed: "+shortErr(err))
		return nil, fmt.Errorf("connecting to the data port %s: %w", addr, err)
	}
	a.dataEvent(result.FromNet, "TCP connected")
	return c, nil
}

// ptr returns a pointer to a copy of v, for the result's optional fields.
func ptr[T any](v T) *T { return &v }
