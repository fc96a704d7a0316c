package clients

import "github.com/ftpsdiag/ftpsdiag/probe/cause"

// dotnet is a .NET client on SslStream, that is on Windows' Schannel.
var dotnet = family{id: "dotnet", works: ".NET (Schannel) resumes the session and meets nothing it refuses", rules: []rule{
	verifies, sha1Unknown, weakKeyUnknown, authNonstandardUnknown, authRaceUnknown,
	{when: func(f *facts) bool { return f.legacyOnly }, verdict: AtRisk, reasons: ids(cause.TLSLegacyVersion),
		detail: "works only where Windows still enables TLS 1.0/1.1, which current Windows releases disable",
		basis:  "D: Microsoft, \"TLS 1.0 and TLS 1.1 soon to be disabled in Windows\" (2023)"},
	{when: has(cause.TLS12Refused), verdict: AtRisk, reasons: ids(cause.TLS12Refused),
		detail: "works only on Windows with TLS 1.3 (Windows 11, Server 2022): the server refuses TLS 1.2, the most Windows 10 and Server 2019 speak",
		basis:  "D: Microsoft, TLS 1.3 support in Windows 11 and Server 2022 only"},
	{when: func(f *facts) bool { return emsMissing(f) && f.version != "TLS 1.3" }, verdict: Fails, reasons: ids(cause.ResumptionEMSMismatch),
		detail: "Windows resumes TLS 1.2 sessions only with Extended Master Secret, which this server lacks, and data connections must resume",
		basis:  "R: limilabs \"FTP TLS encrypted data connections fail (EMS)\"; D: Windows Oct 2019 updates (FAILURES.md §7)"},
	{when: func(f *facts) bool { return emsMissing(f) && f.version == "TLS 1.3" }, verdict: AtRisk, reasons: ids(cause.ResumptionEMSMismatch),
		detail: "works over TLS 1.3; Windows releases without TLS 1.3 (Windows 10, Server 2019) resume at TLS 1.2 only with Extended Master Secret, which this server lacks",
		basis:  "R: limilabs \"FTP TLS encrypted data connections fail (EMS)\"; D: Microsoft, TLS 1.3 support in Windows 11 and Server 2022"},
	{when: func(f *facts) bool {
		return f.dataTested && (f.reuse == nil || *f.reuse) && f.version != "TLS 1.3" && f.ems == nil
	}, verdict: Unknown, reasons: []string{reasonEMSUnknown},
		detail: "Windows resumes only with Extended Master Secret at TLS 1.2; whether the server offers EMS was not measured",
		basis:  "R: limilabs \"FTP TLS encrypted data connections fail (EMS)\"; D: Windows Oct 2019 updates (FAILURES.md §7)"},
	laterTransferFailed, epsvBlockedUnknown, momentUnknown,
	sendsPASV("FtpWebRequest sends PASV over IPv4 (EPSV only over IPv6)",
		"S: dotnet/runtime FtpControlStream.BuildCommandsList (PASV unless the server address is IPv6)"),
	// No PASV address rule: FtpControlStream.GetPortV4 reads only the port, and
	// the data connection goes to the control connection's address
	// (dotnet/runtime System.Net.Requests).
}}

// emsMissing: the server lacks Extended Master Secret at TLS 1.2 and data
// connections must resume.
func emsMissing(f *facts) bool {
	return f.ems != nil && !*f.ems && f.reuse != nil && *f.reuse
}

// What .NET and Windows' Schannel print, for explain (texts orders them
// among the others).
var (
	// R: ArxOne/FTP#39, FluentFTP#1517, cknotes.com.
	dotnetForciblyClosed = textRule{".NET \"An existing connection was forcibly closed by the remote host\"", `forcibly closed by the remote host`, []because{
		{cause.TLSNoCommonVersion, ".NET and Schannel servers reset a handshake in a TLS version they do not speak (fixed by allowing TLS 1.2 on the client)."},
		{cause.ALGBreaksTLSAfter234, "a firewall inspecting FTP resets the connection right after 234."},
		{cause.ConnectionLost, "the server or a middlebox reset the connection later in the session."},
	}}
	// D: Schannel SEC_E_ALGORITHM_MISMATCH (0x80090331), Microsoft Learn; M: vsftpd with an ECDSA certificate and Debian's RSA-only default suite refuses TLS 1.2.
	schannelNoCommonAlgorithm = textRule{"Schannel \"do not possess a common algorithm\"", `do not possess a common algorithm|SEC_E_ALGORITHM_MISMATCH|0x80090331`, []because{
		{cause.TLS12Refused, "a Windows client without TLS 1.3 (Windows 10, Server 2019) met a server that speaks TLS 1.3 but no usable TLS 1.2 suite."},
		{cause.TLSNoCommonVersion, "the server speaks only TLS versions the client has disabled (TLS 1.0/1.1)."},
	}}
)
