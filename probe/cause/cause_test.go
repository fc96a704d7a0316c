package cause

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

var stages = []string{StageConnect, StageGreeting, StageFeat, StageAuth, StageTLS, StageCertificate, StageSession, StageLogin, StageData, StagePolicy, StageRun}

// TestCatalogComplete: every ID has an entry with an id text, a stage, a
// severity, a title, an evidence and a remedy, and the id texts are unique
// kebab-case. Titles and evidence are phrases (no final period), remedies
// sentences, as the report prints them.
func TestCatalogComplete(t *testing.T) {
	kebab := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	seen := map[string]ID{}
	for id := None + 1; id < count; id++ {
		c := id.Cause()
		if !kebab.MatchString(c.name) {
			t.Errorf("ID %d: id text %q is not kebab-case (missing entry?)", id, c.name)
		}
		if prev, dup := seen[c.name]; dup {
			t.Errorf("%s: id text used by ID %d and %d", c.name, prev, id)
		}
		seen[c.name] = id
		if !slices.Contains(stages, c.Stage) {
			t.Errorf("%s: stage %q", c.name, c.Stage)
		}
		if c.Severity.Rank() == 0 && c.Severity != result.SeverityInfo {
			t.Errorf("%s: severity %q", c.name, c.Severity)
		}
		if c.Title == "" || c.Remedy == "" || c.Evidence == "" {
			t.Errorf("%s: title, evidence and remedy are all needed", c.name)
		}
		if strings.HasSuffix(c.Title, ".") || strings.HasSuffix(c.Evidence, ".") {
			t.Errorf("%s: title and evidence are phrases, without a final period", c.name)
		}
		if !strings.HasSuffix(c.Remedy, ".") {
			t.Errorf("%s: remedy %q is not a sentence", c.name, c.Remedy)
		}
		for server, r := range c.ByServer {
			if !strings.HasSuffix(r, ".") {
				t.Errorf("%s: remedy for %s %q is not a sentence", c.name, server, r)
			}
			if !slices.Contains(Servers, server) {
				t.Errorf("%s: remedy for %s, which Servers lacks: explain would not show it", c.name, server)
			}
		}
	}
}

func TestParse(t *testing.T) {
	for id := None + 1; id < count; id++ {
		got, ok := Parse(id.String())
		if !ok || got != id {
			t.Errorf("Parse(%q) = %v, %v; want %v", id.String(), got, ok, id)
		}
		if Known(id.String()) != id.Reported() {
			t.Errorf("Known(%q) != Reported", id.String())
		}
	}
	for _, s := range []string{"", "none", "Port-Closed", "port-closed ", "cause.ID(0)"} {
		if id, ok := Parse(s); ok {
			t.Errorf("Parse(%q) = %v, want no cause", s, id)
		}
	}
	if None.String() != "" || None.Reported() || count.String() != "" {
		t.Error("None and out-of-range IDs must name no cause")
	}
	if got := ID(200).GoString(); got != "cause.ID(200)" {
		t.Errorf("GoString out of range = %q", got)
	}
}

func TestFinding(t *testing.T) {
	f := TooManyConnections.Finding(ServerVsftpd, "421 Too many.")
	want := result.Finding{ID: "too-many-connections", Severity: result.SeverityCritical, Stage: StageGreeting,
		Title: TooManyConnections.Cause().Title, Evidence: "421 Too many.", Remedy: "Raise vsftpd max_clients / max_per_ip."}
	if f != want {
		t.Errorf("Finding = %+v\nwant %+v", f, want)
	}
	if !TooManyConnections.Is(f) || PortClosed.Is(f) {
		t.Error("Is does not follow the finding's id")
	}
	if r := TooManyConnections.Finding("unknown server", "").Remedy; r != TooManyConnections.Cause().Remedy {
		t.Errorf("generic remedy = %q", r)
	}
	for _, id := range []ID{None, DataALPNMismatch, count} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Finding(%#v) did not panic", id)
				}
			}()
			id.Finding("", "")
		}()
	}
}

func TestReported(t *testing.T) {
	ids := Reported()
	if len(ids) != 76 {
		t.Errorf("%d reported causes, want 76", len(ids))
	}
	if !slices.IsSorted(ids) || slices.Contains(ids, DataPeerIPMismatch) {
		t.Errorf("Reported() = %v", ids)
	}
}

func TestServerRemediesInServersOrder(t *testing.T) {
	var got []string
	for _, f := range PASVAddressMismatch.Cause().ServerRemedies() {
		got = append(got, f.Server)
		if f.Fix != PASVAddressMismatch.Cause().ByServer[f.Server] {
			t.Errorf("%s: fix %q is not the catalog's", f.Server, f.Fix)
		}
	}
	want := []string{ServerVsftpd, ServerProFTPD, ServerPureFTPd, ServerFileZilla, ServerIIS}
	if !slices.Equal(got, want) {
		t.Errorf("servers = %v, want %v", got, want)
	}
	if fixes := PortClosed.Cause().ServerRemedies(); fixes != nil {
		t.Errorf("a cause without server remedies gave %v", fixes)
	}
}
