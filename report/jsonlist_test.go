package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// JSONList escapes what JSON escapes, in every element, and an empty list
// is [] rather than null.
func TestJSONList(t *testing.T) {
	var buf bytes.Buffer
	if err := JSONList(&buf, []*result.Result{hostileServer(), hostileServer()}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if strings.ContainsAny(out, "\x1b\x00\x07\r\u202e") {
		t.Error("raw control or bidi characters in JSON output")
	}
	if n := strings.Count(out, `\u202e`); n < 2 {
		t.Errorf("U+202E escaped %d times, want it in both results", n)
	}
	var list []result.Result
	if err := json.Unmarshal(buf.Bytes(), &list); err != nil || len(list) != 2 {
		t.Errorf("not an array of 2 results: %d, %v", len(list), err)
	}

	buf.Reset()
	if err := JSONList(&buf, nil); err != nil || buf.String() != "[]\n" {
		t.Errorf("JSONList(nil) = %q, %v; want []", buf.String(), err)
	}
}
