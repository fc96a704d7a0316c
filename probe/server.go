package probe

import (
	"strings"

	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// serverMarks are texts that name server software in greetings and
// replies (FTPS.md §3). Used only to name the server and pick its remedy;
// never to classify a failure.
var serverMarks = []struct{ mark, server string }{
	{"vsftpd", ServerVsftpd},
	{"proceed with negotiation.", ServerVsftpd},
	{"proftpd", ServerProFTPD},
	{"auth tls successful", ServerProFTPD},
	{"pure-ftpd", ServerPureFTPd},
	{"auth tls ok.", ServerPureFTPd},
	{"pyftpdlib", ServerPyftpdlib},
	{"filezilla server", ServerFileZilla},
	{"using authentication type tls", ServerFileZilla},
	{"microsoft ftp service", ServerIIS},
	{"serv-u", ServerServU},
}

// identify names the server software from one reply, or returns "".
func identify(r rfc2228.Reply) string {
	text := strings.ToLower(r.String())
	for _, m := range serverMarks {
		if strings.Contains(text, m.mark) {
			return m.server
		}
	}
	return ""
}
