// Package testcert makes throw-away certificate authorities and server
// certificates for tests and for the built-in demo server.
package testcert

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// CA is a certificate authority able to issue certificates.
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
	// Parent is the issuing CA for an intermediate, nil for a root.
	Parent *CA
}

// Options describe a certificate to issue. Zero values give a sensible
// default: a P-256 key valid from an hour ago for 90 days, within what
// browsers accept.
type Options struct {
	CommonName string
	DNSNames   []string
	IPs        []net.IP
	NotBefore  time.Time
	NotAfter   time.Time
	// RSABits selects an RSA key of that size instead of ECDSA P-256.
	RSABits int
	// SignatureAlgorithm overrides the issuer's default signature algorithm.
	SignatureAlgorithm x509.SignatureAlgorithm
	// IssuingCertificateURL sets the AIA "CA Issuers" URL (never fetched).
	IssuingCertificateURL string
	// ExtraExtensions are added as they are (e.g. OCSP must-staple).
	ExtraExtensions []pkix.Extension
	// Serial is the serial number; nil picks a random positive one. A
	// negative serial, which crypto/x509 refuses to create (and, without
	// GODEBUG x509negativeserial=1, to parse) but OpenSSL accepts, is
	// written into the signed certificate, which is then signed again.
	Serial *big.Int
}

// NewRoot makes a self-signed root CA.
func NewRoot(name string) (*CA, error) {
	return newCA(name, nil)
}

// NewIntermediate makes a CA issued by parent.
func (ca *CA) NewIntermediate(name string) (*CA, error) {
	return newCA(name, ca)
}

// newCA makes a P-256 CA signed by parent, or by itself when parent is
// nil. It is valid from five years ago, before any leaf a test backdates,
// to ten years from now.
func newCA(name string, parent *CA) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating CA key: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"ftpsdiag test"}},
		NotBefore:             now.Add(-5 * 365 * 24 * time.Hour), // older than any leaf a test backdates
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	signerCert, signerKey := tmpl, crypto.Signer(key)
	if parent != nil {
		signerCert, signerKey = parent.Cert, parent.Key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signerCert, key.Public(), signerKey)
	if err != nil {
		return nil, fmt.Errorf("creating CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parsing CA certificate: %w", err)
	}
	return &CA{Cert: cert, Key: key, Parent: parent}, nil
}

// Issue makes a server certificate. The returned tls.Certificate carries the
// leaf followed by every intermediate up to (not including) the root.
func (ca *CA) Issue(o Options) (tls.Certificate, error) {
	key, err := newKey(o.RSABits)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := leafTemplate(o)
	der, err := create(tmpl, ca.Cert, key.Public(), ca.Key, o.Serial)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("creating certificate: %w", err)
	}
	chain := [][]byte{der}
	for c := ca; c.Parent != nil; c = c.Parent {
		chain = append(chain, c.Cert.Raw)
	}
	return tls.Certificate{Certificate: chain, PrivateKey: key}, nil
}

