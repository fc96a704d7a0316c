package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

func TestWriteExplain(t *testing.T) {
	text := "425 Security: Bad IP connecting.\n227 Entering Passive Mode (10,0,0,5,4,1)"
	lb := result.ExplainCause{ID: "lb-split-nodes", Reported: true, Why: "behind a load balancer the data connection reached a node that did not see this control connection.",
		Fix: "Pin both connections of a client to one node.", Confirm: "ftpsdiag --user NAME ftpes://HOST"}
	matches := []result.ExplainMatch{
		{Rule: `vsftpd 425 "Security: Bad IP connecting"`, Causes: []result.ExplainCause{
			{ID: "data-peer-ip-mismatch", Why: "the data connection came from another source address than the control connection (NAT pool, CGNAT, proxy), which the server refuses.",
				Fix: "Let the data connection come from another address.", FixBy: []result.ServerFix{
					{Server: "vsftpd", Fix: "Set pasv_promiscuous=YES."},
					{Server: "FileZilla Server", Fix: "Turn off the IP check."},
				},
				Confirm: "ftpsdiag --user NAME ftpes://HOST"},
			lb,
		}},
		{Rule: "a later rule", Causes: []result.ExplainCause{lb}},
	}
	var b bytes.Buffer
	WriteExplain(&b, text, matches)
	want := `text: 425 Security: Bad IP connecting.\n227 Entering Passive Mode (10,0,0,5,4,1)

vsftpd 425 "Security: Bad IP connecting":
  1. data-peer-ip-mismatch (not an ftpsdiag finding: read its evidence in the report)
     the data connection came from another source address than the control connection (NAT pool, CGNAT, proxy), which the server refuses.
     fix: Let the data connection come from another address.
       vsftpd: Set pasv_promiscuous=YES.
       FileZilla Server: Turn off the IP check.
     confirm: ftpsdiag --user NAME ftpes://HOST
  2. lb-split-nodes
     behind a load balancer the data connection reached a node that did not see this control connection.
     fix: Pin both connections of a client to one node.
     confirm: ftpsdiag --user NAME ftpes://HOST

a later rule:
  1. lb-split-nodes
     behind a load balancer the data connection reached a node that did not see this control connection.
     fix: see above
     confirm: ftpsdiag --user NAME ftpes://HOST
`
	if got := b.String(); got != want {
		t.Errorf("WriteExplain:\n%s\nwant:\n%s", got, want)
	}
}

func TestWriteExplainNoMatchEscapes(t *testing.T) {
	text := "\x1b]0;owned\x07\x1b[31m226 ok\r\nline two\u202e"
	var b bytes.Buffer
	WriteExplain(&b, text, nil)
	want := `text: \x1b]0;owned\x07\x1b[31m226 ok\r\nline two\u202e
no known cause for this text; run ftpsdiag HOST for a diagnosis
`
	if got := b.String(); got != want {
		t.Errorf("WriteExplain:\n%q\nwant:\n%q", got, want)
	}
}

func TestWriteExplainCutsLongText(t *testing.T) {
	text := strings.Repeat("é", maxEcho) + "ETIMEDOUT"
	var b bytes.Buffer
	WriteExplain(&b, text, nil)
	first, _, _ := strings.Cut(b.String(), "\n")
	if !strings.HasSuffix(first, "é ...") || strings.Contains(first, "ETIMEDOUT") {
		t.Errorf("echo not cut on a rune boundary: %q", first)
	}
}
