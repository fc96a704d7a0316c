package probe

import (
	"strconv"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
)

// A working control channel is not "FTPS works" unless a protected listing
// worked too: the verdict says what was and was not shown, and a data
// channel never tried, with no problem found, is incomplete, not ok.
func TestVerdictDataChannelUntested(t *testing.T) {
	cert := localCert(t, testcert.Options{})
	tests := []struct {
		name    string
		cfg     ftpstest.Config
		status  result.Status
		verdict string
	}{
		{name: "anonymous refused", cfg: ftpstest.Config{DenyAnonymous: true}, status: result.StatusIncomplete,
			verdict: "The control channel works (explicit TLS 1.3 on port PORT); the data channel was not tested: anonymous login refused (530 Login incorrect.), use --user."},
		{name: "anonymous refused, with a warning", cfg: ftpstest.Config{DenyAnonymous: true, Replies: map[string]string{"PBSZ 0": "200 "}}, status: result.StatusWarning,
			verdict: "The control channel works (explicit TLS 1.3 on port PORT), with 1 problem; worst: " + cause.ReplyTextMissing.Cause().Title + "; the data channel was not tested: anonymous login refused (530 Login incorrect.), use --user."},
		// vsftpd answers 331 to USER anonymous in clear whether or not
		// anonymous logins exist: with the anonymous login refused inside
		// TLS, that 331 shows nothing.
		{name: "anonymous refused, its USER accepted in clear", cfg: ftpstest.Config{DenyAnonymous: true, ClearLoginRefusal: allow}, status: result.StatusIncomplete,
			verdict: "The control channel works (explicit TLS 1.3 on port PORT); the data channel was not tested: anonymous login refused (530 Login incorrect.), use --user."},
		{name: "listing refused", cfg: ftpstest.Config{Replies: map[string]string{"LIST": "550 Permission denied."}}, status: result.StatusCritical,
			verdict: "The control channel works (explicit TLS 1.3 on port PORT), with 1 problem; worst: " + cause.DataListRefused.Cause().Title + "; the protected data channel fails."},
		{name: "anonymous allowed", cfg: ftpstest.Config{}, status: result.StatusOK,
			verdict: "FTPS works: explicit TLS 1.3 on port PORT."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.TLS = ftpstest.NewTLSConfig(cert)
			srv := serve(t, tt.cfg)
			r := diagnose(t, srv.Addr, explicitOnly)
			want := strings.ReplaceAll(tt.verdict, "PORT", strconv.Itoa(r.Attempts[0].Port))
			if r.Status != tt.status || r.Verdict != want {
				t.Errorf("status %s, verdict %q\nwant %s, %q", r.Status, r.Verdict, tt.status, want)
			}
		})
	}
}