// SelfSigned makes a certificate signed by its own key, as servers
// generate at install time.
func SelfSigned(o Options) (tls.Certificate, error) {
	key, err := newKey(o.RSABits)
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := leafTemplate(o)
	tmpl.Issuer = tmpl.Subject
	der, err := create(tmpl, tmpl, key.Public(), key, o.Serial)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("creating self-signed certificate: %w", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

// create signs tmpl with signer. A negative serial is patched into the
// signed certificate, which is signed again with SHA-256.
func create(tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer, serial *big.Int) ([]byte, error) {
	if serial != nil && serial.Sign() > 0 {
		tmpl.SerialNumber = serial
	}
	negative := serial != nil && serial.Sign() < 0
	if negative && tmpl.SignatureAlgorithm != x509.UnknownSignatureAlgorithm {
		return nil, errors.New("a negative serial is signed with SHA-256 only")
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil || !negative {
		return der, err
	}
	return resign(der, serial, signer)
}

// resign replaces the serial number of the certificate der and signs it
// again with signer, keeping the signature algorithm CreateCertificate
// chose for that key with SHA-256.
func resign(der []byte, serial *big.Int, signer crypto.Signer) ([]byte, error) {
	var cert struct {
		TBS       asn1.RawValue
		SigAlg    asn1.RawValue
		Signature asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &cert); err != nil {
		return nil, fmt.Errorf("parsing the certificate: %w", err)
	}
	var fields [][]byte // version, serial, signature, issuer, ...
	for rest := cert.TBS.Bytes; len(rest) > 0; {
		var f asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &f); err != nil {
			return nil, fmt.Errorf("parsing the TBS certificate: %w", err)
		}
		fields = append(fields, f.FullBytes)
	}
	if len(fields) < 2 {
		return nil, errors.New("TBS certificate too short")
	}
	n, err := asn1.Marshal(serial)
	if err != nil {
		return nil, err
	}
	fields[1] = n
	tbs, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSequence, IsCompound: true, Bytes: bytes.Join(fields, nil)})
	if err != nil {
		return nil, err
	}
	digest := sha256.Sum256(tbs)
	sig, err := signer.Sign(rand.Reader, digest[:], crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("signing: %w", err)
	}
	cert.TBS = asn1.RawValue{FullBytes: tbs}
	cert.Signature = asn1.BitString{Bytes: sig, BitLength: 8 * len(sig)}
	return asn1.Marshal(cert)
}

// leafTemplate is a server certificate's template from o, with the
// defaults Options promises filled in; the common name defaults to the
// first DNS name.
func leafTemplate(o Options) *x509.Certificate {
	now := time.Now()
	if o.NotBefore.IsZero() {
		o.NotBefore = now.Add(-time.Hour)
	}
	if o.NotAfter.IsZero() {
		o.NotAfter = now.Add(90 * 24 * time.Hour)
	}
	if o.CommonName == "" && len(o.DNSNames) > 0 {
		o.CommonName = o.DNSNames[0]
	}
	t := &x509.Certificate{
		SerialNumber:       serial(),
		Subject:            pkix.Name{CommonName: o.CommonName, Organization: []string{"ftpsdiag test"}},
		DNSNames:           o.DNSNames,
		IPAddresses:        o.IPs,
		NotBefore:          o.NotBefore,
		NotAfter:           o.NotAfter,
		KeyUsage:           x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:        []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		SignatureAlgorithm: o.SignatureAlgorithm,
		ExtraExtensions:    o.ExtraExtensions,
	}
	if o.IssuingCertificateURL != "" {
		t.IssuingCertificateURL = []string{o.IssuingCertificateURL}
	}
	return t
}

// newKey generates an RSA key of rsaBits bits, or a P-256 key when
// rsaBits is 0.
func newKey(rsaBits int) (crypto.Signer, error) {
	if rsaBits > 0 {
		k, err := rsa.GenerateKey(rand.Reader, rsaBits)
		if err != nil {
			return nil, fmt.Errorf("generating RSA-%d key: %w", rsaBits, err)
		}
		return k, nil
	}
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating ECDSA key: %w", err)
	}
	return k, nil
}

// serial returns a random serial number from 1 to 2^62.
func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return n.Add(n, big.NewInt(1))
}

// CertPEM encodes the certificate chain of c as PEM blocks.
func CertPEM(c tls.Certificate) []byte {
	var out []byte
	for _, der := range c.Certificate {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	return out
}

// KeyPEM encodes the private key of c as a PKCS #8 PEM block.
func KeyPEM(c tls.Certificate) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		return nil, fmt.Errorf("encoding private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// RootPEM encodes the CA's own certificate as PEM, for a --ca-file.
func (ca *CA) RootPEM() []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Cert.Raw})
}

// Pool returns a pool holding just this CA's certificate.
func (ca *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(ca.Cert)
	return p
}
