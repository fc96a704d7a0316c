package ftpstest

import (
	"cmp"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"
)

// passive answers PASV or EPSV with a fresh listener on the server's host, replacing any earlier one.
func (ss *session) passive(verb, arg string) error {
	ss.closePassive()
	if text, ok := ss.s.override(verb, arg); ok {
		return ss.reply(text)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(ss.cfg.Host, "0"))
	if err != nil {
		ss.s.logf("ftpstest: %s: listening: %v", verb, err)
		return ss.reply("425 Cannot open passive connection.")
	}
	if !ss.s.track(ln) {
		ln.Close()
		return errClosed
	}
	ss.pasv = ln
	port := ln.Addr().(*net.TCPAddr).Port
	if verb == "EPSV" {
		return ss.reply(fmt.Sprintf("229 Entering Extended Passive Mode (|||%d|)", port))
	}
	host := strings.ReplaceAll(ss.cfg.PassiveHost, ".", ",")
	return ss.reply(fmt.Sprintf("227 Entering Passive Mode (%s,%d,%d).", host, port>>8, port&0xff))
}

// resetPendingData resets a data connection the client opened before any
// transfer command, as pyftpdlib does when TLS arrives on it first.
func (ss *session) resetPendingData() {
	if ss.pasv == nil {
		return
	}
	ss.pasv.(*net.TCPListener).SetDeadline(time.Now().Add(ss.cfg.IdleTimeout))
	dc, err := ss.pasv.Accept()
	if err != nil {
		return
	}
	dc.(*net.TCPConn).SetLinger(0) // close with RST
	dc.Close()
	ss.closePassive()
}

// closePassive closes the pending PASV or EPSV listener, if any.
func (ss *session) closePassive() {
	if ss.pasv != nil {
		ss.pasv.Close()
		ss.s.untrack(ss.pasv)
		ss.pasv = nil
	}
}

// transfer runs LIST, NLST or MLSD the way vsftpd does: accept the data connection, 150,
// TLS handshake under PROT P, the lines, close, 226.
func (ss *session) transfer(verb, arg string) error {
	if ss.pasv == nil {
		return ss.reply("425 Use PASV or EPSV first.")
	}
	ln := ss.pasv
	defer ss.closePassive()
	if !ss.protP && ss.cfg.ClearDataRefusal != "" {
		return ss.reply(ss.cfg.ClearDataRefusal)
	}
	mark, ok := ss.s.override(verb, arg)
	if !ok {
		mark = "150 Opening data connection."
	} else if !strings.HasPrefix(mark, "1") {
		return ss.reply(mark)
	}

	ln.(*net.TCPListener).SetDeadline(time.Now().Add(ss.cfg.IdleTimeout))
	dc, err := ln.Accept()
	if err != nil {
		if errors.Is(err, net.ErrClosed) {
			return errClosed
		}
		ss.s.logf("ftpstest: %s: accepting data connection: %v", verb, err)
		return ss.reply("425 Failed to establish connection.")
	}
	if !ss.s.track(dc) {
		dc.Close()
		return errClosed
	}
	defer func() {
		dc.Close()
		ss.s.untrack(dc)
	}()
	dc.SetDeadline(time.Now().Add(ss.cfg.IdleTimeout))
	var tc *tls.Conn
	if ss.protP && ss.cfg.Mark150AfterDataTLS {
		if tc = ss.dataHandshake(dc); tc == nil {
			return ss.reply("425 No connection established")
		}
	}
	if err := ss.reply(mark); err != nil {
		return err
	}

	var w io.Writer = dc
	if ss.protP {
		if tc == nil {
			if tc = ss.dataHandshake(dc); tc == nil {
				return ss.reply("522 SSL connection failed.")
			}
		}
		if ss.cfg.ReuseRefusal != "" && !tc.ConnectionState().DidResume {
			return ss.reply(ss.cfg.ReuseRefusal)
		}
		ss.protTransfers++
		if n := ss.cfg.RefuseAfterTransfers; n > 0 && ss.protTransfers > n {
			return ss.reply("425 Unable to build data connection: Operation not permitted")
		}
		w = tc
	}
	var b strings.Builder
	for _, line := range ss.dataLines(verb) {
		b.WriteString(line + "\r\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		ss.s.logf("ftpstest: %s: writing data: %v", verb, err)
		return ss.reply("426 Connection closed; transfer aborted.")
	}
	if tc != nil && !ss.cfg.SkipCloseNotify {
		tc.Close() // close_notify, then the TCP close
	}
	dc.Close()
	return ss.reply(ss.cfg.TransferComplete)
}

// dataHandshake runs the server side of a data TLS handshake, with DataTLS
// where the config serves it; nil when the handshake failed.
func (ss *session) dataHandshake(dc net.Conn) *tls.Conn {
	ss.dataHandshakes++
	conf := cmp.Or(ss.cfg.DataTLS, ss.cfg.TLS)
	if every := ss.cfg.DataTLSEvery; every > 1 && ss.dataHandshakes%every != 0 {
		conf = ss.cfg.TLS
	}
	tc := tls.Server(dc, conf)
	if err := tc.Handshake(); err != nil {
		ss.s.logf("ftpstest: data TLS handshake: %v", err)
		return nil
	}
	return tc
}

// dataLines derives the lines of verb from the configured `ls -l` listing.
func (ss *session) dataLines(verb string) []string {
	if verb == "LIST" {
		return ss.cfg.Listing
	}
	out := make([]string, 0, len(ss.cfg.Listing))
	for _, line := range ss.cfg.Listing {
		f := strings.Fields(line)
		if len(f) < 9 {
			out = append(out, line) // not `ls -l` shaped: pass it through
			continue
		}
		name := strings.Join(f[8:], " ")
		if verb == "NLST" {
			out = append(out, name)
			continue
		}
		kind := "file"
		if strings.HasPrefix(f[0], "d") {
			kind = "dir"
		}
		out = append(out, fmt.Sprintf("type=%s;size=%s; %s", kind, f[4], name))
	}
	return out
}
