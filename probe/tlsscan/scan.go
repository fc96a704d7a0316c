// Package tlsscan enumerates what a TLS server accepts — protocol versions
// from SSL 2.0 to TLS 1.3, cipher suites and their order, key exchange
// groups, DHE sizes — with hand-built ClientHellos (RFC 5246, RFC 8446),
// one connection per question, many at a time.
package tlsscan

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/tlswire"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// An Opener returns a connection on which the next bytes written are the
// ClientHello: for an explicit FTPS port, after 220, AUTH TLS and 234.
type Opener func(ctx context.Context) (net.Conn, error)

// ErrBusy is wrapped by an Opener's error when the server refused the
// connection as too busy (FTP 421): the scan slows down and retries.
var ErrBusy = errors.New("server busy")

// Options tune a scan.
type Options struct {
	ServerName string        // SNI
	MaxConns   int           // connections at once; 0 = DefaultMaxConns
	Timeout    time.Duration // per probe; 0 = 10 s
	Clock      func() time.Time
	// Slot, if set, is waited for before each probe's connection, outside
	// its Timeout, and released once that connection is closed: the
	// caller's budget of connections to the server, shared with its own.
	Slot func(ctx context.Context) (release func(), err error)
}

// DefaultMaxConns is gentle enough for servers with per-address limits
// (Pure-FTPd, vsftpd max_per_ip) yet fast.
const DefaultMaxConns = 8

// maxRetries bounds the retries of one probe refused with 421.
const maxRetries = 5

// scanner holds one scan's state.
type scanner struct {
	open  Opener
	opts  Options
	limit *limiter

	mu          sync.Mutex
	connections int
	backoffs    int
	errors      []string
	busy        map[uint16]bool // versions with a probe that gave up, the server still busy
	raced       atomic.Bool     // the server read a ClientHello as an FTP command (lostRace)
}

