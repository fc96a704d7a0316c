package rfc2228

// Reply codes of RFC 959, RFC 2228 (security), RFC 2428 (extended passive)
// and RFC 4217 (FTP over TLS).
const (
	CodeRestartMarker            = 110 // restart marker reply
	CodeServiceReadySoon         = 120 // service ready in nnn minutes
	CodeDataOpenTransferStarting = 125 // data connection already open; transfer starting
	CodeFileStatusOK             = 150 // file status okay; about to open data connection

	CodeOK                            = 200
	CodeSuperfluous                   = 202 // command not implemented, superfluous at this site
	CodeSystemStatus                  = 211 // system status or help; the FEAT reply (RFC 2389)
	CodeDirectoryStatus               = 212
	CodeFileStatus                    = 213
	CodeHelp                          = 214
	CodeSystemType                    = 215
	CodeServiceReady                  = 220
	CodeServiceClosing                = 221 // closing the control connection
	CodeDataOpenNoTransfer            = 225 // data connection open; no transfer in progress
	CodeClosingDataConnection         = 226 // transfer complete
	CodePassive                       = 227 // entering passive mode (h1,h2,h3,h4,p1,p2)
	CodeLongPassive                   = 228 // entering long passive mode (RFC 1639)
	CodeExtendedPassive               = 229 // entering extended passive mode (|||port|) (RFC 2428)
	CodeLoggedIn                      = 230
	CodeLoggedInBySecurity            = 232 // logged in, authorized by security data exchange (RFC 2228)
	CodeAuthOK                        = 234 // security data exchange complete: AUTH accepted (RFC 2228)
	CodeADATOK                        = 235 // security data exchange completed (RFC 2228)
	CodeFileActionOK                  = 250
	CodePathCreated                   = 257
	CodeNeedPassword                  = 331
	CodeNeedAccount                   = 332
	CodeADATNeeded                    = 334 // mechanism accepted, ADAT needed (RFC 2228)
	CodeADATMore                      = 335 // ADAT accepted, more needed (RFC 2228)
	CodeUserOKChallenge               = 336 // user name okay, need password, challenge follows (RFC 2228)
	CodeFileActionPending             = 350 // requested file action pending further information
	CodeServiceNotAvailable           = 421 // closing the control connection
	CodeCantOpenDataConnection        = 425
	CodeTransferAborted               = 426
	CodeSecurityResourceMissing       = 431 // needed security resource unavailable (RFC 2228)
	CodeFileBusy                      = 450
	CodeLocalError                    = 451
	CodeInsufficientStorage           = 452
	CodeSyntaxError                   = 500
	CodeArgumentSyntaxError           = 501
	CodeNotImplemented                = 502
	CodeBadSequence                   = 503
	CodeParameterNotImplemented       = 504 // for AUTH or PROT: mechanism or level unknown
	CodeProtSettingRefused            = 521 // data connection cannot open with this PROT setting (RFC 4217)
	CodeDataTLSFailed                 = 522 // after a transfer command: data TLS failed or refused (RFC 4217)
	CodeNetworkProtocolNotSupported   = 522 // after EPRT or EPSV: network protocol not supported (RFC 2428)
	CodeNotLoggedIn                   = 530 // also used by servers for "TLS required"
	CodeNeedAccountForStoring         = 532
	CodeProtectionLevelDenied         = 533 // command protection level denied by policy (RFC 2228)
	CodePolicyDenied                  = 534 // request denied by policy (RFC 2228)
	CodeSecurityCheckFailed           = 535 // failed security check (RFC 2228)
	CodeProtLevelNotSupported         = 536 // PROT level not supported by mechanism (RFC 2228)
	CodeCommandProtectionNotSupported = 537 // command protection level not supported (RFC 2228)
	CodeFileUnavailable               = 550
	CodePageTypeUnknown               = 551
	CodeExceededStorage               = 552
	CodeBadFileName                   = 553
	CodeIntegrityProtected            = 631 // integrity-protected reply (RFC 2228)
	CodePrivate                       = 632 // confidentiality- and integrity-protected reply (RFC 2228)
	CodeConfidential                  = 633 // confidentiality-protected reply (RFC 2228)
)

