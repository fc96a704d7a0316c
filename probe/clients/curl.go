package clients

import (
	"fmt"
	"slices"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
)

// curl is curl on OpenSSL 3.
var curl = family{id: "curl", implicit: true,
	works: "curl (OpenSSL 3) resumes the session, and the server accepts its data handshake before LIST",
	rules: slices.Concat([]rule{
		// curl ignores the PASV address (no pasv rules), and tries EPSV
		// first (no pasv-refused-epsv-works rule).
		// Data TLS starts before the transfer command (S: curl lib/ftp.c,
		// the secondary connection and its TLS filter are connected before
		// the command goes; M: the ClientHello preceded LIST against
		// pyftpdlib, TestRealClients), so a 150 sent only after the data
		// handshake costs it nothing (M: issue 15, curl listed).
		verifies, refusesSHA1, refusesWeakKey, refusesLegacy, laterTransferFailed, meetsAuthRace,
		epsvThenPASV("M: curl 7.88.1 logged \"Failed EPSV attempt. Disabling EPSV\" and sent PASV after a failed EPSV data connection (TestRealClients, pyftpdlib)"),
	}, dataTLSOnConnect("M: curl 7.88.1 against pyftpdlib 1.5.7 failed with (35) Recv failure: Connection reset by peer or (13) Bad PASV/EPSV response (TestRealClients)"))}

// curlExit matches curl exit code n as curl prints it ("curl: (35)"), as a
// shell or wrapper reports it ("exit code 35", "exited with 35", "error 35")
// or by its libcurl name.
func curlExit(n int, name string) string {
	return fmt.Sprintf(`curl: \(%[1]d\)|\bexit(?:ed)?(?: with)?(?: (?:code|status))?[ :=]*%[1]d\b|\berror(?: code)?[ :=]*%[1]d\b|\b%[2]s\b`, n, name)
}