// Scan runs the whole enumeration. It always returns a result; probes
// that failed are listed in Errors, a 421 only once it outlasted the
// retries.
func Scan(ctx context.Context, open Opener, opts Options) *result.TLSScan {
	if opts.MaxConns <= 0 {
		opts.MaxConns = DefaultMaxConns
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	s := &scanner{open: open, opts: opts, limit: newLimiter(opts.MaxConns), busy: map[uint16]bool{}}
	start := opts.Clock()

	versions := []uint16{tlswire.VersionSSL20, tlswire.VersionSSL30, tlswire.VersionTLS10, tlswire.VersionTLS11, tlswire.VersionTLS12, tlswire.VersionTLS13}
	out := make([]result.VersionScan, len(versions))
	var g errgroup.Group
	for i, v := range versions {
		g.Go(func() error {
			out[i] = s.version(ctx, v)
			if s.gaveUp(v) { // a probe refused to the end answered nothing: unknown, not refused
				out[i].Unfinished = "server busy"
			}
			if stopped(ctx) { // a probe cut by ctx answered nothing: unknown, not refused
				out[i].Unfinished = "interrupted"
			}
			return nil
		})
	}
	g.Wait()

	return &result.TLSScan{
		Versions:    out,
		Connections: s.connections,
		MaxConns:    s.limit.size(),
		Backoffs:    s.backoffs,
		DurationMS:  float64(opts.Clock().Sub(start).Round(100*time.Microsecond)) / float64(time.Millisecond),
		Errors:      s.errors,
	}
}

// version answers everything about one protocol version.
func (s *scanner) version(ctx context.Context, v uint16) result.VersionScan {
	vs := result.VersionScan{Version: tlswire.VersionName(v)}
	if v == tlswire.VersionSSL20 {
		return s.sslv2(ctx, vs)
	}
	candidates := codes(tlswire.SuitesFor(v))
	first, ok := s.pick(ctx, v, candidates)
	if !ok {
		return vs
	}
	vs.Accepted = true
	// Groups and the DHE size need only the version: at once.
	var g errgroup.Group
	g.Go(func() error { vs.Groups = s.groups(ctx, v, candidates); return nil })
	g.Go(func() error { vs.DHBits = s.dhBits(ctx, v, candidates); return nil })
	g.Go(func() error {
		order, pref := s.suites(ctx, v, candidates, first)
		vs.ServerPreference = pref
		for _, c := range order {
			vs.Suites = append(vs.Suites, describe(c))
		}
		return nil
	})
	g.Wait()
	return vs
}

// suites finds every accepted suite and the server's order. first is the
// server's pick from all candidates in registry order; if it picks the same
// from the reversed list, it chooses by its own order, and offering the
// rest again and again lists the suites in exactly that order. Otherwise it
// takes the client's first choice, order means nothing, and the candidates
// are searched in parallel parts.
func (s *scanner) suites(ctx context.Context, v uint16, candidates []uint16, first uint16) ([]uint16, *bool) {
	pick := func(ctx context.Context, offered []uint16) (uint16, bool) { return s.pick(ctx, v, offered) }
	if last, ok := s.pick(ctx, v, reversed(candidates)); !ok || last == first {
		order := s.enumerate(ctx, candidates, first, 1, pick)
		if len(order) < 2 {
			return order, nil
		}
		return order, ptr(true)
	}
	return registryOrder(s.enumerate(ctx, candidates, first, s.opts.MaxConns/2, pick)), ptr(false)
}

// pick offers suites at version v and returns the one the server chose.
func (s *scanner) pick(ctx context.Context, v uint16, suites []uint16) (uint16, bool) {
	if len(suites) == 0 {
		return 0, false
	}
	r, err := s.hello(ctx, tlswire.ClientHello{Version: v, Suites: suites, ServerName: s.opts.ServerName, KeyShares: defaultShares(v)}, false)
	if err != nil || !accepts(r, v) || !slices.Contains(suites, r.Suite) {
		return 0, false
	}
	return r.Suite, true
}

// accepts reports a ServerHello (or HelloRetryRequest) at exactly v.
func accepts(r tlswire.Response, v uint16) bool {
	return (r.Kind == tlswire.KindServerHello || r.Kind == tlswire.KindHelloRetry) && r.Version == v
}

// enumerate finds every accepted item (suite or group) by offering, again
// and again, the ones not yet chosen. The candidates are split into up to
// chunks parts searched at the same time, so that many accepted items cost
// few round trips; with one chunk the order found is the server's own.
func (s *scanner) enumerate(ctx context.Context, candidates []uint16, first uint16, chunks int, pick func(context.Context, []uint16) (uint16, bool)) []uint16 {
	rest := slices.DeleteFunc(slices.Clone(candidates), func(c uint16) bool { return c == first })
	parts := split(rest, chunks)
	found := make([][]uint16, len(parts))
	var g errgroup.Group
	for i, part := range parts {
		g.Go(func() error {
			for len(part) > 0 {
				c, ok := pick(ctx, part)
				if !ok {
					return nil
				}
				found[i] = append(found[i], c)
				part = slices.DeleteFunc(part, func(x uint16) bool { return x == c })
			}
			return nil
		})
	}
	g.Wait()
	accepted := []uint16{first}
	for _, f := range found {
		accepted = append(accepted, f...)
	}
	return accepted
}

// groups finds the key exchange groups accepted at TLS 1.2 (for ECDHE
// suites) and TLS 1.3, in the order the server chooses them (its own
// preference, or the client's order if it follows that): offer all, note
// the one chosen, offer the rest. TLS 1.3 probes send no key share,
// so the server names its choice in a HelloRetryRequest; TLS 1.2 probes
// read it from the ServerKeyExchange.
func (s *scanner) groups(ctx context.Context, v uint16, suiteCandidates []uint16) []string {
	var suites []uint16
	for _, c := range suiteCandidates {
		if su, ok := tlswire.LookupSuite(c); ok && (v == tlswire.VersionTLS13 || su.KeyExchange == "ECDHE") {
			suites = append(suites, c)
		}
	}
	if v < tlswire.VersionTLS12 || len(suites) == 0 {
		return nil
	}
	var candidates []uint16
	for _, gr := range tlswire.Groups() {
		if v == tlswire.VersionTLS12 && gr.Code >= 256 && gr.Code < 512 {
			continue // ffdhe groups name DHE parameters, not ECDHE curves, at TLS 1.2
		}
		candidates = append(candidates, gr.Code)
	}
	pick := func(ctx context.Context, offered []uint16) (uint16, bool) {
		h := tlswire.ClientHello{Version: v, Suites: suites, ServerName: s.opts.ServerName, Groups: offered}
		r, err := s.hello(ctx, h, v == tlswire.VersionTLS12)
		if err != nil || !accepts(r, v) || !slices.Contains(offered, r.Group) {
			return 0, false
		}
		return r.Group, true
	}
	first, ok := pick(ctx, candidates)
	if !ok {
		return nil
	}
	var names []string
	for _, c := range s.enumerate(ctx, candidates, first, 1, pick) {
		names = append(names, tlswire.GroupName(c))
	}
	return names
}

// dhBits reads the DHE group size from a ServerKeyExchange.
func (s *scanner) dhBits(ctx context.Context, v uint16, candidates []uint16) int {
	var dhe []uint16
	for _, c := range candidates {
		if su, ok := tlswire.LookupSuite(c); ok && su.KeyExchange == "DHE" {
			dhe = append(dhe, c)
		}
	}
	if v > tlswire.VersionTLS12 || len(dhe) == 0 {
		return 0
	}
	r, err := s.hello(ctx, tlswire.ClientHello{Version: v, Suites: dhe, ServerName: s.opts.ServerName}, true)
	if err != nil || !accepts(r, v) {
		return 0
	}
	return r.DHBits
}

// sslv2 sends an SSL 2.0 CLIENT-HELLO.
func (s *scanner) sslv2(ctx context.Context, vs result.VersionScan) result.VersionScan {
	var specs []uint32
	for _, sp := range tlswire.SSLv2Specs() {
		specs = append(specs, sp.Code)
	}
	r, err := s.exchange(ctx, tlswire.SSLv2ClientHello(specs), false)
	s.noteBusy(tlswire.VersionSSL20, err)
	if err != nil || r.Kind != tlswire.KindSSLv2ServerHello {
		return vs
	}
	vs.Accepted = true
	bits := map[uint32]int{}
	for _, sp := range tlswire.SSLv2Specs() {
		bits[sp.Code] = sp.Bits
	}
	for _, c := range r.SSLv2Specs {
		vs.Suites = append(vs.Suites, result.Suite{Code: fmt.Sprintf("0x%06X", c), Name: tlswire.SSLv2SpecName(c), KeyExchange: "RSA", Bits: bits[c], Strength: string(tlswire.StrengthInsecure)})
	}
	return vs
}

// hello sends one ClientHello and reads the answer.
func (s *scanner) hello(ctx context.Context, h tlswire.ClientHello, more bool) (tlswire.Response, error) {
	msg, err := h.Marshal()
	if err != nil {
		return tlswire.Response{}, err
	}
	r, err := s.exchange(ctx, msg, more)
	s.noteBusy(h.Version, err)
	return r, err
}

// noteBusy remembers that a probe of version v gave up with the server
// still busy (err wraps ErrBusy).
func (s *scanner) noteBusy(v uint16, err error) {
	if errors.Is(err, ErrBusy) {
		s.mu.Lock()
		s.busy[v] = true
		s.mu.Unlock()
	}
}

// gaveUp reports whether a probe of version v gave up busy.
func (s *scanner) gaveUp(v uint16) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.busy[v]
}

