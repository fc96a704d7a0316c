// Package ftpstest provides a scriptable fake FTPS server (RFC 959, RFC 2228, RFC 4217) on loopback for tests and demos.
package ftpstest

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"
)

// Limits that keep a broken or hostile client from hanging or ballooning the server.
const (
	maxLine        = 4096             // longest command line, CRLF included
	defaultIdle    = 30 * time.Second // default Config.IdleTimeout
	lingerTimeout  = time.Second      // how long a closing connection drains the peer's last bytes
	lingerMax      = 64 << 10         // how many of those bytes it reads at most
	maxCommandsLog = 10000            // Commands keeps at most this many lines
)

// Config scripts a Server. The zero value (plus TLS) is a small, correct explicit FTPS server.
type Config struct {
	// Implicit makes the server hand-shake TLS immediately on accept (port-990 style) and
	// send the greeting inside TLS; otherwise the greeting is in clear and AUTH TLS upgrades.
	Implicit bool
	// TLS is the server TLS configuration, used for control and data connections alike, so a
	// data connection can resume the control session. Nil means no TLS: AUTH gets AuthRefusal.
	TLS *tls.Config

	// Greeting is the raw greeting, one line per Write; default {"220 ftpstest ready"}.
	Greeting []string
	// GreetingDelay delays the greeting (a slow reverse-DNS or ident lookup).
	GreetingDelay time.Duration
	// Features are the FEAT lines without the leading space. Nil gives a default list (without
	// AUTH TLS, PBSZ and PROT when TLS is nil); empty and non-nil gives "211 No features.".
	Features []string
	// Replies scripts the reply to a command. The key is the verb, optionally with its
	// argument ("AUTH TLS", "PROT P", "USER ALICE", "LIST"), matched case-insensitively, the
	// key with the argument first; PASS is matched by verb only. Unknown verbs can be
	// scripted too ("HOST", "SITE"). The value is the raw reply; "\r\n" separates the lines
	// of a multi-line reply. The command takes effect only if the override is of the same
	// class (first digit) as the default reply: "234 ..." to AUTH still upgrades, "534 ..."
	// to PROT P leaves protection unchanged, a "1xx" to LIST replaces the 150 and the
	// transfer proceeds, anything else answers LIST without a transfer. PASV and EPSV
	// overrides are sent verbatim and open no listener (see PassiveHost). Not overridable:
	// sequence and argument errors (501, 503, 425 without PASV, 530 before login), a wrong
	// password (530), AuthRefusal, ClearLoginRefusal, ClearDataRefusal, ReuseRefusal.
	Replies map[string]string
	// AuthRefusal answers AUTH when TLS is nil or the mechanism is unknown;
	// default "504 Unknown AUTH type.".
	AuthRefusal string
	// UnknownReply answers commands the server does not implement (and that Replies does
	// not script); default "502 Command not implemented.".
	UnknownReply string
	// ReplyDelay delays every reply to a command (a slow server).
	ReplyDelay time.Duration
	// IdleTimeout bounds every wait for the client (command, handshake, data connection);
	// default 30 s.
	IdleTimeout time.Duration

	// Users maps user names to passwords. "anonymous" and "ftp" log in with any password
	// unless DenyAnonymous is set.
	Users         map[string]string
	DenyAnonymous bool
	// ClearLoginRefusal, if set, answers USER and PASS sent before TLS
	// (e.g. VsftpdClearLoginRefusal); by default clear logins are allowed.
	ClearLoginRefusal string

	// Host is the loopback address the server listens on, for control and passive
	// connections alike: "127.0.0.1" (default) or "::1", for a session over IPv6 (where the
	// 227 to PASV still names PassiveHost: no IPv6 address fits in it).
	Host string
	// Listing holds the LIST lines; nil gives two realistic `ls -l` lines. NLST and MLSD
	// derive their lines from it.
	Listing []string
	// PassiveHost is the IPv4 address advertised in the 227 reply to PASV (the listener is
	// always on Host), e.g. "10.0.0.5" to simulate a server behind NAT; default "127.0.0.1".
	PassiveHost string
	// ClearDataRefusal, if set, answers a transfer under PROT C instead of the 150
	// (e.g. VsftpdClearDataRefusal); by default clear data is allowed.
	ClearDataRefusal string
	// ReuseRefusal, if set, makes the server require that the data TLS session resumes the
	// control session, like vsftpd's require_ssl_reuse: an unresumed data handshake is
	// answered with this reply after the 150 (e.g. VsftpdReuseRefusal).
	ReuseRefusal string
	// DataTLS, if set, serves protected data connections instead of TLS: with
	// other session-ticket settings, the data handshake cannot resume.
	DataTLS *tls.Config
	// DataTLSEvery, if over 1, serves only every DataTLSEvery-th protected data connection of
	// a session with DataTLS and the others with TLS, like a load balancer sending data
	// connections round-robin to nodes that share no sessions.
	DataTLSEvery int
	// RefuseAfterTransfers, if set, refuses every protected transfer of a
	// session after that many, after the 150 and the handshake, like a
	// server whose session cache or single-use tickets ran out.
	RefuseAfterTransfers int
	// ResetEarlyData resets a passive data connection that is already open
	// when a NOOP arrives before the transfer command, like pyftpdlib with
	// a data handshake started early (curl's order).
	ResetEarlyData bool
	// Mark150AfterDataTLS sends the 1xx to a protected transfer only once the
	// data TLS handshake is done, and answers "425 No connection established"
	// when no ClientHello came within IdleTimeout, like the Node.js server
	// measured in issue 15: clients that wait for the 150 before their
	// handshake wait until it gives up.
	Mark150AfterDataTLS bool
	// OneCommandPerRead, if set, says whether the control connection
	// accepted n-th (counted as for AuthRace) drops what a read brought
	// beyond the first command, like a server that reads into a buffer and
	// parses one line of it: commands sent together (pipelined) go
	// unanswered.
	OneCommandPerRead func(n int) bool
	// SkipCloseNotify ends protected data connections without a TLS close_notify.
	SkipCloseNotify bool
	// TransferComplete is the reply after a successful transfer; default "226 Transfer complete.".
	TransferComplete string
	// AllowCCC makes CCC answer 200, send close_notify, wait for the client's and go on in
	// clear; by default CCC is refused with 533.
	AllowCCC bool

	// OnConnect, if set, replaces the whole session (silence, garbage, reset, slow drip). It
	// gets the raw accepted connection, with a deadline of IdleTimeout, and owns it until it
	// returns; the server then closes it. It must return once the connection is closed.
	OnConnect func(c net.Conn)
	// AfterAuth, if set, is called after the 234 to AUTH instead of the TLS handshake
	// (plaintext after 234, a TLS alert, a reset), under the same rules as OnConnect.
	AfterAuth func(c net.Conn)
	// AuthRace, if set, makes the server switch to TLS late after a 234, like a server that
	// wraps its socket only once its 234 is written (ftp-srv). It is asked about every AUTH
	// the server accepts, n being its connection's number in the order the server accepted
	// them (from 1: the order the client's connects completed, whatever the order of their
	// AUTHs), and returns how long after the 234 the server still reads the connection as
	// FTP commands (0: not at all). A ClientHello that arrives within that window is read as
	// a command and answered "502 Command not allowed: " and the record's first bytes, in
	// clear; the server then waits for a new ClientHello on the same connection.
	// FirstSessions(n) races the first n connections whenever their ClientHello comes.
	AuthRace func(n int) time.Duration
	// ControlTLSFor, if set, gives the TLS configuration of the control connection
	// accepted n-th (counted as for AuthRace) after AUTH, instead of TLS: a load balancer
	// that sends connections to nodes with other certificates.
	ControlTLSFor func(n int) *tls.Config

	// MaxSessions, if set, is how many sessions the server holds at once, like vsftpd
	// max_per_ip: one more gets VsftpdPerIPRefusal instead of the greeting and is closed.
	// A session counts until the server has closed its connection. With LimitAtLogin only
	// logged-in sessions count and the refusal (ProFTPDPerHostRefusal) answers PASS, as
	// ProFTPD MaxClientsPerHost does.
	MaxSessions  int
	LimitAtLogin bool

	// Logf, if set, gets one line per session saying why it ended (t.Logf fits: Close
	// waits for every session).
	Logf func(format string, args ...any)
}

