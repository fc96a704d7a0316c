package rfc2228

import "fmt"

// The security commands of RFC 2228 as RFC 4217 uses them over TLS, as
// command lines for Conn.Cmd. The caller sends them like any other command,
// so that it can record and time every exchange in one place.

// Auth is the AUTH command for a mechanism such as "TLS" (RFC 4217 §4).
func Auth(mechanism string) string {
	return "AUTH " + mechanism
}

// PBSZ0 sets the protection buffer size, which is 0 for TLS (RFC 4217 §8).
const PBSZ0 = "PBSZ 0"

// ProtLevel is a data channel protection level for PROT (RFC 2228).
type ProtLevel byte

// The protection levels TLS knows (RFC 4217 §9): S and E have no meaning
// there.
const (
	ProtClear   ProtLevel = 'C'
	ProtPrivate ProtLevel = 'P'
)

// Prot is the PROT command for a data channel protection level (RFC 4217 §9).
func Prot(level ProtLevel) string {
	return fmt.Sprintf("PROT %c", level)
}

// CCC asks to return the control channel to plaintext (RFC 4217 §5). After
// a 200 the caller closes TLS and calls Conn.Upgrade with the underlying
// connection.
const CCC = "CCC"
