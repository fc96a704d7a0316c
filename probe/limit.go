package probe

import (
	"context"
	"fmt"
	"io"
	"net"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// limitWords are how servers word a refusal for their connection limit:
// vsftpd "There are too many connections from your internet address." and
// "There are too many connected users, please try later.", ProFTPD "Sorry,
// the maximum number of clients (2) from your host are already
// connected." (mod_auth), Pure-FTPd "Too many connections (2) from this
// IP" and "10 users (the maximum) are already logged in, sorry",
// FileZilla Server "Too many users, closing control connection", JP1/FTP
// "Maximum clients reached". Where a server's wording was not found (IIS,
// Serv-U), the words a limit is said in are matched, and any 421 instead
// of the greeting counts.
var limitWords = regexp.MustCompile(`(?i)too many (connect|users|clients|sessions)|maximum number of|max(imum)? (clients|connections|users|sessions)|\(the maximum\)|(connection|session|user|client)s? limit|(connections?|users|clients|sessions) (from|per) (your|this|the same|each) (internet address|host|ip|address)`)

// limitRefusal reports a reply that refuses the session for the server's
// connection limit: any 421 instead of the greeting, or a 421 or 530 whose
// words name a limit, instead of the greeting (ProFTPD
// MaxConnectionsPerHost) or answering USER or PASS (ProFTPD counts
// clients at login).
func limitRefusal(r rfc2228.Reply, greeting bool) bool {
	if greeting && r.Code == rfc2228.CodeServiceNotAvailable {
		return true
	}
	return (r.Code == rfc2228.CodeServiceNotAvailable || r.Code == rfc2228.CodeNotLoggedIn) && limitWords.MatchString(r.String())
}

// limitRefused records that the server refused this connection for its
// connection limit. It is a finding only if it stays refused once every
// other connection of ours has ended: otherwise our own connections
// caused it.
func (a *attempt) limitRefused(evidence string) {
	a.find(cause.TooManyConnections, evidence)
	a.cfg.conns.refused(evidence)
}

// refusedBeforeTLS reports, after a failed implicit handshake, a refusal
// for the connection limit the server sent in clear instead of TLS (as
// vsftpd does with implicit_ssl): the port is no less implicit for it.
func (a *attempt) refusedBeforeTLS() bool {
	r := plainReply(a.tap)
	if !limitRefusal(r, true) {
		return false
	}
	a.drop(cause.ImplicitGotPlaintext)
	a.limitRefused(r.String())
	return true
}

// limited reports an attempt the server refused for its connection limit.
func (a *attempt) limited() bool { return a.has(cause.TooManyConnections) }

// budget keeps ftpsdiag's control connections to one server within what
// the server accepts. Nothing waits until the server has refused one of
// them for a limit; from then on the work that can wait (re-runs of
// refused audits, the scan) takes one connection at a time, or as many as
// the limit check measured.
type budget struct {
	mu       sync.Mutex
	changed  chan struct{} // closed and replaced when a slot frees
	control  []string      // the control addresses (ip:port) whose connections count
	dial     dialFunc      // the dialer counting wraps, for connections a slot counts already
	open     int           // control connections open now
	pending  int           // slots taken by acquire
	max      int           // most at once; 0 while no refusal was seen
	sole     bool          // the limit check holds every slot
	waiting  int           // limit checks waiting for every slot
	evidence string        // the first refusal
}

// newBudget counts the connections to the control addresses.
func newBudget(control []string) *budget {
	return &budget{control: control, changed: make(chan struct{})}
}

// wake tells the waiters that something changed; the caller holds mu.
func (b *budget) wake() {
	close(b.changed)
	b.changed = make(chan struct{})
}

// dialFunc is Config.Dial's type.
type dialFunc = func(ctx context.Context, network, addr string) (net.Conn, error)

// counting wraps dial so that every control connection is counted while
// it is open; data connections go to other ports and do not count.
func (b *budget) counting(dial dialFunc) dialFunc {
	b.dial = dial
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil || !slices.Contains(b.control, addr) {
			return c, err
		}
		b.mu.Lock()
		b.open++
		b.mu.Unlock()
		return &countedConn{Conn: c, b: b}, nil
	}
}

// countedConn gives its slot back when closed.
type countedConn struct {
	net.Conn
	b    *budget
	once sync.Once
}

// Close closes the connection and frees its slot, once.
func (c *countedConn) Close() error {
	c.once.Do(func() {
		c.b.mu.Lock()
		c.b.open--
		c.b.wake()
		c.b.mu.Unlock()
	})
	return c.Conn.Close()
}

// refused notes a refusal for the connection limit: from now on what can
// wait takes one connection at a time until the check measures more.
func (b *budget) refused(evidence string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.evidence == "" {
		b.evidence = evidence
	}
	if b.max == 0 {
		b.max = 1
	}
}

// limited reports whether the server has refused one of our connections
// for its limit.
func (b *budget) limited() bool {
	if b == nil {
		return false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.max > 0
}

// acquire waits for a free slot and takes it; release gives it back.
// Without a known limit it takes one at once.
func (b *budget) acquire(ctx context.Context) (release func(), err error) {
	if b == nil {
		return func() {}, nil
	}
	for {
		b.mu.Lock()
		if !b.sole && b.waiting == 0 && (b.max == 0 || b.open+b.pending < b.max) {
			b.pending++
			b.mu.Unlock()
			return b.giveBack, nil
		}
		wait := b.changed
		b.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-wait:
		}
	}
}

