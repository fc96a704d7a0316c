package probe

import (
	"crypto/tls"
	"crypto/x509"
	"net"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpdtest"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// unsentIssuerCase is a chain whose issuer may be missing, the roots the
// probe trusts, and the certificate finding it must give.
type unsentIssuerCase struct {
	name     string
	cert     tls.Certificate
	roots    *x509.CertPool
	want     cause.ID            // cause.None: trusted, no certificate finding
	evidence []string            // substrings of the finding's evidence
	remedy   map[string][]string // by server identified
}

// TestUnsentIssuer: when the issuer of the last certificate sent is
// neither sent nor trusted, what the certificate shows decides the
// finding: no issuer URL (AIA caIssuers), as from a company's private CA,
// is cert-untrusted with --ca-file as the check; an issuer URL, as public
// CAs write, is a missing intermediate. Against the fake server and a
// real vsftpd; each remedy names the identified server's own setting (the
// fake server greets as pyftpdlib does).
func TestUnsentIssuer(t *testing.T) {
	trusted := rootCA(t)
	corp, err := testcert.NewRoot("Example Corp Internal CA")
	if err != nil {
		t.Fatal(err)
	}
	inter, err := trusted.NewIntermediate("Example Issuing CA 2")
	if err != nil {
		t.Fatal(err)
	}
	opts := testcert.Options{DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}}
	corpLeaf := issueCert(t, corp, opts)
	corpWithRoot := corpLeaf
	corpWithRoot.Certificate = [][]byte{corpLeaf.Certificate[0], corp.Cert.Raw}
	opts.IssuingCertificateURL = "http://127.0.0.1:9/issuing-ca-2.crt" // never fetched
	interMissing := issueCert(t, inter, opts)
	interMissing.Certificate = interMissing.Certificate[:1]

	privateCA := []string{"issued by CN=Example Corp Internal CA,O=ftpsdiag test, which it did not send", "no AIA caIssuers", "private CA", "--ca-file"}
	cases := []unsentIssuerCase{
		{name: "private CA, leaf only", cert: corpLeaf, roots: trusted.Pool(), want: cause.CertUntrusted, evidence: privateCA,
			remedy: map[string][]string{cause.ServerPyftpdlib: {"--ca-file", "every client"}, cause.ServerVsftpd: {"--ca-file", "every client"}}},
		{name: "private CA, leaf only, --ca-file", cert: corpLeaf, roots: corp.Pool()},
		{name: "private CA, root sent", cert: corpWithRoot, roots: trusted.Pool(), want: cause.CertUntrusted,
			evidence: []string{"the chain ends at root CN=Example Corp Internal CA"}},
		{name: "intermediate missing", cert: interMissing, roots: trusted.Pool(), want: cause.CertChainIncomplete,
			evidence: []string{"issued by CN=Example Issuing CA 2,O=ftpsdiag test, which it did not send", "AIA caIssuers http://127.0.0.1:9/issuing-ca-2.crt", "intermediate the server should send"},
			remedy:   map[string][]string{cause.ServerPyftpdlib: {"TLS_FTPHandler.certfile", "--ca-file"}, cause.ServerVsftpd: {"rsa_cert_file", "--ca-file"}}},
	}
	for _, tc := range cases {
		t.Run("fake/"+tc.name, func(t *testing.T) {
			srv := serve(t, ftpstest.Config{TLS: ftpstest.NewTLSConfig(tc.cert)})
			r := diagnose(t, srv.Addr, func(c *Config) { c.Mode, c.ServerName, c.Roots = ModeExplicit, "localhost", tc.roots })
			checkUnsentIssuer(t, r, tc, cause.ServerPyftpdlib)
		})
		t.Run("vsftpd/"+tc.name, func(t *testing.T) {
			ftpdtest.Require(t, ftpdtest.Vsftpd)
			t.Parallel()
			srv := ftpdtest.Start(t, ftpdtest.Vsftpd, ftpdtest.Options{TLS: true, Cert: tc.cert, Extra: []string{"require_ssl_reuse=NO"}})
			r := diagnose(t, srv.Addr, func(c *Config) {
				c.Mode, c.ServerName, c.Roots = ModeExplicit, "localhost", tc.roots
				c.User, c.Password = srv.User, srv.Password
			})
			checkUnsentIssuer(t, r, tc, cause.ServerVsftpd)
		})
	}
}

// checkUnsentIssuer checks r's certificate findings against tc, with the
// remedy expected for server.
func checkUnsentIssuer(t *testing.T, r *result.Result, tc unsentIssuerCase, server string) {
	t.Helper()
	var certFindings []result.Finding
	for _, f := range r.Findings {
		if f.Stage == cause.StageCertificate {
			certFindings = append(certFindings, f)
		}
	}
	a := r.Attempts[0]
	if a.Server != server {
		t.Errorf("server identified as %q, want %q", a.Server, server)
	}
	if tc.want == cause.None {
		if len(certFindings) > 0 || a.Verification == nil || !a.Verification.Trusted {
			t.Errorf("want a trusted chain, got %+v and %+v", certFindings, a.Verification)
		}
		return
	}
	if len(certFindings) != 1 || !tc.want.Is(certFindings[0]) || certFindings[0].Severity != result.SeverityCritical {
		t.Fatalf("certificate findings %+v, want one critical %s", certFindings, tc.want)
	}
	f := certFindings[0]
	for _, s := range tc.evidence {
		if !strings.Contains(f.Evidence, s) {
			t.Errorf("evidence %q lacks %q", f.Evidence, s)
		}
	}
	for _, s := range tc.remedy[server] {
		if !strings.Contains(f.Remedy, s) {
			t.Errorf("remedy %q lacks %q", f.Remedy, s)
		}
	}
}

// issueCert is a certificate issued by ca.
func issueCert(t *testing.T, ca *testcert.CA, o testcert.Options) tls.Certificate {
	t.Helper()
	c, err := ca.Issue(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
