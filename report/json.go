package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
)

// JSON writes r as one indented JSON document and a newline; the result
// struct's tags are the schema. HTML characters are not escaped; the
// invisible characters encoding/json leaves raw (C1 controls, bidi
// controls) are written as \u escapes, which decode to the same string but
// cannot act on a terminal that shows the JSON.
func JSON(w io.Writer, r *result.Result) error { return writeJSON(w, r) }

// JSONList writes results as one indented JSON array, as JSON writes each
// element: the shape of a run over a list of targets, even of one.
func JSONList(w io.Writer, results []*result.Result) error {
	if results == nil {
		results = []*result.Result{} // [] rather than null: a list with nothing in it
	}
	return writeJSON(w, results)
}

// writeJSON writes v as JSON and JSONList say.
func writeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeInvisible(buf.Bytes()))
	return err
}

// escapeInvisible rewrites the non-ASCII characters Sanitize would escape
// as JSON \u escapes. They can only occur inside JSON strings, where the
// escape means the same character.
func escapeInvisible(doc []byte) []byte {
	if !bytes.ContainsFunc(doc, isInvisible) {
		return doc
	}
	var out bytes.Buffer
	for _, r := range string(doc) {
		if isInvisible(r) {
			fmt.Fprintf(&out, `\u%04x`, r)
		} else {
			out.WriteRune(r)
		}
	}
	return out.Bytes()
}

// isInvisible reports the non-ASCII characters needsEscape flags.
func isInvisible(r rune) bool { return r >= 0x80 && needsEscape(r) }
