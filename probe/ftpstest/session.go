package ftpstest

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

var (
	errQuit        = errors.New("client quit")
	errHookDone    = errors.New("hook returned")
	errClosed      = errors.New("server closed")
	errLineTooLong = errors.New("command line too long")
)

// session is one control connection.
type session struct {
	s   *Server
	cfg *Config
	num int // the connection's number in accept order, from 1
	raw net.Conn
	// step is raw as crypto/tls sees it (see stepConn).
	step *stepConn
	// c carries commands and replies: step in clear, tc under TLS.
	c  net.Conn
	tc *tls.Conn
	r  *bufio.Reader

	secured        bool // TLS was negotiated on the control connection (it stays so after CCC)
	counted        bool // the session counts against MaxSessions
	pbsz           bool
	protP          bool
	user           string
	loggedIn       bool
	pasv           net.Listener // listener of the last PASV or EPSV, until a transfer uses it
	protTransfers  int          // protected transfers so far
	dataHandshakes int          // protected data connections so far, for DataTLSEvery
}

// stepConn is the control connection handed to crypto/tls. In exact mode it reads one byte
// at a time, so that after CCC the TLS layer cannot swallow cleartext that follows the
// client's close_notify.
type stepConn struct {
	net.Conn
	exact bool
}

// Read reads at most one byte in exact mode.
func (c *stepConn) Read(p []byte) (int, error) {
	if c.exact && len(p) > 1 {
		p = p[:1]
	}
	return c.Conn.Read(p)
}

// serve runs one control connection, or OnConnect in its place, and then
// closes it: the pending passive listener, a close_notify under TLS, and
// the TCP connection gently.
func (s *Server) serve(raw net.Conn, num int) {
	ss := &session{s: s, cfg: &s.cfg, num: num, raw: raw, step: &stepConn{Conn: raw}}
	ss.c = ss.step
	ss.r = bufio.NewReaderSize(ss.c, maxLine)
	defer func() {
		ss.closePassive()
		if ss.tc != nil {
			ss.tc.SetWriteDeadline(time.Now().Add(lingerTimeout))
			ss.tc.CloseWrite() // close_notify
		}
		closeGently(raw)
		if ss.counted {
			s.leave()
		}
		s.untrack(raw)
		s.wg.Done()
	}()
	raw.SetDeadline(time.Now().Add(s.cfg.IdleTimeout))
	if s.cfg.OnConnect != nil {
		s.cfg.OnConnect(raw)
		s.logf("ftpstest: %v: OnConnect returned", raw.RemoteAddr())
		return
	}
	if s.cfg.MaxSessions > 0 && !s.cfg.LimitAtLogin {
		if ss.counted = s.enter(); !ss.counted {
			ss.write(VsftpdPerIPRefusal)
			s.logf("ftpstest: %v: refused: MaxSessions", raw.RemoteAddr())
			return
		}
	}
	err := ss.run()
	s.logf("ftpstest: %v: session ended: %v", raw.RemoteAddr(), err)
}

// logf logs through Config.Logf, if set.
func (s *Server) logf(format string, args ...any) {
	if s.cfg.Logf != nil {
		s.cfg.Logf(format, args...)
	}
}

// override returns the scripted reply for verb and arg, if any.
func (s *Server) override(verb, arg string) (string, bool) {
	if arg != "" {
		if r, ok := s.replies[verb+" "+strings.Join(strings.Fields(strings.ToUpper(arg)), " ")]; ok {
			return r, true
		}
	}
	r, ok := s.replies[verb]
	return r, ok
}

