package probe

import (
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// Stages name where in a session a finding arose.
const (
	StageConnect     = "connect"
	StageGreeting    = "greeting"
	StageFeat        = "feat"
	StageAuth        = "auth"
	StageTLS         = "tls"
	StageCertificate = "certificate"
	StageSession     = "session"
	StageLogin       = "login"
	StageData        = "data"
	StagePolicy      = "policy"
)

// Server software names, as identify returns them.
const (
	ServerVsftpd    = "vsftpd"
	ServerProFTPD   = "ProFTPD"
	ServerPureFTPd  = "Pure-FTPd"
	ServerPyftpdlib = "pyftpdlib"
	ServerFileZilla = "FileZilla Server"
	ServerIIS       = "IIS"
	ServerServU     = "Serv-U"
)

// Cause is one entry of the failure-cause catalog: everything about a
// finding that does not depend on the evidence.
type Cause struct {
	ID       string
	Severity result.Severity
	Stage    string
	Title    string
	Remedy   string            // for any server
	ByServer map[string]string // remedy naming the identified server's own setting
}

// remedyFor prefers the identified server's own setting.
func (c Cause) remedyFor(server string) string {
	if r, ok := c.ByServer[server]; ok {
		return r
	}
	return c.Remedy
}

// Catalog is every finding ftpsdiag can report, in README order. Each id is
// defined here once.
var Catalog = []Cause{
	{ID: "port-closed", Severity: result.SeverityCritical, Stage: StageConnect,
		Title:  "nothing accepts connections on this port",
		Remedy: "Start the FTP server or open the port in the firewall; check that the server listens on this address and port."},
	{ID: "port-timeout", Severity: result.SeverityCritical, Stage: StageConnect,
		Title:  "the TCP connection timed out (port filtered or host unreachable)",
		Remedy: "A firewall drops packets to this port: allow it, or check the host and port are right."},
	{ID: "too-many-connections", Severity: result.SeverityCritical, Stage: StageGreeting,
		Title:  "the server refused the session with 421 (too many connections or shutting down)",
		Remedy: "Raise the server's connection limits or wait for sessions to end.",
		ByServer: map[string]string{
			ServerVsftpd:   "Raise vsftpd max_clients / max_per_ip.",
			ServerProFTPD:  "Raise ProFTPD MaxClients / MaxClientsPerHost / MaxInstances.",
			ServerPureFTPd: "Raise Pure-FTPd -c (max clients) / -C (per IP); note it caps users at half the passive port range.",
		}},
	{ID: "no-greeting", Severity: result.SeverityCritical, Stage: StageGreeting,
		Title:  "the server did not send a valid FTP greeting",
		Remedy: "Check that an FTP server (not another service) listens on this port and that it starts sessions cleanly; its log tells why it closed."},
	{ID: "implicit-got-plaintext", Severity: result.SeverityCritical, Stage: StageTLS,
		Title:  "implicit TLS attempted, but the port answers with a plaintext FTP greeting: it is an explicit-FTPS (AUTH TLS) port",
		Remedy: "Clients must use explicit FTPS (ftpes://, \"Require explicit FTP over TLS\") on this port, or enable implicit TLS on the server.",
		ByServer: map[string]string{
			ServerVsftpd:  "Clients must use explicit FTPS here; for implicit TLS run a vsftpd instance with implicit_ssl=YES on port 990.",
			ServerProFTPD: "Clients must use explicit FTPS here; for implicit TLS add a <VirtualHost> on port 990 with TLSOptions UseImplicitSSL.",
		}},
	{ID: "explicit-got-silence", Severity: result.SeverityCritical, Stage: StageGreeting,
		Title:  "connected, but the server sent no greeting: an implicit-TLS port waits silently for a TLS ClientHello",
		Remedy: "Clients must use implicit FTPS (ftps://) on this port, or the server is stuck before its greeting (reverse-DNS or ident lookups)."},
	{ID: "connection-lost", Severity: result.SeverityCritical, Stage: StageSession,
		Title:  "the server closed, reset or stopped answering the control connection in the middle of the session",
		Remedy: "The server's log says why its session process ended (a crash, a limit, a policy); a firewall or load balancer dropping idle or long connections does the same."},
	{ID: "auth-not-supported", Severity: result.SeverityCritical, Stage: StageAuth,
		Title:  "the server refuses AUTH TLS and AUTH SSL: TLS is not enabled",
		Remedy: "Enable TLS on the server with a certificate and key.",
		ByServer: map[string]string{
			ServerVsftpd:   "Set ssl_enable=YES with rsa_cert_file and rsa_private_key_file in vsftpd.conf.",
			ServerProFTPD:  "Load mod_tls (LoadModule mod_tls.c) and set TLSEngine on, TLSRSACertificateFile, TLSRSACertificateKeyFile.",
			ServerPureFTPd: "Start Pure-FTPd with --tls=1 (or -Y 1..3) and a certificate (/etc/ssl/private/pure-ftpd.pem or -2 cert,key).",
		}},
	{ID: "auth-no-certificate", Severity: result.SeverityCritical, Stage: StageAuth,
		Title:  "the server has TLS on but no usable certificate (431)",
		Remedy: "Configure a certificate and key the server can read.",
		ByServer: map[string]string{
			ServerProFTPD: "Set TLSRSACertificateFile/TLSECCertificateFile and the key file, readable at start-up.",
		}},
	{ID: "auth-nonstandard-success", Severity: result.SeverityWarning, Stage: StageAuth,
		Title:  "AUTH accepted with a reply other than 234: strict clients abort",
		Remedy: "Answer AUTH TLS with 234 (RFC 2228, RFC 4217 §4); upgrade the server firmware."},
	{ID: "feat-missing-auth", Severity: result.SeverityWarning, Stage: StageFeat,
		Title:  "AUTH TLS works, but FEAT does not advertise it (RFC 4217 §6)",
		Remedy: "Make FEAT list AUTH TLS, PBSZ and PROT: clients that read FEAT before offering TLS fall back to plaintext or give up."},
	{ID: "alg-breaks-tls-after-234", Severity: result.SeverityCritical, Stage: StageTLS,
		Title:  "the server accepted AUTH TLS, then the TLS handshake stalled or was reset",
		Remedy: "A firewall or router inspecting FTP cannot follow the encrypted session: exempt this port from FTP inspection (Cisco ASA \"inspect ftp\", Windows \"netsh advfirewall set global StatefulFTP disable\"), or check the server's TLS log."},
	{ID: "tls-handshake-failed", Severity: result.SeverityCritical, Stage: StageTLS,
		Title:  "the TLS handshake failed",
		Remedy: "Read the server's TLS log for the reason; check its certificate, key, protocol and cipher settings.",
		ByServer: map[string]string{
			ServerProFTPD: "Set TLSLog in proftpd.conf and read why mod_tls refused the handshake; check TLSProtocol and TLSCipherSuite.",
			ServerVsftpd:  "Set debug_ssl=YES and read vsftpd's log; check ssl_ciphers and the certificate/key files.",
		}},
	{ID: "tls-no-shared-cipher", Severity: result.SeverityCritical, Stage: StageTLS,
		Title:  "the server accepts only cipher suites Go does not implement (DHE, CCM, CAMELLIA, ARIA): Go clients cannot connect, others only if they offer the suite it chose",
		Remedy: "Add ECDHE suites with AES-GCM or ChaCha20 (and TLS 1.3) to the server's cipher list. Go clients (rclone, Go FTP libraries) offer no DHE, CCM, CAMELLIA or ARIA suite. OpenSSL 3's default list (curl, Python) offers DHE-RSA with AES-GCM, ChaCha20 and AES-CBC, but no CCM, CAMELLIA, ARIA or DHE-DSS suite: the evidence names the suite the server chose.",
		ByServer: map[string]string{
			ServerProFTPD:  "Widen TLSCipherSuite in proftpd.conf (e.g. HIGH:!aNULL:!MD5, which puts ECDHE first) and set TLSProtocol TLSv1.2 TLSv1.3.",
			ServerVsftpd:   "Widen ssl_ciphers in vsftpd.conf (e.g. ssl_ciphers=HIGH) so that it includes ECDHE suites.",
			ServerPureFTPd: "Widen Pure-FTPd's cipher list (-J / TLSCipherSuite, e.g. HIGH:!aNULL:!3DES) so that it includes ECDHE suites.",
		}},
	{ID: "tls-no-common-version", Severity: result.SeverityCritical, Stage: StageTLS,
		Title:  "the server and a modern client share no TLS version",
		Remedy: "Enable TLS 1.2 and TLS 1.3 on the server.",
		ByServer: map[string]string{
			ServerProFTPD: "Set TLSProtocol TLSv1.2 TLSv1.3 in proftpd.conf.",
			ServerVsftpd:  "Enable TLS 1.2/1.3: ssl_tlsv1_2=YES (patched builds) or the MinProtocol/MaxProtocol of the OpenSSL configuration vsftpd uses.",
		}},
	{ID: "tls-sni-unrecognized", Severity: result.SeverityCritical, Stage: StageTLS,
		Title:  "the server rejected the TLS server name (alert unrecognized_name)",
		Remedy: "Make the name clients use known to the server, or connect with the name it expects.",
		ByServer: map[string]string{
			ServerProFTPD: "Add the name as a ServerAlias of the right <VirtualHost>, or set TLSOptions IgnoreSNI.",
		}},
	{ID: "tls-client-cert-requested", Severity: result.SeverityInfo, Stage: StageTLS,
		Title:  "the server asks clients for a certificate",
		Remedy: "If client certificates are not used, stop requesting them: some clients (IBM z/OS) fail when asked.",
		ByServer: map[string]string{
			ServerVsftpd: "Set ssl_request_cert=NO unless client certificates are used.",
		}},
	{ID: "tls-client-cert-required", Severity: result.SeverityCritical, Stage: StageTLS,
		Title:  "the server requires a client certificate: clients that present none (most FTPS clients, and ftpsdiag) are refused",
		Remedy: "Stop requiring client certificates, or give every client a certificate signed by a CA the server trusts. ftpsdiag presents none, so it could not test past this point.",
		ByServer: map[string]string{
			ServerVsftpd:  "Set require_cert=NO (and ssl_request_cert=NO) unless every client has a certificate signed by a CA in ca_certs_file.",
			ServerProFTPD: "Set TLSVerifyClient off (or optional) unless every client has a certificate signed by TLSCACertificateFile.",
		}},
	{ID: "tls-legacy-version", Severity: result.SeverityWarning, Stage: StageTLS,
		Title:  "the handshake negotiated TLS 1.0 or 1.1, which current clients refuse by default",
		Remedy: "Enable TLS 1.2 and 1.3 on the server and disable 1.0/1.1.",
		ByServer: map[string]string{
			ServerProFTPD: "Set TLSProtocol TLSv1.2 TLSv1.3.",
			ServerVsftpd:  "Use a vsftpd/OpenSSL build that offers TLS 1.2+ (ssl_tlsv1_2=YES where available, or OpenSSL MinProtocol TLSv1.2).",
		}},
	{ID: "tls-weak-cipher-rejected", Severity: result.SeverityCritical, Stage: StageTLS,
		Title:  "the server negotiated a cipher suite under 128 bits, then refused it inside TLS (534) and closed: it looks like a login failure to clients",
		Remedy: "Make the server's cipher list offer only suites of 128 bits or more (AES-GCM, ChaCha20), so that the handshake never settles on one the server then refuses.",
		ByServer: map[string]string{
			ServerPureFTPd: "Pure-FTPd refuses ciphers under 128 bits after the handshake: set its cipher list (-J / TLSCipherSuite) to HIGH:!3DES:!aNULL, or upgrade the OpenSSL that allows 3DES.",
		}},
	{ID: "server-error-plaintext-inside-tls", Severity: result.SeverityCritical, Stage: StageSession,
		Title:  "the server wrote plaintext into the TLS session (its session process failed)",
		Remedy: "The plaintext shows the server's own error: fix it on the server.",
		ByServer: map[string]string{
			ServerVsftpd: "vsftpd's session process died (500 OOPS): for \"writable root inside chroot\" set allow_writeable_chroot=YES or make the root read-only; on musl/Alpine set seccomp_sandbox=NO; under SELinux setsebool -P ftp_home_dir 1.",
		}},
	{ID: "cert-expired", Severity: result.SeverityCritical, Stage: StageCertificate,
		Title:  "the server certificate has expired",
		Remedy: "Renew the certificate and reload the server.",
		ByServer: map[string]string{
			ServerVsftpd:   "Renew the certificate named by rsa_cert_file and restart vsftpd.",
			ServerProFTPD:  "Renew the certificate named by TLSRSACertificateFile/TLSECCertificateFile and reload ProFTPD.",
			ServerPureFTPd: "Renew /etc/ssl/private/pure-ftpd.pem (or the -2 certificate) and restart Pure-FTPd.",
		}},
	{ID: "cert-not-yet-valid", Severity: result.SeverityCritical, Stage: StageCertificate,
		Title:  "the server certificate is not valid yet",
		Remedy: "Check the server's clock and the certificate's start date; reissue it if the date is wrong."},
	{ID: "cert-self-signed", Severity: result.SeverityCritical, Stage: StageCertificate,
		Title:  "the server certificate is self-signed: clients cannot verify it",
		Remedy: "Install a certificate from a public or company CA; until then clients must trust this certificate explicitly (pass it with --ca-file here)."},
	{ID: "cert-untrusted", Severity: result.SeverityCritical, Stage: StageCertificate,
		Title:  "the certificate chain ends at a root that is not trusted",
		Remedy: "Use a certificate from a CA clients trust, or distribute the private root to clients (pass it with --ca-file here)."},
	{ID: "cert-chain-incomplete", Severity: result.SeverityCritical, Stage: StageCertificate,
		Title:  "the server does not send the certificate that issued its own, and it is not a trusted root",
		Remedy: "Configure the full chain (leaf, then intermediates) on the server; if the issuer is a private root, clients need it (pass it with --ca-file here).",
		ByServer: map[string]string{
			ServerVsftpd:   "Put the leaf followed by the intermediates in the file named by rsa_cert_file.",
			ServerProFTPD:  "Set TLSCertificateChainFile to the intermediates (or append them to TLSRSACertificateFile).",
			ServerPureFTPd: "Append the intermediates after the leaf in /etc/ssl/private/pure-ftpd.pem.",
		}},
	{ID: "cert-name-mismatch", Severity: result.SeverityCritical, Stage: StageCertificate,
		Title:  "the certificate is not valid for the name clients connect to",
		Remedy: "Issue the certificate with this name in its subjectAltName (an IP address needs an IP SAN), or have clients connect by a name the certificate covers (--servername here)."},
	{ID: "cert-weak-key", Severity: result.SeverityCritical, Stage: StageCertificate,
		Title:  "the certificate key is too small (RSA under 2048 bits): OpenSSL 3 clients at security level 2 refuse it",
		Remedy: "Reissue the certificate with an RSA-2048 (or larger) or ECDSA P-256 key."},
	{ID: "cert-weak-signature", Severity: result.SeverityCritical, Stage: StageCertificate,
		Title:  "a certificate in the chain is signed with SHA-1 or MD5, which current clients reject",
		Remedy: "Reissue the certificate (and any intermediate) with a SHA-256 signature."},
	{ID: "cert-expiring-soon", Severity: result.SeverityWarning, Stage: StageCertificate,
		Title:  "the server certificate expires soon",
		Remedy: "Renew the certificate before it expires and reload the server."},
	{ID: "cert-chain-unsorted", Severity: result.SeverityWarning, Stage: StageCertificate,
		Title:  "the certificate chain is not sent in order (each certificate followed by its issuer)",
		Remedy: "Put the leaf first, then each intermediate followed by the one that issued it; strict clients fail and FileZilla warns (\"unsorted certificate chain\")."},
	{ID: "cert-leaf-is-ca", Severity: result.SeverityWarning, Stage: StageCertificate,
		Title:  "the server certificate is itself a CA certificate",
		Remedy: "Issue the server a leaf certificate (basicConstraints CA:FALSE, extendedKeyUsage serverAuth); a CA certificate as leaf is refused by strict clients."},
	{ID: "cert-no-san", Severity: result.SeverityWarning, Stage: StageCertificate,
		Title:  "the certificate names the server only in its Common Name: Go, browsers and Java clients that check host names ignore CN and fail, OpenSSL-based clients still accept it",
		Remedy: "Reissue the certificate with the host name (and any IP clients use) in subjectAltName."},
	{ID: "cert-negative-serial", Severity: result.SeverityWarning, Stage: StageCertificate,
		Title:  "a certificate in the chain has a negative serial number: Go clients (rclone, Go FTP libraries) refuse it (\"x509: negative serial number\"); OpenSSL-based clients accept it",
		Remedy: "Reissue the certificate with a positive serial number, as RFC 5280 §4.1.2.2 requires; until then Go clients work only with GODEBUG=x509negativeserial=1."},
	{ID: "cert-validity-too-long", Severity: result.SeverityInfo, Stage: StageCertificate,
		Title:  "the certificate's lifetime is longer than browsers accept for public certificates",
		Remedy: "Fine for a private CA; a public CA would not issue it today. Plan for shorter lifetimes and automated renewal (ACME)."},
	{ID: "cert-must-staple-missing", Severity: result.SeverityCritical, Stage: StageCertificate,
		Title:  "the certificate demands an OCSP staple (must-staple), but the server sends none: clients that honour must-staple refuse it",
		Remedy: "Enable OCSP stapling on the server, or reissue the certificate without the TLS Feature extension."},
	{ID: "tls-sslv2-enabled", Severity: result.SeverityCritical, Stage: StageTLS,
		Title:  "the server accepts SSL 2.0, broken since 1996 (DROWN)",
		Remedy: "Disable SSL 2.0 (and SSL 3.0) on the server; rebuild against a current OpenSSL if it cannot be switched off."},
	{ID: "tls-sslv3-enabled", Severity: result.SeverityCritical, Stage: StageTLS,
		Title:  "the server accepts SSL 3.0 (POODLE)",
		Remedy: "Disable SSL 3.0.",
		ByServer: map[string]string{
			ServerProFTPD: "Set TLSProtocol TLSv1.2 TLSv1.3.",
			ServerVsftpd:  "Set ssl_sslv3=NO.",
		}},
	{ID: "tls12-refused", Severity: result.SeverityWarning, Stage: StageTLS,
		Title:  "the server speaks TLS 1.3 but refuses TLS 1.2: clients without TLS 1.3 (Windows 10 and Server 2019 with Schannel and .NET, older Java 8 and OpenSSL 1.0 builds) cannot connect at all",
		Remedy: "Offer TLS 1.2 with ECDHE and AES-GCM suites that suit the certificate's key type next to TLS 1.3, unless every client is known to speak TLS 1.3.",
		ByServer: map[string]string{
			ServerVsftpd:  "Debian's vsftpd allows only ECDHE-RSA-AES256-GCM-SHA384 at TLS 1.2 (its default ssl_ciphers), which an ECDSA certificate cannot use: set ssl_ciphers=ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256 (or HIGH), or serve an RSA certificate.",
			ServerProFTPD: "List TLSv1.2 in TLSProtocol and check that TLSCipherSuite holds TLS 1.2 suites for the certificate's key type.",
		}},
	{ID: "tls13-unsupported", Severity: result.SeverityInfo, Stage: StageTLS,
		Title:  "the server does not offer TLS 1.3",
		Remedy: "Allow TLS 1.3: it is faster (one round trip less per connection, and FTPS opens one per transfer) and drops every legacy cipher.",
		ByServer: map[string]string{
			ServerProFTPD: "Add TLSv1.3 to TLSProtocol (mod_tls with OpenSSL 1.1.1 or later).",
		}},
	{ID: "tls-weak-cipher", Severity: result.SeverityWarning, Stage: StageTLS,
		Title:  "the server accepts weak or broken cipher suites (critical for NULL, anonymous, EXPORT, RC4, DES)",
		Remedy: "Allow only AEAD suites with forward secrecy (ECDHE/DHE with AES-GCM or ChaCha20-Poly1305) and TLS 1.3.",
		ByServer: map[string]string{
			ServerVsftpd:  "Set ssl_ciphers=ECDHE+AESGCM:ECDHE+CHACHA20 (OpenSSL cipher string).",
			ServerProFTPD: "Set TLSCipherSuite ECDHE+AESGCM:ECDHE+CHACHA20.",
		}},
	{ID: "tls-no-forward-secrecy", Severity: result.SeverityWarning, Stage: StageTLS,
		Title:  "the server accepts static key exchange (RSA, DH, ECDH): recorded traffic can be decrypted later with the server's key",
		Remedy: "Remove the TLS_RSA_*, TLS_DH_* and TLS_ECDH_* suites; keep ECDHE/DHE ones.",
		ByServer: map[string]string{
			ServerVsftpd:  "Set ssl_ciphers to ECDHE (and DHE) suites only, e.g. ECDHE+AESGCM:ECDHE+CHACHA20.",
			ServerProFTPD: "Set TLSCipherSuite to ECDHE (and DHE) suites only, e.g. ECDHE+AESGCM:ECDHE+CHACHA20.",
		}},
	{ID: "tls-no-server-preference", Severity: result.SeverityInfo, Stage: StageTLS,
		Title:  "the server takes the client's favourite cipher suite instead of its own",
		Remedy: "Let the server choose, so that old clients cannot steer it to a weak suite.",
		ByServer: map[string]string{
			ServerProFTPD: "Set TLSServerCipherPreference on.",
		}},
	{ID: "tls-weak-dh", Severity: result.SeverityWarning, Stage: StageTLS,
		Title:  "the server's DHE group is smaller than 2048 bits (Logjam; critical under 1024)",
		Remedy: "Use a 2048-bit or larger DH group (RFC 7919 ffdhe2048), or drop DHE for ECDHE.",
		ByServer: map[string]string{
			ServerProFTPD: "Set TLSDHParamFile to 2048-bit (or larger) parameters.",
			ServerVsftpd:  "Set dh_param_file to 2048-bit parameters (patched builds), or remove DHE from ssl_ciphers.",
		}},
	{ID: "login-failed", Severity: result.SeverityCritical, Stage: StageLogin,
		Title:  "the login inside TLS was refused, so the data channel could not be tested (info when it was the default anonymous login)",
		Remedy: "Check the user name and password (--user, --password-file); to test without an account, enable anonymous read-only access.",
		ByServer: map[string]string{
			ServerVsftpd:   "Check the account and /etc/ftpusers; for anonymous tests set anonymous_enable=YES (and allow_anon_ssl=YES so anonymous users may use TLS).",
			ServerProFTPD:  "Check the account (RequireValidShell, /etc/ftpusers); for anonymous tests add an <Anonymous> block.",
			ServerPureFTPd: "Check the account; for anonymous tests start Pure-FTPd without -E (--noanonymous).",
		}},
	{ID: "prot-p-refused", Severity: result.SeverityCritical, Stage: StageData,
		Title:  "the server refuses PBSZ 0 / PROT P: data connections cannot be protected",
		Remedy: "Enable protected data connections (RFC 4217 §9); without them listings and files travel in clear text."},
	{ID: "passive-refused", Severity: result.SeverityCritical, Stage: StageData,
		Title:  "the server refused passive mode, or its passive reply could not be used",
		Remedy: "Enable passive mode and give it a port range the firewall allows.",
		ByServer: map[string]string{
			ServerVsftpd:   "Set pasv_enable=YES with pasv_min_port/pasv_max_port.",
			ServerProFTPD:  "Set PassivePorts to a range open in the firewall.",
			ServerPureFTPd: "Set a passive range with -p lo:hi (PassivePortRange).",
		}},
	{ID: "epsv-unsupported", Severity: result.SeverityInfo, Stage: StageData,
		Title:  "EPSV is refused; clients that try EPSV first (curl, FileZilla) must fall back to PASV",
		Remedy: "Allow EPSV (RFC 2428) on the server and in any firewall in front of it; IPv6 clients cannot use PASV at all."},
	{ID: "pasv-address-mismatch", Severity: result.SeverityWarning, Stage: StageData,
		Title:  "the PASV reply advertises an address other than the server's: behind NAT, a TLS-protected 227 cannot be rewritten by the router",
		Remedy: "Configure the address clients reach the server at as the passive address. ftpsdiag connected to the control connection's address instead, as curl and FileZilla do; stricter clients time out.",
		ByServer: map[string]string{
			ServerVsftpd:    "Set pasv_address to the public address (pasv_addr_resolve=YES for a name; vsftpd resolves it only at start-up).",
			ServerProFTPD:   "Set MasqueradeAddress (TLSMasqueradeAddress takes precedence for FTPS sessions).",
			ServerPureFTPd:  "Start Pure-FTPd with -P <public address> (ForcePassiveIP).",
			ServerFileZilla: "Set \"Use the following host\" under Passive mode, with \"Use default host for local connections\".",
			ServerIIS:       "Set the FTP firewall support's external IP address (firewallSupport externalIp4Address).",
		}},
	{ID: "pasv-zero-address", Severity: result.SeverityInfo, Stage: StageData,
		Title:  "the PASV reply advertises 0.0.0.0, which asks clients to use the control connection's address (AWS Transfer Family PassiveIp=0.0.0.0, for load balancers)",
		Remedy: "Nothing to fix if clients follow the convention: curl, Python ftplib, FileZilla, WinSCP and lftp use the control address. A client that dials 0.0.0.0 literally fails; for such clients advertise the public address instead."},
	{ID: "epsv-port-blocked", Severity: result.SeverityWarning, Stage: StageData,
		Title:  "EPSV is answered, but its data port could not be reached while PASV's could: clients that prefer EPSV (curl, FileZilla, basic-ftp, FluentFTP, Go's jlaffaye/ftp) fail, or fall back to PASV only after a timeout",
		Remedy: "EPSV and PASV take their ports from the same passive range: open the whole range in every firewall: a firewall that opens only part of it makes some transfers fail at random (the evidence names both ports). With TLS a firewall's FTP helper cannot read either reply, so the range needs an explicit rule.",
		ByServer: map[string]string{
			ServerVsftpd:   "Open exactly pasv_min_port-pasv_max_port in the firewall (EPSV uses the same range as PASV).",
			ServerProFTPD:  "Open exactly the PassivePorts range in the firewall (EPSV uses the same range as PASV).",
			ServerPureFTPd: "Open exactly the -p lo:hi range in the firewall (EPSV uses the same range as PASV).",
		}},
	{ID: "ipv6-pasv-refused", Severity: result.SeverityInfo, Stage: StageData,
		Title:  "over IPv6 the server refuses PASV, whose 227 reply has room only for an IPv4 address: clients must use EPSV (curl, FileZilla and Python ftplib do over IPv6); a client set to PASV only fails",
		Remedy: "Nothing to fix on the server (Pure-FTPd and FileZilla Server refuse PASV over IPv6 by design): keep EPSV allowed in every firewall, and have a client that knows only PASV connect over IPv4."},
	{ID: "lb-split-nodes", Severity: result.SeverityWarning, Stage: StageData,
		Title:  "connections of one client reach different back-end nodes (a load balancer): another certificate on the data connection or on another control connection, or data connections that resume the control session only sometimes; clients then fail now and then, with 425/522 or a timeout",
		Remedy: "Keep each client's control and data connections on the same node (source-IP persistence covering the passive port range; LVS needs persistence or firewall marks for FTP), give every node the same certificate, and share the TLS session cache and ticket keys between nodes. AWS Transfer Family behind an NLB: PassiveIp=0.0.0.0.",
		ByServer: map[string]string{
			ServerProFTPD: "Keep each client on one node (source-IP persistence covering PassivePorts), give every node the same certificate, and share ProFTPD's TLS session cache between nodes (TLSSessionCache memcache: or redis:, with mod_tls_memcache or mod_tls_redis).",
		}},
	{ID: "data-connect-timeout", Severity: result.SeverityCritical, Stage: StageData,
		Title:  "the passive data port did not answer: the passive port range is filtered",
		Remedy: "Open (and, behind NAT, forward) the server's passive port range in every firewall; with TLS a stateful firewall cannot read the port from the encrypted reply, so the range needs an explicit rule.",
		ByServer: map[string]string{
			ServerVsftpd:   "Set pasv_min_port/pasv_max_port and open exactly that range in the firewall.",
			ServerProFTPD:  "Set PassivePorts and open exactly that range in the firewall.",
			ServerPureFTPd: "Set -p lo:hi and open exactly that range in the firewall.",
			ServerIIS:      "Set lowDataChannelPort/highDataChannelPort and add a firewall rule for that range.",
		}},
	{ID: "data-connect-refused", Severity: result.SeverityCritical, Stage: StageData,
		Title:  "the passive data port refused the connection",
		Remedy: "A firewall rejects the passive range, or the server listens on another address than it advertised: open the passive range and check the passive address settings."},
	{ID: "data-list-refused", Severity: result.SeverityCritical, Stage: StageData,
		Title:  "the server refused the directory listing before any data was sent",
		Remedy: "The reply names the reason: check the login's permissions on its directory and the data-connection security settings."},
	{ID: "data-tls-failed", Severity: result.SeverityCritical, Stage: StageData,
		Title:  "the TLS-protected data connection failed",
		Remedy: "Read the server's TLS log for why the data handshake or transfer failed; check data-channel TLS settings and any middlebox between client and passive ports.",
		ByServer: map[string]string{
			ServerVsftpd:  "With require_ssl_reuse=YES vsftpd appends \"session reuse required\" to any data-TLS failure: set debug_ssl=YES and read its log for the real cause.",
			ServerProFTPD: "Set TLSLog and read why mod_tls rejected the data connection.",
		}},
	{ID: "no-close-notify", Severity: result.SeverityWarning, Stage: StageData,
		Title:  "the server ends protected data connections without a TLS close_notify: FileZilla refuses such listings as possibly truncated",
		Remedy: "Upgrade the server: current vsftpd, ProFTPD and Pure-FTPd send close_notify before closing a data connection."},
	{ID: "resumption-session-id-only", Severity: result.SeverityWarning, Stage: StageData,
		Title:  "the server requires session reuse but resumes TLS 1.2 only by session ID: Go clients (rclone, Go FTP libraries) cannot resume and fail; OpenSSL and GnuTLS clients work",
		Remedy: "Issue TLS session tickets, or allow TLS 1.3.",
		ByServer: map[string]string{
			ServerProFTPD: "Set TLSSessionTickets on, or allow TLS 1.3 (TLSProtocol TLSv1.2 TLSv1.3).",
		}},
	{ID: "tls13-ticket-lifecycle", Severity: result.SeverityCritical, Stage: StageData,
		Title:  "a later protected listing of the same session failed although the first worked: clients fail after a few transfers (single-use TLS 1.3 tickets running out, a session cache expiring, or nodes behind a load balancer)",
		Remedy: "Make every data connection resume the control session: issue a fresh ticket on each resumed handshake (OpenSSL does by default), keep the session cache and ticket keys shared by every node, and keep control and data on the same node.",
		ByServer: map[string]string{
			ServerProFTPD: "Upgrade ProFTPD (proftpd#1931 fixed ticket renewal) and raise the session cache timeout (TLSSessionCache ... 1800) beyond your longest transfer.",
		}},
	{ID: "data-resumption-unsupported", Severity: result.SeverityWarning, Stage: StageData,
		Title:  "the server does not resume the control TLS session on data connections: FileZilla warns \"Insecure FTP data connection\", and nothing ties a data connection to its control session",
		Remedy: "Enable TLS session resumption (a session cache, or session tickets) for data connections, and require it.",
		ByServer: map[string]string{
			ServerVsftpd:  "Set require_ssl_reuse=YES (vsftpd's own session cache then serves the data connections).",
			ServerProFTPD: "Keep TLSSessionCache on (ProFTPD stops requiring reuse when it is off) and TLSSessionTickets on.",
		}},
	{ID: "resumption-ems-mismatch", Severity: result.SeverityWarning, Stage: StageData,
		Title:  "at TLS 1.2 the server does not offer Extended Master Secret (RFC 7627) yet data connections must resume: Windows (Schannel, .NET) clients since the October 2019 updates and Java clients cannot resume, and fail with 425/522",
		Remedy: "Upgrade the server's TLS library (OpenSSL 1.1.0 and later offer EMS by default), or allow TLS 1.3, which needs no EMS.",
		ByServer: map[string]string{
			ServerFileZilla: "Upgrade FileZilla Server: 0.9.x builds with old OpenSSL lack Extended Master Secret.",
		}},
	{ID: "data-tls-early-refused", Severity: result.SeverityWarning, Stage: StageData,
		Title:  "the server fails a data TLS handshake started before the transfer command, as curl starts it: curl cannot list or download, while clients that start data TLS after LIST work",
		Remedy: "Let the server accept the data handshake as soon as the data connection is open (before the transfer command), as vsftpd, ProFTPD and Pure-FTPd do.",
		ByServer: map[string]string{
			ServerPyftpdlib: "pyftpdlib (1.5.7 measured) resets a data connection whose ClientHello arrives before it has started TLS itself, and no setting changes that: serve curl users from another server, or have them use a client that starts data TLS after LIST (lftp, FileZilla, Python ftplib).",
		}},
	{ID: "data-session-reuse-required", Severity: result.SeverityInfo, Stage: StagePolicy,
		Title:  "the server refuses data connections that do not resume the control TLS session (good against data hijacking); clients that do not resume fail with 425/522 after 150",
		Remedy: "Keep it if your clients resume (FileZilla, WinSCP, curl, lftp, Go with a session cache do). Python ftplib, some Java (JSSE) and .NET clients do not resume; relax it only if they must work.",
		ByServer: map[string]string{
			ServerVsftpd:    "Governed by require_ssl_reuse (default YES); set require_ssl_reuse=NO only if non-resuming clients must work.",
			ServerProFTPD:   "Governed by TLSOptions NoSessionReuseRequired (reuse required by default); add it only if non-resuming clients must work.",
			ServerFileZilla: "FileZilla Server requires resumption for PROT P data connections.",
		}},
	{ID: "data-prot-required", Severity: result.SeverityInfo, Stage: StagePolicy,
		Title:  "the server refuses unprotected (PROT C) data: clients must send PBSZ 0 and PROT P",
		Remedy: "Nothing to fix: this is the safe policy. Clients must enable data protection (FileZilla does; lftp: set ftp:ssl-protect-data true; curl does with ftps:// or --ssl-reqd)."},
	{ID: "data-clear-allowed", Severity: result.SeverityWarning, Stage: StagePolicy,
		Title:  "the server sends directory listings (and so files) unencrypted when a client asks for PROT C",
		Remedy: "Require protected data connections.",
		ByServer: map[string]string{
			ServerVsftpd:   "Set force_local_data_ssl=YES (and force_anon_data_ssl=YES for anonymous users).",
			ServerProFTPD:  "Set TLSRequired on (or TLSRequired ctrl+data).",
			ServerPureFTPd: "Start Pure-FTPd with --tls=3 (-Y 3): TLS required on control and data.",
		}},
	{ID: "prot-without-pbsz-refused", Severity: result.SeverityInfo, Stage: StagePolicy,
		Title:  "the server refuses PROT before PBSZ, as RFC 2228 allows: clients must send PBSZ 0 first",
		Remedy: "Nothing to fix: mainstream clients send PBSZ 0 before PROT P; a home-grown client must too."},
	{ID: "cleartext-login-allowed", Severity: result.SeverityWarning, Stage: StagePolicy,
		Title:  "the server accepts USER before AUTH TLS: clients can send passwords in clear text",
		Remedy: "Refuse logins before TLS.",
		ByServer: map[string]string{
			ServerVsftpd:   "Set force_local_logins_ssl=YES (and force_anon_logins_ssl=YES).",
			ServerProFTPD:  "Set TLSRequired on (or TLSRequired ctrl).",
			ServerPureFTPd: "Start Pure-FTPd with --tls=2 (-Y 2) or --tls=3.",
			ServerIIS:      "Set the FTP SSL policy's controlChannelPolicy to SslRequire.",
		}},
	{ID: "ccc-refused", Severity: result.SeverityInfo, Stage: StagePolicy,
		Title:  "the server refuses CCC: the control channel stays encrypted",
		Remedy: "Nothing to fix unless clients behind a NAT firewall need CCC to let it read PORT/PASV; most never do."},
	{ID: "ccc-accepted", Severity: result.SeverityInfo, Stage: StagePolicy,
		Title:  "the server accepts CCC: a client may switch the control channel back to clear text after login",
		Remedy: "Refuse CCC unless a firewall in front of clients needs it: commands after CCC (file names, SITE commands) travel unencrypted."},
}

// causeByID indexes Catalog.
var causeByID = func() map[string]Cause {
	m := make(map[string]Cause, len(Catalog))
	for _, c := range Catalog {
		if _, dup := m[c.ID]; dup {
			panic("probe: duplicate cause id " + c.ID)
		}
		m[c.ID] = c
	}
	return m
}()

// KnownCause reports whether id is in the catalog.
func KnownCause(id string) bool {
	_, ok := causeByID[id]
	return ok
}

// newFinding fills a finding from the catalog; an id missing from the
// catalog is a programming error caught by tests.
func newFinding(id, server, evidence string) result.Finding {
	c, ok := causeByID[id]
	if !ok {
		panic("probe: unknown cause id " + id)
	}
	return result.Finding{
		ID:       c.ID,
		Severity: c.Severity,
		Stage:    c.Stage,
		Title:    c.Title,
		Evidence: evidence,
		Remedy:   c.remedyFor(server),
	}
}
