package schema_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ftpsdiag/ftpsdiag/probe/result"
	"github.com/ftpsdiag/ftpsdiag/report/schema"
)

// result.schema.json is written by hand; this test holds it to
// probe/result/result.go, read both with reflect (names, types, omitempty)
// and as source (field comments, enum constants). A field added, removed,
// renamed or retyped on one side only fails here with the fix to make.

const (
	resultSource = "../../probe/result/result.go"
	// Suite.Strength is a plain string holding a tlswire.Strength.
	strengthSource = "../../probe/tlswire/suites.go"
)

// enumSources names the Go file and type whose constants are each
// enumerated type's values.
var enumSources = map[string][2]string{
	"Status":   {resultSource, "Status"},
	"Severity": {resultSource, "Severity"},
	"Mode":     {resultSource, "Mode"},
	"Source":   {resultSource, "Source"},
	"Strength": {strengthSource, "Strength"},
}

func TestSchemaMatchesResult(t *testing.T) {
	var root map[string]any
	if err := json.Unmarshal(schema.Schema(), &root); err != nil {
		t.Fatalf("result.schema.json: %v", err)
	}
	defs, _ := root["$defs"].(map[string]any)
	src := parseGo(t, resultSource)
	c := &checker{t: t, defs: defs, comments: src.comments, consts: src.consts, seen: map[string]bool{}}
	c.object("result.Result", "#", reflect.TypeFor[result.Result](), root)

	for _, name := range slices.Sorted(maps.Keys(defs)) {
		if !c.seen[name] {
			t.Errorf("#/$defs/%s is used by no field of result.Result: remove it from result.schema.json", name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(enumSources)) {
		file, typ := enumSources[name][0], enumSources[name][1]
		want := parseGo(t, file).consts[typ]
		def, _ := defs[name].(map[string]any)
		if got := strs(def["enum"]); len(want) == 0 || !slices.Equal(got, want) {
			t.Errorf("#/$defs/%s/enum = %q, want the values of the %s constants in %s, in order: %q", name, got, typ, file, want)
		}
	}
	for name, d := range defs {
		if _, ok := d.(map[string]any)["enum"]; ok && enumSources[name] == [2]string{} {
			t.Errorf("#/$defs/%s has an enum this test does not check: add its Go constants to enumSources", name)
		}
	}

	sv, _ := root["properties"].(map[string]any)["schema_version"].(map[string]any)
	if sv["const"] != float64(result.SchemaVersion) {
		t.Errorf("#/properties/schema_version/const = %v, want result.SchemaVersion (%d)", sv["const"], result.SchemaVersion)
	}
	if id, want := root["$id"], fmt.Sprintf("https://ftpsdiag.example/schema/result-%d.json", result.SchemaVersion); id != want {
		t.Errorf("$id = %v, want %s", id, want)
	}
	if root["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v, want draft 2020-12", root["$schema"])
	}
}

// checker compares Go types with the schema objects that describe them.
type checker struct {
	t        *testing.T
	defs     map[string]any
	comments map[string]string   // "Type.Field" -> the field's comment
	consts   map[string][]string // type -> its string constants, in order
	seen     map[string]bool     // $defs entries reached from result.Result
}

var timeType = reflect.TypeFor[time.Time]()

// object checks the schema s, found at loc, of the struct type t.
func (c *checker) object(where, loc string, t reflect.Type, s map[string]any) {
	if s["type"] != "object" || s["additionalProperties"] != false {
		c.t.Errorf(`%s: %s must have "type": "object" and "additionalProperties": false`, loc, where)
	}
	if d, _ := s["description"].(string); d == "" {
		c.t.Errorf("%s: %s has no description: say what it is, as the Go comment on type %s does", loc, where, t.Name())
	}
	props, _ := s["properties"].(map[string]any)
	required := strs(s["required"])
	fields := map[string]bool{}
	for f := range fieldsOf(t) {
		fw := t.Name() + "." + f.Name
		name, rest, _ := strings.Cut(f.Tag.Get("json"), ",")
		opts := strings.Split(rest, ",")
		switch {
		case f.Anonymous:
			c.t.Errorf("%s: embedded fields are not supported by this test; name the field", fw)
			continue
		case name == "-":
			continue
		case name == "":
			c.t.Errorf("%s has no json tag: give it a snake_case one", fw)
			continue
		case slices.Contains(opts, "string"):
			c.t.Errorf("%s: the json \",string\" option is not supported by this test", fw)
		}
		fields[name] = true
		omitted := slices.Contains(opts, "omitempty") || slices.Contains(opts, "omitzero")
		ploc := loc + "/properties/" + name
		p, ok := props[name].(map[string]any)
		if !ok {
			fix := fmt.Sprintf("add %q to %s/properties in result.schema.json, with the field's comment as its description", name, loc)
			if !omitted {
				fix += ", and to required"
			}
			c.t.Errorf("%s (json %q) is not in the schema: %s", fw, name, fix)
			continue
		}
		switch inRequired := slices.Contains(required, name); {
		case omitted && inRequired:
			c.t.Errorf("%s/required lists %q, but %s is omitempty: remove it from required", loc, name, fw)
		case !omitted && !inRequired:
			c.t.Errorf("%s/required lacks %q, but %s is always written: add it to required", loc, name, fw)
		}
		if want := c.comments[fw]; want == "" {
			c.t.Errorf("%s has no comment in result.go: every field says what it holds", fw)
		} else if got, _ := p["description"].(string); got != want {
			c.t.Errorf("%s/description = %q, want the comment on %s: %q", ploc, got, fw, want)
		}
		c.value(fw, ploc, f.Type, p, !omitted)
	}
	for _, name := range slices.Sorted(maps.Keys(props)) {
		if !fields[name] {
			c.t.Errorf("%s/properties has %q, which no field of %s writes: remove it, or add the field to result.go", loc, name, where)
		}
	}
	for _, name := range required {
		if !fields[name] {
			c.t.Errorf("%s/required lists %q, which no field of %s writes: remove it", loc, name, where)
		}
	}
}

// value checks the schema s, found at loc, of a value of Go type t.
// present is whether encoding/json always writes it (no omitempty): then
// a nil slice or pointer is written as null.
func (c *checker) value(where, loc string, t reflect.Type, s map[string]any, present bool) {
	nullable := present && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if ref, ok := s["$ref"].(string); ok {
		name, ok := strings.CutPrefix(ref, "#/$defs/")
		def, _ := c.defs[name].(map[string]any)
		if !ok || def == nil {
			c.t.Errorf("%s/$ref = %q: there is no such entry in $defs", loc, ref)
			return
		}
		if nullable {
			c.t.Errorf("%s: %s can be null, which a bare $ref does not allow: make it omitempty, or allow null in the schema and teach this test", loc, where)
		}
		first := !c.seen[name]
		c.seen[name] = true
		switch {
		case t.Kind() == reflect.Struct && t != timeType:
			if name != t.Name() {
				c.t.Errorf("%s/$ref = %q, but %s is a %s: point to #/$defs/%s", loc, ref, where, t.Name(), t.Name())
			} else if first {
				c.object(t.String(), ref, t, def)
			}
		case t.Kind() == reflect.String:
			if t.PkgPath() != "" && name != t.Name() {
				c.t.Errorf("%s/$ref = %q, but %s is a %s: point to #/$defs/%s", loc, ref, where, t, t.Name())
			}
			if d, _ := def["description"].(string); d == "" {
				c.t.Errorf("%s has no description", ref)
			}
			if got := strs(def["type"]); !slices.Equal(got, []string{"string"}) {
				c.t.Errorf(`%s/type = %q, but %s is a %s: make it "string"`, ref, got, where, t)
			}
		default:
			c.t.Errorf("%s: %s is a %s, which this test does not expect behind a $ref", loc, where, t)
		}
		return
	}
	if t.Kind() == reflect.Struct && t != timeType {
		c.t.Errorf("%s: %s is a struct: describe %s once in $defs/%s and point to it with $ref", loc, where, t, t.Name())
		return
	}
	if t.Kind() == reflect.String && t.PkgPath() != "" && len(c.consts[t.Name()]) > 0 {
		c.t.Errorf("%s: %s is a %s, which has constants: point to #/$defs/%s, which enumerates them", loc, where, t, t.Name())
	}
	want := []string{jsonType(t)}
	if nullable {
		want = append(want, "null")
	}
	if got := strs(s["type"]); !sameSet(got, want) {
		c.t.Errorf("%s/type = %q, want %q: that is how encoding/json writes %s (a %s, null when nil if not omitempty)", loc, got, want, where, t)
	}
	switch {
	case t == timeType:
		if s["format"] != "date-time" {
			c.t.Errorf(`%s: %s is a time.Time: give it "format": "date-time"`, loc, where)
		}
	case t.Kind() == reflect.Slice:
		items, ok := s["items"].(map[string]any)
		if !ok {
			c.t.Errorf("%s: %s is a %s: describe its elements in items", loc, where, t)
			return
		}
		c.value(where+"[]", loc+"/items", t.Elem(), items, true)
	case t.Kind() == reflect.Map:
		c.t.Errorf("%s: %s is a map, which this test does not support: Go's map order is not deterministic output anyway", loc, where)
	}
}

// jsonType is the JSON Schema type of the JSON encoding/json writes for t.
func jsonType(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.String:
		return "string"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct:
		if t == timeType {
			return "string"
		}
	}
	return "object"
}

