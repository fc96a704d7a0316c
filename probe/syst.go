package probe

import (
	"context"
	"strings"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// checkMaskedSYST follows a handshake that stalled or was reset right
// after 234 with a SYST in clear, on its own connection: Cisco ASA FTP
// inspection (mask-syst-reply) replaces the reply's text with X, a marker
// that an inspecting firewall is in the path. Healthy sessions never send
// SYST. The check is drawn as an audit connection.
func (a *attempt) checkMaskedSYST(ctx context.Context) {
	if a.res.Mode != result.ModeExplicit || !a.has(cause.ALGBreaksTLSAfter234) {
		return
	}
	aux := newAttempt(a.cfg, a.start, a.res.Mode, a.addr)
	var r rfc2228.Reply
	var err error
	if aux.connect(ctx, false) {
		r, err = aux.cmd(ctx, "SYST")
		aux.quit(ctx)
	}
	aux.close()
	a.waitedFor(aux)
	a.res.Audits = append(a.res.Audits, result.Audit{Purpose: "firewall marker: SYST in clear, whose reply Cisco ASA FTP inspection masks", Timeline: aux.res.Timeline})
	if err == nil && maskedSYST(r) {
		a.annotate(cause.ALGBreaksTLSAfter234, "; SYST in clear on another connection got "+firstLine(r)+": FTP inspection masks the reply (Cisco ASA mask-syst-reply), so an inspecting firewall is in the path")
	}
}

// maskedSYST reports a 215 whose text is only X: a Cisco ASA inspecting
// FTP replaces the system type it answers with.
func maskedSYST(r rfc2228.Reply) bool {
	if r.Code != rfc2228.CodeSystemType || len(r.Lines) != 1 || len(r.Lines[0]) < 4 {
		return false
	}
	text := strings.TrimSpace(r.Lines[0][4:])
	return len(text) >= 3 && strings.Trim(text, "X") == ""
}