// Server is a fake FTPS server listening on a loopback address (Config.Host).
type Server struct {
	Addr string // "127.0.0.1:port", or "[::1]:port"
	Port int

	cfg      Config
	replies  map[string]string // cfg.Replies with normalised keys
	ln       net.Listener
	accepted int           // connections accepted: the next one's number, for AuthRace (the accept loop's own)
	done     chan struct{} // closed by Close
	wg       sync.WaitGroup
	once     sync.Once
	lnErr    error

	mu     sync.Mutex
	closed bool
	live   map[io.Closer]struct{} // control and data connections, passive listeners
	cmds   []string
	held   int // sessions counted against MaxSessions
}

// enter counts one more session against MaxSessions; false when the
// server holds as many as it allows.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held >= s.cfg.MaxSessions {
		return false
	}
	s.held++
	return true
}

// leave ends a session counted by enter.
func (s *Server) leave() {
	s.mu.Lock()
	s.held--
	s.mu.Unlock()
}

// NewServer starts a server for cfg on 127.0.0.1 (or Config.Host) with a kernel-chosen port. By default a
// session is: greeting; FEAT; AUTH TLS|TLS-C|SSL|TLS-P → 234 and handshake (SSL and TLS-P
// also set PBSZ 0 and PROT P); PBSZ (503 before TLS) and PROT C|P (503 before PBSZ); USER,
// PASS (anonymous or Users; 530 Login incorrect); login required for PWD, CWD, TYPE, PASV,
// EPSV, LIST, NLST, MLSD; SYST, NOOP, OPTS UTF8 ON, QUIT; anything else UnknownReply.
// A transfer goes like vsftpd's: accept the passive connection, 150, TLS handshake under
// PROT P (so a client must send LIST before it waits for its data handshake), data,
// close_notify and close, 226.
func NewServer(cfg Config) (*Server, error) {
	if cfg.Implicit && cfg.TLS == nil {
		return nil, errors.New("ftpstest: implicit mode needs a TLS config")
	}
	if cfg.PassiveHost != "" {
		if ip := net.ParseIP(cfg.PassiveHost); ip == nil || ip.To4() == nil {
			return nil, fmt.Errorf("ftpstest: PassiveHost %q is not an IPv4 address", cfg.PassiveHost)
		}
	}
	if ip := net.ParseIP(cfg.Host); cfg.Host != "" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("ftpstest: Host %q is not a loopback address", cfg.Host)
	}
	cfg = withDefaults(cfg)
	ln, err := net.Listen("tcp", net.JoinHostPort(cfg.Host, "0"))
	if err != nil {
		return nil, fmt.Errorf("ftpstest: listening: %w", err)
	}
	s := &Server{
		Addr:    ln.Addr().String(),
		Port:    ln.Addr().(*net.TCPAddr).Port,
		cfg:     cfg,
		replies: make(map[string]string, len(cfg.Replies)),
		ln:      ln,
		done:    make(chan struct{}),
		live:    make(map[io.Closer]struct{}),
	}
	for k, v := range cfg.Replies {
		s.replies[strings.Join(strings.Fields(strings.ToUpper(k)), " ")] = v
	}
	s.wg.Add(1)
	go s.acceptLoop()
	return s, nil
}

