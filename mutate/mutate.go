// Package mutate derives labelled variants of an event, each changing one thing a
// Splunk search and a Panther rule may treat differently (a semantic hazard):
// the case of a value or of a key, a missing, null or empty field, a list where a
// scalar was, failed-call error fields, wildcard characters in a value, a number
// written as a string. Running both rules on the variants is evidence about how
// they differ beyond the events someone thought to write down.
package mutate

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/concordsec/concord/ast"
)

// Kind names one semantic hazard.
type Kind string

const (
	ValueCase      Kind = "value-case"       // a string value in upper, lower or first-letter-flipped case
	KeyCase        Kind = "key-case"         // the key spelled in another case
	Missing        Kind = "missing"          // the key removed
	Null           Kind = "null"             // the value JSON null
	Empty          Kind = "empty"            // the value ""
	Array          Kind = "array"            // [v] and [v, other] instead of v
	ErrorFields    Kind = "error-fields"     // errorCode and/or errorMessage added (a failed call)
	Wildcard       Kind = "wildcard"         // * or % inserted in a string value
	NumberAsString Kind = "number-as-string" // 5 becomes "5"
	StringAsNumber Kind = "string-as-number" // "5" becomes 5
)

// Kinds lists every kind in the order mutants of one field are produced.
var Kinds = []Kind{ValueCase, KeyCase, Missing, Null, Empty, Array, Wildcard, NumberAsString, StringAsNumber, ErrorFields}

// Mutant is one variant of an event.
type Mutant struct {
	// Label is stable and unique within an event's mutants, "KIND:FIELD" or
	// "KIND:FIELD=VARIANT" (value-case:eventName=upper).
	Label string
	Field string // the field path as it is spelled in the event, dot-joined
	Kind  Kind
	Event *ast.Object // a new object; the original is left unchanged
}

// DefaultMax bounds the mutants of one event: a CloudTrail pair reads a dozen or
// two fields, about a dozen mutants each.
const DefaultMax = 256

// Error values a failed CloudTrail call carries.
const (
	AccessDenied  = "AccessDenied"
	DeniedMessage = "User is not authorized to perform this operation (concord mutant)"
	otherString   = "concord-other"
)

// Event returns the mutants of ev for the given field paths (dot-joined; a path
// that the event spells in another case is found case-insensitively, the way
// Panther finds it). Fields the event lacks get no mutants, except the error
// fields of a CloudTrail-like event, which are added when absent. The order is
// deterministic: fields sorted, then kinds in the order of Kinds. At most max
// mutants are returned (DefaultMax when max <= 0); capped says some were left out.
func Event(ev *ast.Object, fields []string, max int) (out []Mutant, capped bool) {
	if ev == nil {
		return nil, false
	}
	if max <= 0 {
		max = DefaultMax
	}
	var paths [][]string
	seen := map[string]bool{}
	for _, f := range sortedFields(fields) {
		if f == "" || strings.ContainsAny(f, "{}*") {
			continue // multivalue and wildcard field names do not name one JSON key
		}
		keys, ok := resolve(ev, strings.Split(f, "."))
		if !ok {
			continue
		}
		k := strings.Join(keys, "\x00")
		if seen[k] {
			continue
		}
		seen[k] = true
		paths = append(paths, keys)
	}
	add := func(m Mutant) bool {
		if len(out) >= max {
			capped = true
			return false
		}
		out = append(out, m)
		return true
	}
	for _, keys := range paths {
		for _, m := range fieldMutants(ev, keys) {
			if !add(m) {
				return out, capped
			}
		}
	}
	for _, m := range errorMutants(ev) {
		if !add(m) {
			return out, capped
		}
	}
	return out, capped
}

func sortedFields(fields []string) []string {
	out := append([]string(nil), fields...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := strings.ToLower(out[i]), strings.ToLower(out[j])
		if a != b {
			return a < b
		}
		return out[i] < out[j]
	})
	return out
}

// resolve finds the keys of path in o: the exact key at each level, else the
// first key equal under case folding.
func resolve(o *ast.Object, path []string) ([]string, bool) {
	var keys []string
	cur := o
	for i, p := range path {
		if cur == nil {
			return nil, false
		}
		k, ok := findKey(cur, p)
		if !ok {
			return nil, false
		}
		keys = append(keys, k)
		if i < len(path)-1 {
			v, _ := cur.Get(k)
			if v.Kind() != ast.KindObject {
				return nil, false
			}
			cur = v.AsObject()
		}
	}
	return keys, len(keys) > 0
}

func findKey(o *ast.Object, name string) (string, bool) {
	if _, ok := o.Get(name); ok {
		return name, true
	}
	for _, k := range o.Keys {
		if strings.EqualFold(k, name) {
			return k, true
		}
	}
	return "", false
}

// edit copies o along keys and lets f change the innermost object, which holds
// the last key; objects off the path are shared, since Values are immutable.
func edit(o *ast.Object, keys []string, f func(parent *ast.Object, key string)) *ast.Object {
	c := o.Clone()
	if len(keys) == 1 {
		f(c, keys[0])
		return c
	}
	child, _ := c.Get(keys[0])
	c.Set(keys[0], ast.ObjectOf(edit(child.AsObject(), keys[1:], f)))
	return c
}

func setValue(o *ast.Object, keys []string, v ast.Value) *ast.Object {
	return edit(o, keys, func(p *ast.Object, k string) { p.Set(k, v) })
}

