package ftpdtest

import (
	"crypto/ecdsa"
	"crypto/tls"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"path/filepath"

	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// passivePorts is the size of each instance's passive port range. Pure-FTPd
// caps its clients at half of it.
const passivePorts = 32

// freeRange returns the first port of n consecutive loopback ports that
// were all free a moment ago. It searches below Linux's default ephemeral
// range (32768-60999) from a random start, so that parallel test binaries
// rarely pick the same ports and outgoing connections never take them.
func freeRange(n int) (int, error) {
	const lo, hi = 10000, 32768
	for range 100 {
		base := lo + rand.IntN(hi-lo-n)
		if rangeFree(base, n) {
			return base, nil
		}
	}
	return 0, fmt.Errorf("no %d consecutive free ports in %d-%d", n, lo, hi)
}

// rangeFree reports whether the n loopback ports from base can all be
// listened on; it closes them again before it returns.
func rangeFree(base, n int) bool {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for p := base; p < base+n; p++ {
		l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p))
		if err != nil {
			return false
		}
		ls = append(ls, l)
	}
	return true
}

// writeCert writes c (or a fresh self-signed certificate when c is empty)
// to dir: the whole chain, the leaf alone, the intermediates alone (""
// when there are none) and the key, all PEM.
func writeCert(dir string, c tls.Certificate) (files certFiles, err error) {
	if len(c.Certificate) == 0 {
		c, err = testcert.SelfSigned(testcert.Options{
			DNSNames: []string{"localhost"},
			IPs:      []net.IP{net.IPv4(127, 0, 0, 1)},
		})
		if err != nil {
			return files, err
		}
	}
	key, err := testcert.KeyPEM(c)
	if err != nil {
		return files, err
	}
	_, isEC := c.PrivateKey.(*ecdsa.PrivateKey)
	files = certFiles{
		ecdsa: isEC,
		chain: filepath.Join(dir, "chain.pem"),
		leaf:  filepath.Join(dir, "leaf.pem"),
		key:   filepath.Join(dir, "key.pem"),
	}
	leafOnly := tls.Certificate{Certificate: c.Certificate[:1]}
	write := map[string][]byte{
		files.chain: testcert.CertPEM(c),
		files.leaf:  testcert.CertPEM(leafOnly),
		files.key:   key,
	}
	if len(c.Certificate) > 1 {
		files.intermediates = filepath.Join(dir, "intermediates.pem")
		write[files.intermediates] = testcert.CertPEM(tls.Certificate{Certificate: c.Certificate[1:]})
	}
	for name, data := range write {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			return files, err
		}
	}
	return files, nil
}

// certFiles are the PEM files of the served certificate.
type certFiles struct {
	chain, leaf, intermediates, key string
	ecdsa                           bool // the key is ECDSA, not RSA
}
