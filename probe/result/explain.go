package result

// ExplainMatch is one rule of `ftpsdiag explain` that matched a client's
// error text: probe/clients finds them, report renders them.
type ExplainMatch struct {
	Rule   string         // which pattern matched, for the user
	Causes []ExplainCause // most likely first
}

// ExplainCause is one likely cause of the text.
type ExplainCause struct {
	ID       string      // a cause id (probe/cause)
	Reported bool        // ID is a finding ftpsdiag itself reports
	Why      string      // one sentence: why this text points here
	Fix      string      // the cause's remedy for any server
	FixBy    []ServerFix // the remedy in each server's own terms, in a fixed server order
	Confirm  string      // the ftpsdiag command line that would confirm it, HOST (and NAME, PORT) as placeholders
}

// ServerFix is a cause's remedy naming one server's own setting.
type ServerFix struct {
	Server string // as the probe identifies it ("vsftpd", "ProFTPD")
	Fix    string
}
