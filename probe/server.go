package probe

import (
	"strings"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// serverMarks are texts that name server software in greetings and
// replies (FTPS.md §3). Used only to name the server and pick its remedy;
// never to classify a failure.
// Marks starting with a reply code must match a whole reply line: ProFTPD
// and pyftpdlib differ only by a final period.
var serverMarks = []struct{ mark, server string }{
	{"vsftpd", cause.ServerVsftpd},
	{"234 proceed with negotiation.", cause.ServerVsftpd},
	{"proftpd", cause.ServerProFTPD},
	{"234 auth tls successful", cause.ServerProFTPD},
	{"421 tls handshake failed", cause.ServerProFTPD}, // plaintext after its alert
	{"pure-ftpd", cause.ServerPureFTPd},
	{"234 auth tls ok.", cause.ServerPureFTPd},
	{"sorry, cleartext sessions and weak ciphers are not accepted", cause.ServerPureFTPd},
	{"pyftpdlib", cause.ServerPyftpdlib},
	{"234 auth tls successful.", cause.ServerPyftpdlib},
	{"filezilla server", cause.ServerFileZilla},
	{"234 using authentication type tls.", cause.ServerFileZilla},
	{"microsoft ftp service", cause.ServerIIS},
	{"serv-u", cause.ServerServU},
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
