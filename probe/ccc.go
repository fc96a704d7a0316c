package probe

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// ccc tests CCC (RFC 4217 §5): after 200, both sides end TLS with
// close_notify and the control connection goes on in clear. Whether it
// still answers then is part of the finding.
func (a *attempt) ccc(ctx context.Context) {
	p := a.policy()
	r, err := a.cmd(ctx, rfc2228.CCC)
	if err != nil {
		a.fail(err)
		return
	}
	p.CCCEvidence = "CCC: " + r.String()
	if r.Code/100 != 2 {
		p.CCCAccepted = ptr(false)
		a.find(cause.CCCRefused, p.CCCEvidence)
		return
	}
	p.CCCAccepted = ptr(true)
	usable := a.clearControl(ctx) == nil
	p.CCCControlUsable = &usable
	if usable {
		a.find(cause.CCCAccepted, p.CCCEvidence+"; the control channel answered in clear afterwards")
	} else {
		a.find(cause.CCCAccepted, p.CCCEvidence+"; but the control channel did not answer in clear afterwards")
	}
}

// clearControl ends TLS on the control connection and checks it answers
// NOOP in clear.
func (a *attempt) clearControl(ctx context.Context) error {
	ctx, cancel := a.step(ctx)
	defer cancel()
	tc := a.tlsConn
	if err := tc.CloseWrite(); err != nil {
		return fmt.Errorf("sending close_notify after CCC: %w", err)
	}
	a.event(result.FromTLS, "close_notify sent: control channel back to clear")
	if d, ok := ctx.Deadline(); ok {
		tc.SetReadDeadline(d)
	}
	if _, err := tc.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		a.event(result.FromTLS, "no close_notify from the server: "+shortErr(err))
		return fmt.Errorf("waiting for the server's close_notify after CCC: %v", err)
	}
	a.event(result.FromTLS, "close_notify received")
	if err := a.ctrl.Upgrade(a.tap); err != nil {
		return err
	}
	a.tlsConn = nil
	r, err := a.cmd(ctx, "NOOP")
	if err != nil {
		return err
	}
	if r.Code/100 != 2 {
		return fmt.Errorf("NOOP after CCC: %s", firstLine(r))
	}
	return nil
}
