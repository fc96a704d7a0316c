package schema_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/ftpsdiag/ftpsdiag/report/schema"
)

// TestValidateOutput: a --format json output is one result or an array of
// results (of any length); anything else, or an array with a bad result,
// breaks output.schema.json.
func TestValidateOutput(t *testing.T) {
	bad := valid(t)
	bad["status"] = "fine"
	for _, tc := range []struct {
		name string
		doc  any
		ok   bool
	}{
		{"one result", valid(t), true},
		{"array of one", []any{valid(t)}, true},
		{"array of two", []any{valid(t), valid(t)}, true},
		{"empty array", []any{}, true},
		{"bad result", bad, false},
		{"array with a bad result", []any{valid(t), bad}, false},
		{"array of arrays", []any{[]any{valid(t)}}, false},
		{"a string", "ok", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.doc)
			if err != nil {
				t.Fatal(err)
			}
			err = schema.ValidateOutput(b)
			if tc.ok && err != nil {
				t.Errorf("ValidateOutput = %v, want nil", err)
			}
			if se := (*schema.Error)(nil); !tc.ok && !errors.As(err, &se) {
				t.Errorf("ValidateOutput = %v, want a *schema.Error", err)
			}
		})
	}
}
