package clients

import "github.com/ftpsdiag/ftpsdiag/probe/cause"

// Server replies, which any client quotes, for explain (texts orders them
// first: a reply names its cause more precisely than a client's message).
var (
	// S: vsftpd ssl.c; R: vsftpd caveat (suffix added to any data-TLS failure).
	vsftpdReuseRequired = textRule{"vsftpd 522 \"session reuse required\"", `session reuse required`, []because{
		{cause.DataSessionReuseRequired, "vsftpd (require_ssl_reuse=YES) says this when a data connection did not resume the control connection's TLS session."},
		{cause.ResumptionSessionIDOnly, "a client that resumes only with tickets (Go) never resumes a server that resumes TLS 1.2 only by session ID."},
		{cause.TLS13TicketLifecycle, "under TLS 1.3 a client that has used up its single-use tickets makes full data handshakes, which are refused."},
		{cause.ResumptionEMSMismatch, "Windows (Schannel, .NET) clients refuse to resume with a server without Extended Master Secret."},
		{cause.DataTLSFailed, "vsftpd appends \"session reuse required\" to any data-TLS failure, so the real cause may be another one."},
	}}
	// S: mod_tls.c (TLSLog "client did not reuse TLS session"); R: proftpd#1931; §10 cache expiry.
	proftpdNotPermitted = textRule{"ProFTPD 425 \"Operation not permitted\" on a data connection", `Unable to build data connection: Operation not permitted`, []because{
		{cause.DataSessionReuseRequired, "ProFTPD refuses a data connection with this text when it did not resume the control TLS session (also when its session cache expired, 300 s by default)."},
		{cause.ResumptionSessionIDOnly, "a client that resumes only with tickets (Go) never resumes ProFTPD with TLSSessionTickets off at TLS 1.2."},
		{cause.TLS13TicketLifecycle, "under TLS 1.3 a used-up or expired ticket makes the data handshake a full one, which ProFTPD refuses."},
		{cause.ResumptionEMSMismatch, "Windows (Schannel, .NET) clients refuse to resume with a server without Extended Master Secret."},
	}}
	// S: FZS session.cpp (1.x 425, 0.9 450); R: Bitvise log text.
	dataSessionNotResumed = textRule{"data connection TLS session not resumed", `TLS session (?:of|for) (?:the )?data connection (?:was |has )?not (?:been )?resumed|data connection has not resumed`, []because{
		{cause.DataSessionReuseRequired, "FileZilla Server and Bitvise refuse data connections that did not resume the control TLS session."},
		{cause.ResumptionSessionIDOnly, "a client that resumes only with tickets (Go) never resumes a server that resumes TLS 1.2 only by session ID."},
		{cause.TLS13TicketLifecycle, "under TLS 1.3 a client that has used up its single-use tickets makes full data handshakes, which are refused."},
		{cause.ResumptionEMSMismatch, "Windows (Schannel, .NET) clients refuse to resume with a server without Extended Master Secret."},
	}}
	// S: FZS session.cpp.
	fzsWrongALPN = textRule{"FileZilla Server \"No or wrong ALPN on data connection\"", `wrong ALPN on data connection`, []because{
		{cause.DataALPNMismatch, "FileZilla Server requires ALPN ftp-data on data connections when the control connection negotiated x-filezilla-ftp."},
	}}
	// S: vsftpd; S: FZS session.cpp; D: IIS matchClientAddressForPasv.
	vsftpdBadIP = textRule{"vsftpd 425 \"Security: Bad IP connecting\"", `Bad IP connecting|Data peer IP differs from control peer IP`, []because{
		{cause.DataPeerIPMismatch, "the data connection came from another source address than the control connection (NAT pool, CGNAT, proxy), which the server refuses."},
		{cause.LBSplitNodes, "behind a load balancer the data connection reached a node that did not see this control connection."},
	}}
	// S: vsftpd ssl.c (client certificates compared across channels); R: z/OS with ssl_request_cert.
	vsftpdDataCert = textRule{"vsftpd client certificate check on the data channel", `(?:Missing|DIFFERENT) cert on data channel|SSL message format is incorrect`, []because{
		{cause.TLSClientCertRequested, "vsftpd asks for client certificates and compares or requires them, which this client cannot satisfy."},
	}}
	// R: Pure-FTPd and FZS replies (veeso/suppaftp#28), S: FZS.
	pasvOnIPv6 = textRule{"PASV refused on IPv6", `cannot use PASV on IPv6|PASV is only for IPv4`, []because{
		{cause.IPv6PASVRefused, "over IPv6 PASV cannot carry the address, so the client must use EPSV."},
		{cause.EPSVUnsupported, "a client that falls back to PASV over IPv6 suggests EPSV failed first (refused or filtered)."},
	}}
	// S: vsftpd, mod_tls.c, pure-ftpd; R: an unnamed server's 425.
	protRequired = textRule{"protected data connection required", `Data connections must be encrypted|SSL/TLS required on the data channel|cannot be opened with this PROT setting|requires protected data connection|PROT C is not allowed`, []because{
		{cause.DataProtRequired, "the server refuses clear (PROT C) data: the client must send PBSZ 0 and PROT P before listing or transferring."},
	}}
	// S: mod_tls.c (TLSRequired, and AUTH after login); R: an IIS-like server (PROT C).
	proftpdUnwilling = textRule{"ProFTPD 534 \"Unwilling to accept security parameters\"", `Unwilling to accept security parameters`, []because{
		{cause.DataProtRequired, "ProFTPD with TLSRequired answers PROT C with this: the client asked for clear data."},
		{cause.AuthOrderRefused, "ProFTPD also answers AUTH with this when it comes after USER/PASS: the client must send AUTH TLS first."},
	}}
	// S: mod_tls.c.
	proftpdSecondAUTH = textRule{"ProFTPD 503 \"Unwilling to accept second AUTH\"", `Unwilling to accept second AUTH`, []because{
		{cause.AuthOrderRefused, "the client sent AUTH twice on one connection, which ProFTPD refuses."},
	}}
	// S: mod_tls.c, FZS commander.cpp; R: vsftpd, an unnamed server.
	loginNeedsTLS = textRule{"login refused without TLS", `(?:Non-)?anonymous sessions must use encryption|SSL/TLS required on the control channel|Use AUTH first|does not allow plain FTP`, []because{
		{cause.LoginCleartextRefused, "the server requires TLS before the login and the client connected in plain FTP: enable explicit TLS (AUTH TLS) in the client."},
	}}
	// R: many IIS writeups (after USER); R: a server, likely IIS, answering PROT C.
	iisPolicyRequiresSSL = textRule{"IIS 534 \"Policy requires SSL\"", `Policy requires SSL`, []because{
		{cause.LoginCleartextRefused, "IIS requires TLS before the login (controlChannelPolicy) and the client connected in plain FTP: enable explicit TLS in the client."},
		{cause.DataProtRequired, "IIS also answers PROT C with this: the client asked for clear data."},
	}}
	// S: pure-ftpd tls.c (the same text after a failed handshake or a weak cipher).
	pureftpdCleartext = textRule{"Pure-FTPd 421 \"cleartext sessions ... not accepted\"", `cleartext sessions .*not accepted`, []because{
		{cause.LoginCleartextRefused, "Pure-FTPd (-Y 2 or 3) requires TLS and the client connected in plain FTP: enable explicit TLS in the client."},
		{cause.TLSHandshakeFailed, "Pure-FTPd prints the same text when the TLS handshake failed or negotiated a cipher under 128 bits."},
	}}
	// S: mod_tls.c (plaintext 421 after a failed control handshake).
	proftpdHandshakeFailed = textRule{"ProFTPD 421 \"TLS handshake failed\"", `421 TLS handshake failed`, []because{
		{cause.TLSHandshakeFailed, "ProFTPD writes this in clear after a control handshake failed; its TLSLog says why."},
		{cause.TLSNoCommonVersion, "the commonest reason is no TLS version the client and server share."},
	}}
	// S: mod_tls.c.
	proftpdNoCertificate = textRule{"ProFTPD 431 \"Necessary security resource unavailable\"", `Necessary security resource unavailable`, []because{
		{cause.AuthNoCertificate, "ProFTPD has TLS on but no certificate configured, so it refuses AUTH."},
	}}
	// R: veeso/suppaftp#43 (VxWorks).
	auth200 = textRule{"AUTH accepted with 200 instead of 234", `AUTH command ok; starting SSL`, []because{
		{cause.AuthNonstandardSuccess, "the server accepts AUTH with a non-234 reply, which strict clients treat as a failure."},
	}}
	// S: curl lib/ftp.c (tries AUTH SSL then TLS), ProFTPD without mod_tls; R: FileZilla logs (myvesta/vesta#48);
	// M: a Python asyncio server (aioftp) without TLS answers "502 'auth' not implemented" (issue 15).
	authNotSupported = textRule{"AUTH TLS not supported", `AUTH not understood|'AUTH' not implemented|does not support FTP over TLS|Requested SSL level failed`, []because{
		{cause.AuthNotSupported, "the server refuses AUTH TLS and AUTH SSL: TLS is not enabled (and FileZilla in \"if available\" mode goes on in plain FTP)."},
	}}
	// S: vsftpd prelogin.c (AUTH is a command only with ssl_enable=YES; before login any other gets this); R: FAILURES.md §1.
	vsftpdAuthRefused = textRule{"vsftpd 530 \"Please login with USER and PASS\"", `Please login with USER and PASS`, []because{
		{cause.AuthNotSupported, "vsftpd with ssl_enable=NO answers AUTH TLS with this, as it answers any command but USER and PASS before login: TLS is not enabled."},
	}}
	// M: a Node.js FTP server that sends 150 only after the data handshake, giving up after 5 s (issue 15, FAILURES.md).
	noConnectionEstablished = textRule{"425 \"No connection established\"", `425 "?No connection established`, []because{ // quoted as Go 1.26's textproto.Error prints it
		{cause.Data150AfterTLS, "the server waited for the data connection's TLS handshake before sending 150, while the client (lftp, Go, Commons Net, ftplib, PHP) waited for the 150 before starting it, until the server gave up."},
		{cause.DataConnectTimeout, "the client's data connection never reached the server: the passive port range is filtered."},
	}}
	// D: RFC 959 §4.2 (502 Command not implemented); M: a server refusing PASV while answering EPSV (issue 15); R: servers without TLS refusing AUTH (FAILURES.md §1).
	notImplemented = textRule{"502 \"Command not implemented\"", `Command not implemented`, []because{
		{cause.PASVRefusedEPSVWorks, "in reply to PASV: the server answers only EPSV, and clients that send PASV (Python ftplib, Commons Net, lftp, PHP) cannot open a data connection."},
		{cause.PassiveRefused, "in reply to EPSV as well: the server offers no passive mode at all."},
		{cause.AuthNotSupported, "in reply to AUTH TLS: TLS is not enabled."},
	}}
	// R: pastebin, hassio-addons/app-ftp#7, ArchWiki vsftpd.
	vsftpdOOPS = textRule{"vsftpd \"500 OOPS\"", `500 OOPS`, []because{
		{cause.ServerErrorPlaintextInsideTLS, "vsftpd's session process died (writable chroot, seccomp sandbox, SELinux) and wrote its error in clear, which a TLS client sees as a broken record."},
	}}
	// R: IIS reply; S: FileZilla tls_layer (MS FTP omits close_notify on uploads).
	iisMinimumBandwidth = textRule{"IIS 425 \"minimum bandwidth requirement\"", `not meeting the minimum bandwidth requirement`, []because{
		{cause.NoCloseNotify, "the TLS end of an upload did not close with close_notify, so both sides waited until IIS gave up."},
	}}
	// D: Cisco ASA mask-syst-reply.
	systMasked = textRule{"SYST masked by a firewall (215 XXXX)", `\b215 X{4,}`, []because{
		{cause.ALGBreaksTLSAfter234, "a Cisco ASA inspecting FTP masks SYST like this, and such inspection cannot follow a TLS session."},
	}}
)
