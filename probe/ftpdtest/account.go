package ftpdtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// The local account the harness creates when it runs as root.
const (
	userName     = "ftpsdiag"
	userPassword = "ftpsdiag-test-password"
	userHome     = "/home/ftpsdiag"
)

// acct is the login every server instance accepts.
type acct struct {
	user, password string
	home           string // the login's directory; "" when anonymous
	uid, gid       int
}

var account = sync.OnceValues(setupAccount)

// setupAccount makes sure the test user exists with a known password and a
// home holding HomeFiles. Without root it falls back to anonymous logins.
func setupAccount() (acct, error) {
	if os.Geteuid() != 0 {
		return acct{user: "anonymous", password: "ftpdtest@localhost", uid: os.Getuid(), gid: os.Getgid()}, nil
	}
	// Parallel test binaries may all create the user: take turns.
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "ftpsdiag-ftpdtest.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return acct{}, err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return acct{}, fmt.Errorf("locking %s: %w", lock.Name(), err)
	}

	u, err := user.Lookup(userName)
	if errors.As(err, new(user.UnknownUserError)) {
		if err := run(nil, "useradd", "--no-create-home", "--home-dir", userHome,
			"--shell", "/bin/sh", "--comment", "ftpsdiag test user", userName); err != nil {
			return acct{}, err
		}
		u, err = user.Lookup(userName)
	}
	if err != nil {
		return acct{}, fmt.Errorf("looking up user %s: %w", userName, err)
	}
	if err := run(strings.NewReader(userName+":"+userPassword+"\n"), "chpasswd"); err != nil {
		return acct{}, err
	}
	a := acct{user: userName, password: userPassword, home: u.HomeDir}
	if a.uid, err = strconv.Atoi(u.Uid); err != nil {
		return acct{}, fmt.Errorf("user %s: uid %q: %w", userName, u.Uid, err)
	}
	if a.gid, err = strconv.Atoi(u.Gid); err != nil {
		return acct{}, fmt.Errorf("user %s: gid %q: %w", userName, u.Gid, err)
	}
	if err := fillHome(a.home, a.uid, a.gid); err != nil {
		return acct{}, err
	}
	return a, nil
}

// fillHome creates dir with HomeFiles in it, owned by uid:gid.
func fillHome(dir string, uid, gid int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		return err
	}
	for name, content := range HomeFiles {
		p := filepath.Join(dir, name)
		if old, err := os.ReadFile(p); err == nil && string(old) == content {
			continue
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			return err
		}
		if err := os.Chown(p, uid, gid); err != nil {
			return err
		}
	}
	return nil
}

// run runs a system command with stdin; its error carries the command's
// output, which says why useradd or chpasswd failed.
func run(stdin io.Reader, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Stdin = stdin
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s: %v: %s", name, err, bytes.TrimSpace(out.Bytes()))
	}
	return nil
}
