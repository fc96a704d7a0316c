package probe

import (
	"fmt"
	"slices"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// notTested lists what this run did not test: first what a read-only
// probe from one place never can (FAILURES.md §10), then what this run
// skipped.
func notTested(cfg Config, res *result.Result) []result.NotTested {
	out := []result.NotTested{
		{ID: "uploads", Detail: "ftpsdiag never uploads: upload-only failures (a server waiting for close_notify after an upload, 0-byte or truncated uploads under TLS 1.3, vsftpd's strict_ssl_read_eof) are not seen"},
		{ID: "active-mode", Detail: "PORT and EPRT are never sent: clients in active mode meet other failures (the server connecting back through firewalls)"},
		{ID: "long-sessions", Detail: fmt.Sprintf("one session of %s over seconds: session caches and tickets expiring after minutes (ProFTPD's internal cache: 300 s) and middleboxes that reset a session after hundreds of commands are not seen", plural(cfg.Transfers, "transfer"))},
		{ID: "own-network", Detail: "tested from this machine only: your users' NAT pools (425 Security: Bad IP connecting.), FTP ALGs and firewalls are not on this path"},
	}
	if why, skipped := dataSkipped(res); skipped {
		out = append(out, result.NotTested{ID: "data-channel", Detail: "no protected listing was made (" + why + "): session reuse, PASV addresses and data TLS are unknown"})
	}
	if cfg.User == "" {
		out = append(out, result.NotTested{ID: "user-login", Detail: "logged in anonymously: policies for real users (TLS required for non-anonymous logins, per-user or per-directory TLSRequired) can differ; use --user"})
	}
	if !cfg.Scan {
		out = append(out, result.NotTested{ID: "tls-versions", Detail: "only the handshake crypto/tls negotiates was made: use --scan to enumerate every version, cipher suite and group"})
	}
	return out
}

// dataGap says, in the verdict's words, what a result whose control
// channel works cannot claim of its data channel: that no attempt tested
// it (untested; a refused anonymous login says how to test it), or that
// every protected listing tried failed. It is "" when one worked.
func dataGap(res *result.Result) (gap string, untested bool) {
	why, skipped := dataSkipped(res)
	if !skipped {
		if slices.ContainsFunc(res.Attempts, func(a result.Attempt) bool { return a.DataChannel != nil && a.DataChannel.OK }) {
			return "", false
		}
		return "the protected data channel fails", false
	}
	for _, a := range res.Attempts {
		// An attempt that failed at login (a connection limit) has Error set.
		if l := a.Login; a.OK && a.Error == "" && l != nil && l.Anonymous && !l.OK {
			why = fmt.Sprintf("anonymous login refused (%s), use --user", l.Reply)
		}
	}
	return "the data channel was not tested: " + why, true
}

// dataSkipped reports that no attempt made a protected listing, and why.
func dataSkipped(res *result.Result) (string, bool) {
	why := "no attempt reached a protected session"
	for _, a := range res.Attempts {
		switch dc := a.DataChannel; {
		case dc == nil:
		case dc.Attempted:
			return "", false
		case dc.NotAttempted != "":
			why = dc.NotAttempted
		}
	}
	return why, true
}
