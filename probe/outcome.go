package probe

import (
	"net/netip"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// auditState says how far a policy check got.
type auditState int

const (
	// auditMeasured: the check ran; its verdicts say what it learnt.
	auditMeasured auditState = iota
	// auditIncomplete: its connection failed before it could measure.
	auditIncomplete
	// auditLimited: the server refused its connection for a connection
	// limit (421): it could not run, and would run once fewer of our
	// connections are open.
	auditLimited
)

// auditOutcome is what a policy check learnt on its own connection. The
// main attempt records it (record) once its own session is done.
type auditOutcome struct {
	state    auditState
	why      string    // what stopped a check that did not measure
	verdicts []verdict // in the order they are recorded

	// The clear-data check's PASV, which the main session (preferring
	// EPSV) may not have sent.
	pasvAddress     netip.AddrPort // an advertised address that is not the control peer's
	ipv6PASVRefusal string         // over IPv6, PASV's refusal: the evidence
	pasvRefusal     string         // over IPv4, PASV refused as not implemented (500, 502): the evidence

	featBeforeTLS *result.Features // the cleartext-login check's FEAT in clear, sent for the main session
	helloRetry    *bool            // what the check offering Go's default key shares met
}

// A verdict is one thing a check established: a policy value, a finding,
// or both.
type verdict struct {
	policy          policyField // noPolicy when it sets none
	value           bool
	evidence        string   // the policy's evidence
	finding         cause.ID // cause.None when it makes none
	findingEvidence string
	// againstMainListing: the verdict holds only if the main protected
	// listing worked; otherwise a failed audit listing says nothing about
	// the policy.
	againstMainListing bool
	// anonymousLogin: the verdict is about the anonymous account, which
	// the main session's login shows to exist or not (anonymousVerdict).
	anonymousLogin bool
	severity       result.Severity // the finding's, when not the catalog's
}

// policyField names the field pair of result.Policy a verdict sets.
type policyField int

const (
	noPolicy policyField = iota
	policySessionReuse
	policyDataTLSBefore
	policyDataTLSAfter150
	policyEMS
	policyPBSZ
	policyClearData
	policyCleartextLogin
)

// set writes value and evidence into the field pair f names.
func (f policyField) set(p *result.Policy, value bool, evidence string) {
	switch f {
	case policySessionReuse:
		p.SessionReuseRequired, p.SessionReuseEvidence = &value, evidence
	case policyDataTLSBefore:
		p.DataTLSBeforeCommand, p.DataTLSBeforeEvidence = &value, evidence
	case policyDataTLSAfter150:
		p.DataTLSAfter150, p.DataTLSAfter150Evidence = &value, evidence
	case policyEMS:
		p.ExtendedMasterSecret, p.EMSEvidence = &value, evidence
	case policyPBSZ:
		p.PBSZRequired, p.PBSZEvidence = &value, evidence
	case policyClearData:
		p.ClearDataAllowed, p.ClearDataEvidence = &value, evidence
	case policyCleartextLogin:
		p.CleartextLoginAllowed, p.CleartextLoginEvidence = &value, evidence
	}
}

// measured is the outcome of a check that ran.
func measured(verdicts ...verdict) auditOutcome {
	return auditOutcome{state: auditMeasured, verdicts: verdicts}
}

// unmeasured is the outcome of a check whose connection did not get far
// enough to measure: why, or the refusal of a connection limit.
func (aux *attempt) unmeasured(why string) auditOutcome {
	if aux.res.Error != "" {
		why = aux.res.Error
	}
	if aux.has(cause.TooManyConnections) {
		return auditOutcome{state: auditLimited, why: why}
	}
	return auditOutcome{state: auditIncomplete, why: why}
}

// record is the one place where what the audits learnt becomes the main
// attempt's policy record and findings. A finding the main session made
// itself is not made twice.
func (a *attempt) record(o auditOutcome) {
	if a.res.FeatBeforeTLS == nil {
		a.res.FeatBeforeTLS = o.featBeforeTLS
	}
	if o.helloRetry != nil && a.res.TLS != nil {
		a.res.TLS.HelloRetry = o.helloRetry
	}
	if o.state != auditMeasured {
		return // its policy stays "not tested"
	}
	if o.ipv6PASVRefusal != "" && !a.has(cause.PassiveRefused) { // else the main session had to use PASV, and says so
		evidence := o.ipv6PASVRefusal
		if main := a.res.DataChannel; main != nil && main.EPSVSupported != nil && *main.EPSVSupported {
			evidence += "; EPSV was answered in the main session"
		}
		a.find(cause.IPv6PASVRefused, evidence)
	}
	if main := a.res.DataChannel; o.pasvRefusal != "" && main != nil && main.PassiveCommand == "EPSV" && !a.has(cause.PassiveRefused) {
		// Over IPv4, clients that send PASV meet the refusal the main
		// session avoided with EPSV.
		a.find(cause.PASVRefusedEPSVWorks, o.pasvRefusal+"; EPSV was answered in the main session and its port used")
	}
	if main := a.res.DataChannel; main != nil && main.AdvertisedAddress == "" && o.pasvAddress.IsValid() {
		main.AdvertisedAddress = o.pasvAddress.String() // for clients that use PASV: the address they would dial
	}
	listed := a.res.DataChannel != nil && a.res.DataChannel.OK
	for _, v := range o.verdicts {
		if v.anonymousLogin && !a.anonymousVerdict(&v) {
			continue
		}
		if !v.againstMainListing || listed {
			a.apply(v)
		}
	}
}

// anonymousVerdict weighs a cleartext-login verdict made with USER
// anonymous by the main session's login. Where that login failed, the
// 331 says nothing (vsftpd answers it whether or not anonymous logins
// exist): no verdict. Where it worked, what crosses the network in clear
// is an anonymous login, no secret: info, not warning.
func (a *attempt) anonymousVerdict(v *verdict) bool {
	if l := a.res.Login; l == nil || !l.OK {
		return false
	}
	if v.finding != cause.None {
		v.severity = result.SeverityInfo
		v.findingEvidence += "; for the anonymous account, which needs no secret (--user checks a real one)"
	}
	return true
}

// apply records one verdict on the attempt.
func (a *attempt) apply(v verdict) {
	if v.policy != noPolicy {
		v.policy.set(a.policy(), v.value, v.evidence)
	}
	if v.finding != cause.None && !a.has(v.finding) {
		a.findAs(v.finding, v.severity, v.findingEvidence)
	}
}
