package rfc2228

import (
	"errors"
	"net/netip"
	"testing"
)

var pasvTests = []struct {
	name string
	r    Reply
	want string // netip.AddrPort, or "" for an error
}{
	{"vsftpd", reply(227, "227 Entering Passive Mode (127,0,0,1,195,149)."), "127.0.0.1:50069"},
	{"ProFTPD", reply(227, "227 Entering Passive Mode (192,168,1,10,234,96)."), "192.168.1.10:60000"},
	{"Pure-FTPd", reply(227, "227 Entering Passive Mode (10,0,0,5,117,48)"), "10.0.0.5:30000"},
	{"pyftpdlib", reply(227, "227 Entering passive mode (127,0,0,1,4,1)."), "127.0.0.1:1025"},
	{"IIS without parentheses", reply(227, "227 Entering Passive Mode 127,0,0,1,19,137"), "127.0.0.1:5001"},
	{"equals sign", reply(227, "227 =127,0,0,1,4,1"), "127.0.0.1:1025"},
	{"spaces around commas", reply(227, "227 Entering Passive Mode (127, 0, 0, 1, 4, 1)"), "127.0.0.1:1025"},
	{"unspecified address", reply(227, "227 Entering Passive Mode (0,0,0,0,4,1)"), "0.0.0.0:1025"},
	{"highest port", reply(227, "227 Entering Passive Mode (1,2,3,4,255,255)"), "1.2.3.4:65535"},
	{"multi-line", reply(227, "227-Entering Passive Mode", " (127,0,0,1,4,1)", "227 OK"), "127.0.0.1:1025"},
	{"number over 255", reply(227, "227 Entering Passive Mode (127,0,0,256,4,1)"), ""},
	{"port over 255", reply(227, "227 Entering Passive Mode (127,0,0,1,4,300)"), ""},
	{"huge number", reply(227, "227 Entering Passive Mode (127,0,0,1,4,99999999999999999999999)"), ""},
	{"port 0", reply(227, "227 Entering Passive Mode (127,0,0,1,0,0)"), ""},
	{"five numbers", reply(227, "227 Entering Passive Mode (127,0,0,1,4)"), ""},
	{"negative", reply(227, "227 Entering Passive Mode (127,0,0,1,-4,1)"), ""},
	{"no numbers", reply(227, "227 Entering Passive Mode"), ""},
	{"IPv6 text", reply(227, "227 Entering Passive Mode (::1,4,1)"), ""},
	{"not 227", reply(500, "500 PASV not understood (127,0,0,1,4,1)"), ""},
	{"empty", Reply{}, ""},
}

func TestParsePASV(t *testing.T) {
	for _, tt := range pasvTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParsePASV(tt.r)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("got %v, want an error", got)
				}
				if _, ok := errors.AsType[*ProtocolError](err); !ok && tt.r.Code == CodePassive {
					t.Errorf("err = %v, want a *ProtocolError for a malformed 227", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := netip.MustParseAddrPort(tt.want); got != want {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

var epsvTests = []struct {
	name string
	r    Reply
	want int // 0 for an error
}{
	{"vsftpd", reply(229, "229 Entering Extended Passive Mode (|||50069|)"), 50069},
	{"ProFTPD", reply(229, "229 Entering Extended Passive Mode (|||60000|)"), 60000},
	{"pyftpdlib", reply(229, "229 Entering extended passive mode (|||1025|)."), 1025},
	{"other delimiter", reply(229, "229 Entering Extended Passive Mode (!!!6446!)"), 6446},
	{"parenthesis as delimiter", reply(229, "229 ok ()))6446))"), 6446},
	{"earlier parenthesis", reply(229, "229 Extended (passive) mode (|||6446|)"), 6446},
	{"highest port", reply(229, "229 (|||65535|)"), 65535},
	{"multi-line", reply(229, "229-Entering Extended Passive Mode", " (|||6446|)", "229 OK"), 6446},
	{"two delimiters", reply(229, "229 Entering Extended Passive Mode (||6446|)"), 0},
	{"mixed delimiters", reply(229, "229 Entering Extended Passive Mode (|!|6446|)"), 0},
	{"last delimiter differs", reply(229, "229 Entering Extended Passive Mode (|||6446!)"), 0},
	{"address given", reply(229, "229 Entering Extended Passive Mode (|1|127.0.0.1|6446|)"), 0},
	{"no closing parenthesis", reply(229, "229 Entering Extended Passive Mode (|||6446|"), 0},
	{"port 0", reply(229, "229 Entering Extended Passive Mode (|||0|)"), 0},
	{"port over 65535", reply(229, "229 Entering Extended Passive Mode (|||65536|)"), 0},
	{"long port", reply(229, "229 Entering Extended Passive Mode (|||000006446|)"), 0},
	{"empty port", reply(229, "229 Entering Extended Passive Mode (||||)"), 0},
	{"signed port", reply(229, "229 Entering Extended Passive Mode (|||+644|)"), 0},
	{"digit delimiter", reply(229, "229 Entering Extended Passive Mode (1116446)1)"), 0},
	{"space delimiter", reply(229, "229 Entering Extended Passive Mode (   6446 )"), 0},
	{"no parentheses", reply(229, "229 Entering Extended Passive Mode |||6446|"), 0},
	{"not 229", reply(522, "522 Network protocol not supported, use (1,2)"), 0},
	{"empty", Reply{}, 0},
}

func TestParseEPSV(t *testing.T) {
	for _, tt := range epsvTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEPSV(tt.r)
			if tt.want == 0 {
				if err == nil {
					t.Fatalf("got %d, want an error", got)
				}
				if _, ok := errors.AsType[*ProtocolError](err); !ok && tt.r.Code == CodeExtendedPassive {
					t.Errorf("err = %v, want a *ProtocolError for a malformed 229", err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %d, %v, want %d", got, err, tt.want)
			}
		})
	}
}
