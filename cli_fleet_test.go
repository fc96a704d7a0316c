package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/ftpsdiag/ftpsdiag/probe/ftpdtest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// A fleet of real servers at once, healthy and broken, from a targets
// file: one JSON line per target and the worst exit code.
func TestFleetOfRealServers(t *testing.T) {
	for _, k := range []ftpdtest.Kind{ftpdtest.Vsftpd, ftpdtest.ProFTPD, ftpdtest.PureFTPd} {
		ftpdtest.Require(t, k)
	}
	ca, err := testcert.NewRoot("fleet test root")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.Issue(testcert.Options{DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	caFile := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, ca.RootPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	healthy := ftpdtest.Start(t, ftpdtest.Vsftpd, ftpdtest.Options{TLS: true, Cert: cert,
		Extra: []string{"force_local_logins_ssl=YES", "force_local_data_ssl=YES"}})
	noTLS := ftpdtest.Start(t, ftpdtest.ProFTPD, ftpdtest.Options{TLS: false})
	pure := ftpdtest.Start(t, ftpdtest.PureFTPd, ftpdtest.Options{TLS: true, Cert: cert, Extra: []string{"-Y", "3"}})

	targets := filepath.Join(dir, "fleet.txt")
	fleet := strings.Join([]string{
		"# a healthy vsftpd, a ProFTPD without TLS, a Pure-FTPd, a bad line",
		"ftpes://" + healthy.Addr + " servername=localhost user=" + healthy.User,
		"ftpes://" + noTLS.Addr,
		"ftpes://" + pure.Addr + " servername=localhost user=" + pure.User,
		"ftpes://127.0.0.1:0",
	}, "\n")
	if err := os.WriteFile(targets, []byte(fleet), 0o600); err != nil {
		t.Fatal(err)
	}
	if healthy.Password != pure.Password {
		t.Fatalf("the harness gives its servers different passwords")
	}
	t.Setenv("FTPSDIAG_PASSWORD", healthy.Password)
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"--format", "jsonl", "--ca-file", caFile, "--targets", targets, "--parallel", "4"},
		strings.NewReader(""), &stdout, &stderr)
	if code != exitUnknown || stderr.Len() != 0 {
		t.Errorf("exit %d, stderr %q: want 3 (one target cannot be diagnosed) and nothing on stderr", code, stderr.String())
	}
	status := map[string]result.Status{}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 1<<22)
	for sc.Scan() {
		var r result.Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("not one JSON document per line: %v\n%s", err, sc.Text())
		}
		status[r.Target] = r.Status
	}
	want := map[string]result.Status{
		"ftpes://" + healthy.Addr: result.StatusOK,
		"ftpes://" + noTLS.Addr:   result.StatusCritical,
		"ftpes://" + pure.Addr:    result.StatusOK,
		"ftpes://127.0.0.1:0":     result.StatusUnknown,
	}
	for target, s := range want {
		if status[target] != s {
			t.Errorf("%s: status %q, want %q (all: %v)", target, status[target], s, status)
		}
	}
	if len(status) != len(want) {
		t.Errorf("%d results, want %d", len(status), len(want))
	}
}