// withDefaults fills the fields Config gives a default for, and writes
// PassiveHost in its 4-byte form ("::ffff:10.0.0.5" becomes "10.0.0.5")
// for the 227 reply.
func withDefaults(cfg Config) Config {
	if cfg.Greeting == nil {
		cfg.Greeting = []string{"220 ftpstest ready"}
	}
	if cfg.Features == nil {
		if cfg.TLS != nil {
			cfg.Features = []string{"AUTH TLS", "PBSZ", "PROT", "EPSV", "PASV", "UTF8"}
		} else {
			cfg.Features = []string{"EPSV", "PASV", "UTF8"}
		}
	}
	if cfg.AuthRefusal == "" {
		cfg.AuthRefusal = "504 Unknown AUTH type."
	}
	if cfg.UnknownReply == "" {
		cfg.UnknownReply = "502 Command not implemented."
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = defaultIdle
	}
	if cfg.Listing == nil {
		cfg.Listing = []string{
			"drwxr-xr-x    2 1000     1000         4096 Mar 14 09:26 pub",
			"-rw-r--r--    1 1000     1000         1048 Mar 14 09:26 readme.txt",
		}
	}
	if cfg.PassiveHost == "" {
		cfg.PassiveHost = "127.0.0.1"
	}
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	cfg.PassiveHost = net.ParseIP(cfg.PassiveHost).To4().String()
	if cfg.TransferComplete == "" {
		cfg.TransferComplete = "226 Transfer complete."
	}
	return cfg
}

