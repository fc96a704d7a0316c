package probe

import (
	"bytes"
	"crypto/x509"
	"encoding/asn1"
	"fmt"
	"strings"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
)

// oidTLSFeature is the TLS Feature extension (RFC 7633); with
// status_request in it, the certificate demands an OCSP staple.
var oidTLSFeature = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 1, 24}

// tlsFeatureStatusRequest is status_request's extension number (RFC 6066).
const tlsFeatureStatusRequest = 5

// maxValidity is the longest certificate lifetime browsers accept for a
// certificate issued at a given time (CA/Browser Forum Baseline
// Requirements, ballot SC-081).
func maxValidity(issued time.Time) (days int) {
	schedule := []struct {
		from time.Time
		days int
	}{
		{time.Date(2029, 3, 15, 0, 0, 0, 0, time.UTC), 47},
		{time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC), 100},
		{time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), 200},
		{time.Date(2020, 9, 1, 0, 0, 0, 0, time.UTC), 398},
	}
	for _, s := range schedule {
		if !issued.Before(s.from) {
			return s.days
		}
	}
	return 825
}

// lintChain checks what strict clients and auditors care about beyond
// trust: the order of the chain, a leaf that is a CA, a leaf without
// subjectAltName, a lifetime longer than browsers allow, a negative serial
// number, and a must-staple certificate served without a staple.
func (a *attempt) lintChain(chain []*x509.Certificate, stapled bool) {
	leaf := chain[0]
	for i := 0; i+1 < len(chain); i++ {
		if !bytes.Equal(chain[i].RawIssuer, chain[i+1].RawSubject) {
			a.find(cause.CertChainUnsorted, fmt.Sprintf("%s %s was issued by %s, but the next certificate sent is %s", position(i), chain[i].Subject, chain[i].Issuer, chain[i+1].Subject))
			break
		}
	}
	if leaf.BasicConstraintsValid && leaf.IsCA {
		a.find(cause.CertLeafIsCA, fmt.Sprintf("leaf %s has basicConstraints CA:TRUE", leaf.Subject))
	}
	if len(leaf.DNSNames) == 0 && len(leaf.IPAddresses) == 0 {
		a.find(cause.CertNoSAN, fmt.Sprintf("leaf has no subjectAltName; its only name is CN=%s", leaf.Subject.CommonName))
	}
	days := int(leaf.NotAfter.Sub(leaf.NotBefore).Hours() / 24)
	if limit := maxValidity(leaf.NotBefore); days > limit {
		a.find(cause.CertValidityTooLong, fmt.Sprintf("leaf is valid for %d days (%s to %s); browsers accept at most %d for a certificate issued then", days, leaf.NotBefore.UTC().Format(time.DateOnly), leaf.NotAfter.UTC().Format(time.DateOnly), limit))
	}
	for i, c := range chain {
		if c.SerialNumber.Sign() < 0 {
			a.find(cause.CertNegativeSerial, fmt.Sprintf("%s %s has serial number %s: Go refuses to parse it (x509: negative serial number) unless GODEBUG x509negativeserial=1; OpenSSL accepts it", position(i), c.Subject, c.SerialNumber))
			break
		}
	}
	if mustStaple(leaf) && !stapled {
		a.find(cause.CertMustStapleMissing, "leaf carries the TLS Feature status_request (OCSP must-staple), but the handshake had no OCSP staple")
	}
}

// mustStaple reports a TLS Feature extension that lists status_request.
func mustStaple(c *x509.Certificate) bool {
	for _, e := range c.Extensions {
		if !e.Id.Equal(oidTLSFeature) {
			continue
		}
		var features []int
		if _, err := asn1.Unmarshal(e.Value, &features); err != nil {
			return false
		}
		for _, f := range features {
			if f == tlsFeatureStatusRequest {
				return true
			}
		}
	}
	return false
}

// cnOnly reports a leaf without subjectAltName whose CN is the name: clients
// that still fall back to the CN (OpenSSL) accept it, Go and browsers do
// not; that is cert-no-san, not a name mismatch.
func cnOnly(leaf *x509.Certificate, name string) bool {
	return len(leaf.DNSNames) == 0 && len(leaf.IPAddresses) == 0 && strings.EqualFold(leaf.Subject.CommonName, name)
}
