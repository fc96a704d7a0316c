package ftpstest

import "crypto/tls"

// NewTLSConfig returns a server TLS configuration for cert with sane defaults (TLS 1.2 or
// newer, session tickets on so data connections can resume). Callers may change it before
// NewServer, e.g. MaxVersion or SessionTicketsDisabled.
func NewTLSConfig(cert tls.Certificate) *tls.Config {
	return &tls.Config{
		Certificates: []tls.Certificate{cert},
		MinVersion:   tls.VersionTLS12,
	}
}

// Texts real servers send, for scripting realistic faults (see ../shared/FTPS.md §3).
const (
	VsftpdGreeting           = "220 (vsFTPd 3.0.3)"
	VsftpdPerIPRefusal       = "421 There are too many connections from your internet address."
	ProFTPDPerHostRefusal    = "530 Sorry, the maximum number of clients (%d) from your host are already connected."
	VsftpdClearLoginRefusal  = "530 Non-anonymous sessions must use encryption."
	VsftpdClearDataRefusal   = "522 Data connections must be encrypted."
	VsftpdReuseRefusal       = "522 SSL connection failed; session reuse required: see require_ssl_reuse option in vsftpd.conf man page"
	ProFTPDReuseRefusal      = "425 Unable to build data connection: Operation not permitted"
	PureFTPdClearDataRefusal = "521 Data connection cannot be opened with this PROT setting."
)

// Vsftpd returns a Config that answers like vsftpd 3.0.3 with ssl_enable=YES, or with
// ssl_enable=NO when tlsCfg is nil. Most defaults of this package are vsftpd's texts already.
// Add ClearLoginRefusal, ClearDataRefusal and ReuseRefusal (Vsftpd* constants) for
// force_local_logins_ssl, force_local_data_ssl and require_ssl_reuse.
func Vsftpd(tlsCfg *tls.Config) Config {
	cfg := Config{
		TLS:         tlsCfg,
		Greeting:    []string{VsftpdGreeting},
		Features:    []string{"EPRT", "EPSV", "MDTM", "PASV", "REST STREAM", "SIZE", "TVFS", "UTF8"},
		AuthRefusal: "530 Please login with USER and PASS.",
		Replies: map[string]string{
			"LIST":       "150 Here comes the directory listing.",
			"NLST":       "150 Here comes the directory listing.",
			"PROT C":     "200 PROT now Clear.",
			"PROT P":     "200 PROT now Private.",
			"PBSZ":       "200 PBSZ set to 0.",
			"AUTH TLS":   "234 Proceed with negotiation.",
			"AUTH SSL":   "234 Proceed with negotiation.",
			"AUTH TLS-C": "234 Proceed with negotiation.",
			"AUTH TLS-P": "234 Proceed with negotiation.",
		},
		TransferComplete: "226 Directory send OK.",
		UnknownReply:     "500 Unknown command.",
	}
	if tlsCfg != nil {
		cfg.AuthRefusal = "504 Unknown AUTH type."
		cfg.Features = []string{"AUTH SSL", "AUTH TLS", "EPRT", "EPSV", "MDTM", "PASV", "PBSZ", "PROT", "REST STREAM", "SIZE", "TVFS", "UTF8"}
	}
	return cfg
}

// ProFTPD returns a Config that answers like ProFTPD 1.3.8 with mod_tls, or without
// mod_tls when tlsCfg is nil.
func ProFTPD(tlsCfg *tls.Config) Config {
	features := []string{"EPRT", "EPSV", "MDTM", "MFMT", "MLST type*;size*;modify*;perm*;unique*;UNIX.mode;UNIX.owner;UNIX.group;", "REST STREAM", "SIZE", "TVFS", "UTF8"}
	if tlsCfg != nil {
		features = append([]string{"AUTH TLS", "CCC", "PBSZ", "PROT"}, features...)
	}
	return Config{
		TLS:         tlsCfg,
		Greeting:    []string{"220 ProFTPD Server (ProFTPD Default Installation) [127.0.0.1]"},
		Features:    features,
		AuthRefusal: "500 AUTH not understood",
		Replies: map[string]string{
			"AUTH TLS":   "234 AUTH TLS successful",
			"AUTH SSL":   "234 AUTH SSL successful",
			"AUTH TLS-C": "234 AUTH TLS-C successful",
			"AUTH TLS-P": "234 AUTH TLS-P successful",
			"PBSZ":       "200 PBSZ 0 successful",
			"PROT P":     "200 Protection set to Private",
			"PROT C":     "200 Protection set to Clear",
			"SYST":       "215 UNIX Type: L8",
			"TYPE I":     "200 Type set to I",
			"TYPE A":     "200 Type set to A",
			"NOOP":       "200 NOOP command successful",
			"PWD":        `257 "/" is the current directory`,
			"LIST":       "150 Opening ASCII mode data connection for file list",
			"NLST":       "150 Opening ASCII mode data connection for file list",
			"MLSD":       "150 Opening ASCII mode data connection for MLSD",
		},
		TransferComplete: "226 Transfer complete",
		UnknownReply:     "500 Command not understood",
	}
}

// PureFTPd returns a Config that answers like Pure-FTPd 1.0 with TLS (-Y 1), or without
// TLS when tlsCfg is nil; its greeting and its 226 are multi-line.
func PureFTPd(tlsCfg *tls.Config) Config {
	features := []string{"EPRT", "IDLE", "MDTM", "SIZE", "MFMT", "REST STREAM", "MLST type*;size*;sizd*;modify*;UNIX.mode*;UNIX.uid*;UNIX.gid*;unique*;", "MLSD", "PRET", "ESTP", "PASV", "EPSV", "SPSV", "ESTA"}
	if tlsCfg != nil {
		features = append([]string{"AUTH TLS", "PBSZ", "PROT"}, features...)
	}
	return Config{
		TLS: tlsCfg,
		Greeting: []string{
			"220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------",
			"220-You are user number 1 of 50 allowed.",
			"220-Local time is now 12:00. Server port: 21.",
			"220 You will be disconnected after 15 minutes of inactivity.",
		},
		Features:    features,
		AuthRefusal: "500 This security scheme is not implemented",
		Replies: map[string]string{
			"AUTH TLS": "234 AUTH TLS OK.",
			"AUTH SSL": "234 AUTH SSL OK.",
			"PBSZ":     "200 PBSZ=0",
			"PROT P":   `200 Data protection level set to "private"`,
			"PROT C":   `200 Data protection level set to "clear"`,
			"TYPE I":   "200 TYPE is now 8-bit binary",
			"TYPE A":   "200 TYPE is now ASCII",
			"NOOP":     "200 Zzz...",
			"LIST":     "150 Accepted data connection",
			"NLST":     "150 Accepted data connection",
			"MLSD":     "150 Accepted data connection",
			"QUIT":     "221-Goodbye. You uploaded 0 and downloaded 0 kbytes.\r\n221 Logout.",
		},
		TransferComplete: "226-Options: -l \r\n226 2 matches total",
	}
}