// fieldsOf yields the exported fields of struct type t.
func fieldsOf(t reflect.Type) func(yield func(reflect.StructField) bool) {
	return func(yield func(reflect.StructField) bool) {
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && !yield(f) {
				return
			}
		}
	}
}

// goSource is what a Go file says that reflect cannot see.
type goSource struct {
	comments map[string]string   // "Type.Field" -> the field's comment, on one line
	consts   map[string][]string // type -> the values of its string constants, in order
}

func parseGo(t *testing.T, file string) goSource {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	src := goSource{comments: map[string]string{}, consts: map[string][]string{}}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range gd.Specs {
			switch spec := spec.(type) {
			case *ast.TypeSpec:
				st, ok := spec.Type.(*ast.StructType)
				if !ok {
					continue
				}
				for _, fl := range st.Fields.List {
					text := strings.Join(strings.Fields(fl.Doc.Text()+" "+fl.Comment.Text()), " ")
					for _, n := range fl.Names {
						src.comments[spec.Name.Name+"."+n.Name] = text
					}
				}
			case *ast.ValueSpec:
				typ, ok := spec.Type.(*ast.Ident)
				if !ok || gd.Tok != token.CONST {
					continue
				}
				for _, v := range spec.Values {
					if lit, ok := v.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, err := strconv.Unquote(lit.Value)
						if err != nil {
							t.Fatal(err)
						}
						src.consts[typ.Name] = append(src.consts[typ.Name], s)
					}
				}
			}
		}
	}
	return src
}

// strs reads a JSON string or array of strings.
func strs(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, _ := e.(string)
			out = append(out, s)
		}
		return out
	}
	return nil
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}
