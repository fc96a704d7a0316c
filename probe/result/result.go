// Package result holds what a diagnosis learnt: the data contract between
// the probe, which fills it, and the report, which renders it. Its JSON form
// is ftpsdiag's machine-readable output (see README "JSON output").
package result

import "time"

// SchemaVersion is bumped on any incompatible change to the JSON form
// (2: status "incomplete").
const SchemaVersion = 2

// Status is the overall verdict: ok, warning or critical by the worst
// finding; incomplete or unknown when the diagnosis could not show it all.
type Status string

const (
	StatusOK         Status = "ok"
	StatusWarning    Status = "warning"
	StatusCritical   Status = "critical"
	StatusUnknown    Status = "unknown"    // nothing could be diagnosed, or our own limit cut the run short
	StatusIncomplete Status = "incomplete" // no problem found, but the data channel was not tested (e.g. anonymous login refused)
)

// Severity grades a finding.
type Severity string

const (
	SeverityInfo     Severity = "info"
	SeverityWarning  Severity = "warning"
	SeverityCritical Severity = "critical"
)

// Rank orders severities: info < warning < critical.
func (s Severity) Rank() int {
	switch s {
	case SeverityCritical:
		return 2
	case SeverityWarning:
		return 1
	}
	return 0
}

// Mode is how TLS starts on the control connection.
type Mode string

const (
	ModeImplicit Mode = "implicit" // TLS handshake first (port 990)
	ModeExplicit Mode = "explicit" // plaintext 220, AUTH TLS, handshake (port 21)
)

// Result is one diagnosis of one target.
type Result struct {
	SchemaVersion int             `json:"schema_version"`             // always SchemaVersion
	Tool          string          `json:"tool"`                       // "ftpsdiag <version>"
	Target        string          `json:"target"`                     // the target as the user typed it
	Host          string          `json:"host"`                       // host name or address probed
	ServerName    string          `json:"server_name"`                // SNI and the name the certificate must match
	StartedAt     time.Time       `json:"started_at"`                 // wall clock at the start
	DurationMS    float64         `json:"duration_ms"`                // whole diagnosis, milliseconds
	Status        Status          `json:"status"`                     // worst severity among findings; incomplete when none above info and the data channel was not tested; unknown when not diagnosed
	Verdict       string          `json:"verdict"`                    // one sentence for humans
	Attempts      []Attempt       `json:"attempts"`                   // one per mode tried, implicit first
	Findings      []Finding       `json:"findings"`                   // all findings, worst first
	Ignored       []Finding       `json:"ignored_findings,omitempty"` // findings accepted with --ignore: listed, not counted
	Clients       []ClientVerdict `json:"clients,omitempty"`          // whether each client family would work; absent when not judged
	NotTested     []NotTested     `json:"not_tested,omitempty"`       // what this run could not show; absent for a target that was never diagnosed
}

// NotTested is one thing a read-only diagnosis did not test, and why.
type NotTested struct {
	ID     string `json:"id"`     // uploads, active-mode, long-sessions, own-network, or a step this run skipped
	Detail string `json:"detail"` // what was not tested and why it matters
}

// ClientVerdict is whether one client family, at its default settings and
// trusting the same CAs as this diagnosis, would log in and list a
// directory over a protected data channel.
type ClientVerdict struct {
	Client  string   `json:"client"`  // family id: filezilla, winscp, curl, lftp, python-ftplib, go, java, dotnet, node, php
	Verdict string   `json:"verdict"` // works, fails, at-risk or unknown
	Reasons []string `json:"reasons"` // finding ids or measured facts that lead there
	Detail  string   `json:"detail"`  // one line of explanation
}

