package clients_test

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/clients"
)

// observed is what each client did in each case, as the README's matrix
// classes it: "fails" (it did not list), "at-risk" (it listed and the
// verdict says at-risk) or "works".
type observed struct {
	mu      sync.Mutex
	classes map[string]string // "scenario/client" → class, client as realClient.name
}

func (o *observed) record(scenario, client string, listed bool, verdict string) {
	class := "works"
	switch {
	case !listed:
		class = "fails"
	case verdict == clients.AtRisk:
		class = "at-risk"
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.classes[scenario+"/"+client] = class
}

// readmeRows names, for each case, the start of its row in the README's
// table "What the real clients did".
var readmeRows = map[string]string{
	"vsftpd-reuse-required":       "vsftpd, `require_ssl_reuse=YES`",
	"proftpd-default":             "ProFTPD, `TLSRequired on`",
	"proftpd-no-tickets-tls12":    "ProFTPD, `TLSSessionTickets off`",
	"vsftpd-tls10-only":           "vsftpd, TLS 1.0 only",
	"vsftpd-rsa1024":              "vsftpd, RSA-1024 key",
	"vsftpd-sha1-signature":       "vsftpd, SHA-1-signed leaf",
	"vsftpd-untrusted-ca":         "vsftpd, leaf from a CA nobody here trusts",
	"vsftpd-expired":              "vsftpd, expired leaf",
	"vsftpd-name-mismatch":        "vsftpd, leaf for another name",
	"vsftpd-implicit":             "vsftpd, implicit TLS",
	"pyftpdlib":                   "pyftpdlib",
	"vsftpd-reuse-not-required":   "vsftpd, `require_ssl_reuse=NO`",
	"pureftpd-tls-required":       "Pure-FTPd, `-Y 3`",
	"vsftpd-tls13-only":           "vsftpd, Debian's default `ssl_ciphers`",
	"proftpd-tls12":               "ProFTPD, `TLSProtocol TLSv1.2`",
	"proftpd-pasv-other-loopback": "ProFTPD at 127.0.0.1, `MasqueradeAddress 127.0.0.2`",
	"fake-no-close-notify":        "fake server (ftpstest) ending each listing without close_notify",
	"fake-epsv-refused":           "fake server refusing EPSV",
	"fake-epsv-port-closed":       "fake server whose EPSV reply names a closed port",
	"fake-data-never-resumes":     "fake server issuing tickets on control",
	"fake-unsorted-chain":         "fake server sending leaf, intermediate 1, intermediate 2",
	"fake-third-transfer-refused": "fake server refusing the third protected transfer",
	"fake-auth-200":               "fake server answering `AUTH TLS` with",
	"fake-150-after-data-tls":     "fake server sending 150 only after the data TLS handshake",
	"fake-pasv-refused":           "fake server refusing PASV with 502, EPSV working",
	"fake-reply-text-missing":     "fake server answering `PBSZ` and `PROT` with a bare `200 `",
}

// checkReadmeMatrix compares the README's table of what the real clients
// did with what they did in this run: each cell starts with works,
// at-risk or **fails**, and every row belongs to one case.
func checkReadmeMatrix(t *testing.T, scenarios []clientScenario, seen *observed) {
	const header = "| server | curl | lftp | python-ftplib | java | go | rclone | node | php |"
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, table, ok := strings.Cut(string(b), header+"\n")
	if !ok {
		t.Fatalf("README.md has no table headed %q", header)
	}
	columns := strings.Split(strings.Trim(header, "| "), " | ")[1:] // the clients
	rows := map[string][]string{}                                   // first cell → the clients' cells
	for _, line := range strings.Split(table, "\n")[1:] {           // after the |---| line
		if !strings.HasPrefix(line, "| ") {
			break
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) != len(columns)+1 {
			t.Errorf("README matrix row has %d cells, want %d: %s", len(cells), len(columns)+1, line)
			continue
		}
		rows[cells[0]] = cells[1:]
	}
	used := map[string]bool{}
	seen.mu.Lock()
	defer seen.mu.Unlock()
	for _, sc := range scenarios {
		prefix, ok := readmeRows[sc.name]
		if !ok {
			t.Errorf("case %s has no README row in readmeRows", sc.name)
			continue
		}
		var cells []string
		for label, cs := range rows {
			if strings.HasPrefix(label, prefix) {
				cells, used[label] = cs, true
			}
		}
		if cells == nil {
			t.Errorf("README matrix: no row starts with %q (case %s)", prefix, sc.name)
			continue
		}
		for i, client := range columns {
			got, ran := seen.classes[sc.name+"/"+client]
			if !ran {
				continue // skipped here: nothing to compare
			}
			if cell := strings.TrimLeft(cells[i], "*"); !strings.HasPrefix(cell, got) {
				t.Errorf("README matrix, %s / %s: says %q, but the client %s", prefix, client, cells[i], got)
			}
		}
	}
	for label := range rows {
		if !used[label] {
			t.Errorf("README matrix row %q belongs to no case", label)
		}
	}
}
