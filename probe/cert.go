package probe

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// minRSABits is the smallest RSA key OpenSSL 3 accepts at security level 2.
const minRSABits = 2048

// convertCertificate makes our own view of a certificate.
func convertCertificate(c *x509.Certificate, now time.Time) result.Certificate {
	sum := sha256.Sum256(c.Raw)
	keyType, bits := keyInfo(c)
	return result.Certificate{
		Subject:            c.Subject.String(),
		Issuer:             c.Issuer.String(),
		SANs:               sans(c),
		Serial:             fmt.Sprintf("%X", c.SerialNumber),
		NotBefore:          c.NotBefore.UTC(),
		NotAfter:           c.NotAfter.UTC(),
		DaysLeft:           daysLeft(c, now),
		KeyType:            keyType,
		KeyBits:            bits,
		SignatureAlgorithm: c.SignatureAlgorithm.String(),
		IsCA:               c.IsCA,
		SelfSigned:         selfSigned(c),
		SHA256:             hex.EncodeToString(sum[:]),
	}
}

// sans lists the subjectAltNames: DNS names bare, the others with their
// kind (IP:, email:, URI:).
func sans(c *x509.Certificate) []string {
	out := []string{}
	out = append(out, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		out = append(out, "IP:"+ip.String())
	}
	for _, e := range c.EmailAddresses {
		out = append(out, "email:"+e)
	}
	for _, u := range c.URIs {
		out = append(out, "URI:"+u.String())
	}
	return out
}

// daysLeft is the number of whole days until the certificate expires,
// negative once it has.
func daysLeft(c *x509.Certificate, now time.Time) int {
	return int(math.Floor(c.NotAfter.Sub(now).Hours() / 24))
}

// keyInfo names the public key type and its size in bits.
func keyInfo(c *x509.Certificate) (string, int) {
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		return "RSA", k.N.BitLen()
	case *ecdsa.PublicKey:
		return "ECDSA", k.Curve.Params().BitSize
	case ed25519.PublicKey:
		return "Ed25519", 256
	}
	return c.PublicKeyAlgorithm.String(), 0
}

// selfSigned: the issuer is the subject and the certificate's own key
// verifies its signature.
func selfSigned(c *x509.Certificate) bool {
	if !bytes.Equal(c.RawIssuer, c.RawSubject) {
		return false
	}
	err := c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature)
	return err == nil || errors.As(err, new(x509.InsecureAlgorithmError))
}

// weakSignature reports MD5 and SHA-1 signatures, which current clients
// refuse. A root's self-signature is never checked by anyone, so roots are
// exempt.
func weakSignature(c *x509.Certificate) bool {
	if selfSigned(c) {
		return false
	}
	switch c.SignatureAlgorithm {
	case x509.MD2WithRSA, x509.MD5WithRSA, x509.SHA1WithRSA, x509.DSAWithSHA1, x509.ECDSAWithSHA1:
		return true
	}
	return false
}

// verify checks the chain the way a careful client would, but records each
// problem at its root instead of stopping at the first: expiry, name and
// trust are checked separately, so an expired self-signed certificate shows
// both.
func (a *attempt) verify(chain []*x509.Certificate, stapled bool) {
	if len(chain) == 0 {
		return
	}
	now := a.cfg.Clock()
	leaf := chain[0]
	v := &result.Verification{TimeValid: true}
	a.res.Verification = v

	for i, c := range chain {
		switch {
		case now.After(c.NotAfter):
			v.TimeValid = false
			a.find(cause.CertExpired, fmt.Sprintf("%s %s expired on %s (%d days ago)", position(i), c.Subject, c.NotAfter.UTC().Format(time.DateOnly), -daysLeft(c, now)))
		case now.Before(c.NotBefore):
			v.TimeValid = false
			a.find(cause.CertNotYetValid, fmt.Sprintf("%s %s is valid from %s; the time is %s", position(i), c.Subject, c.NotBefore.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339)))
		}
		if weakSignature(c) {
			a.find(cause.CertWeakSignature, fmt.Sprintf("%s %s is signed with %s", position(i), c.Subject, c.SignatureAlgorithm))
		}
	}
	if k, ok := leaf.PublicKey.(*rsa.PublicKey); ok && k.N.BitLen() < minRSABits {
		a.find(cause.CertWeakKey, fmt.Sprintf("leaf key is RSA-%d", k.N.BitLen()))
	}
	if d := daysLeft(leaf, now); v.TimeValid && (d < a.cfg.WarnDays || d < a.cfg.CritDays) {
		severity := result.SeverityWarning
		if d < a.cfg.CritDays {
			severity = result.SeverityCritical
		}
		a.findAs(cause.CertExpiringSoon, severity, fmt.Sprintf("leaf expires on %s, in %d days (warning below %d, critical below %d)", leaf.NotAfter.UTC().Format(time.DateOnly), d, a.cfg.WarnDays, a.cfg.CritDays))
	}

	a.lintChain(chain, stapled)
	switch err := leaf.VerifyHostname(a.cfg.ServerName); {
	case err == nil:
		v.NameMatches = true
	case cnOnly(leaf, a.cfg.ServerName): // reported as cert-no-san
		v.Error = err.Error()
	default:
		a.find(cause.CertNameMismatch, nameEvidence(leaf, a.cfg.ServerName))
		v.Error = err.Error()
	}
	a.verifyTrust(chain, v)
}

