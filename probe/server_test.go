package probe

import (
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// Greetings and replies as the servers send them (FTPS.md §3, and the real
// servers in ftpdtest).
func TestIdentify(t *testing.T) {
	for _, tt := range []struct {
		line, want string
	}{
		{"220 (vsFTPd 3.0.3)", cause.ServerVsftpd},
		{"234 Proceed with negotiation.", cause.ServerVsftpd},
		{"220 ProFTPD Server (Debian) [127.0.0.1]", cause.ServerProFTPD},
		{"234 AUTH TLS successful", cause.ServerProFTPD},
		{"220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------", cause.ServerPureFTPd},
		{"234 AUTH TLS OK.", cause.ServerPureFTPd},
		{"534 Sorry, cleartext sessions and weak ciphers are not accepted on this server.", cause.ServerPureFTPd},
		{"421 Sorry, cleartext sessions and weak ciphers are not accepted on this server. Please reconnect using TLS security mechanisms.", cause.ServerPureFTPd},
		{"421 TLS handshake failed", cause.ServerProFTPD},
		{"421 TLS handshake failed on the data connection", ""},
		{"220 pyftpdlib 1.5.9 ready.", cause.ServerPyftpdlib},
		{"234 AUTH TLS successful.", cause.ServerPyftpdlib},
		{"220-FileZilla Server 1.8.0", cause.ServerFileZilla},
		{"234 Using authentication type TLS.", cause.ServerFileZilla},
		{"220 Microsoft FTP Service", cause.ServerIIS},
		{"220 Serv-U FTP Server v15.4 ready...", cause.ServerServU},
		{"220 ftp.example.com ready", ""},
		{"220 FTP server ready", ""},
	} {
		if got := identify(rfc2228.Reply{Lines: []string{tt.line}}); got != tt.want {
			t.Errorf("identify(%q) = %q, want %q", tt.line, got, tt.want)
		}
	}
}
