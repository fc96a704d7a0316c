package report

import (
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// anonymousRefused: TLS works but the default anonymous login is refused,
// so no listing was tried and nothing else was wrong: an incomplete
// diagnosis, whose verdict says what was not shown.
func anonymousRefused() *result.Result {
	r := loginFailed()
	r.Status = result.StatusIncomplete
	r.Verdict = "The control channel works (explicit TLS 1.3 on port 21); the data channel was not tested: anonymous login refused (530 Login incorrect.), use --user."
	a := &r.Attempts[0]
	a.Login = &result.Login{User: "anonymous", Anonymous: true, Reply: "530 Login incorrect."}
	for _, tl := range [][]result.Event{a.Timeline, a.Audits[0].Timeline} {
		for i := range tl {
			if tl[i].Text == "USER alice" {
				tl[i].Text = "USER anonymous"
			}
		}
	}
	a.Policy.CleartextLoginEvidence = "530 This FTP server does not allow anonymous logins."
	r.Findings[0].Severity = result.SeverityInfo
	r.Findings[0].Evidence = "USER anonymous: 530 Login incorrect."
	r.NotTested = []result.NotTested{{ID: "data-channel", Detail: "no protected listing was made (login failed: 530 Login incorrect.): session reuse, PASV addresses and data TLS are unknown"}}
	return r
}