func fieldMutants(ev *ast.Object, keys []string) []Mutant {
	field := strings.Join(keys, ".")
	v := ast.ObjectOf(ev).At(keys...)
	var out []Mutant
	mk := func(kind Kind, variant string, e *ast.Object) {
		label := string(kind) + ":" + field
		if variant != "" {
			label += "=" + variant
		}
		out = append(out, Mutant{Label: label, Field: field, Kind: kind, Event: e})
	}
	if v.Kind() == ast.KindString {
		s := v.AsString()
		done := map[string]bool{s: true}
		for _, c := range []struct {
			name string
			to   string
		}{{"upper", strings.ToUpper(s)}, {"lower", strings.ToLower(s)}, {"first", flipFirst(s)}} {
			if !done[c.to] {
				done[c.to] = true
				mk(ValueCase, c.name, setValue(ev, keys, ast.String(c.to)))
			}
		}
	}
	last := keys[len(keys)-1]
	for _, c := range []struct {
		name string
		to   string
	}{{"lower", strings.ToLower(last)}, {"upper", strings.ToUpper(last)}} {
		if c.to == last {
			continue
		}
		e := edit(ev, keys, func(p *ast.Object, k string) {
			if _, taken := p.Get(c.to); taken {
				return
			}
			for i := range p.Keys {
				if p.Keys[i] == k {
					p.Keys[i] = c.to // in place, so the key keeps its position
				}
			}
		})
		if _, renamed := parentOf(e, keys).Get(c.to); renamed {
			mk(KeyCase, c.name, e)
		}
	}
	mk(Missing, "", edit(ev, keys, func(p *ast.Object, k string) { p.Delete(k) }))
	if !v.IsNull() {
		mk(Null, "", setValue(ev, keys, ast.Null))
	}
	if !(v.Kind() == ast.KindString && v.AsString() == "") {
		mk(Empty, "", setValue(ev, keys, ast.String("")))
	}
	if other, ok := otherScalar(v); ok {
		mk(Array, "[v]", setValue(ev, keys, ast.List(v)))
		mk(Array, "[v,other]", setValue(ev, keys, ast.List(v, other)))
	}
	if v.Kind() == ast.KindString {
		s := v.AsString()
		for _, w := range []string{"*", "%"} {
			mk(Wildcard, w, setValue(ev, keys, ast.String(insertMiddle(s, w))))
		}
	}
	switch v.Kind() {
	case ast.KindInt, ast.KindFloat:
		mk(NumberAsString, "", setValue(ev, keys, ast.String(v.Text())))
	case ast.KindString:
		if n, ok := parseNumber(v.AsString()); ok {
			mk(StringAsNumber, "", setValue(ev, keys, n))
		}
	}
	return out
}

func parentOf(o *ast.Object, keys []string) *ast.Object {
	if len(keys) == 1 {
		return o
	}
	v := ast.ObjectOf(o).At(keys[:len(keys)-1]...)
	if v.Kind() != ast.KindObject {
		return &ast.Object{}
	}
	return v.AsObject()
}

// flipFirst flips the case of the first letter.
func flipFirst(s string) string {
	for i, r := range s {
		if !unicode.IsLetter(r) {
			continue
		}
		f := unicode.ToUpper(r)
		if unicode.IsUpper(r) {
			f = unicode.ToLower(r)
		}
		return s[:i] + string(f) + s[i+utf8.RuneLen(r):]
	}
	return s
}

func insertMiddle(s, w string) string {
	i := len(s) / 2
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + w + s[i:]
}

// otherScalar is a second value of v's type for the [v, other] mutant; only
// scalars get array mutants.
func otherScalar(v ast.Value) (ast.Value, bool) {
	switch v.Kind() {
	case ast.KindString:
		return ast.String(otherString), true
	case ast.KindInt:
		return ast.Int(v.AsInt() + 1), true
	case ast.KindFloat:
		return ast.Float(v.AsFloat() + 1), true
	case ast.KindBool:
		return ast.Bool(!v.AsBool()), true
	}
	return ast.Missing, false
}

func parseNumber(s string) (ast.Value, bool) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && strconv.FormatInt(n, 10) == s {
		return ast.Int(n), true
	}
	// Only plain decimals: "1e3", "NaN" and "Inf" are strings to both platforms' authors.
	if strings.ContainsAny(s, "eEnNiI") {
		return ast.Missing, false
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return ast.Float(f), true
	}
	return ast.Missing, false
}

// errorMutants turn a CloudTrail-like event (it has an eventName) into a failed
// call: CloudTrail writes errorCode and errorMessage only for those.
func errorMutants(ev *ast.Object) []Mutant {
	if _, ok := findKey(ev, "eventName"); !ok {
		return nil
	}
	_, hasCode := findKey(ev, "errorCode")
	_, hasMsg := findKey(ev, "errorMessage")
	var out []Mutant
	with := func(field string, kv ...string) {
		e := ev.Clone()
		for i := 0; i+1 < len(kv); i += 2 {
			e.Set(kv[i], ast.String(kv[i+1]))
		}
		out = append(out, Mutant{Label: string(ErrorFields) + ":" + field, Field: field, Kind: ErrorFields, Event: e})
	}
	if !hasCode {
		with("errorCode", "errorCode", AccessDenied)
	}
	if !hasMsg {
		with("errorMessage", "errorMessage", DeniedMessage)
	}
	if !hasCode && !hasMsg {
		with("errorCode+errorMessage", "errorCode", AccessDenied, "errorMessage", DeniedMessage)
	}
	return out
}