// verifyTrust builds a path to a trusted root. When the leaf is outside its
// validity (reported already), the path is built at a moment inside it, so
// that expiry does not mask a trust problem. A SHA-1 signature anywhere
// makes the path unverifiable; that is reported once, as the weak signature.
func (a *attempt) verifyTrust(chain []*x509.Certificate, v *result.Verification) {
	leaf := chain[0]
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	var paths [][]*x509.Certificate
	var err error
	for _, at := range []time.Time{a.cfg.Clock(), leaf.NotAfter.Add(-time.Second), leaf.NotBefore.Add(time.Second)} {
		paths, err = leaf.Verify(x509.VerifyOptions{
			Roots:         a.cfg.Roots,
			Intermediates: inter,
			CurrentTime:   at,
			KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
		})
		if ce, ok := errors.AsType[x509.CertificateInvalidError](err); !ok || ce.Reason != x509.Expired {
			break
		}
	}
	if err == nil {
		v.Trusted = true
		for _, c := range paths[0] {
			v.VerifiedPath = append(v.VerifiedPath, c.Subject.String())
		}
		return
	}
	if v.Error == "" {
		v.Error = err.Error()
	}
	top := chain[len(chain)-1]
	switch {
	case a.has(cause.CertWeakSignature):
	case errors.As(err, new(x509.InsecureAlgorithmError)):
		a.find(cause.CertWeakSignature, err.Error())
	case len(chain) == 1 && selfSigned(leaf):
		a.find(cause.CertSelfSigned, fmt.Sprintf("the server sent one certificate, %s, signed by itself", leaf.Subject))
	case selfSigned(top):
		a.find(cause.CertUntrusted, fmt.Sprintf("the chain ends at root %s, which is not a trusted root", top.Subject))
	case errors.As(err, new(x509.UnknownAuthorityError)):
		a.find(unsentIssuer(chain))
	default:
		a.find(cause.CertUntrusted, err.Error())
	}
}

// unsentIssuer classifies a chain whose last certificate's issuer was
// neither sent nor trusted, from what that certificate shows: one naming
// the URL its issuer is published at (AIA caIssuers), as public CAs'
// certificates do, points to an intermediate the server should send; one
// naming none, as private CAs' usually do, points to a private CA that
// the client must be given (cert-untrusted). The evidence says which and
// why, since either reading can be wrong.
func unsentIssuer(chain []*x509.Certificate) (cause.ID, string) {
	top := chain[len(chain)-1]
	sent := fmt.Sprintf("the server sent %s ending at %s, issued by %s, which it did not send and no trusted root matches", plural(len(chain), "certificate"), top.Subject, top.Issuer)
	if urls := top.IssuingCertificateURL; len(urls) > 0 {
		return cause.CertChainIncomplete, sent + fmt.Sprintf("; the certificate names where its issuer is published (AIA caIssuers %s), as public CAs' certificates do: most likely an intermediate the server should send (if %s is your organisation's own CA, check with --ca-file instead)", strings.Join(urls, ", "), top.Issuer)
	}
	return cause.CertUntrusted, sent + fmt.Sprintf("; the certificate names no URL for its issuer (no AIA caIssuers): public CAs' certificates name one, private CAs' usually do not, so most likely %s is a private CA, to check with --ca-file (were it a public CA's intermediate, the server should send it)", top.Issuer)
}

// has reports an earlier finding of cause id on this attempt.
func (a *attempt) has(id cause.ID) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.ContainsFunc(a.findings, id.Is)
}

// position names a certificate by its place in the chain, for evidence.
func position(i int) string {
	if i == 0 {
		return "leaf"
	}
	return fmt.Sprintf("chain[%d]", i)
}

// nameEvidence says which name was asked for and which the certificate
// is valid for.
func nameEvidence(leaf *x509.Certificate, name string) string {
	names := sans(leaf)
	if len(names) == 0 {
		names = []string{"CN=" + leaf.Subject.CommonName + " (no subjectAltName)"}
	}
	return fmt.Sprintf("connected as %q; the certificate is valid for %s", name, strings.Join(names, ", "))
}