// Attempt is one connection strategy (implicit or explicit) on one port.
type Attempt struct {
	Mode           Mode          `json:"mode"`                       // implicit or explicit
	Port           int           `json:"port"`                       // TCP port
	Address        string        `json:"address,omitempty"`          // ip:port connected to; empty if never connected
	ConnectMS      float64       `json:"connect_ms,omitempty"`       // TCP connect time of the control connection, milliseconds; absent if never connected
	DetectedBy     string        `json:"detected_by,omitempty"`      // how --mode auto chose this mode; empty otherwise
	OK             bool          `json:"ok"`                         // control channel reached TLS and the server answered inside it
	Server         string        `json:"server,omitempty"`           // server software guessed from banner/replies (vsftpd, ProFTPD, ...)
	Banner         []string      `json:"banner,omitempty"`           // the 220 greeting, all lines
	AuthMechanism  string        `json:"auth_mechanism,omitempty"`   // AUTH argument that got 234 (explicit only)
	FeatBeforeTLS  *Features     `json:"feat_before_tls,omitempty"`  // FEAT in clear; absent if not sent
	FeatAfterTLS   *Features     `json:"feat_after_tls,omitempty"`   // FEAT inside TLS; absent if not sent
	TLS            *TLSInfo      `json:"tls,omitempty"`              // absent if no handshake completed
	Certificates   []Certificate `json:"certificates,omitempty"`     // chain as sent by the server, leaf first
	Verification   *Verification `json:"verification,omitempty"`     // our own verification of that chain
	Login          *Login        `json:"login,omitempty"`            // absent if no login was tried
	DataChannel    *DataChannel  `json:"data_channel,omitempty"`     // absent if the control channel never reached TLS
	Policy         *Policy       `json:"policy,omitempty"`           // server policy checks; absent if none ran
	Audits         []Audit       `json:"audits,omitempty"`           // extra connections the policy checks opened
	ConnLimit      *ConnLimit    `json:"connection_limit,omitempty"` // the server's limit on sessions from this address; absent unless it refused one of ours for it
	TLSScan        *TLSScan      `json:"tls_scan,omitempty"`         // full protocol and cipher enumeration (--scan); absent when not run
	RoundTrips     int           `json:"round_trips"`                // round trips along the attempt's critical path, its audits' included (README "Speed" says how they are counted)
	CriticalPathMS float64       `json:"critical_path_ms,omitempty"` // wall time from the attempt's first TCP connect to the end of the last step it waited for, milliseconds
	Timeline       []Event       `json:"timeline"`                   // every step, in order
	Error          string        `json:"error,omitempty"`            // the step that ended the attempt, if it failed, and what happened in a few words
	ErrorDetail    string        `json:"error_detail,omitempty"`     // the same error as Go words it, whole (addresses, wrapped errors); absent when it says no more than Error
}

// ConnLimit is the server's limit on sessions at once from this address,
// measured after it refused one of ours for it: up to four sessions at
// once, each logged in, since some servers count sessions at login.
type ConnLimit struct {
	MaxSessions int    `json:"max_sessions"` // most sessions at once the server accepted from this address
	AtLeast     bool   `json:"at_least"`     // every session of the check was accepted: the limit is max_sessions or more
	Evidence    string `json:"evidence"`     // the server's refusal, as it worded it
}

// TLSScan is everything the server accepts, enumerated with hand-built
// ClientHellos, each on its own connection (after 220/AUTH TLS/234 on an
// explicit port).
type TLSScan struct {
	Versions    []VersionScan `json:"versions"`           // every version probed, oldest first
	Connections int           `json:"connections"`        // connections the scan opened
	MaxConns    int           `json:"max_conns"`          // the concurrency limit it ended with
	Backoffs    int           `json:"backoffs,omitempty"` // times a 421 (too many connections) made it slow down
	DurationMS  float64       `json:"duration_ms"`        // wall time of the scan
	Errors      []string      `json:"errors,omitempty"`   // probes that failed, a 421 refusal included once it outlasted the retries
}

// VersionScan is one protocol version's result.
type VersionScan struct {
	Version          string   `json:"version"`                     // "SSL 2.0", "SSL 3.0", "TLS 1.0" ... "TLS 1.3"
	Accepted         bool     `json:"accepted"`                    // the server negotiated this version
	Suites           []Suite  `json:"suites,omitempty"`            // accepted suites, in the server's preference order when it has one
	ServerPreference *bool    `json:"server_preference,omitempty"` // the server picks by its own order; absent when under 2 suites
	Groups           []string `json:"groups,omitempty"`            // key exchange groups accepted (TLS 1.2 and 1.3)
	DHBits           int      `json:"dh_bits,omitempty"`           // size of the DHE group the server uses, if it takes DHE suites
	Unfinished       string   `json:"unfinished,omitempty"`        // why the probes of this version did not all finish ("interrupted", "server busy"): then accepted false means unknown, and the lists may be incomplete
}

// Suite is an accepted cipher suite.
type Suite struct {
	Code        string `json:"code"`         // IANA code, "0xC02F"
	Name        string `json:"name"`         // IANA name
	KeyExchange string `json:"key_exchange"` // ECDHE, DHE, RSA, ... ("any" for TLS 1.3)
	Bits        int    `json:"bits"`         // symmetric key bits
	Strength    string `json:"strength"`     // strong, acceptable, weak or insecure
}

// Login is the USER/PASS exchange inside TLS.
type Login struct {
	User      string `json:"user"`      // login name (anonymous by default); the password is never recorded
	Anonymous bool   `json:"anonymous"` // the default anonymous login was used
	OK        bool   `json:"ok"`        // the server answered 230
	Reply     string `json:"reply"`     // the reply that decided, e.g. "230 Login successful."
}

