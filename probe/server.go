package probe

import (
	"strings"

	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// serverMarks are texts that name server software in greetings and
// replies (FTPS.md §3). Used only to name the server and pick its remedy;
// never to classify a failure.
// Marks starting with a reply code must match a whole reply line: ProFTPD
// and pyftpdlib differ only by a final period.
var serverMarks = []struct{ mark, server string }{
	{"vsftpd", ServerVsftpd},
	{"234 proceed with negotiation.", ServerVsftpd},
	{"proftpd", ServerProFTPD},
	{"234 auth tls successful", ServerProFTPD},
	{"421 tls handshake failed", ServerProFTPD}, // plaintext after its alert
	{"pure-ftpd", ServerPureFTPd},
	{"234 auth tls ok.", ServerPureFTPd},
	{"sorry, cleartext sessions and weak ciphers are not accepted", ServerPureFTPd},
	{"pyftpdlib", ServerPyftpdlib},
	{"234 auth tls successful.", ServerPyftpdlib},
	{"filezilla server", ServerFileZilla},
	{"234 using authentication type tls.", ServerFileZilla},
	{"microsoft ftp service", ServerIIS},
	{"serv-u", ServerServU},
}

// identify names the server software from one reply, or returns "".
func identify(r rfc2228.Reply) string {
	for _, line := range r.Lines {
		line = strings.ToLower(strings.TrimSpace(line))
		for _, m := range serverMarks {
			if line == m.mark || !isDigit(m.mark[0]) && strings.Contains(line, m.mark) {
				return m.server
			}
		}
	}
	return ""
}
