package probe

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// stopped reports whether ctx, Run's own, has ended: cancelled, or past
// its deadline. A step that fails from then on failed because of our limit,
// not because of the server. The deadline counts from the moment it
// passes: a read cut by it can return a moment before ctx.Err is set.
func stopped(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	d, ok := ctx.Deadline()
	return ok && !time.Now().Before(d)
}

// cut reports whether Run's own limit has fired; always false outside Run.
func (c *Config) cut() bool {
	return c.stopped != nil && c.stopped()
}

// ours reports an error our own limit can cause: a cancellation or a
// deadline. Once the limit has fired, a step failing with it was cut by us.
func ours(err error) bool {
	return errors.Is(err, context.Canceled) || isTimeout(err)
}

// readmit keeps the findings withheld since Run's limit fired when the
// error that ended the attempt is not the limit's doing: bytes that are not
// TLS are the server's, even if we waited for more of them until our
// deadline. Once the limit has fired, every later step fails at once with
// the limit's error, so what is withheld is this step's.
func (a *attempt) readmit(err error) {
	if ours(err) {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.findings = append(a.findings, a.withheld...)
	a.withheld = nil
}

// wasCut reports whether our own limit cut this attempt, which ended
// after it fired: unless the server ended it first, for a reason of its
// own, with nothing of it left running.
func (a *attempt) wasCut() bool {
	return a.failed == nil || ours(a.failed) || len(unfinishedVersions(a.res.TLSScan)) > 0
}

// unfinishedVersions lists the versions a scan did not finish.
func unfinishedVersions(s *result.TLSScan) []string {
	if s == nil {
		return nil
	}
	var versions []string
	for _, v := range s.Versions {
		if v.Unfinished != "" {
			versions = append(versions, v.Version)
		}
	}
	return versions
}

// limitName names the limit that ended ctx: the cause its caller gave
// (context.WithTimeoutCause, context.WithCancelCause), such as
// "--deadline 2s" or "SIGINT", else the bare deadline or cancellation.
func limitName(ctx context.Context) string {
	<-ctx.Done() // stopped: at most a moment away
	c := context.Cause(ctx)
	switch {
	case c != ctx.Err():
		return c.Error()
	case errors.Is(c, context.DeadlineExceeded):
		return "the deadline set for the diagnosis"
	}
	return "a cancellation"
}

// interrupted is the finding of a run that our own limit cut: which limit
// fired and what had not finished.
func interrupted(limit string, unfinished []string) result.Finding {
	evidence := limit + " fired before the diagnosis finished"
	if len(unfinished) > 0 {
		evidence += "; not finished: " + strings.Join(unfinished, "; ")
	}
	return cause.RunInterrupted.Finding("", evidence+"; the findings of the steps it cut are left out")
}

// unfinishedSteps names, for each attempt our limit cut (ended), the step
// it was in: the one its error names, the TLS scan's unfinished versions,
// or else the policy checks it was waiting for.
func unfinishedSteps(attempts []*attempt, ended []bool) []string {
	var unfinished []string
	for i, a := range attempts {
		if !ended[i] {
			continue
		}
		var parts []string
		if a.failed != nil && ours(a.failed) {
			parts = append(parts, stepOf(a.failed))
		}
		if versions := unfinishedVersions(a.res.TLSScan); len(versions) > 0 {
			parts = append(parts, "the TLS scan of "+strings.Join(versions, ", "))
		}
		if len(parts) == 0 {
			parts = append(parts, "its policy checks")
		}
		unfinished = append(unfinished, fmt.Sprintf("%s on port %d: %s", a.res.Mode, a.res.Port, strings.Join(parts, ", ")))
	}
	return unfinished
}

// stepOf names the step an error ended: errors are wrapped with their step
// ("reading the greeting: ..."), so it is the error's own text without the
// error it wraps.
func stepOf(err error) string {
	inner := errors.Unwrap(err)
	if inner == nil {
		return err.Error()
	}
	return strings.TrimSuffix(err.Error(), ": "+inner.Error())
}

// cutShort makes res the result of a run our own limit cut: status
// unknown, a verdict and a finding that say which limit fired and what had
// not finished, and no client verdicts, which judged on part of the
// findings could be wrong.
func cutShort(ctx context.Context, res *result.Result, cfg Config, attempts []*attempt, ended []bool) {
	limit := limitName(ctx)
	f := interrupted(limit, unfinishedSteps(attempts, ended))
	mightWork := false // a cut attempt might have worked: "not offered on this port" is then no fault
	for i, a := range attempts {
		mightWork = mightWork || ended[i] && !a.res.OK
	}
	for i, f := range res.Findings {
		if mightWork && modeLevel(f) {
			res.Findings[i].Severity = result.SeverityInfo
		}
	}
	res.Findings = sortFindings(res.Findings)
	_, sofar := summarise(res)
	if slices.ContainsFunc(res.Attempts, func(a result.Attempt) bool { return a.OK }) ||
		slices.ContainsFunc(res.Findings, func(f result.Finding) bool { return f.Severity != result.SeverityInfo }) {
		res.Verdict = "Interrupted by " + limit + ", so the status is unknown; so far: " + sofar
	} else {
		res.Verdict = interruptedEarly(limit)
	}
	res.Status = result.StatusUnknown
	kept, ignored := partition([]result.Finding{f}, cfg.Ignore)
	res.Findings = sortFindings(append(res.Findings, kept...))
	res.Ignored = append(res.Ignored, ignored...)
	res.NotTested = append(notTested(cfg, res), result.NotTested{ID: "interrupted", Detail: f.Evidence})
}

// interruptedEarly is the verdict of a run our limit cut before it
// learnt anything.
func interruptedEarly(limit string) string {
	return "Interrupted by " + limit + " before the diagnosis could tell anything."
}