// run is the FTP dialogue: the TLS handshake first in implicit mode, the
// greeting, then commands until one ends the session. A line too long
// for the reader's buffer is answered 500 and ends it.
func (ss *session) run() error {
	if ss.cfg.Implicit {
		if err := ss.startTLS(); err != nil {
			return err
		}
	}
	if !ss.s.pause(ss.cfg.GreetingDelay) {
		return errClosed
	}
	for _, line := range ss.cfg.Greeting {
		if err := ss.write(line); err != nil {
			return fmt.Errorf("greeting: %w", err)
		}
	}
	for {
		line, err := ss.readLine()
		if errors.Is(err, errLineTooLong) {
			ss.reply("500 Command line too long.")
			return err
		}
		if err != nil {
			return err
		}
		ss.s.record(line)
		if err := ss.handle(line); err != nil {
			return err
		}
	}
}

// readLine reads one command line without its CRLF, waiting at most
// IdleTimeout.
func (ss *session) readLine() (string, error) {
	ss.c.SetReadDeadline(time.Now().Add(ss.cfg.IdleTimeout))
	b, err := ss.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", errLineTooLong
	}
	if err != nil {
		return "", fmt.Errorf("reading command: %w", err)
	}
	line := strings.TrimRight(string(b), "\r\n")
	if ss.cfg.OneCommandPerRead != nil && ss.cfg.OneCommandPerRead(ss.num) {
		ss.r.Discard(ss.r.Buffered())
	}
	return line, nil
}

// reply sends text after the configured reply delay.
func (ss *session) reply(text string) error {
	if !ss.s.pause(ss.cfg.ReplyDelay) {
		return errClosed
	}
	return ss.write(text)
}

// write sends text and CRLF in one Write.
func (ss *session) write(text string) error {
	ss.c.SetWriteDeadline(time.Now().Add(ss.cfg.IdleTimeout))
	if _, err := io.WriteString(ss.c, text+"\r\n"); err != nil {
		first, _, _ := strings.Cut(text, "\r\n")
		return fmt.Errorf("writing %q: %w", first, err)
	}
	return nil
}

// answer sends the override for verb and arg, or def, and reports whether the command takes
// effect: the reply sent is of the same class as def.
func (ss *session) answer(verb, arg, def string) (bool, error) {
	text, ok := ss.s.override(verb, arg)
	if !ok {
		return true, ss.reply(def)
	}
	return text != "" && text[0] == def[0], ss.reply(text)
}

// say sends an answer whose effect does not matter.
func (ss *session) say(verb, arg, def string) error {
	_, err := ss.answer(verb, arg, def)
	return err
}

// handle answers one command line. Commands that touch files or data need
// a login; most replies can be scripted through Config.Replies (see
// answer).
func (ss *session) handle(line string) error {
	verb, arg, _ := strings.Cut(line, " ")
	verb = strings.ToUpper(verb)
	arg = strings.TrimSpace(arg)

	switch verb {
	case "PWD", "XPWD", "CWD", "TYPE", "PASV", "EPSV", "LIST", "NLST", "MLSD":
		if !ss.loggedIn {
			return ss.reply("530 Please login with USER and PASS.")
		}
	}

	switch verb {
	case "":
		return ss.reply("500 Syntax error, command unrecognized.")
	case "FEAT":
		return ss.say(verb, arg, ss.feat())
	case "AUTH":
		return ss.auth(arg)
	case "PBSZ":
		return ss.pbszCmd(arg)
	case "PROT":
		return ss.prot(arg)
	case "CCC":
		return ss.ccc()
	case "USER":
		return ss.userCmd(arg)
	case "PASS":
		return ss.pass(arg)
	case "SYST":
		return ss.say(verb, arg, "215 UNIX Type: L8")
	case "NOOP":
		if ss.cfg.ResetEarlyData {
			ss.resetPendingData()
		}
		return ss.say(verb, arg, "200 NOOP ok.")
	case "PWD", "XPWD":
		return ss.say(verb, arg, `257 "/" is the current directory`)
	case "CWD":
		return ss.say(verb, arg, "250 Directory successfully changed.")
	case "TYPE":
		switch t := strings.ToUpper(arg); {
		case strings.HasPrefix(t, "A"):
			return ss.say(verb, arg, "200 Switching to ASCII mode.")
		case strings.HasPrefix(t, "I"), t == "L 8":
			return ss.say(verb, arg, "200 Switching to Binary mode.")
		default:
			return ss.say(verb, arg, "504 Bad TYPE command.")
		}
	case "OPTS":
		if strings.EqualFold(arg, "UTF8 ON") {
			return ss.say(verb, arg, "200 Always in UTF8 mode.")
		}
		return ss.say(verb, arg, "501 Option not understood.")
	case "PASV":
		return ss.passive(verb, arg)
	case "EPSV":
		switch strings.ToUpper(arg) {
		case "", "1":
			return ss.passive(verb, arg)
		case "ALL":
			return ss.say(verb, arg, "200 EPSV ALL ok.")
		default:
			return ss.say(verb, arg, "522 Network protocol not supported, use (1)")
		}
	case "LIST", "NLST", "MLSD":
		return ss.transfer(verb, arg)
	case "QUIT":
		if err := ss.say(verb, arg, "221 Goodbye."); err != nil {
			return err
		}
		return errQuit
	default:
		return ss.say(verb, arg, ss.cfg.UnknownReply)
	}
}

