package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"
)

// roffText escapes text for roff: backslashes, and hyphens, which would
// otherwise print as typographic dashes that a copied flag cannot use.
var roffText = strings.NewReplacer(`\`, `\e`, `-`, `\-`)

// roff escapes one line of text; a line starting with . or ' would be
// read as a request, so it gets a zero-width \& first.
func roff(s string) string {
	s = roffText.Replace(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// manSections are the man page's prose: title and paragraphs, as plain
// text. The flags and subcommands come from the code itself.
var manSections = []struct {
	title    string
	text     []string
	verbatim bool // one example a line, not filled into paragraphs
}{
	{"DESCRIPTION", []string{
		"ftpsdiag tells an FTP server's administrator why an FTPS connection works or fails, and what to change on the server. It connects the way real clients do, implicit TLS (port 990) and explicit TLS (AUTH TLS on port 21) at the same time, logs in, opens a TLS-protected data connection and lists a directory, audits the server's policies, records every command, reply and TLS event on a timeline, checks the certificate chain, names each problem with its evidence and a remedy in that server's own terms, and judges which client families would work.",
		"It is read-only against servers: it never uploads, deletes or renames anything, and never sends PASS before TLS is up.",
	}, false},
	{"TARGETS", []string{
		"TARGET is HOST, HOST:PORT, [IPv6], [IPv6]:PORT, ftps://HOST[:PORT] (implicit TLS, default port 990) or ftpes://HOST[:PORT] / ftp://HOST[:PORT] (explicit TLS, default port 21). A bare HOST tries implicit TLS on 990 and explicit TLS on 21 at the same time; HOST:PORT finds out which kind of port it is. Several targets, --targets FILE or - (standard input) diagnose a list, --parallel at a time.",
	}, false},
	{"EXIT STATUS", []string{
		"0 ok, 1 warning, 2 critical, 3 unknown or a mistake on the command line (the monitoring-plugin convention; --fail-on sets the lowest severity that counts). 130 or 143 when SIGINT or SIGTERM interrupted the run. The demo exits 0 and says what a real run would.",
	}, false},
	{"ENVIRONMENT", []string{
		"FTPSDIAG_PASSWORD: the password for --user when --password-file is not given. NO_COLOR, TERM=dumb: no colour. COLUMNS: the width of the text report (else the terminal's; 100 on a pipe).",
	}, false},
	{"EXAMPLES", []string{
		"ftpsdiag ftp.example.com",
		"ftpsdiag --scan ftpes://ftp.example.com:2121",
		"FTPSDIAG_PASSWORD=... ftpsdiag --user alice ftpes://ftp.example.com",
		"ftpsdiag --format json --targets fleet.txt > fleet.json",
		"ftpsdiag serve --config /etc/ftpsdiag/modules.yml",
	}, true},
	{"SEE ALSO", []string{
		"The README: every finding (also: ftpsdiag findings), the JSON fields, the exporter's metrics and modules.",
	}, false},
}

// runMan is `ftpsdiag man`: the manual page in roff, generated from the
// flags and subcommands (ftpsdiag man > ftpsdiag.1; man -l ftpsdiag.1).
func runMan(fs *pflag.FlagSet, stdout, stderr io.Writer) int {
	if fs.NArg() != 1 {
		return usage(stderr, usageError{"man takes no argument"})
	}
	fmt.Fprint(stdout, manPage(flagHelps(fs)))
	return exitOK
}

// manPage writes the page. It carries no date or version, so that the
// same code gives the same page.
func manPage(helps []flagHelp) string {
	var b strings.Builder
	b.WriteString(".TH FTPSDIAG 1 \"\" \"ftpsdiag\" \"User Commands\"\n.SH NAME\nftpsdiag \\- diagnose FTPS (FTP over TLS) servers\n")
	b.WriteString(".SH SYNOPSIS\n.B ftpsdiag\n[\\fIflags\\fR] \\fITARGET\\fR...\n")
	for _, c := range subcommands {
		fmt.Fprintf(&b, ".br\n.B ftpsdiag %s\n%s\n", c.name, roff(c.args))
	}
	for _, s := range manSections[:2] {
		writeManSection(&b, s.title, s.text, s.verbatim)
	}
	b.WriteString(".SH SUBCOMMANDS\n")
	for _, c := range subcommands {
		fmt.Fprintf(&b, ".TP\n.B %s\n%s\n", c.name, roff(c.summary))
	}
	b.WriteString(".SH OPTIONS\n")
	for _, h := range helps {
		if h.Arg == "" {
			fmt.Fprintf(&b, ".TP\n.B %s\n", roffText.Replace("--"+h.Name))
		} else {
			fmt.Fprintf(&b, ".TP\n.BI %s \" %s\"\n", roffText.Replace("--"+h.Name), h.Arg)
		}
		fmt.Fprintf(&b, "%s\n", roff(h.Usage))
	}
	for _, s := range manSections[2:] {
		writeManSection(&b, s.title, s.text, s.verbatim)
	}
	return b.String()
}

// writeManSection writes a section of paragraphs, or with verbatim of
// lines kept as they are (indented, unfilled).
func writeManSection(b *strings.Builder, title string, paras []string, verbatim bool) {
	fmt.Fprintf(b, ".SH %s\n", title)
	if verbatim {
		b.WriteString(".RS\n.nf\n")
	}
	for i, p := range paras {
		if i > 0 && !verbatim {
			b.WriteString(".PP\n")
		}
		b.WriteString(roff(p) + "\n")
	}
	if verbatim {
		b.WriteString(".fi\n.RE\n")
	}
}
