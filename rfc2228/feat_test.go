package rfc2228

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseFeat(t *testing.T) {
	tests := []struct {
		name  string
		r     Reply
		want  []string // Lines
		mechs []string
		has   map[string]bool
	}{
		{
			name:  "vsftpd",
			r:     vendorTests[0].want[1],
			want:  []string{"AUTH TLS", "EPRT", "EPSV", "MDTM", "PASV", "PBSZ", "PROT", "REST STREAM", "SIZE", "TVFS", "UTF8"},
			mechs: []string{"TLS"},
			has:   map[string]bool{"PBSZ": true, "prot": true, "AUTH": true, "REST": true, "CCC": false, "TLS": false},
		},
		{
			name: "ProFTPD",
			r:    vendorTests[1].want[1],
			want: []string{"AUTH TLS", "CCC", "PBSZ", "PROT", "LANG en-US*",
				"MFF modify;UNIX.group;UNIX.mode;", "MFMT",
				"MLST modify*;perm*;size*;type*;unique*;UNIX.group*;UNIX.groupname*;UNIX.mode*;UNIX.owner*;UNIX.ownername*;",
				"SITE MKDIR", "SITE RMDIR", "SITE UTIME", "SITE SYMLINK", "SIZE"},
			mechs: []string{"TLS"},
			has:   map[string]bool{"CCC": true, "SITE": true, "MLST": true, "EPSV": false},
		},
		{
			name: "Pure-FTPd",
			r:    vendorTests[2].want[1],
			want: []string{"UTF8", "EPRT", "IDLE", "MDTM", "SIZE", "MFMT", "REST STREAM",
				"MLST type*;size*;sizd*;modify*;UNIX.mode*;UNIX.uid*;UNIX.gid*;unique*;",
				"MLSD", "PRET", "AUTH TLS", "PBSZ", "PROT", "TVFS", "ESTA", "PASV", "EPSV"},
			mechs: []string{"TLS"},
			has:   map[string]bool{"PRET": true, "ESTA": true, "CCC": false},
		},
		{
			name: "pyftpdlib, one line per mechanism",
			r:    vendorTests[3].want[1],
			want: []string{"AUTH SSL", "AUTH TLS", "EPRT", "EPSV", "MDTM", "MFMT",
				"MLST type*;perm*;size*;modify*;unique*;unix.mode;unix.uid;unix.gid;",
				"PBSZ", "PROT", "REST STREAM", "SIZE", "TVFS", "UTF8"},
			mechs: []string{"SSL", "TLS"},
			has:   map[string]bool{"AUTH": true},
		},
		{
			name:  "mechanisms on one line, lower case, repeated",
			r:     reply(211, "211-Extensions supported", " AUTH tls;TLS-C;SSL;", " auth TLS-P, tls", " PBSZ", "211 END"),
			want:  []string{"AUTH tls;TLS-C;SSL;", "auth TLS-P, tls", "PBSZ"},
			mechs: []string{"TLS", "TLS-C", "SSL", "TLS-P"},
			has:   map[string]bool{"auth": true, "PBSZ": true},
		},
		{
			name:  "211- on every line, blank lines",
			r:     reply(211, "211-Features:", "211-AUTH TLS", "", "211- PROT", "211 End"),
			want:  []string{"AUTH TLS", "PROT"},
			mechs: []string{"TLS"},
			has:   map[string]bool{"PROT": true},
		},
		{
			name: "AUTH with no mechanism",
			r:    reply(211, "211-Features:", " AUTH", "211 End"),
			want: []string{"AUTH"},
			has:  map[string]bool{"AUTH": true},
		},
		{name: "no features", r: reply(211, "211 no-features"), has: map[string]bool{"AUTH": false}},
		{name: "FEAT not understood", r: reply(500, "500 FEAT not understood"), has: map[string]bool{"FEAT": false}},
		{name: "wrong code", r: reply(214, "214-Help", " AUTH TLS", "214 End")},
		{name: "zero reply", r: Reply{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := ParseFeat(tt.r)
			if diff := cmp.Diff(tt.want, f.Lines); diff != "" {
				t.Errorf("Lines (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.mechs, f.AuthMechanisms()); diff != "" {
				t.Errorf("AuthMechanisms (-want +got):\n%s", diff)
			}
			for name, want := range tt.has {
				if got := f.Has(name); got != want {
					t.Errorf("Has(%q) = %v, want %v", name, got, want)
				}
			}
		})
	}
}