// feat is the reply to FEAT: Config.Features as a multi-line 211.
func (ss *session) feat() string {
	if len(ss.cfg.Features) == 0 {
		return "211 No features."
	}
	var b strings.Builder
	b.WriteString("211-Features:\r\n")
	for _, f := range ss.cfg.Features {
		b.WriteString(" " + f + "\r\n")
	}
	b.WriteString("211 End")
	return b.String()
}

// auth handles AUTH: it refuses a second AUTH and unknown mechanisms,
// else answers 234 and hand-shakes, or hands the raw connection to
// AfterAuth.
func (ss *session) auth(arg string) error {
	mech := strings.ToUpper(arg)
	if ss.secured {
		return ss.reply("503 Already using TLS.")
	}
	switch mech {
	case "TLS", "TLS-C", "SSL", "TLS-P":
	default:
		return ss.reply(ss.cfg.AuthRefusal)
	}
	if ss.cfg.TLS == nil {
		return ss.reply(ss.cfg.AuthRefusal)
	}
	sent := time.Now().Add(ss.cfg.ReplyDelay) // no later than the 234 leaves
	ok, err := ss.answer("AUTH", mech, "234 AUTH "+mech+" successful.")
	if err != nil || !ok {
		return err
	}
	if ss.cfg.AfterAuth != nil {
		ss.raw.SetDeadline(time.Now().Add(ss.cfg.IdleTimeout))
		ss.cfg.AfterAuth(ss.raw)
		return errHookDone
	}
	if err := ss.race(sent); err != nil {
		return err
	}
	if err := ss.startTLS(); err != nil {
		return err
	}
	if mech == "SSL" || mech == "TLS-P" {
		// The pre-RFC names mean TLS plus protected data, as vsftpd and ProFTPD read them.
		ss.pbsz, ss.protP = true, true
	}
	return nil
}

// startTLS hand-shakes on the control connection; cleartext the client pipelined behind
// AUTH is discarded, never read as if it had been protected.
func (ss *session) startTLS() error {
	conf := ss.cfg.TLS
	if ss.cfg.ControlTLSFor != nil {
		conf = ss.cfg.ControlTLSFor(ss.num)
	}
	tc := tls.Server(ss.step, conf)
	ss.raw.SetDeadline(time.Now().Add(ss.cfg.IdleTimeout))
	if err := tc.Handshake(); err != nil {
		return fmt.Errorf("control TLS handshake: %w", err)
	}
	ss.tc, ss.c, ss.secured = tc, tc, true
	ss.r.Reset(tc)
	return nil
}

// pbszCmd handles PBSZ, which needs TLS first; any size is accepted.
func (ss *session) pbszCmd(arg string) error {
	switch {
	case !ss.secured:
		return ss.reply("503 PBSZ needs a secure connection.")
	case arg == "":
		return ss.reply("501 PBSZ needs an argument.")
	}
	ok, err := ss.answer("PBSZ", arg, "200 PBSZ=0")
	if ok {
		ss.pbsz = true
	}
	return err
}