// slotDial is the dialer for a connection made within a slot taken by
// acquire, which counts it already; or fallback without a budget.
func (b *budget) slotDial(fallback dialFunc) dialFunc {
	if b == nil || b.dial == nil {
		return fallback
	}
	return b.dial
}

// giveBack frees a slot taken by acquire.
func (b *budget) giveBack() {
	b.mu.Lock()
	b.pending--
	b.wake()
	b.mu.Unlock()
}

// alone waits until none of our control connections is open and keeps
// others from opening one until release: the limit check must count only
// its own sessions. From the call on, acquire waits, so that the scan
// cannot keep it waiting; a second caller waits for the first.
func (b *budget) alone(ctx context.Context) (release func(), err error) {
	b.mu.Lock()
	b.waiting++
	for b.sole || b.open+b.pending > 0 {
		wait := b.changed
		b.mu.Unlock()
		select {
		case <-ctx.Done():
			b.mu.Lock()
			b.waiting--
			b.wake()
			b.mu.Unlock()
			return nil, ctx.Err()
		case <-wait:
		}
		b.mu.Lock()
	}
	b.waiting--
	b.sole = true
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		b.sole = false
		b.wake()
		b.mu.Unlock()
	}, nil
}

// firstRefusal is the evidence of the first refusal for the limit.
func (b *budget) firstRefusal() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.evidence
}

// measured sets the limit the check found.
func (b *budget) measured(n int) {
	b.mu.Lock()
	b.max = max(1, n)
	b.wake()
	b.mu.Unlock()
}

// reapPauses are the waits before trying again a connection the server
// refused for its limit. Every connection of ours has waited for the
// server to close it (awaitClose) before, so what remains is the time
// the server takes to count a session as ended after its process exits:
// a few milliseconds for vsftpd's parent to reap its child.
var reapPauses = []time.Duration{2 * time.Millisecond, 5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond, 50 * time.Millisecond, 100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond}

// confirmPauses are shorter: the limit check's refusal of one more session
// is expected, and only needs telling apart from a session not yet reaped.
var confirmPauses = reapPauses[:4]

// pause waits before try+1 of a refused connection; false when the tries
// are used up or ctx ends.
func pause(ctx context.Context, pauses []time.Duration, try int) bool {
	if try >= len(pauses) {
		return false
	}
	t := time.NewTimer(pauses[try])
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// closeWait bounds the wait for the server to close a connection after
// QUIT or a refusal.
const closeWait = time.Second

// awaitClose waits, once the server has a limit, for it to close the
// connection (after 221 or a refusal): the server counts the session
// until then, and the next connection would be refused for it. The bytes
// read are the server's close_notify, if any.
func (a *attempt) awaitClose(ctx context.Context) {
	if a.tap == nil || !a.cfg.conns.limited() {
		return
	}
	deadline := time.Now().Add(min(closeWait, a.cfg.Timeout))
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	if a.tap.SetReadDeadline(deadline) != nil {
		return
	}
	_, err := io.Copy(io.Discard, io.LimitReader(a.tap, 64<<10))
	if err == nil { // EOF
		a.event(result.FromNet, "the server closed the connection")
	}
}

// maxCheck bounds the sessions the limit check holds at once: FileZilla
// opens 3 with its default two parallel transfers; a fourth tells that
// they fit.
const maxCheck = 4

// measureLimit runs, after the server refused one of our connections for
// its limit, with no other connection of ours open: it opens sessions one
// by one, each logged in (ProFTPD counts at login), holding them, until
// the server refuses one more or maxCheck are open. A refusal is tried
// again after short pauses before it counts, since the server may not
// yet have reaped a session that ended. Fewer than maxCheck is a finding.
func (a *attempt) measureLimit(ctx context.Context) {
	b := a.cfg.conns
	if !b.limited() {
		return
	}
	release, err := b.alone(ctx)
	if err != nil {
		return
	}
	defer release()
	var held []*attempt
	defer func() {
		for _, s := range held {
			s.quit(ctx)
			a.waitedFor(s)
		}
	}()
	lim := &result.ConnLimit{Evidence: b.firstRefusal()}
	for len(held) < maxCheck {
		s, refusal, ok := a.oneMoreSession(ctx)
		if !ok {
			return // not refused for the limit, nor accepted: nothing to measure
		}
		if s == nil {
			lim.Evidence = refusal
			break
		}
		held = append(held, s)
	}
	lim.MaxSessions, lim.AtLeast = len(held), len(held) == maxCheck
	a.res.ConnLimit = lim
	b.measured(len(held))
	if !lim.AtLeast {
		a.find(cause.ConnectionLimitLow, fmt.Sprintf("%s at once from this address; one more was refused: %s", plural(len(held), "session"), lim.Evidence))
	}
}

// oneMoreSession opens and logs in one session of the limit check. It
// returns the session, or nil and the refusal when the server refused it
// for its limit each time; ok is false when it failed otherwise.
func (a *attempt) oneMoreSession(ctx context.Context) (s *attempt, refusal string, ok bool) {
	for try := 0; ; try++ {
		s = a.sibling()
		connected := s.connect(ctx, true) && s.login(ctx)
		if !s.limited() {
			if !connected && !s.has(cause.LoginFailed) {
				s.quit(ctx)
				a.waitedFor(s)
				return nil, "", false
			}
			return s, "", true // measureLimit adds its round trips once it has quit
		}
		refusal = s.evidence(cause.TooManyConnections)
		s.quit(ctx)
		a.waitedFor(s)
		if !pause(ctx, confirmPauses, try) {
			return nil, refusal, true
		}
	}
}
