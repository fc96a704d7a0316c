package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/tlsscan"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// startScan starts the full TLS enumeration (--scan) on connections of
// its own, as soon as the main session has shown what they need (the AUTH
// mechanism on an explicit port, TLS on an implicit one): beside the main
// handshake, not after it. finishScan records it.
func (a *attempt) startScan(ctx context.Context) {
	if !a.cfg.Scan || a.scanned != nil {
		return
	}
	done := make(chan *result.TLSScan, 1)
	go func() {
		done <- tlsscan.Scan(ctx, a.scanOpener(), tlsscan.Options{
			ServerName: a.cfg.ServerName,
			MaxConns:   a.cfg.MaxConns,
			Timeout:    a.cfg.Timeout,
			Clock:      a.cfg.Clock,
			Slot:       a.cfg.conns.acquire,
		})
	}()
	a.scanned = done
}

// finishScan waits for a started scan and records it and its findings,
// whatever became of the main session: what a server accepts is true of
// it even when the main handshake failed.
func (a *attempt) finishScan() {
	if a.scanned == nil {
		return
	}
	a.res.TLSScan = <-a.scanned
	a.scanned = nil
	a.scanFindings(a.res.TLSScan)
}

// scanOpener brings a connection to the point where a ClientHello goes:
// at once on an implicit port, after 220 and AUTH on an explicit one. A
// 421 on the way is the server asking for fewer connections. The scan
// shares the diagnosis's connection budget (its probes wait for a slot,
// Options.Slot): once the server has refused one of ours for its limit,
// a refusal (a session of ours not yet reaped) is tried again after a
// short pause before the scan itself backs off.
func (a *attempt) scanOpener() tlsscan.Opener {
	return func(ctx context.Context) (net.Conn, error) {
		for try := 0; ; try++ {
			c, err := a.scanConn(ctx)
			if !errors.Is(err, tlsscan.ErrBusy) || !a.cfg.conns.limited() || !pause(ctx, reapPauses, try) {
				return c, err
			}
		}
	}
}

// scanConn opens one scan connection, within the slot the scan took.
func (a *attempt) scanConn(ctx context.Context) (net.Conn, error) {
	c, err := a.cfg.conns.slotDial(a.cfg.Dial)(ctx, "tcp", a.addr.String())
	if err != nil {
		return nil, fmt.Errorf("connecting: %w", err)
	}
	if a.res.Mode == result.ModeImplicit {
		return c, nil
	}
	ctrl := rfc2228.NewConn(c)
	if err := preamble(ctx, ctrl, a.res.AuthMechanism); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// preamble is 220, AUTH, 234 without the timeline: the scan makes dozens
// of these.
func preamble(ctx context.Context, ctrl *rfc2228.Conn, mechanism string) error {
	r, err := ctrl.ReadReply(ctx)
	if err == nil && r.Code == rfc2228.CodeServiceNotAvailable {
		return fmt.Errorf("%w: %s", tlsscan.ErrBusy, firstLine(r))
	}
	if err != nil || r.Code != rfc2228.CodeServiceReady {
		return fmt.Errorf("greeting: %v %s", err, firstLine(r))
	}
	r, err = ctrl.Cmd(ctx, "%s", rfc2228.Auth(mechanism))
	switch {
	case err != nil:
		return err
	case r.Code == rfc2228.CodeServiceNotAvailable:
		return fmt.Errorf("%w: %s", tlsscan.ErrBusy, firstLine(r))
	case r.Code/100 != 2:
		return fmt.Errorf("AUTH %s: %s", mechanism, firstLine(r))
	case ctrl.Buffered() > 0:
		return fmt.Errorf("AUTH %s: bytes after %s", mechanism, firstLine(r))
	}
	return nil
}

// scanFindings turns the enumeration into findings.
func (a *attempt) scanFindings(s *result.TLSScan) {
	var legacy []string
	tls13 := false
	for _, v := range s.Versions {
		if !v.Accepted {
			continue
		}
		switch v.Version {
		case "SSL 2.0":
			a.find(cause.TLSSSLv2Enabled, "an SSL 2.0 CLIENT-HELLO got a SERVER-HELLO with "+suiteNames(v.Suites, nil))
		case "SSL 3.0":
			a.find(cause.TLSSSLv3Enabled, "SSL 3.0 accepted with "+suiteNames(v.Suites, nil))
		case "TLS 1.0", "TLS 1.1":
			legacy = append(legacy, v.Version)
		case "TLS 1.3":
			tls13 = true
		}
		a.suiteFindings(v)
	}
	if len(legacy) > 0 {
		evidence := "accepts " + strings.Join(legacy, " and ")
		if a.has(cause.TLSLegacyVersion) {
			a.annotate(cause.TLSLegacyVersion, "; the scan: "+evidence)
		} else {
			a.find(cause.TLSLegacyVersion, evidence)
		}
	}
	if !tls13 && !unfinished(s, "TLS 1.3") && slices.ContainsFunc(s.Versions, func(v result.VersionScan) bool { return v.Accepted }) {
		a.find(cause.TLS13Unsupported, "a TLS 1.3 ClientHello was refused")
	}
}

// unfinished reports a version whose probes did not all finish (the
// server still busy, or the run cut short): not accepted means unknown.
func unfinished(s *result.TLSScan, version string) bool {
	return slices.ContainsFunc(s.Versions, func(v result.VersionScan) bool { return v.Version == version && v.Unfinished != "" })
}

// suiteFindings judges one version's suites, DHE size and order.
func (a *attempt) suiteFindings(v result.VersionScan) {
	weak := suiteNames(v.Suites, func(s result.Suite) bool { return s.Strength == "weak" || s.Strength == "insecure" })
	if weak != "" {
		severity := result.SeverityWarning
		if slices.ContainsFunc(v.Suites, func(s result.Suite) bool { return s.Strength == "insecure" }) {
			severity = result.SeverityCritical
		}
		a.findAs(cause.TLSWeakCipher, severity, v.Version+": "+weak)
	}
	static := suiteNames(v.Suites, func(s result.Suite) bool { return staticKeyExchange(s.KeyExchange) })
	if static != "" {
		a.find(cause.TLSNoForwardSecrecy, v.Version+": "+static)
	}
	if v.ServerPreference != nil && !*v.ServerPreference {
		a.find(cause.TLSNoServerPreference, v.Version+": the server took the client's first choice in two opposite orders")
	}
	if v.DHBits > 0 && v.DHBits < 2048 {
		severity := result.SeverityWarning
		if v.DHBits < 1024 {
			severity = result.SeverityCritical
		}
		a.findAs(cause.TLSWeakDH, severity, fmt.Sprintf("%s: DHE with a %d-bit group", v.Version, v.DHBits))
	}
}

// staticKeyExchange: the session key can be recovered later from the
// server's private key.
func staticKeyExchange(kx string) bool {
	switch kx {
	case "RSA", "DH", "ECDH", "RSA_PSK", "PSK":
		return true
	}
	return false
}

// suiteNames lists the names of the suites keep accepts (all when nil).
func suiteNames(suites []result.Suite, keep func(result.Suite) bool) string {
	var names []string
	for _, s := range suites {
		if keep == nil || keep(s) {
			names = append(names, s.Name)
		}
	}
	return strings.Join(names, ", ")
}