// prot handles PROT, which needs TLS and PBSZ first: P and C set the data
// protection, S and E are refused with 536, anything else with 504.
func (ss *session) prot(arg string) error {
	switch {
	case !ss.secured:
		return ss.reply("503 PROT needs a secure connection.")
	case !ss.pbsz:
		return ss.reply("503 PBSZ first.")
	}
	switch level := strings.ToUpper(arg); level {
	case "P", "C":
		ok, err := ss.answer("PROT", level, "200 Protection level set to "+level+".")
		if ok {
			ss.protP = level == "P"
		}
		return err
	case "S", "E":
		return ss.say("PROT", level, "536 Protection level "+level+" not supported.")
	default:
		return ss.say("PROT", level, "504 Unknown protection level.")
	}
}

// ccc ends TLS on the control connection (RFC 4217 §5) when allowed.
func (ss *session) ccc() error {
	if ss.tc == nil {
		return ss.reply("533 CCC needs a TLS control connection.")
	}
	if !ss.cfg.AllowCCC {
		return ss.say("CCC", "", "533 CCC not allowed.")
	}
	ok, err := ss.answer("CCC", "", "200 CCC command successful.")
	if err != nil || !ok {
		return err
	}
	ss.step.exact = true
	defer func() { ss.step.exact = false }()
	if err := ss.tc.CloseWrite(); err != nil {
		return fmt.Errorf("CCC: sending close_notify: %w", err)
	}
	ss.raw.SetReadDeadline(time.Now().Add(ss.cfg.IdleTimeout))
	var b [1]byte
	if n, err := ss.tc.Read(b[:]); !errors.Is(err, io.EOF) {
		if err == nil && n > 0 {
			err = errors.New("protected data instead of close_notify")
		}
		return fmt.Errorf("CCC: waiting for the client's close_notify: %w", err)
	}
	ss.tc, ss.c = nil, ss.step
	ss.r.Reset(ss.step)
	return nil
}

// userCmd handles USER, which starts a new login.
func (ss *session) userCmd(arg string) error {
	switch {
	case arg == "":
		return ss.reply("501 USER needs a name.")
	case !ss.secured && ss.cfg.ClearLoginRefusal != "":
		return ss.reply(ss.cfg.ClearLoginRefusal)
	}
	ss.user, ss.loggedIn = "", false
	ok, err := ss.answer("USER", arg, "331 Please specify the password.")
	if ok {
		ss.user = arg
	}
	return err
}

// pass handles PASS for the user the last USER named.
func (ss *session) pass(arg string) error {
	switch {
	case !ss.secured && ss.cfg.ClearLoginRefusal != "":
		return ss.reply(ss.cfg.ClearLoginRefusal)
	case ss.loggedIn:
		return ss.reply("230 Already logged in.")
	case ss.user == "":
		return ss.reply("503 Login with USER first.")
	}
	user := ss.user
	ss.user = ""
	if !ss.validLogin(user, arg) {
		return ss.reply("530 Login incorrect.")
	}
	if ss.cfg.MaxSessions > 0 && ss.cfg.LimitAtLogin {
		if ss.counted = ss.s.enter(); !ss.counted {
			ss.reply(fmt.Sprintf(ProFTPDPerHostRefusal, ss.cfg.MaxSessions))
			return errClosed
		}
	}
	ok, err := ss.answer("PASS", "", "230 Login successful.")
	ss.loggedIn = ok
	return err
}

// validLogin accepts anonymous or ftp with any password unless
// DenyAnonymous is set, and the users of Config.Users with their own.
func (ss *session) validLogin(user, pass string) bool {
	if (strings.EqualFold(user, "anonymous") || strings.EqualFold(user, "ftp")) && !ss.cfg.DenyAnonymous {
		return true
	}
	want, ok := ss.cfg.Users[user]
	return ok && want == pass
}
