package ftpdtest

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
)

// instance is what the configuration of one server is made from.
type instance struct {
	Options
	install
	dir            string // temporary directory for configs, logs, certificates
	port           int
	pasvLo, pasvHi int
	acct           acct
	root           string    // the directory the login sees
	cert           certFiles // set when TLS
}

// anonymous reports whether the harness runs without root, so that the
// servers serve a read-only root to anonymous logins.
func (in *instance) anonymous() bool { return in.acct.home == "" }

// vsftpd: configuration in vsftpd.conf, start-up errors on fd 0.
func (in *instance) vsftpd() (*exec.Cmd, error) {
	empty := filepath.Join(in.dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		return nil, err
	}
	conf := []string{
		"listen=YES",
		"listen_ipv6=NO",
		"background=NO",
		"listen_address=127.0.0.1",
		"listen_port=" + strconv.Itoa(in.port),
		"write_enable=NO",
		"secure_chroot_dir=" + empty,
		"connect_from_port_20=NO",
		"pasv_enable=YES",
		"pasv_min_port=" + strconv.Itoa(in.pasvLo),
		"pasv_max_port=" + strconv.Itoa(in.pasvHi),
		"xferlog_enable=YES",
		"xferlog_std_format=NO",
		"log_ftp_protocol=YES",
		"vsftpd_log_file=" + filepath.Join(in.dir, "vsftpd.log"),
		"ssl_enable=" + yesNo(in.TLS),
	}
	if in.anonymous() {
		conf = append(conf,
			"run_as_launching_user=YES",
			"anonymous_enable=YES",
			"local_enable=NO",
			"anon_root="+in.root,
			"allow_anon_ssl=YES",
			"force_anon_logins_ssl=NO",
			"force_anon_data_ssl=NO",
		)
	} else {
		conf = append(conf,
			"anonymous_enable=NO",
			"local_enable=YES",
			"pam_service_name=vsftpd",
		)
	}
	if in.TLS {
		conf = append(conf,
			"rsa_cert_file="+in.cert.chain,
			"rsa_private_key_file="+in.cert.key,
			"force_local_logins_ssl=NO",
			"force_local_data_ssl=NO",
			"implicit_ssl="+yesNo(in.Implicit),
			// Debian's default (ECDHE-RSA-AES256-GCM-SHA384 only) leaves
			// TLS 1.2 nothing to use with the harness's ECDSA certificates;
			// a test that wants that default sets it again in Extra.
			"ssl_ciphers=HIGH",
		)
	}
	conf = append(conf, in.Extra...)
	file := filepath.Join(in.dir, "vsftpd.conf")
	if err := writeLines(file, conf); err != nil {
		return nil, err
	}
	return exec.Command(in.bin, file), nil
}

// proftpd: configuration in proftpd.conf, mod_tls loaded from its own
// directory, files that would go to /run in the temporary directory; with
// --nodaemon it logs to stderr.
func (in *instance) proftpd() (*exec.Cmd, error) {
	// ProFTPD takes the first occurrence of most directives, so Extra goes
	// before the defaults (after mod_tls is loaded) to be able to override
	// them; TLSOptions lines add up.
	var conf []string
	if in.TLS {
		conf = append(conf, `ModulePath `+in.modDir, `LoadModule mod_tls.c`)
	}
	conf = append(conf, in.Extra...)
	conf = append(conf,
		`ServerType standalone`,
		`ServerName "ftpdtest"`,
		`Port `+strconv.Itoa(in.port),
		`DefaultAddress 127.0.0.1`,
		`SocketBindTight on`,
		`UseIPv6 off`,
		fmt.Sprintf(`PassivePorts %d %d`, in.pasvLo, in.pasvHi),
		`MaxInstances 30`,
		`UseReverseDNS off`,
		`PidFile `+filepath.Join(in.dir, "proftpd.pid"),
		`ScoreboardFile `+filepath.Join(in.dir, "proftpd.scoreboard"),
		`DelayTable none`,
		`WtmpLog off`,
		`TransferLog none`,
		`RequireValidShell off`,
		`<IfModule mod_auth_pam.c>`,
		`AuthPAM off`,
		`</IfModule>`,
		`<IfModule mod_delay.c>`,
		`DelayEngine off`,
		`</IfModule>`,
		`<IfModule mod_ctrls.c>`,
		`ControlsEngine off`,
		`</IfModule>`,
	)
	if in.anonymous() {
		// Without root ProFTPD can neither chroot an <Anonymous> login
		// nor switch users: a virtual user of our own uid stands in.
		auth, err := in.proftpdUsers()
		if err != nil {
			return nil, err
		}
		conf = append(conf, auth...)
	} else {
		conf = append(conf, `AuthOrder mod_auth_unix.c`)
	}
	if in.TLS {
		kind := "RSA"
		if in.cert.ecdsa {
			kind = "EC"
		}
		conf = append(conf,
			`TLSEngine on`,
			`TLSLog `+filepath.Join(in.dir, "tls.log"),
			`TLS`+kind+`CertificateFile `+in.cert.leaf,
			`TLS`+kind+`CertificateKeyFile `+in.cert.key,
		)
		if in.cert.intermediates != "" {
			conf = append(conf, `TLSCertificateChainFile `+in.cert.intermediates)
		}
		if in.Implicit {
			conf = append(conf, `TLSOptions UseImplicitSSL`)
		}
	}
	file := filepath.Join(in.dir, "proftpd.conf")
	if err := writeLines(file, conf); err != nil {
		return nil, err
	}
	return exec.Command(in.bin, "--nodaemon", "--config", file), nil
}

