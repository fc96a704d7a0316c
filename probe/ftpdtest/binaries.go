package ftpdtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// defaultCache is where testdata/servers/install.sh unpacks the servers
// that cannot be installed next to vsftpd; FTPSDIAG_SERVER_CACHE overrides it.
const defaultCache = "/var/cache/ftpsdiag-servers"

// install locates one server's files.
type install struct {
	bin    string // the server binary; for pyftpdlib, the python3 to run it with
	modDir string // ProFTPD only: the directory holding mod_tls.so
}

var installs = map[Kind]func() (install, error){
	Vsftpd:    sync.OnceValues(func() (install, error) { return locate(Vsftpd) }),
	ProFTPD:   sync.OnceValues(func() (install, error) { return locate(ProFTPD) }),
	PureFTPd:  sync.OnceValues(func() (install, error) { return locate(PureFTPd) }),
	Pyftpdlib: sync.OnceValues(locatePyftpdlib),
}

// Available reports whether the server binary (and, for ProFTPD, mod_tls)
// is present and runs, and the harness has the privileges it needs.
func Available(kind Kind) error {
	if _, err := lookup(kind); err != nil {
		return fmt.Errorf("%s: %w", kind, err)
	}
	return nil
}

// lookup returns kind's install, located once per test binary.
func lookup(kind Kind) (install, error) {
	f, ok := installs[kind]
	if !ok {
		return install{}, fmt.Errorf("%w %q", errUnknownKind, kind)
	}
	return f()
}

// cacheDir is $FTPSDIAG_SERVER_CACHE, else defaultCache.
func cacheDir() string {
	if d := os.Getenv("FTPSDIAG_SERVER_CACHE"); d != "" {
		return d
	}
	return defaultCache
}

// locate finds kind's binary in PATH, /usr/sbin or the install cache and
// checks that it runs (a binary unpacked without its libraries does not).
func locate(kind Kind) (install, error) {
	var name, pkg, check string
	switch kind {
	case Vsftpd:
		name, pkg, check = "vsftpd", "vsftpd", "-v"
	case ProFTPD:
		name, pkg, check = "proftpd", "proftpd-core", "-v"
	case PureFTPd:
		name, pkg, check = "pure-ftpd", "pure-ftpd", "-h"
	}
	bin := findFile(pathOf(name), "/usr/sbin/"+name, filepath.Join(cacheDir(), pkg, "usr/sbin", name))
	if bin == "" {
		return install{}, fmt.Errorf("binary not found in PATH, /usr/sbin or %s", cacheDir())
	}
	if out, err := exec.Command(bin, check).CombinedOutput(); err != nil {
		return install{}, fmt.Errorf("%s %s: %v: %s", bin, check, err, strings.TrimSpace(string(out)))
	}
	if kind == PureFTPd && os.Geteuid() != 0 {
		return install{}, errors.New("needs root (Debian's build has no non-root mode)")
	}
	in := install{bin: bin}
	if kind == ProFTPD {
		mod := findFile(
			filepath.Join(filepath.Dir(bin), "../lib/proftpd/mod_tls.so"),
			filepath.Join(cacheDir(), "proftpd-mod-crypto/usr/lib/proftpd/mod_tls.so"),
			"/usr/lib/proftpd/mod_tls.so",
		)
		if mod == "" {
			return install{}, errors.New("mod_tls.so (package proftpd-mod-crypto) not found")
		}
		in.modDir = filepath.Dir(mod)
	}
	return in, nil
}

// locatePyftpdlib finds a python3 that can import pyftpdlib's TLS handler
// (which needs pyOpenSSL): Debian's, where install.sh puts the modules,
// before whichever python3 PATH names.
func locatePyftpdlib() (install, error) {
	var errs []string
	for _, py := range []string{"/usr/bin/python3", pathOf("python3")} {
		if py == "" {
			continue
		}
		out, err := exec.Command(py, "-c", "from pyftpdlib.handlers import TLS_FTPHandler").CombinedOutput()
		if err == nil {
			return install{bin: py}, nil
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		errs = append(errs, fmt.Sprintf("%s: %v: %s", py, err, lines[len(lines)-1]))
	}
	return install{}, fmt.Errorf("no python3 imports pyftpdlib.handlers.TLS_FTPHandler (packages python3-pyftpdlib, python3-openssl): %s",
		strings.Join(errs, "; "))
}

// pathOf is name's path found through PATH, or "" when it is not there.
func pathOf(name string) string {
	p, _ := exec.LookPath(name)
	return p
}

// findFile returns the first of paths that exists as a regular file.
func findFile(paths ...string) string {
	for _, p := range paths {
		if p == "" {
			continue
		}
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return filepath.Clean(p)
		}
	}
	return ""
}
