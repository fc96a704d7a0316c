package probe

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/ftpstest"
	"github.com/ftpsdiag/ftpsdiag/probe/testcert"
	"github.com/ftpsdiag/ftpsdiag/rfc2228"
)

// A handshake that stalls after 234 is followed by a SYST in clear on its
// own connection: a Cisco ASA inspecting FTP masks the reply, which names
// the firewall in the finding's evidence.
func TestMaskedSYST(t *testing.T) {
	tests := []struct {
		name   string
		syst   string // "" keeps ftpstest's 215 UNIX Type: L8
		masked bool
	}{
		{"masked by Cisco ASA", "215 XXXXXXXXXXXXXXXXX", true},
		{"not masked", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := ftpstest.Config{TLS: ftpstest.NewTLSConfig(localCert(t, testcert.Options{})), AfterAuth: ftpstest.Silent}
			if tt.syst != "" {
				cfg.Replies = map[string]string{"SYST": tt.syst}
			}
			srv := serve(t, cfg)
			r := diagnose(t, srv.Addr, func(c *Config) { c.Mode = ModeExplicit; c.Timeout = time.Second })
			wantFindings(t, r, critical(cause.ALGBreaksTLSAfter234))
			const marker = "; SYST in clear on another connection got 215 XXXXXXXXXXXXXXXXX: FTP inspection masks the reply (Cisco ASA mask-syst-reply), so an inspecting firewall is in the path"
			if got := strings.Contains(r.Findings[0].Evidence, marker); got != tt.masked {
				t.Errorf("evidence = %q; want the SYST marker: %v", r.Findings[0].Evidence, tt.masked)
			}
			if !slices.Contains(srv.Commands(), "SYST") {
				t.Errorf("the server never got SYST: %q", srv.Commands())
			}
			audits := r.Attempts[0].Audits
			if len(audits) != 1 || !strings.HasPrefix(audits[0].Purpose, "firewall marker: SYST") {
				t.Errorf("audits = %+v, want the SYST check", audits)
			}
		})
	}
}

func TestMaskedSYSTReply(t *testing.T) {
	for _, tt := range []struct {
		lines []string
		want  bool
	}{
		{[]string{"215 XXXXXXXXXXXXXXXX"}, true},
		{[]string{"215 XXXXXXXX "}, true},
		{[]string{"215 UNIX Type: L8"}, false},
		{[]string{"215 XX"}, false},
		{[]string{"215 Windows_NT"}, false},
		{[]string{"215-XXXX", "215 XXXX"}, false},
	} {
		if got := maskedSYST(rfc2228.Reply{Code: rfc2228.CodeSystemType, Lines: tt.lines}); got != tt.want {
			t.Errorf("maskedSYST(%q) = %v, want %v", tt.lines, got, tt.want)
		}
	}
}
