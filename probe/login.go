package probe

import (
	"context"
	"fmt"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// anonymousPassword is the customary e-mail-style anonymous password: a
// harmless address that identifies the tool.
const anonymousPassword = "ftpsdiag@example.com"

// credentials returns the login to use: the configured user, or anonymous.
func (a *attempt) credentials() (user, password string, anonymous bool) {
	if a.cfg.User == "" {
		return "anonymous", anonymousPassword, true
	}
	return a.cfg.User, a.cfg.Password, false
}

// login sends USER and PASS inside TLS. The password never reaches the
// timeline: cmd masks PASS.
func (a *attempt) login(ctx context.Context) bool {
	return a.loginWith(ctx, false)
}

// loginWith logs in as login does; withProtection, on a connection that
// sends commands together, PBSZ 0, PROT P and EPSV go in the PASS's write
// and protect takes their replies: a round trip less for an audit, whose
// password the main session has shown to work.
func (a *attempt) loginWith(ctx context.Context, withProtection bool) bool {
	user, password, anonymous := a.credentials()
	l := &result.Login{User: user, Anonymous: anonymous}
	a.res.Login = l
	r, err := a.user(ctx)
	if a.weakCipherRefused(r, err) { // the first command inside TLS may meet the 534
		return false
	}
	if err != nil {
		a.fail(err)
		return false
	}
	a.res.OK = true // the server answered inside TLS: the control channel works
	if r.Code == rfc2228.CodeNeedPassword {
		if r, err = a.pass(ctx, password, withProtection); err != nil {
			a.fail(err)
			return false
		}
	}
	l.Reply = firstLine(r)
	l.OK = r.Code == rfc2228.CodeLoggedIn
	if limitRefusal(r, false) { // the server's connection limit, not the account
		a.limitRefused(fmt.Sprintf("USER %s: %s", user, r.String()))
		a.fail(fmt.Errorf("login refused for the server's connection limit: %s", firstLine(r)))
		return false
	}
	if !l.OK {
		severity := result.SeverityCritical
		if anonymous {
			severity = result.SeverityInfo
		}
		a.findAs(cause.LoginFailed, severity, fmt.Sprintf("USER %s: %s", user, r.String()))
	}
	return l.OK
}

// user sends USER, or returns the reply to the USER an early audit
// connection sent while the main session logged in (overlap.go). PASS
// never goes with it: a server may take seconds to refuse a password
// (pyftpdlib 3 s, Pure-FTPd 4.5 s, measured), which commands sent
// together cannot tell from one that dropped the PASS, and a PASS sent
// again would be a second try of a wrong password.
func (a *attempt) user(ctx context.Context) (rfc2228.Reply, error) {
	if r := a.userReply; r != nil {
		a.userReply = nil
		return *r, nil
	}
	user, _, _ := a.credentials()
	return a.cmd(ctx, "USER "+user)
}

// pass sends PASS, withProtection as loginWith says. A first reply that
// cannot answer PASS means the server answered out of order: pyftpdlib
// answers the commands after a refused password before its delayed 530.
// The login then fails with that evidence, and the check is not made
// again: that would try a refused password a second time.
func (a *attempt) pass(ctx context.Context, password string, withProtection bool) (rfc2228.Reply, error) {
	if !withProtection || !a.pipelined {
		return a.cmd(ctx, "PASS "+password)
	}
	rs, err := a.cmds(ctx, "PASS "+password, rfc2228.PBSZ0, rfc2228.Prot(rfc2228.ProtPrivate), "EPSV")
	if err != nil {
		return rfc2228.Reply{}, a.lostBatch(err)
	}
	if r := rs[0]; r.Code/100 == 1 || r.Code/100 == 2 && r.Code != rfc2228.CodeLoggedIn && r.Code != rfc2228.CodeSuperfluous {
		return r, a.outOfOrder(firstLine(r) + " to PASS")
	}
	if rs[0].Code == rfc2228.CodeLoggedIn {
		a.protectReplies = rs[1:]
	}
	return rs[0], nil
}
