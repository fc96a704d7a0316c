package main

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// The yaml package's messages name Go types ("field timout not found in
// type main.moduleFile", "cannot unmarshal !!str `10 sec` into
// time.Duration"); these match them so yamlError can say the same in the
// file's own words.
var (
	yamlUnknownField = regexp.MustCompile(`^line (\d+): field (\S+) not found in type (\S+)$`)
	yamlWrongType    = regexp.MustCompile("^line (\\d+): cannot unmarshal !!(\\w+)(?: `(.*)`)? into (\\S+)$")
)

// yamlKinds words what a setting of a Go type wants.
var yamlKinds = map[string]string{
	"time.Duration":    "a duration such as 10s",
	"int":              "a whole number",
	"bool":             "true or false",
	"string":           "a single value",
	"probe.ModeChoice": "implicit, explicit, both or auto",
	"[]string":         "a list such as [a, b]",
}

// yamlError rewords a decoding error of the file path, whose text is src,
// one line per mistake: `modules.yml: line 3: unknown field "timout"`,
// `modules.yml: line 4: timeout: "10 sec" is not a duration such as 10s`.
func yamlError(path string, src []byte, err error) error {
	te, ok := errors.AsType[*yaml.TypeError](err)
	if !ok { // a syntax error: "yaml: line 3: mapping values are not allowed in this context"
		return fmt.Errorf("%s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	lines := strings.Split(string(src), "\n")
	msgs := make([]string, len(te.Errors))
	for i, m := range te.Errors {
		msgs[i] = yamlMessage(m, lines)
	}
	return fmt.Errorf("%s: %s", path, strings.Join(msgs, "; "))
}

// yamlMessage rewords one of the yaml package's messages, naming the key
// of the line it points at; a message it does not know stays as it is.
func yamlMessage(m string, lines []string) string {
	if g := yamlUnknownField.FindStringSubmatch(m); g != nil {
		msg := fmt.Sprintf("line %s: unknown field %q", g[1], g[2])
		if near := nearest(g[2], yamlKeys()[g[3]]); near != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", near)
		}
		return msg
	}
	g := yamlWrongType.FindStringSubmatch(m)
	if g == nil {
		return m
	}
	what := map[string]string{"seq": "a list", "map": "a mapping"}[g[2]]
	if g[3] != "" || what == "" {
		what = strconv.Quote(g[3])
	}
	want, ok := yamlKinds[g[4]]
	if !ok {
		want = "a mapping of settings" // a struct or a map: a section of the file
	}
	key := ""
	if n, err := strconv.Atoi(g[1]); err == nil && n >= 1 && n <= len(lines) {
		// Only a plain "key: value" line: in a flow mapping ({ports: x}) the key is not the first.
		if k, v, found := strings.Cut(strings.TrimSpace(lines[n-1]), ":"); found && !strings.ContainsAny(k+v, "{[") {
			key = strings.TrimPrefix(k, "- ") + ": "
		}
	}
	return fmt.Sprintf("line %s: %s%s is not %s", g[1], key, what, want)
}

// yamlKeys are the keys each section of the file accepts, by the name of
// the Go type the yaml package's messages give for that section.
var yamlKeys = sync.OnceValue(func() map[string][]string {
	keys := map[string][]string{}
	for _, t := range []reflect.Type{reflect.TypeFor[configFile](), reflect.TypeFor[moduleFile](), reflect.TypeFor[allowFile]()} {
		keys[t.String()] = yamlTags(t)
	}
	return keys
})

// yamlTags lists the keys of struct t as the yaml package reads them,
// those of inline fields included.
func yamlTags(t reflect.Type) []string {
	var keys []string
	for f := range t.Fields() {
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case opts == "inline":
			keys = append(keys, yamlTags(f.Type)...)
		case f.IsExported() && name != "" && name != "-":
			keys = append(keys, name)
		}
	}
	return keys
}

// nearest is the key a misspelt word most likely meant: the closest by
// edit distance, when at most two edits away; "" when none is.
func nearest(word string, keys []string) string {
	best, bestDist := "", 3
	for _, k := range keys {
		if d := editDistance(word, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes (the
// keys are ASCII).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
