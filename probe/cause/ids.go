package cause

// The causes, in README order. Each constant's String is its id text.
const (
	// None names no cause: the zero ID.
	None ID = iota
	PortClosed
	PortTimeout
	TooManyConnections
	ConnectionLimitLow
	NoGreeting
	ImplicitGotPlaintext
	ExplicitGotSilence
	ConnectionLost
	AuthNotSupported
	AuthNoCertificate
	AuthNonstandardSuccess
	FeatMissingAuth
	ALGBreaksTLSAfter234
	TLSHandshakeFailed
	AuthTLSRace
	TLSNoSharedCipher
	TLSNoCommonVersion
	TLSSNIUnrecognized
	TLSClientCertRequested
	TLSClientCertRequired
	TLSLegacyVersion
	TLSWeakCipherRejected
	ServerErrorPlaintextInsideTLS
	ReplyTextMissing
	CertExpired
	CertNotYetValid
	CertSelfSigned
	CertUntrusted
	CertChainIncomplete
	CertNameMismatch
	CertWeakKey
	CertWeakSignature
	CertExpiringSoon
	CertChainUnsorted
	CertLeafIsCA
	CertNoSAN
	CertNegativeSerial
	CertValidityTooLong
	CertMustStapleMissing
	TLSSSLv2Enabled
	TLSSSLv3Enabled
	TLS12Refused
	TLS13Unsupported
	TLSWeakCipher
	TLSNoForwardSecrecy
	TLSNoServerPreference
	TLSWeakDH
	LoginFailed
	ProtPRefused
	PassiveRefused
	EPSVUnsupported
	PASVRefusedEPSVWorks
	PASVAddressMismatch
	PASVZeroAddress
	EPSVPortBlocked
	IPv6PASVRefused
	LBSplitNodes
	DataConnectTimeout
	DataConnectRefused
	DataListRefused
	DataTLSFailed
	NoCloseNotify
	ResumptionSessionIDOnly
	TLS13TicketLifecycle
	DataResumptionUnsupported
	ResumptionEMSMismatch
	DataTLSEarlyRefused
	Data150AfterTLS
	DataSessionReuseRequired
	DataProtRequired
	DataClearAllowed
	ProtWithoutPBSZRefused
	CleartextLoginAllowed
	CCCRefused
	CCCAccepted
	RunInterrupted
	// Causes ftpsdiag does not report as findings (see Cause.Reported).
	LoginCleartextRefused
	AuthOrderRefused
	DataPeerIPMismatch
	DataALPNMismatch
	DataTLSFailureDropsSession

	count // number of IDs, None included
)