// exchange runs one probe on its own connection, within the concurrency
// limit, retrying with fewer connections at a time when the server says
// it is busy.
func (s *scanner) exchange(ctx context.Context, msg []byte, more bool) (tlswire.Response, error) {
	for attempt := 0; ; attempt++ {
		if err := s.limit.acquire(ctx); err != nil {
			return tlswire.Response{}, err
		}
		r, err := s.slotted(ctx, msg, more)
		s.limit.release()
		if err == nil {
			s.limit.grow()
		}
		if !errors.Is(err, ErrBusy) || attempt == maxRetries {
			if err != nil && !stopped(ctx) { // a refusal that outlasted every retry too
				s.note(err)
			}
			return r, err
		}
		s.mu.Lock()
		s.backoffs++
		s.mu.Unlock()
		s.limit.shrink()
		select {
		case <-ctx.Done():
			return tlswire.Response{}, ctx.Err()
		case <-time.After(time.Duration(attempt+1) * 100 * time.Millisecond):
		}
	}
}

// slotted runs once within a slot of the caller's budget (Options.Slot).
func (s *scanner) slotted(ctx context.Context, msg []byte, more bool) (tlswire.Response, error) {
	if s.opts.Slot == nil {
		return s.once(ctx, msg, more)
	}
	release, err := s.opts.Slot(ctx)
	if err != nil {
		return tlswire.Response{}, err
	}
	defer release()
	return s.once(ctx, msg, more)
}

