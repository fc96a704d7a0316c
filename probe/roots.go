package probe

import "crypto/x509"

// loadSystemRoots reads the system's trusted roots; crypto/x509 does it
// once per process, on the first verification that needs them.
var loadSystemRoots = func() { _, _ = x509.SystemCertPool() }

// warmRoots starts reading the system roots while the first connection
// is made, when the configuration trusts them. Read lazily, they cost
// 15-25 ms between the control handshake and the next command (measured
// on Debian's ca-certificates); read here, they are ready when the
// certificate is verified, and the verification is the same.
func warmRoots(cfg *Config) {
	if cfg.Roots == nil {
		go loadSystemRoots()
	}
}
