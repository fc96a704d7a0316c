package clients

import (
	"slices"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
)

// winscp is WinSCP, on OpenSSL, whose FTP core comes from FileZilla.
var winscp = family{id: "winscp", implicit: true, works: "WinSCP (OpenSSL) resumes the session and meets nothing it refuses", rules: slices.Concat([]rule{
	asksUser, sha1Unknown, weakKeyUnknown, legacyUnknown, laterTransferFailed, epsvBlockedUnknown, authNonstandardUnknown, authRaceUnknown, momentUnknown,
	opensAtOnce(3, "background transfers open their own connections beside the session's, 2 at a time by default",
		"D: WinSCP documentation, Preferences > Background: \"Maximal number of transfers at the same time\" (default 2), each background transfer in a new session"),
}, pasvRules(nil, filezillaReplaces, Unknown, filezillaWhen,
	"R: WinSCP's FTP core comes from FileZilla and logs the same \"unroutable address ... using server address instead\" (FAILURES.md §6); what it does otherwise is not documented"))}

// What WinSCP prints, for explain (texts orders them among the others).
var (
	// R: WinSCP reports; the client rejects a record whose version bytes are text.
	winscpAlertWrite = textRule{"WinSCP \"SSL3 alert write: fatal: protocol version\"", `alert write: *fatal: *protocol version`, []because{
		{cause.ServerErrorPlaintextInsideTLS, "the client got a record that is plain FTP text and refused its \"version\": the server wrote a plaintext error into the TLS session."},
		{cause.ImplicitGotPlaintext, "at connect it is a plaintext 220 greeting on a port the client treats as implicit TLS."},
	}}
)
