package clients

import (
	"regexp"
	"slices"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// Explain returns every text rule whose pattern matches text (an error a
// client printed, or a server reply it quoted), most specific first, or
// nil when none does; each cause carries its remedy, generic and in each
// server's own terms. It reads only the text: explain works offline.
func Explain(text string) []result.ExplainMatch {
	var ms []result.ExplainMatch
	for _, r := range compiled {
		if r.re.MatchString(text) {
			causes := slices.Clone(r.causes)
			for i := range causes {
				causes[i].FixBy = slices.Clone(causes[i].FixBy) // callers cannot change the table
			}
			ms = append(ms, result.ExplainMatch{Rule: r.name, Causes: causes})
		}
	}
	return ms
}

// textRule is one entry of the explain table: a case-insensitive regexp
// over the text and the causes it points to, most likely first. The
// comment above each says where the text comes from, marked as a verdict
// rule's basis is: M measured in our own tests, S source read,
// D documented, R reported.
type textRule struct {
	name    string
	pattern string
	causes  []because
}

// because is a cause and why the rule's text points to it.
type because struct {
	id  cause.ID
	why string
}

// The command lines that confirm a cause.
const (
	confirmPort  = "ftpsdiag HOST:PORT"                // auto-detects what the port speaks (PORT: the client's)
	confirmTLS   = "ftpsdiag HOST"                     // implicit and explicit handshakes, the certificate chain
	confirmAuth  = "ftpsdiag ftpes://HOST"             // AUTH TLS, the handshake after 234, the cleartext-login audit
	confirmScan  = "ftpsdiag --scan ftpes://HOST"      // every TLS version and cipher suite accepted
	confirmLogin = "ftpsdiag --user NAME ftpes://HOST" // login, the protected listing and the policy audit
)

// confirms names, for every cause the text rules point to, the command
// line that would confirm it.
var confirms = map[cause.ID]string{
	cause.PortClosed:                    confirmPort,
	cause.PortTimeout:                   confirmPort,
	cause.ImplicitGotPlaintext:          confirmPort,
	cause.ExplicitGotSilence:            confirmPort,
	cause.ConnectionLost:                confirmLogin,
	cause.AuthNotSupported:              confirmAuth,
	cause.AuthNoCertificate:             confirmAuth,
	cause.AuthNonstandardSuccess:        confirmAuth,
	cause.FeatMissingAuth:               confirmAuth,
	cause.ALGBreaksTLSAfter234:          confirmAuth,
	cause.TLSHandshakeFailed:            confirmScan,
	cause.TLSNoCommonVersion:            confirmScan,
	cause.TLSLegacyVersion:              confirmScan,
	cause.TLSSNIUnrecognized:            confirmTLS,
	cause.TLSClientCertRequested:        confirmTLS,
	cause.ServerErrorPlaintextInsideTLS: confirmLogin,
	cause.ReplyTextMissing:              confirmLogin,
	cause.CertExpired:                   confirmTLS,
	cause.CertNotYetValid:               confirmTLS,
	cause.CertSelfSigned:                confirmTLS,
	cause.CertUntrusted:                 confirmTLS,
	cause.CertChainIncomplete:           confirmTLS,
	cause.CertNameMismatch:              confirmTLS,
	cause.CertNoSAN:                     confirmTLS,
	cause.CertChainUnsorted:             confirmTLS,
	cause.CertWeakKey:                   confirmTLS,
	cause.CertWeakSignature:             confirmTLS,
	cause.LoginFailed:                   confirmLogin,
	cause.EPSVUnsupported:               confirmLogin,
	cause.PASVRefusedEPSVWorks:          confirmLogin,
	cause.PASVAddressMismatch:           confirmLogin,
	cause.DataConnectTimeout:            confirmLogin,
	cause.DataConnectRefused:            confirmLogin,
	cause.DataTLSFailed:                 confirmLogin,
	cause.ResumptionSessionIDOnly:       confirmLogin,
	cause.DataSessionReuseRequired:      confirmLogin,
	cause.DataProtRequired:              confirmLogin,
	cause.NoCloseNotify:                 confirmLogin,
	cause.DataResumptionUnsupported:     confirmLogin,
	cause.ResumptionEMSMismatch:         confirmLogin,
	cause.TLS13TicketLifecycle:          confirmLogin,
	cause.DataTLSEarlyRefused:           confirmLogin,
	cause.Data150AfterTLS:               confirmLogin,
	cause.CertNegativeSerial:            confirmTLS,
	cause.TLS12Refused:                  confirmScan,
	cause.TLSNoSharedCipher:             confirmScan,
	cause.EPSVPortBlocked:               confirmLogin,
	cause.PassiveRefused:                confirmLogin,
	cause.IPv6PASVRefused:               confirmLogin,
	cause.LBSplitNodes:                  confirmLogin,
	cause.LoginCleartextRefused:         confirmAuth,
	cause.AuthOrderRefused:              confirmAuth,
	cause.DataPeerIPMismatch:            confirmLogin,
	cause.DataALPNMismatch:              confirmLogin,
	cause.DataTLSFailureDropsSession:    confirmLogin,
}

// compiledRule is a text rule ready to match.
type compiledRule struct {
	name   string
	re     *regexp.Regexp
	causes []result.ExplainCause
}

// compiled is texts with the regexps compiled and the causes filled in; a
// rule naming a cause without a confirming command is a programming error.
var compiled = func() []compiledRule {
	out := make([]compiledRule, 0, len(texts))
	for _, r := range texts {
		cr := compiledRule{name: r.name, re: regexp.MustCompile(`(?i)` + r.pattern)}
		for _, b := range r.causes {
			confirm, ok := confirms[b.id]
			if !ok {
				panic("clients: text rule " + r.name + " names " + b.id.GoString() + ", which confirms lacks")
			}
			c := b.id.Cause()
			cr.causes = append(cr.causes, result.ExplainCause{ID: b.id.String(), Reported: b.id.Reported(), Why: b.why,
				Fix: c.Remedy, FixBy: c.ServerRemedies(), Confirm: confirm})
		}
		out = append(out, cr)
	}
	return out
}()
