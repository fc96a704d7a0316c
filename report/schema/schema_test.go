package schema_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/report/schema"
)

// Every golden JSON file of the report package is a document ftpsdiag
// writes, so each must follow the schema.
func TestValidateGolden(t *testing.T) {
	files, err := filepath.Glob("../testdata/*.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden JSON files in ../testdata")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			doc, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := schema.Validate(doc); err != nil {
				t.Errorf("%s: %v\nIf result.Result changed on purpose, change result.schema.json with it.", file, err)
			}
		})
	}
}

// valid is a small document with one of everything the rejections edit.
func valid(t *testing.T) map[string]any {
	t.Helper()
	r := result.Result{
		SchemaVersion: result.SchemaVersion,
		Tool:          "ftpsdiag test",
		Target:        "ftp.example.com",
		Host:          "ftp.example.com",
		ServerName:    "ftp.example.com",
		StartedAt:     time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Status:        result.StatusCritical,
		Verdict:       "The certificate has expired.",
		Attempts: []result.Attempt{{
			Mode:     result.ModeExplicit,
			Port:     21,
			OK:       true,
			TLS:      &result.TLSInfo{Version: "TLS 1.3", CipherSuite: "TLS_AES_128_GCM_SHA256"},
			Timeline: []result.Event{{From: result.FromClient, Text: "AUTH TLS"}},
		}},
		Findings: []result.Finding{{ID: "cert-expired", Severity: result.SeverityCritical, Stage: "certificate",
			Mode: result.ModeExplicit, Port: 21, Title: "expired", Evidence: "expired", Remedy: "renew"}},
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// at walks doc by object keys and array indexes to an object.
func at(doc map[string]any, path ...any) map[string]any {
	var v any = doc
	for _, p := range path {
		switch p := p.(type) {
		case string:
			v = v.(map[string]any)[p]
		case int:
			v = v.([]any)[p]
		}
	}
	return v.(map[string]any)
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name     string
		edit     func(doc map[string]any)
		location string // of the violation
		message  string // a substring of its message
	}{
		{"missing schema_version", func(d map[string]any) { delete(d, "schema_version") }, "", "schema_version"},
		{"another schema_version", func(d map[string]any) { d["schema_version"] = 1 }, "/schema_version", "2"},
		{"unknown field", func(d map[string]any) { d["color"] = "red" }, "", "color"},
		{"unknown nested field", func(d map[string]any) { at(d, "attempts", 0, "tls")["cipher"] = "AES" }, "/attempts/0/tls", "cipher"},
		{"missing nested field", func(d map[string]any) { delete(at(d, "findings", 0), "remedy") }, "/findings/0", "remedy"},
		{"status not in enum", func(d map[string]any) { d["status"] = "fine" }, "/status", "one of 'ok'"},
		{"severity not in enum", func(d map[string]any) { at(d, "findings", 0)["severity"] = "high" }, "/findings/0/severity", "one of 'info'"},
		{"mode not in enum", func(d map[string]any) { at(d, "attempts", 0)["mode"] = "starttls" }, "/attempts/0/mode", "one of 'implicit'"},
		{"from not in enum", func(d map[string]any) { at(d, "attempts", 0, "timeline", 0)["from"] = "proxy" }, "/attempts/0/timeline/0/from", "one of 'client'"},
		{"wrong type", func(d map[string]any) { at(d, "attempts", 0)["port"] = "21" }, "/attempts/0/port", "integer"},
		{"null where omitempty", func(d map[string]any) { at(d, "attempts", 0)["tls"] = nil }, "/attempts/0/tls", "null"},
		{"not a date-time", func(d map[string]any) { d["started_at"] = "yesterday" }, "/started_at", "date-time"},
	}
	if err := validate(t, valid(t)); err != nil {
		t.Fatalf("the document the cases edit is invalid itself: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := valid(t)
			tt.edit(doc)
			err := validate(t, doc)
			var se *schema.Error
			if !errors.As(err, &se) {
				t.Fatalf("Validate = %v, want a *schema.Error", err)
			}
			for _, v := range se.Violations {
				if v.Location == tt.location && strings.Contains(v.Message, tt.message) {
					return
				}
			}
			t.Errorf("no violation at %q mentioning %q in:\n%v", tt.location, tt.message, err)
		})
	}
}

func validate(t *testing.T, doc map[string]any) error {
	t.Helper()
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return schema.Validate(b)
}

func TestValidateNotJSON(t *testing.T) {
	for _, doc := range []string{"", "{", `{"schema_version": 1} {}`} {
		err := schema.Validate([]byte(doc))
		var se *schema.Error
		if err == nil || errors.As(err, &se) {
			t.Errorf("Validate(%q) = %v, want a JSON syntax error", doc, err)
		}
	}
}

// The error names each violation by its place in the document.
func TestValidateErrorText(t *testing.T) {
	doc := valid(t)
	doc["status"] = "fine"
	delete(at(doc, "findings", 0), "remedy")
	err := validate(t, doc)
	if err == nil {
		t.Fatal("Validate accepted a bad document")
	}
	got := err.Error()
	for _, want := range []string{"JSON does not match the result schema:", "\n  at /status: ", "\n  at /findings/0: "} {
		if !strings.Contains(got, want) {
			t.Errorf("error text lacks %q:\n%s", want, got)
		}
	}
}

// A mistake repeated in every element is listed ten times, then counted.
func TestValidateErrorTextBounded(t *testing.T) {
	doc := valid(t)
	attempt := at(doc, "attempts", 0)
	attempt["mode"] = "starttls"
	attempts := make([]any, 12)
	for i := range attempts {
		attempts[i] = attempt
	}
	doc["attempts"] = attempts
	err := validate(t, doc)
	var se *schema.Error
	if !errors.As(err, &se) || len(se.Violations) != 12 {
		t.Fatalf("Validate = %v, want 12 violations", err)
	}
	if got := err.Error(); strings.Count(got, "\n  at ") != 10 || !strings.HasSuffix(got, "\n  ... and 2 more") {
		t.Errorf("error text:\n%s", got)
	}
}

func TestSchemaIsACopy(t *testing.T) {
	a := schema.Schema()
	a[0] = 'x'
	if b := schema.Schema(); b[0] != '{' {
		t.Errorf("Schema() shares its bytes with callers: starts with %q", b[0])
	}
}
