package probe

import (
	"crypto/tls"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpdtest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// dataChannelCases are the data-channel and policy scenarios of real
// servers: session reuse required or not, clear logins and data allowed or
// refused, a PASV address that is not the server's, CCC.
func dataChannelCases(cert tls.Certificate) []realCase {
	opts := func(extra ...string) ftpdtest.Options {
		return ftpdtest.Options{TLS: true, Cert: cert, Extra: extra}
	}
	vsftpdHard := hardening(ftpdtest.Vsftpd)
	return []realCase{
		{name: "require_ssl_reuse=YES", kind: ftpdtest.Vsftpd, opts: opts(vsftpdHard...),
			want:  []string{info(cause.TLSClientCertRequested), info(cause.DataSessionReuseRequired), info(cause.DataProtRequired)},
			check: policyIs(true, false, false, "522 SSL connection failed: session reuse required; the server then ended the session", "522 Data connections must be encrypted.", "530 Non-anonymous sessions must use encryption.")},
		{name: "require_ssl_reuse=NO", kind: ftpdtest.Vsftpd, opts: opts(append(vsftpdHard, "require_ssl_reuse=NO")...),
			want:  []string{info(cause.TLSClientCertRequested), info(cause.DataProtRequired)},
			check: policyIs(false, false, false, "unresumed protected listing worked", "522 Data connections must be encrypted.", "530 Non-anonymous sessions must use encryption.")},
		{name: "clear logins and data allowed", kind: ftpdtest.Vsftpd, opts: opts(),
			want:  []string{warning(cause.DataClearAllowed), warning(cause.CleartextLoginAllowed), info(cause.TLSClientCertRequested), info(cause.DataSessionReuseRequired)},
			check: policyIs(true, true, true, "522 SSL connection failed", "unprotected LIST completed: 226", "331 Please specify the password.")},
		{name: "pasv_address not the server", kind: ftpdtest.Vsftpd, opts: opts(append(vsftpdHard, "pasv_address=10.0.0.99")...),
			want:     []string{warning(cause.PASVAddressMismatch), info(cause.TLSClientCertRequested), info(cause.DataSessionReuseRequired), info(cause.DataProtRequired)},
			evidence: "227 advertised 10.0.0.99:", remedy: "pasv_address",
			check: func(t *testing.T, a result.Attempt) {
				if !a.DataChannel.OK || !strings.HasPrefix(a.DataChannel.AdvertisedAddress, "10.0.0.99:") {
					t.Errorf("data channel = %+v", a.DataChannel)
				}
			}},
		{name: "Debian's default ciphers with an ECDSA certificate", kind: ftpdtest.Vsftpd,
			opts:     ftpdtest.Options{TLS: true, Cert: cert, Extra: append(hardening(ftpdtest.Vsftpd), "ssl_ciphers=ECDHE-RSA-AES256-GCM-SHA384")},
			want:     []string{warning(cause.TLS12Refused), info(cause.TLSClientCertRequested), info(cause.DataSessionReuseRequired), info(cause.DataProtRequired)},
			evidence: "a TLS 1.2 handshake on an audit connection: server sent TLS alert 40 (tls: handshake failure)", remedy: "ssl_ciphers=ECDHE-ECDSA",
			check: func(t *testing.T, a result.Attempt) {
				if a.TLS.Version != "TLS 1.3" || a.Policy.ExtendedMasterSecret != nil {
					t.Errorf("tls %s, EMS %v", a.TLS.Version, a.Policy.ExtendedMasterSecret)
				}
			}},
		{name: "no Extended Master Secret, reuse required", kind: ftpdtest.Vsftpd,
			// vsftpd's default ssl_ciphers (DES-CBC3-SHA) leaves OpenSSL 3
			// nothing to offer at TLS 1.2.
			opts:     ftpdtest.Options{TLS: true, Cert: cert, Extra: append(vsftpdHard, "ssl_ciphers=HIGH"), OpenSSLConf: noEMS},
			want:     []string{warning(cause.ResumptionEMSMismatch), info(cause.TLSClientCertRequested), info(cause.DataSessionReuseRequired), info(cause.DataProtRequired)},
			evidence: "extended_master_secret not offered by the server; and data connections must resume",
			check: func(t *testing.T, a result.Attempt) {
				// TLS 1.3 on control: EMS was measured on an audit connection.
				if p := a.Policy; a.TLS.Version != "TLS 1.3" || p.ExtendedMasterSecret == nil || *p.ExtendedMasterSecret || !strings.HasPrefix(p.EMSEvidence, "an audit connection's TLS 1.2 handshake") {
					t.Errorf("tls %s, policy %+v", a.TLS.Version, p)
				}
			}},
		{name: "reuse required (default)", kind: ftpdtest.ProFTPD, opts: opts(hardening(ftpdtest.ProFTPD)...),
			want:  []string{info(cause.DataSessionReuseRequired), info(cause.DataProtRequired)},
			check: policyIs(true, false, false, "425 Unable to build data connection: Operation not permitted", "", "")},
		{name: "NoSessionReuseRequired", kind: ftpdtest.ProFTPD, opts: opts(append(hardening(ftpdtest.ProFTPD), "TLSOptions NoSessionReuseRequired")...),
			want:  []string{info(cause.DataProtRequired)},
			check: policyIs(false, false, false, "unresumed protected listing worked", "", "")},
		{name: "TLS required on data (-Y 3)", kind: ftpdtest.PureFTPd, opts: opts(hardening(ftpdtest.PureFTPd)...),
			want:  []string{info(cause.DataProtRequired)},
			check: policyIs(false, false, false, "unresumed protected listing worked", "", "421")},
		{name: "CCC", kind: ftpdtest.ProFTPD, opts: opts(hardening(ftpdtest.ProFTPD)...), ccc: true,
			want: []string{info(cause.CCCRefused), info(cause.DataSessionReuseRequired), info(cause.DataProtRequired)}, evidence: "CCC: "},
	}
}

// noEMS is an OPENSSL_CONF that turns Extended Master Secret off, as in
// servers built on OpenSSL before 1.1.0.
const noEMS = `openssl_conf = default_conf
[default_conf]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
Options = -ExtendedMasterSecret
`

// policyIs checks the policy results and a substring of each evidence.
func policyIs(reuse, clearData, clearLogin bool, reuseEv, clearDataEv, clearLoginEv string) func(*testing.T, result.Attempt) {
	return func(t *testing.T, a result.Attempt) {
		t.Helper()
		p := a.Policy
		if !a.DataChannel.OK || p == nil || p.SessionReuseRequired == nil || p.ClearDataAllowed == nil || p.CleartextLoginAllowed == nil {
			t.Fatalf("data channel %+v, policy %+v", a.DataChannel, p)
		}
		check := func(what string, got, want bool, ev, wantEv string) {
			if got != want || !strings.Contains(ev, wantEv) {
				t.Errorf("%s = %v (%q), want %v (%q)", what, got, ev, want, wantEv)
			}
		}
		check("session reuse required", *p.SessionReuseRequired, reuse, p.SessionReuseEvidence, reuseEv)
		check("clear data allowed", *p.ClearDataAllowed, clearData, p.ClearDataEvidence, clearDataEv)
		check("cleartext login allowed", *p.CleartextLoginAllowed, clearLogin, p.CleartextLoginEvidence, clearLoginEv)
	}
}