// DataChannel is the protected (PROT P) data connection test: a passive
// connection and a directory listing over TLS.
type DataChannel struct {
	Attempted         bool       `json:"attempted"`                    // false when the test could not run
	NotAttempted      string     `json:"not_attempted,omitempty"`      // why it could not run (e.g. login failed)
	Prot              string     `json:"prot,omitempty"`               // protection level used: "P"
	PassiveCommand    string     `json:"passive_command,omitempty"`    // EPSV or PASV, as used
	EPSVSupported     *bool      `json:"epsv_supported,omitempty"`     // absent if EPSV was not tried
	AdvertisedAddress string     `json:"advertised_address,omitempty"` // ip:port the 227 reply named (PASV only)
	UsedAddress       string     `json:"used_address,omitempty"`       // ip:port dialled: always the control peer's address
	ListCommand       string     `json:"list_command,omitempty"`       // LIST, MLSD or NLST
	TLS               *TLSInfo   `json:"tls,omitempty"`                // the data connection's handshake
	SameCertificate   *bool      `json:"same_certificate,omitempty"`   // data certificate equals the control one
	ListingBytes      int64      `json:"listing_bytes"`                // bytes of listing received (content not kept)
	ListingLines      int        `json:"listing_lines"`                // lines of listing received
	ListingTruncated  bool       `json:"listing_truncated"`            // the listing hit the size cap
	CloseNotify       *bool      `json:"close_notify,omitempty"`       // the server ended data TLS with close_notify
	TransferReply     string     `json:"transfer_reply,omitempty"`     // final reply to the listing command
	OK                bool       `json:"ok"`                           // a protected listing completed
	Transfers         []Transfer `json:"transfers,omitempty"`          // every protected listing of the session (--transfers), the first included
}

// Transfer is one protected listing of the main session: several in a row
// show whether each data connection resumes the control session.
type Transfer struct {
	OK      bool   `json:"ok"`      // the listing completed
	Resumed bool   `json:"resumed"` // its data handshake resumed the control session
	Reply   string `json:"reply"`   // the final reply, or what went wrong
}

// Policy holds the server policies the audit connections measured. A nil
// field was not tested.
type Policy struct {
	SessionReuseRequired    *bool  `json:"session_reuse_required,omitempty"`      // a data connection that did not resume the control session was refused
	SessionReuseEvidence    string `json:"session_reuse_evidence,omitempty"`      // the reply that showed it
	ClearDataAllowed        *bool  `json:"clear_data_allowed,omitempty"`          // a PROT C (unprotected) listing worked
	ClearDataEvidence       string `json:"clear_data_evidence,omitempty"`         // the reply that showed it
	CleartextLoginAllowed   *bool  `json:"cleartext_login_allowed,omitempty"`     // USER before AUTH got 331/230 (explicit only)
	CleartextLoginEvidence  string `json:"cleartext_login_evidence,omitempty"`    // the reply to that USER
	PBSZRequired            *bool  `json:"pbsz_required,omitempty"`               // PROT before PBSZ was refused
	PBSZEvidence            string `json:"pbsz_evidence,omitempty"`               // the reply to that PROT
	CCCAccepted             *bool  `json:"ccc_accepted,omitempty"`                // CCC answered 200 (--ccc only)
	CCCEvidence             string `json:"ccc_evidence,omitempty"`                // the reply to CCC
	CCCControlUsable        *bool  `json:"ccc_control_usable,omitempty"`          // after an accepted CCC, the clear control channel still answered
	DataTLSBeforeCommand    *bool  `json:"data_tls_before_command,omitempty"`     // a data handshake started before the transfer command (as curl does) worked
	DataTLSBeforeEvidence   string `json:"data_tls_before_evidence,omitempty"`    // what that transfer showed
	DataTLSAfter150         *bool  `json:"data_tls_after_150,omitempty"`          // a data handshake started only after the 150 (as lftp, Go, Commons Net, ftplib, PHP do) worked: the server sent its 150 without waiting for it
	DataTLSAfter150Evidence string `json:"data_tls_after_150_evidence,omitempty"` // what that transfer showed
	ExtendedMasterSecret    *bool  `json:"extended_master_secret,omitempty"`      // at TLS 1.2 the server agreed to Extended Master Secret (RFC 7627); absent when TLS 1.2 was not accepted
	EMSEvidence             string `json:"ems_evidence,omitempty"`                // the TLS 1.2 handshake that showed it
}

// Audit is an extra control connection opened to test a server policy.
type Audit struct {
	Purpose  string  `json:"purpose"`  // what it tested
	Timeline []Event `json:"timeline"` // its steps, on the diagnosis clock
}

