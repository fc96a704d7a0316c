// Package schema holds the JSON Schema (draft 2020-12) of ftpsdiag's JSON
// output, result.Result, and validates documents against it.
package schema

import (
	"bytes"
	"cmp"
	_ "embed"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

//go:embed result.schema.json
var schemaJSON []byte

// outputJSON is the schema of a whole --format json output: one result or
// an array of them (output.schema.json).
//
//go:embed output.schema.json
var outputJSON []byte

// Schema returns the JSON Schema of result.Result, as result.schema.json
// holds it. The caller may modify the returned slice.
func Schema() []byte { return bytes.Clone(schemaJSON) }

// Output returns the JSON Schema of a whole --format json output, as
// output.schema.json holds it: one result, or an array of results.
func Output() []byte { return bytes.Clone(outputJSON) }

// compiledSchemas are both schemas compiled once. Their $ids are only
// names: the compiler is given the documents themselves, so nothing is
// ever fetched (output.schema.json refers to result.schema.json by $id).
var compiledSchemas = sync.OnceValues(func() ([2]*jsonschema.Schema, error) {
	var out [2]*jsonschema.Schema
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	var ids [2]string
	for i, f := range []struct {
		name string
		doc  []byte
	}{{"result.schema.json", schemaJSON}, {"output.schema.json", outputJSON}} {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(f.doc))
		if err != nil {
			return out, fmt.Errorf("parsing %s: %w", f.name, err)
		}
		if ids[i], _ = doc.(map[string]any)["$id"].(string); ids[i] == "" {
			return out, fmt.Errorf("%s has no $id", f.name)
		}
		if err := c.AddResource(ids[i], doc); err != nil {
			return out, fmt.Errorf("loading %s: %w", f.name, err)
		}
	}
	for i, id := range ids {
		s, err := c.Compile(id)
		if err != nil {
			return out, fmt.Errorf("compiling %s: %w", id, err)
		}
		out[i] = s
	}
	return out, nil
})

// A Violation is one place where a document breaks the schema.
type Violation struct {
	Location string // JSON pointer into the document, e.g. "/attempts/0/mode"; "" for the whole document
	Message  string // what is wrong there
}

// Error is a document that is JSON but does not follow the schema.
type Error struct {
	Violations []Violation // sorted by location, at least one
}

// maxShown bounds the violations Error lists; one mistake in the code can
// repeat in every element of an array.
const maxShown = 10

// Error lists the violations, one a line, at most maxShown of them.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("JSON does not match the result schema:")
	for i, v := range e.Violations {
		if i == maxShown {
			fmt.Fprintf(&b, "\n  ... and %d more", len(e.Violations)-maxShown)
			break
		}
		fmt.Fprintf(&b, "\n  at %s: %s", cmp.Or(v.Location, "/"), v.Message)
	}
	return b.String()
}

// Validate checks that doc is one JSON document that follows the schema
// of one result. A document that breaks it gives an *Error naming every
// violation.
func Validate(doc []byte) error { return validate(doc, 0) }

// ValidateOutput checks that doc is a whole --format json output: one
// result or an array of them. Its errors are Validate's.
func ValidateOutput(doc []byte) error { return validate(doc, 1) }

// validate checks doc against compiledSchemas()[which].
func validate(doc []byte, which int) error {
	schemas, err := compiledSchemas()
	if err != nil {
		return err
	}
	s := schemas[which]
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("not a JSON document: %w", err)
	}
	err = s.Validate(v)
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	return &Error{Violations: violations(ve)}
}

// violations flattens the validator's tree of errors into its leaves, the
// ones that say what is wrong rather than which subschema failed.
func violations(ve *jsonschema.ValidationError) []Violation {
	var out []Violation
	var walk func(*jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			out = append(out, Violation{Location: pointer(e.InstanceLocation), Message: e.ErrorKind.LocalizedString(english)})
			return
		}
		for _, c := range e.Causes {
			walk(c)
		}
	}
	walk(ve)
	slices.SortFunc(out, func(a, b Violation) int {
		return cmp.Or(strings.Compare(a.Location, b.Location), strings.Compare(a.Message, b.Message))
	})
	return out
}

// english words the validator's messages.
var english = message.NewPrinter(language.English)

// escapeToken escapes a JSON pointer reference token.
var escapeToken = strings.NewReplacer("~", "~0", "/", "~1")

// pointer is the JSON pointer (RFC 6901) of a location in the document.
func pointer(tokens []string) string {
	var b strings.Builder
	for _, t := range tokens {
		b.WriteByte('/')
		b.WriteString(escapeToken.Replace(t))
	}
	return b.String()
}