// What curl prints, for explain (texts orders them among the others).
var (
	// S: curl lib/ftp.c (a non-226 after the transfer becomes exit 18).
	curlNotOK = textRule{"curl \"server did not report OK, got 522/425\"", `server did not report OK, got (?:522|425|450)`, []because{
		{cause.DataSessionReuseRequired, "the server refused the data connection after 150, the way servers refuse data connections that did not resume the control TLS session."},
		{cause.DataTLSFailed, "any failure of the protected data connection ends with the same late 4xx/5xx."},
		{cause.DataProtRequired, "a 522 can also mean the server wanted PROT P and the client sent clear data."},
	}}

	// D: curl test 405; §9.
	curl28 = textRule{"curl 28 (timeout)", curlExit(28, "CURLE_OPERATION_TIMEDOUT") + `|Timeout was reached`, []because{
		{cause.ExplicitGotSilence, "curl waited for a greeting on an implicit-TLS port, which stays silent until a ClientHello."},
		{cause.DataConnectTimeout, "the passive data port did not answer: the passive range is filtered."},
		{cause.ALGBreaksTLSAfter234, "a firewall inspecting FTP stalls the handshake after 234."},
	}}
	// S: curl lib/ftp.c (non-226 after the transfer); §9.
	curl18 = textRule{"curl 18 (partial file)", curlExit(18, "CURLE_PARTIAL_FILE") + `|Transferred a partial file`, []because{
		{cause.DataSessionReuseRequired, "curl reports a refusal after 150 (522/425 for a data connection that did not resume) as a partial file."},
		{cause.DataTLSFailed, "the protected data connection failed after the transfer started."},
		{cause.NoCloseNotify, "the data connection ended without close_notify."},
	}}
	// R: lavv17/lftp#526; §9: chain incomplete, self-signed, private CA. 51 is the code before curl 7.62.
	curl60 = textRule{"curl 60 (certificate not verified)", curlExit(60, "CURLE_PEER_FAILED_VERIFICATION") + `|` + curlExit(51, "CURLE_SSL_CACERT") + `|SSL peer certificate or SSH remote key was not OK`, []because{
		{cause.CertChainIncomplete, "most often the server does not send the intermediate certificate that issued its own."},
		{cause.CertSelfSigned, "the server certificate is self-signed."},
		{cause.CertUntrusted, "the chain ends at a private CA the client does not trust."},
		{cause.CertNameMismatch, "the certificate does not name the host curl connected to."},
		{cause.CertExpired, "the certificate has expired."},
	}}
	// S: curl lib/ftp.c (64 only with --ssl-reqd).
	curl64 = textRule{"curl 64 (requested SSL level failed)", curlExit(64, "CURLE_USE_SSL_FAILED"), []because{
		{cause.AuthNotSupported, "curl with --ssl-reqd got no 234 to AUTH SSL or AUTH TLS: TLS is not enabled on the server."},
	}}
	// R: curl#17130; S: OpenSSL 3 treats EOF without close_notify as an error.
	curl56 = textRule{"curl 56 (failure receiving data)", curlExit(56, "CURLE_RECV_ERROR") + `|Failure when receiving data from the peer`, []because{
		{cause.NoCloseNotify, "the server closed the TLS connection without close_notify."},
		{cause.DataTLSFailureDropsSession, "the server dropped the session after a failed data handshake."},
		{cause.ConnectionLost, "the server or a middlebox reset the connection."},
	}}
	// S: curl maps a refused USER/PASS to 67; §4 cleartext refusal texts come as 530.
	curl67 = textRule{"curl 67 (login denied)", curlExit(67, "CURLE_LOGIN_DENIED") + `|Login denied`, []because{
		{cause.LoginFailed, "the server refused the user name or password inside TLS."},
		{cause.LoginCleartextRefused, "without ftps:// or --ssl-reqd curl logs in in clear, which TLS-only servers refuse with 530."},
	}}
	// §9: a refused or unanswered connection; the data leg (not verified) gives the same.
	curl7 = textRule{"curl 7 (could not connect)", curlExit(7, "CURLE_COULDNT_CONNECT") + `|Couldn't connect to server`, []because{
		{cause.PortClosed, "nothing accepts connections on the port curl dialled."},
		{cause.PortTimeout, "a firewall drops packets to that port."},
		{cause.DataConnectRefused, "curl may report a refused passive data port the same way (not verified)."},
	}}
	// R: hassio-addons/app-ftp#7, chefworks doc; §9 lists the mode first.
	curl35 = textRule{"curl 35 (TLS handshake failed)", curlExit(35, "CURLE_SSL_CONNECT_ERROR") + `|SSL connect error`, []because{
		{cause.ImplicitGotPlaintext, "the commonest curl 35 with FTPS: ftps:// (implicit TLS) against a port that speaks explicit FTPS."},
		{cause.TLSHandshakeFailed, "the server refused the handshake (no shared cipher, its TLSLog says why)."},
		{cause.TLSNoCommonVersion, "the server and curl share no TLS version."},
		{cause.ALGBreaksTLSAfter234, "a firewall inspecting FTP broke the handshake after 234."},
		{cause.DataTLSEarlyRefused, "after EPSV/PASV, the server reset the data handshake curl starts before the transfer command (pyftpdlib does)."},
	}}
	// M: curl 7.88.1 against pyftpdlib 1.5.7 (TestRealClients): after the data
	// connection was reset, curl retries with PASV and reads the reply to its
	// TYPE A or LIST instead.
	curl13 = textRule{"curl 13 (bad PASV/EPSV reply)", curlExit(13, "CURLE_FTP_WEIRD_PASV_REPLY") + `|Bad PASV/EPSV response`, []because{
		{cause.DataTLSEarlyRefused, "curl's data handshake, started before the transfer command, was reset, and curl then misread the next reply as the answer to PASV."},
		{cause.PassiveRefused, "the server answered PASV/EPSV with something curl cannot parse."},
	}}
)
