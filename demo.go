package main

import (
	"context"
	"crypto/tls"
	"net"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// demoExpiryDays puts the demo certificate inside the default --warn-days.
const demoExpiryDays = 12

// runDemo starts two built-in servers on 127.0.0.1 with faults often met
// in the field, and diagnoses them as if they were one host:
//   - the "implicit" port actually speaks explicit FTPS (a 220 in clear);
//   - the explicit server speaks only TLS 1.1, its certificate expires in
//     12 days, its FEAT does not advertise AUTH TLS, and its PASV reply
//     names a private address, as behind NAT (never dialled: ftpsdiag
//     uses the control connection's address).
//
// Otherwise it is a careful vsftpd: TLS required for logins and data, and
// session reuse required on data connections.
func runDemo(ctx context.Context, cfg probe.Config) (*result.Result, error) {
	ca, err := testcert.NewRoot("ftpsdiag demo root CA")
	if err != nil {
		return nil, err
	}
	cert, err := ca.Issue(testcert.Options{
		CommonName: "localhost",
		DNSNames:   []string{"localhost"},
		IPs:        []net.IP{net.IPv4(127, 0, 0, 1)},
		NotAfter:   time.Now().Add(demoExpiryDays*24*time.Hour + time.Hour),
	})
	if err != nil {
		return nil, err
	}
	legacy := ftpstest.NewTLSConfig(cert)
	legacy.MinVersion, legacy.MaxVersion = tls.VersionTLS10, tls.VersionTLS11

	explicit, err := ftpstest.NewServer(ftpstest.Config{
		TLS:      legacy,
		Greeting: []string{"220 (vsFTPd 3.0.3)"},
		Features: []string{"EPRT", "EPSV", "MDTM", "PASV", "REST STREAM", "SIZE", "TVFS", "UTF8"},
		Replies: map[string]string{
			"AUTH TLS": "234 Proceed with negotiation.",
			"PBSZ":     "200 PBSZ set to 0.",
			"PROT P":   "200 PROT now Private.",
			"LIST":     "150 Here comes the directory listing.",
			"QUIT":     "221 Goodbye.",
		},
		TransferComplete:  "226 Directory send OK.",
		PassiveHost:       "192.168.1.20",
		ClearLoginRefusal: ftpstest.VsftpdClearLoginRefusal,
		ClearDataRefusal:  ftpstest.VsftpdClearDataRefusal,
		ReuseRefusal:      ftpstest.VsftpdReuseRefusal,
	})
	if err != nil {
		return nil, err
	}
	defer explicit.Close()
	plaintextOn990, err := ftpstest.NewServer(ftpstest.Config{
		TLS:      ftpstest.NewTLSConfig(cert),
		Greeting: []string{"220 (vsFTPd 3.0.3)"},
	}) // the implicit attempt never gets past its first handshake
	if err != nil {
		return nil, err
	}
	defer plaintextOn990.Close()

	cfg.Target = probe.Target{Raw: "demo", Host: "127.0.0.1"}
	cfg.Mode = probe.ModeBoth
	cfg.ImplicitPort, cfg.ExplicitPort = plaintextOn990.Port, explicit.Port
	cfg.ServerName = "localhost"
	cfg.Roots = ca.Pool()
	return probe.Run(ctx, cfg), nil
}
