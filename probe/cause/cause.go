// Package cause is ftpsdiag's catalog of failure causes: one typed ID per
// cause, with its stage, severity, title, evidence and remedies per server.
package cause

import (
	"fmt"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// ID names one cause. Its String is the kebab-case id of the JSON output.
type ID uint8

// Stages name where in a session a cause arises.
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
	StageRun         = "run" // the diagnosis itself, not the server
)

// Server software names, as the probe identifies them; remedies are keyed
// by them.
const (
	ServerVsftpd    = "vsftpd"
	ServerProFTPD   = "ProFTPD"
	ServerPureFTPd  = "Pure-FTPd"
	ServerPyftpdlib = "pyftpdlib"
	ServerFileZilla = "FileZilla Server"
	ServerIIS       = "IIS"
	ServerServU     = "Serv-U"
)

// Servers lists every server remedies are keyed by, in the order explain
// shows their remedies.
var Servers = []string{ServerVsftpd, ServerProFTPD, ServerPureFTPd, ServerPyftpdlib, ServerFileZilla, ServerIIS, ServerServU}

// Cause is everything about a cause that does not depend on a run.
type Cause struct {
	name       string            // the id text
	unreported bool              // described for explain, never a finding
	Severity   result.Severity   // of the finding
	Stage      string            // one of the Stage constants
	Title      string            // one line: what is wrong
	Evidence   string            // what the finding's evidence holds; for an unreported cause, what a client or server shows
	Remedy     string            // for any server
	ByServer   map[string]string // remedy naming the identified server's own setting
}

// String returns the id text, "" for None or an ID out of range.
func (id ID) String() string {
	if id >= count {
		return ""
	}
	return catalog[id].name
}

// GoString names an ID in panics and test failures, also out of range.
func (id ID) GoString() string {
	if s := id.String(); s != "" {
		return s
	}
	return fmt.Sprintf("cause.ID(%d)", uint8(id))
}

// Cause returns the catalog entry; the zero Cause for None.
func (id ID) Cause() Cause {
	if id >= count {
		return Cause{}
	}
	return catalog[id]
}

// Reported reports whether ftpsdiag reports id as a finding; causes it
// cannot observe are described only for explain.
func (id ID) Reported() bool {
	return id > None && id < count && !catalog[id].unreported
}

// Parse returns the ID whose text is s, reported or not.
func Parse(s string) (ID, bool) {
	id, ok := byName[s]
	return id, ok
}

// Known reports whether s is the id of a finding ftpsdiag reports.
func Known(s string) bool {
	id, ok := byName[s]
	return ok && id.Reported()
}

// Reported lists every finding ftpsdiag reports, in README order.
func Reported() []ID {
	var ids []ID
	for id := None + 1; id < count; id++ {
		if id.Reported() {
			ids = append(ids, id)
		}
	}
	return ids
}

// Is reports whether the finding f is of cause id.
func (id ID) Is(f result.Finding) bool { return f.ID == id.String() }

// Finding fills a finding from the catalog: the remedy names the setting of
// server where the catalog knows it. Mode and Port are the caller's. A
// cause that is never reported is a programming error.
func (id ID) Finding(server, evidence string) result.Finding {
	if !id.Reported() {
		panic("cause: no finding for " + id.GoString())
	}
	c := id.Cause()
	return result.Finding{
		ID:       c.name,
		Severity: c.Severity,
		Stage:    c.Stage,
		Title:    c.Title,
		Evidence: evidence,
		Remedy:   c.RemedyFor(server),
	}
}

// RemedyFor prefers the identified server's own setting.
func (c Cause) RemedyFor(server string) string {
	if r, ok := c.ByServer[server]; ok {
		return r
	}
	return c.Remedy
}

// ServerRemedies returns the remedies naming a server's own setting, in
// Servers order.
func (c Cause) ServerRemedies() []result.ServerFix {
	var fixes []result.ServerFix
	for _, s := range Servers {
		if r, ok := c.ByServer[s]; ok {
			fixes = append(fixes, result.ServerFix{Server: s, Fix: r})
		}
	}
	return fixes
}

// byName indexes the catalog by id text.
var byName = func() map[string]ID {
	m := make(map[string]ID, count)
	for id := None + 1; id < count; id++ {
		m[catalog[id].name] = id
	}
	return m
}()