// proftpdUsers writes an AuthUserFile holding the anonymous login as a
// user with the current uid and gid, and returns the directives using it.
func (in *instance) proftpdUsers() ([]string, error) {
	u, err := user.Current()
	if err != nil {
		return nil, err
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		return nil, err
	}
	hash, err := exec.Command("openssl", "passwd", "-6", in.acct.password).Output()
	if err != nil {
		return nil, fmt.Errorf("hashing the password with openssl: %w", err)
	}
	line := fmt.Sprintf("%s:%s:%s:%s::%s:/bin/sh\n", in.acct.user, strings.TrimSpace(string(hash)), u.Uid, u.Gid, in.root)
	file := filepath.Join(in.dir, "ftpd.passwd")
	if err := os.WriteFile(file, []byte(line), 0o600); err != nil {
		return nil, err
	}
	return []string{
		`User ` + u.Username,
		`Group ` + g.Name,
		`AuthUserFile ` + file,
		`AuthOrder mod_auth_file.c`,
		`<Limit WRITE>`,
		`DenyAll`,
		`</Limit>`,
	}, nil
}

// pureftpd: configured by arguments only; it logs to syslog alone.
func (in *instance) pureftpd() (*exec.Cmd, error) {
	clients := strconv.Itoa((in.pasvHi - in.pasvLo + 1) / 2)
	args := []string{
		"-S", "127.0.0.1," + strconv.Itoa(in.port),
		"-p", fmt.Sprintf("%d:%d", in.pasvLo, in.pasvHi),
		"-c", clients,
		"-C", clients,
		"-l", "unix",
		"-E", // no anonymous logins
		"-H", // no reverse DNS
		"-g", filepath.Join(in.dir, "pure-ftpd.pid"),
	}
	if in.TLS {
		args = append(args, "-Y", "1", "-2", in.cert.chain+","+in.cert.key)
	} else {
		args = append(args, "-Y", "0")
	}
	args = append(args, in.Extra...)
	return exec.Command(in.bin, args...), nil
}

// pyftpdlibScript runs pyftpdlib with the settings in the JSON file named
// by its argument, so that the password never shows in argv.
const pyftpdlibScript = `import json, logging, sys
from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler
from pyftpdlib.log import config_logging
from pyftpdlib.servers import FTPServer

with open(sys.argv[1]) as f:
    c = json.load(f)
authorizer = DummyAuthorizer()
if c["anonymous"]:
    authorizer.add_anonymous(c["root"])
else:
    authorizer.add_user(c["user"], c["password"], c["root"], perm="elr")
handler = FTPHandler
if c["tls"]:
    from pyftpdlib.handlers import TLS_FTPHandler as handler
    handler.certfile = c["certfile"]
    handler.keyfile = c["keyfile"]
handler.authorizer = authorizer
handler.passive_ports = range(c["pasv_lo"], c["pasv_hi"] + 1)
handler.banner = "ftpdtest pyftpdlib ready."
exec("\n".join(c["extra"]))
config_logging(level=logging.DEBUG)
FTPServer(("127.0.0.1", c["port"]), handler).serve_forever()
`

// pyftpdlib: our script runs pyftpdlib's TLS_FTPHandler (FTPHandler
// without TLS) with one virtual user reading root; it logs every command
// and reply to stderr.
func (in *instance) pyftpdlib() (*exec.Cmd, error) {
	script := filepath.Join(in.dir, "pyftpdlib_server.py")
	if err := os.WriteFile(script, []byte(pyftpdlibScript), 0o600); err != nil {
		return nil, err
	}
	settings, err := json.Marshal(map[string]any{
		"anonymous": in.anonymous(),
		"user":      in.acct.user,
		"password":  in.acct.password,
		"root":      in.root,
		"tls":       in.TLS,
		"certfile":  in.cert.chain,
		"keyfile":   in.cert.key,
		"port":      in.port,
		"pasv_lo":   in.pasvLo,
		"pasv_hi":   in.pasvHi,
		"extra":     append([]string{}, in.Extra...),
	})
	if err != nil {
		return nil, err
	}
	file := filepath.Join(in.dir, "pyftpdlib.json")
	if err := os.WriteFile(file, settings, 0o600); err != nil {
		return nil, err
	}
	return exec.Command(in.bin, "-u", script, file), nil
}

// yesNo spells b as vsftpd.conf wants it: YES or NO.
func yesNo(b bool) string {
	if b {
		return "YES"
	}
	return "NO"
}

// writeLines writes a server's config file: one setting per line,
// readable only by its owner.
func writeLines(file string, lines []string) error {
	return os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o600)
}