// Close stops accepting, closes every live control and data connection and passive
// listener, and waits for all the server's goroutines to exit. It is idempotent.
func (s *Server) Close() error {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		live := s.live
		s.live = nil
		s.mu.Unlock()
		close(s.done)
		s.lnErr = s.ln.Close()
		for c := range live {
			c.Close()
		}
	})
	s.wg.Wait()
	return s.lnErr
}

// Commands returns every command line received, in order, across sessions, with the
// argument of PASS replaced by "****". It keeps the first 10 000; a line over the 4 KiB cap
// is answered 500 and closes the session unrecorded.
func (s *Server) Commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.cmds...)
}

// record keeps a command line for Commands, with PASS's argument masked.
func (s *Server) record(line string) {
	if verb, arg, ok := strings.Cut(line, " "); ok && strings.EqualFold(verb, "PASS") && arg != "" {
		line = verb + " ****"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.cmds) < maxCommandsLog {
		s.cmds = append(s.cmds, line)
	}
}

// track registers c to be closed by Close. It reports false, and c must be closed by the
// caller, if the server is already closed.
func (s *Server) track(c io.Closer) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.live[c] = struct{}{}
	return true
}

// untrack forgets c, which its owner has closed, so Close need not.
func (s *Server) untrack(c io.Closer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.live, c)
}

// pause waits for d, or less if the server closes; it reports whether the server is still open.
func (s *Server) pause(d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.done:
		return false
	}
}

// acceptLoop accepts control connections until the listener closes and
// serves each in its own goroutine.
func (s *Server) acceptLoop() {
	defer s.wg.Done()
	var backoff time.Duration
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors or similar: back off like net/http does.
			backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
			if !s.pause(backoff) {
				return
			}
			continue
		}
		backoff = 0
		if !s.track(c) {
			c.Close()
			return
		}
		s.wg.Add(1)
		s.accepted++
		go s.serve(c, s.accepted)
	}
}

// closeGently half-closes c and drains what the peer still sends for a moment before closing,
// so unread client bytes do not turn the close into a reset that hides our last reply.
func closeGently(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok && tc.CloseWrite() == nil {
		tc.SetReadDeadline(time.Now().Add(lingerTimeout))
		io.Copy(io.Discard, io.LimitReader(tc, lingerMax))
	}
	c.Close()
}