// once opens a connection, sends msg and reads the answer, all within one
// probe's Timeout; when ctx ends, an expired deadline unblocks the read.
func (s *scanner) once(ctx context.Context, msg []byte, more bool) (tlswire.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	s.mu.Lock()
	s.connections++
	s.mu.Unlock()
	c, err := s.open(ctx)
	if err != nil {
		return tlswire.Response{}, err
	}
	defer c.Close()
	if err := s.settle(ctx); err != nil {
		return tlswire.Response{}, err
	}
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	if d, ok := ctx.Deadline(); ok {
		c.SetDeadline(d)
	}
	if _, err := c.Write(msg); err != nil {
		return tlswire.Response{}, fmt.Errorf("sending the ClientHello: %w", err)
	}
	r, err := tlswire.ReadResponse(c, more)
	if err == nil && s.lostRace(r) {
		return r, fmt.Errorf("%w: the server read the ClientHello as an FTP command: %q", ErrBusy, r.Text)
	}
	return r, err
}

// lostRace reports an answer that says the server read the ClientHello,
// sent at once after its 234, as an FTP command (rfc2228.ReadAsCommand):
// the server switches to TLS only once its 234 is written, and was too
// slow this time. The probe is retried as for a busy server, and from now
// on every ClientHello waits after the 234 (settle).
func (s *scanner) lostRace(r tlswire.Response) bool {
	if r.Kind != tlswire.KindPlaintext || !rfc2228.ReadAsCommand(r.Text) {
		return false
	}
	s.raced.Store(true)
	return true
}

// settle waits rfc2228.RaceSettle before a ClientHello once the server has
// lost the race after 234, as a slower client would.
func (s *scanner) settle(ctx context.Context) error {
	if !s.raced.Load() {
		return nil
	}
	t := time.NewTimer(rfc2228.RaceSettle)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// stopped reports whether the scan's ctx has ended: cancelled, or past its
// deadline, which counts from the moment it passes (a read cut by it can
// return a moment before ctx.Err is set).
func stopped(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	d, ok := ctx.Deadline()
	return ok && !time.Now().Before(d)
}

// note keeps a probe error for the report, a few at most.
func (s *scanner) note(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.errors) < 10 && !slices.Contains(s.errors, err.Error()) {
		s.errors = append(s.errors, err.Error())
	}
}

// codes returns the code of each suite, in order.
func codes(suites []tlswire.Suite) []uint16 {
	out := make([]uint16, len(suites))
	for i, s := range suites {
		out[i] = s.Code
	}
	return out
}

// split cuts s into at most n chunks of about equal size.
func split(s []uint16, n int) [][]uint16 {
	n = max(1, min(n, len(s)))
	var out [][]uint16
	for i := range n {
		lo, hi := i*len(s)/n, (i+1)*len(s)/n
		if lo < hi {
			out = append(out, slices.Clone(s[lo:hi]))
		}
	}
	return out
}

// reversed returns a reversed copy of s.
func reversed(s []uint16) []uint16 {
	r := slices.Clone(s)
	slices.Reverse(r)
	return r
}

// registryOrder sorts suites by code: without a server preference, the
// order the scan found them in means nothing.
func registryOrder(s []uint16) []uint16 {
	r := slices.Clone(s)
	slices.Sort(r)
	return r
}

// defaultShares: a TLS 1.3 ClientHello carries an X25519 and a P-256 key
// share, as browsers do, so that most servers answer with a ServerHello.
func defaultShares(v uint16) []uint16 {
	if v != tlswire.VersionTLS13 {
		return nil
	}
	return []uint16{tlswire.GroupX25519, tlswire.GroupSecp256r1}
}

// ptr returns a pointer to a copy of v, for the optional result fields.
func ptr[T any](v T) *T { return &v }

// describe is the result entry for a suite code; a code tlswire does not
// know is named "unknown" and graded weak.
func describe(code uint16) result.Suite {
	su, ok := tlswire.LookupSuite(code)
	if !ok {
		return result.Suite{Code: fmt.Sprintf("0x%04X", code), Name: "unknown", Strength: string(tlswire.StrengthWeak)}
	}
	return result.Suite{Code: su.CodeString(), Name: su.Name, KeyExchange: su.KeyExchange, Bits: su.Bits, Strength: string(su.Strength)}
}
