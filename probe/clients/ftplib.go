package clients

import "github.com/ftpsdiag/ftpsdiag/probe/cause"

// ftplib is Python's ftplib.FTP_TLS, on OpenSSL 3.
var ftplib = family{id: "python-ftplib", works: "ftplib (OpenSSL 3) meets nothing it refuses; the server does not require session resumption", rules: []rule{
	// ftplib ignores the PASV address (CVE-2021-4189 fix), so no pasv rules.
	verifies, refusesSHA1, refusesWeakKey, refusesLegacy, neverResumes, reuseUnmeasured, laterTransferFailed, meetsAuthRace,
	waitsFor150("FTP_TLS.ntransfercmd wraps the socket in TLS after FTP.ntransfercmd has read the 1xx",
		"S: cpython Lib/ftplib.py (FTP_TLS.ntransfercmd)"),
	sendsPASV("sends PASV over IPv4 (EPSV only over IPv6)", "S: cpython Lib/ftplib.py (FTP.makepasv: PASV when af is AF_INET); M: Python 3.11 ftplib stopped at error_perm: 502 (TestRealClients)"),
}}

// Data connections must resume the control session, but ftplib never
// resumes.
var neverResumes = rule{
	when: func(f *facts) bool { return f.reuse != nil && *f.reuse }, verdict: Fails, reasons: ids(cause.DataSessionReuseRequired),
	detail: "does not resume the control TLS session on data connections, which this server requires",
	basis:  "M: Python ftplib never resumed in our tests (cpython#63699 open)",
}

// What ftplib prints, for explain (texts orders them among the others).
var (
	// R: cpython#63699 (ftplib does not resume); cpython#78738 (close_notify).
	ftplibEOF = textRule{"Python \"EOF occurred in violation of protocol\"", `EOF occurred in violation of protocol`, []because{
		{cause.DataSessionReuseRequired, "Python ftplib does not resume the control session on data connections, and the server closes those it refuses."},
		{cause.NoCloseNotify, "the server closed a TLS connection without close_notify."},
	}}
)
