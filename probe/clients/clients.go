// Package clients holds what ftpsdiag knows of FTPS clients, one file per
// family: whether each would work against a diagnosed server (Verdicts),
// and what an error text a client printed points to (Explain).
package clients

// families is the verdict table, in the order Verdicts reports them.
var families = []family{filezilla, winscp, curl, lftp, ftplib, golang, java, dotnet, node, php}

// texts is the explain table, most specific first: server replies, then
// client messages that name a cause, TLS alerts and library errors,
// certificate verification, curl exit codes, and last bare socket errors.
// Each text lives beside its client family (common.go: several families'
// libraries; replies.go: server replies); the order is kept here.
var texts = []textRule{
	// Server replies.
	vsftpdReuseRequired, proftpdNotPermitted, dataSessionNotResumed, fzsWrongALPN, vsftpdBadIP,
	noConnectionEstablished, vsftpdDataCert, pasvOnIPv6, protRequired, proftpdUnwilling,
	proftpdSecondAUTH, loginNeedsTLS, iisPolicyRequiresSSL, pureftpdCleartext, proftpdHandshakeFailed,
	proftpdNoCertificate, auth200, authNotSupported, vsftpdAuthRefused, notImplemented, vsftpdOOPS,
	iisMinimumBandwidth, systMasked,

	// Client messages that name a cause.
	curlNotOK, filezillaInsecureData, filezillaResumptionFailed, pasvUnroutable,
	filezillaDataTimedOut, filezillaDataRefused, filezillaUnsortedChain, javaClosedWithoutIndication,
	ftplibEOF, opensslUnexpectedEOF, lftpSSLForce, lftpMaxRetries, javaTruncatedReply, goBinder, nodeDataReset,
	phpNoSession, phpSSLRead, phpConnectFailed,

	// TLS alerts and library errors.
	filezillaGnuTLS15, goRecordVersion, winscpAlertWrite, opensslWrongVersion,
	javaUnrecognizedMessage, goNotTLS, filezillaGnuTLS110, gnutlsTimedOut, filezillaGnuTLS53,
	alertProtocolVersion, opensslLegacySigalg, alertUnrecognizedName, alertAccessDenied,
	alertCertificateRequired, noSharedCipher, alertHandshakeFailure, filezillaGnuTLS12,
	dotnetForciblyClosed, javaHandshakeTerminated, schannelNoCommonAlgorithm, phpHandshakeFailed,

	// Certificate verification.
	nodeAltName, goNegativeSerial, goLegacyCommonName, verifyNameMismatch, verifySelfSignedInChain,
	verifySelfSigned, verifyLocalIssuer, verifyWeakSignature, verifyUnknownAuthority,
	verifyNotYetValid, verifyExpired, verifyWeakKey, lftpNotTrusted,

	// curl exit codes.
	curl28, curl18, curl60, curl64, curl56, curl67, curl7, curl35, curl13,

	// Bare socket errors and generic client messages.
	listingFailed, osTimedOut, osReset, osRefused,
}
