package probe

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/cause"
)

// The README's coverage table names, for each known cause of FTPS
// failures, the finding ids and JSON fields ftpsdiag reports it with and the
// tests that show it. None of them may be renamed away under it.
func TestCoverageTable(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := coverageRows(t, string(readme))
	if len(rows) < 37 { // the catalog's sections 1-7 name 37 causes
		t.Fatalf("the coverage table has %d rows, want at least 37", len(rows))
	}
	fields := jsonFields(t)
	tests := testFunctions(t)
	code := regexp.MustCompile("`([^`]+)`")
	for _, row := range rows {
		problem, reports, by := row[0], row[1], row[2]
		for _, m := range code.FindAllStringSubmatch(reports, -1) {
			name := m[1]
			switch {
			case strings.HasPrefix(name, "-"): // a flag
			case strings.Contains(name, "-"):
				if !cause.Known(name) {
					t.Errorf("%s: %q is not the id of a finding ftpsdiag reports", problem, name)
				}
			default:
				for _, part := range strings.Split(strings.ReplaceAll(name, "[]", ""), ".") {
					if !fields[part] {
						t.Errorf("%s: %q: %q is not a JSON field of the result", problem, name, part)
					}
				}
			}
		}
		for _, m := range code.FindAllStringSubmatch(by, -1) {
			if !tests[m[1]] {
				t.Errorf("%s: no test function %s in the repository", problem, m[1])
			}
		}
		if by != "—" && !code.MatchString(by) {
			t.Errorf("%s: the test column names no test function: %q", problem, by)
		}
	}
}

// coverageRows returns the cells of the table under "## Coverage of the
// failure catalog".
func coverageRows(t *testing.T, readme string) [][]string {
	_, section, ok := strings.Cut(readme, "\n## Coverage of the failure catalog\n")
	if !ok {
		t.Fatal("README.md has no section \"Coverage of the failure catalog\"")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var rows [][]string
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| cause |") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) != 3 {
			t.Errorf("coverage row has %d cells, want 3: %s", len(cells), line)
			continue
		}
		rows = append(rows, cells)
	}
	return rows
}

// jsonFields are the JSON names of the result's fields.
func jsonFields(t *testing.T) map[string]bool {
	src, err := os.ReadFile("result/result.go")
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string]bool{}
	for _, m := range regexp.MustCompile(`json:"([a-z0-9_]+)`).FindAllStringSubmatch(string(src), -1) {
		fields[m[1]] = true
	}
	return fields
}

// testFunctions are the names of the repository's test functions.
func testFunctions(t *testing.T) map[string]bool {
	names := map[string]bool{}
	decl := regexp.MustCompile(`(?m)^func (Test\w+)\(`)
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range decl.FindAllStringSubmatch(string(src), -1) {
			names[m[1]] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}
