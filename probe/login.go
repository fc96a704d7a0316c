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
		if r, err = a.cmd(ctx, "PASS "+password); err != nil {
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
// connection sent while the main session logged in (overlap.go).
func (a *attempt) user(ctx context.Context) (rfc2228.Reply, error) {
	if r := a.userReply; r != nil {
		a.userReply = nil
		return *r, nil
	}
	user, _, _ := a.credentials()
	return a.cmd(ctx, "USER "+user)
}