// Features is a parsed FEAT reply (RFC 2389).
type Features struct {
	Code    int      `json:"code"`     // reply code: 211 when supported
	Lines   []string `json:"lines"`    // feature lines as sent, trimmed
	AuthTLS bool     `json:"auth_tls"` // lists AUTH with TLS
	PBSZ    bool     `json:"pbsz"`     // lists PBSZ
	PROT    bool     `json:"prot"`     // lists PROT
}

// TLSInfo describes a completed handshake.
type TLSInfo struct {
	Version           string  `json:"version"`               // "TLS 1.3"
	CipherSuite       string  `json:"cipher_suite"`          // IANA name
	Group             string  `json:"group,omitempty"`       // key exchange group, IANA name (x25519, secp256r1, X25519MLKEM768)
	ALPN              string  `json:"alpn,omitempty"`        // negotiated protocol, if any
	SNISent           bool    `json:"sni_sent"`              // whether a server_name extension was sent
	Resumed           bool    `json:"resumed"`               // session resumption happened
	SessionTicket     bool    `json:"session_ticket"`        // server issued a resumable session (ticket)
	Resumable         *bool   `json:"resumable,omitempty"`   // control handshake only: it left a session to resume, a ticket (TLS 1.2 or 1.3) or below TLS 1.3 a session ID; absent on data handshakes
	HelloRetry        *bool   `json:"hello_retry,omitempty"` // control handshake only: the server answered our ClientHello (key shares X25519MLKEM768 and x25519) with a HelloRetryRequest, as it does every client offering only an x25519 share; absent on data handshakes
	OCSPStapled       bool    `json:"ocsp_stapled"`          // server stapled an OCSP response
	ClientCertRequest bool    `json:"client_cert_requested"` // server sent a CertificateRequest
	HandshakeMS       float64 `json:"handshake_ms"`          // handshake duration, milliseconds
}

// Certificate is our own view of an X.509 certificate (never x509.Certificate).
type Certificate struct {
	Subject            string    `json:"subject"`             // RFC 2253 form
	Issuer             string    `json:"issuer"`              // RFC 2253 form
	SANs               []string  `json:"sans"`                // DNS names, IPs, emails, URIs
	Serial             string    `json:"serial"`              // hex
	NotBefore          time.Time `json:"not_before"`          // validity start
	NotAfter           time.Time `json:"not_after"`           // validity end
	DaysLeft           int       `json:"days_left"`           // whole days until not_after (negative when expired)
	KeyType            string    `json:"key_type"`            // RSA, ECDSA, Ed25519
	KeyBits            int       `json:"key_bits"`            // modulus or curve size
	SignatureAlgorithm string    `json:"signature_algorithm"` // e.g. SHA256-RSA
	IsCA               bool      `json:"is_ca"`               // basic constraints CA
	SelfSigned         bool      `json:"self_signed"`         // issuer == subject and self-signature verifies
	SHA256             string    `json:"sha256"`              // fingerprint of the DER, hex
}

// Verification is the result of verifying the chain ourselves.
type Verification struct {
	Trusted      bool     `json:"trusted"`                 // chains to a trusted root
	NameMatches  bool     `json:"name_matches"`            // leaf valid for server_name
	TimeValid    bool     `json:"time_valid"`              // every sent certificate within validity
	Error        string   `json:"error,omitempty"`         // first verification error, as crypto/x509 states it
	VerifiedPath []string `json:"verified_path,omitempty"` // subjects leaf..root when trusted
}

// Event is one line of the timeline.
type Event struct {
	AtMS float64 `json:"at_ms"`          // milliseconds since the diagnosis started
	From Source  `json:"from"`           // who acted
	Conn string  `json:"conn,omitempty"` // "data" (ConnData) for the data connection; empty for the control connection
	Text string  `json:"text"`           // command sent, reply line, or what happened
}

// ConnData is Event.Conn on the data connection's events.
const ConnData = "data"

// Source is the actor of an event.
type Source string

const (
	FromClient Source = "client" // a command we sent
	FromServer Source = "server" // a reply line the server sent
	FromTLS    Source = "tls"    // a TLS event (handshake, certificate, alert)
	FromNet    Source = "net"    // a TCP event (connect, close, timeout, reset)
)

// Finding is one diagnosed cause or audit result.
type Finding struct {
	ID       string   `json:"id"`             // stable kebab-case id from the catalog
	Severity Severity `json:"severity"`       // info, warning or critical
	Stage    string   `json:"stage"`          // where it happened: connect, greeting, auth, tls, certificate, ...
	Mode     Mode     `json:"mode,omitempty"` // attempt it belongs to; empty when it concerns the target as a whole
	Port     int      `json:"port,omitempty"` // port of that attempt
	Title    string   `json:"title"`          // one line: what is wrong
	Evidence string   `json:"evidence"`       // the exact reply, alert or error that shows it
	Remedy   string   `json:"remedy"`         // what a server administrator can change
}