var meanings = map[int]string{
	CodeRestartMarker:            "restart marker",
	CodeServiceReadySoon:         "service ready in a few minutes",
	CodeDataOpenTransferStarting: "data connection already open; transfer starting",
	CodeFileStatusOK:             "file status okay; about to open data connection",

	CodeOK:                            "command okay",
	CodeSuperfluous:                   "command not implemented, superfluous at this site",
	CodeSystemStatus:                  "system status or help (FEAT reply)",
	CodeDirectoryStatus:               "directory status",
	CodeFileStatus:                    "file status",
	CodeHelp:                          "help message",
	CodeSystemType:                    "system type",
	CodeServiceReady:                  "service ready for new user",
	CodeServiceClosing:                "service closing control connection",
	CodeDataOpenNoTransfer:            "data connection open; no transfer in progress",
	CodeClosingDataConnection:         "closing data connection; transfer complete",
	CodePassive:                       "entering passive mode",
	CodeLongPassive:                   "entering long passive mode",
	CodeExtendedPassive:               "entering extended passive mode",
	CodeLoggedIn:                      "user logged in",
	CodeLoggedInBySecurity:            "user logged in, authorized by security data exchange",
	CodeAuthOK:                        "security exchange complete (AUTH accepted)",
	CodeADATOK:                        "security data exchange complete (ADAT accepted)",
	CodeFileActionOK:                  "requested file action okay, completed",
	CodePathCreated:                   "pathname created",
	CodeNeedPassword:                  "user name okay, need password",
	CodeNeedAccount:                   "need account for login",
	CodeADATNeeded:                    "security mechanism accepted, ADAT needed",
	CodeADATMore:                      "security data accepted, more ADAT needed",
	CodeUserOKChallenge:               "user name okay, need password; challenge follows",
	CodeFileActionPending:             "requested file action pending further information",
	CodeServiceNotAvailable:           "service not available, closing control connection",
	CodeCantOpenDataConnection:        "cannot open data connection",
	CodeTransferAborted:               "connection closed; transfer aborted",
	CodeSecurityResourceMissing:       "needed security resource unavailable (e.g. no certificate loaded)",
	CodeFileBusy:                      "file unavailable (busy)",
	CodeLocalError:                    "local error in processing",
	CodeInsufficientStorage:           "insufficient storage space",
	CodeSyntaxError:                   "syntax error, command unrecognized",
	CodeArgumentSyntaxError:           "syntax error in parameters or arguments",
	CodeNotImplemented:                "command not implemented",
	CodeBadSequence:                   "bad sequence of commands",
	CodeParameterNotImplemented:       "command not implemented for that parameter (mechanism or level unknown)",
	CodeProtSettingRefused:            "data connection cannot be opened with this PROT setting",
	CodeDataTLSFailed:                 "data connection TLS failed or refused; after EPRT/EPSV: network protocol not supported",
	CodeNotLoggedIn:                   "not logged in (servers also use it for \"TLS required\")",
	CodeNeedAccountForStoring:         "need account for storing files",
	CodeProtectionLevelDenied:         "command protection level denied for policy reasons",
	CodePolicyDenied:                  "request denied for policy reasons",
	CodeSecurityCheckFailed:           "failed security check",
	CodeProtLevelNotSupported:         "requested PROT level not supported by mechanism",
	CodeCommandProtectionNotSupported: "command protection level not supported by security mechanism",
	CodeFileUnavailable:               "file unavailable (not found, no access) or action refused",
	CodePageTypeUnknown:               "page type unknown",
	CodeExceededStorage:               "exceeded storage allocation",
	CodeBadFileName:                   "file name not allowed",
	CodeIntegrityProtected:            "integrity-protected reply",
	CodePrivate:                       "confidentiality- and integrity-protected reply",
	CodeConfidential:                  "confidentiality-protected reply",
}

var classMeanings = [...]string{
	1: "positive preliminary",
	2: "positive completion",
	3: "positive intermediate",
	4: "transient negative completion",
	5: "permanent negative completion",
	6: "protected reply",
}

// Meaning returns a one-line meaning of a reply code, or of its class when
// the code is not a known one.
func Meaning(code int) string {
	if m, ok := meanings[code]; ok {
		return m
	}
	if class := code / 100; code >= 100 && class < len(classMeanings) {
		return classMeanings[class]
	}
	return "unknown reply code"
}
