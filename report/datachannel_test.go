package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// TestTextDataChannelIsInert: every server-supplied string of the login,
// data channel, policy and audits is sanitized.
func TestTextDataChannelIsInert(t *testing.T) {
	r := pasvMismatch()
	a := &r.Attempts[0]
	a.Login.Reply = "230 " + osc + "ok"
	a.DataChannel.AdvertisedAddress = "10.0.0.5" + csi + ":50000"
	a.DataChannel.TransferReply = "226 " + rlo + "done\r"
	a.Policy.ClearDataEvidence = "226 " + badUTF8
	a.Audits = []result.Audit{{Purpose: "clear data", Timeline: reply(3, "522 "+csi+"no")}}
	var buf bytes.Buffer
	if err := Text(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"\x1b", "\x07", "\r", "\u202e", "\xff"} {
		if strings.Contains(out, bad) {
			t.Errorf("text report contains raw %q", bad)
		}
	}
	for _, want := range []string{`230 \x1b]0;pwned\x07ok`, `10.0.0.5\x1b[31m:50000 DIFFERS`, `226 \u202edone\r`, `226 \xff\xfe`, `522 \x1b[31mno`} {
		if !strings.Contains(out, want) {
			t.Errorf("text report does not show %s", want)
		}
	}
}

func TestTextDataChannelNotAttemptedIsInert(t *testing.T) {
	r := loginFailed()
	r.Attempts[0].DataChannel.NotAttempted = "login failed: 530 " + csi + "no"
	var buf bytes.Buffer
	if err := Text(&buf, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if want := `not attempted: login failed: 530 \x1b[31mno`; !strings.Contains(buf.String(), want) {
		t.Errorf("text report does not show %s", want)
	}
}

// TestTextDataChannelHighlights: an advertised address other than the one
// used, and risky policy answers, are in the warning colour.
func TestTextDataChannelHighlights(t *testing.T) {
	var buf bytes.Buffer
	if err := Text(&buf, pasvMismatch(), Options{Color: true}); err != nil {
		t.Fatal(err)
	}
	yellow := "\x1b[33m"
	for _, want := range []string{yellow + "10.0.0.5:50000 DIFFERS from the address used", yellow + "yes"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("colour on: no %q", want)
		}
	}
}

// TestEventTextDataTag: data-connection rows are tagged, control rows are
// not, and the text is kept whole.
func TestEventTextDataTag(t *testing.T) {
	for _, tc := range []struct {
		e         result.Event
		tag, text string
	}{
		{dataEv(1, result.FromTLS, "handshake done: TLS 1.3, resumed"), dataTag, "handshake done: TLS 1.3, resumed"},
		{dataEv(1, result.FromNet, "connect 127.0.0.1:50069"), dataTag, "connect 127.0.0.1:50069"},
		{dataEv(1, result.FromServer, "data file.txt"), dataTag, "data file.txt"},
		{ev(1, result.FromServer, "data \x1b[2J"), "", `data \x1b[2J`},
	} {
		tag, text := eventText(tc.e)
		if tag != tc.tag || text != tc.text {
			t.Errorf("eventText(%+v) = %q, %q; want %q, %q", tc.e, tag, text, tc.tag, tc.text)
		}
	}
}
