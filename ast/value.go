package ast

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// Kind is the type of a Value.
type Kind uint8

const (
	// KindMissing is a field that is not in the event. It is kept apart from Null
	// because the platforms treat the two differently (Splunk's `NOT f=v` vs `f!=v`,
	// Python's dict.get default, Panther match expressions).
	KindMissing Kind = iota
	KindNull         // JSON null, Python None, SPL null()
	KindBool
	KindInt
	KindFloat
	KindString
	KindList   // JSON array, Python list/tuple/set, Splunk multivalue field
	KindObject // JSON object, Python dict
)

var kindNames = [...]string{"missing", "null", "bool", "int", "float", "string", "list", "object"}

func (k Kind) String() string { return kindNames[k] }

// Value is an immutable dynamically typed value. The zero Value is Missing.
// It is kept small (40 bytes) because events, views and rows are arrays of
// them: a bool, int or float is in bits, a list's elements are in an Object's
// Vals (without keys).
type Value struct {
	kind Kind
	bits uint64
	s    string
	obj  *Object
}

// Object is an ordered mapping; key order is the source order, which reports keep.
type Object struct {
	Keys []string
	Vals []Value
}

// Get returns the value for an exact key.
func (o *Object) Get(key string) (Value, bool) {
	for i, k := range o.Keys {
		if k == key {
			return o.Vals[i], true
		}
	}
	return Missing, false
}

// At is the value at a path of exact keys, Missing where the path leaves the
// objects.
func (v Value) At(path ...string) Value {
	for _, k := range path {
		if v.kind != KindObject {
			return Missing
		}
		v, _ = v.obj.Get(k)
	}
	return v
}

// GetFold returns the value for key the way Panther's event does: the exact key
// first, then the first key equal under Unicode case folding.
func (o *Object) GetFold(key string) (Value, bool) {
	if v, ok := o.Get(key); ok {
		return v, true
	}
	for i, k := range o.Keys {
		if strings.EqualFold(k, key) {
			return o.Vals[i], true
		}
	}
	return Missing, false
}

// SetPath sets a nested key, creating objects on the way (in place of
// anything that is not one); a Missing value sets nothing.
func (o *Object) SetPath(path []string, v Value) {
	if v.IsMissing() || len(path) == 0 {
		return
	}
	for _, k := range path[:len(path)-1] {
		next, ok := o.Get(k)
		if !ok || next.Kind() != KindObject {
			next = ObjectOf(&Object{})
			o.Set(k, next)
		}
		o = next.AsObject()
	}
	o.Set(path[len(path)-1], v)
}

// DeletePath removes the key at the end of path, if the objects on the way
// are there.
func (o *Object) DeletePath(path []string) {
	if len(path) == 0 {
		return
	}
	for _, k := range path[:len(path)-1] {
		next, ok := o.Get(k)
		if !ok || next.Kind() != KindObject {
			return
		}
		o = next.AsObject()
	}
	o.Delete(path[len(path)-1])
}

// Set replaces or appends a key.
func (o *Object) Set(key string, v Value) {
	for i, k := range o.Keys {
		if k == key {
			o.Vals[i] = v
			return
		}
	}
	o.Keys = append(o.Keys, key)
	o.Vals = append(o.Vals, v)
}

// Delete removes a key if present.
func (o *Object) Delete(key string) {
	for i, k := range o.Keys {
		if k == key {
			o.Keys = append(o.Keys[:i:i], o.Keys[i+1:]...)
			o.Vals = append(o.Vals[:i:i], o.Vals[i+1:]...)
			return
		}
	}
}

// Len is the number of keys.
func (o *Object) Len() int { return len(o.Keys) }

// Clone is a copy of o whose keys and values can change without changing o
// (the values themselves are shared).
func (o *Object) Clone() *Object {
	return &Object{Keys: append([]string(nil), o.Keys...), Vals: append([]Value(nil), o.Vals...)}
}

// Multi is a Splunk field's values: none for a missing or null field, the
// elements of a multivalue field, else the value itself.
func Multi(v Value) []Value {
	switch v.Kind() {
	case KindMissing, KindNull:
		return nil
	case KindList:
		return v.AsList()
	}
	return []Value{v}
}

// MultiOf is the field holding vs: null for none, the value for one, a
// multivalue field for more.
func MultiOf(vs []Value) Value {
	switch len(vs) {
	case 0:
		return Null
	case 1:
		return vs[0]
	}
	return List(vs...)
}

var (
	Missing = Value{}
	Null    = Value{kind: KindNull}
	True    = Value{kind: KindBool, bits: 1}
	False   = Value{kind: KindBool}
)

func Bool(b bool) Value {
	if b {
		return True
	}
	return False
}
func Int(n int64) Value        { return Value{kind: KindInt, bits: uint64(n)} }
func Float(f float64) Value    { return Value{kind: KindFloat, bits: math.Float64bits(f)} }
func String(s string) Value    { return Value{kind: KindString, s: s} }
func List(vs ...Value) Value   { return Value{kind: KindList, obj: &Object{Vals: vs}} }
func ObjectOf(o *Object) Value { return Value{kind: KindObject, obj: o} }

func (v Value) Kind() Kind      { return v.kind }
func (v Value) IsMissing() bool { return v.kind == KindMissing }
func (v Value) IsNull() bool    { return v.kind == KindNull }
func (v Value) IsNullish() bool { return v.kind <= KindNull }

// The As methods return the zero value of their type for a Value of another
// kind.
func (v Value) AsBool() bool     { return v.kind == KindBool && v.bits != 0 }
func (v Value) AsString() string { return v.s }

func (v Value) AsInt() int64 {
	if v.kind != KindInt {
		return 0
	}
	return int64(v.bits)
}

func (v Value) AsFloat() float64 {
	if v.kind != KindFloat {
		return 0
	}
	return math.Float64frombits(v.bits)
}

func (v Value) AsList() []Value {
	if v.kind != KindList {
		return nil
	}
	return v.obj.Vals
}

func (v Value) AsObject() *Object {
	if v.kind != KindObject {
		return nil
	}
	return v.obj
}

// Number returns the value as a float when it is an int or float.
func (v Value) Number() (float64, bool) {
	switch v.kind {
	case KindInt:
		return float64(v.AsInt()), true
	case KindFloat:
		return v.AsFloat(), true
	}
	return 0, false
}

// Truth is Python truthiness: None, False, 0, "" and empty containers are false.
// Missing is false (a missing key reads as None through event.get).
func (v Value) Truth() bool {
	switch v.kind {
	case KindBool:
		return v.AsBool()
	case KindInt:
		return v.AsInt() != 0
	case KindFloat:
		return v.AsFloat() != 0
	case KindString:
		return v.s != ""
	case KindList:
		return len(v.obj.Vals) > 0
	case KindObject:
		return v.obj != nil && v.obj.Len() > 0
	}
	return false
}

// Equal is structural equality with Python's rules for numbers (1 == 1.0, True == 1)
// and without any coercion between strings and numbers. Missing equals Null.
func Equal(a, b Value) bool {
	if a.IsNullish() || b.IsNullish() {
		return a.IsNullish() && b.IsNullish()
	}
	if an, ok := pyNumber(a); ok {
		bn, ok := pyNumber(b)
		return ok && an == bn
	}
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case KindString:
		return a.s == b.s
	case KindList:
		xs, ys := a.obj.Vals, b.obj.Vals
		if len(xs) != len(ys) {
			return false
		}
		for i := range xs {
			if !Equal(xs[i], ys[i]) {
				return false
			}
		}
		return true
	case KindObject:
		if a.obj.Len() != b.obj.Len() {
			return false
		}
		for i, k := range a.obj.Keys {
			bv, ok := b.obj.Get(k)
			if !ok || !Equal(a.obj.Vals[i], bv) {
				return false
			}
		}
		return true
	}
	return false
}

func pyNumber(v Value) (float64, bool) {
	if v.kind == KindBool {
		if v.AsBool() {
			return 1, true
		}
		return 0, true
	}
	return v.Number()
}

// Text renders a scalar the way Splunk displays a field value: numbers without
// trailing zeros, booleans as true/false, null and missing as "". Lists are
// rendered as their values joined by newlines (Splunk's multivalue display).
func (v Value) Text() string {
	switch v.kind {
	case KindBool:
		if v.AsBool() {
			return "true"
		}
		return "false"
	case KindInt:
		return strconv.FormatInt(v.AsInt(), 10)
	case KindFloat:
		return formatFloat(v.AsFloat())
	case KindString:
		return v.s
	case KindList:
		parts := make([]string, len(v.obj.Vals))
		for i, e := range v.obj.Vals {
			parts[i] = e.Text()
		}
		return strings.Join(parts, "\n")
	case KindObject:
		return JSON(v)
	}
	return ""
}

func formatFloat(f float64) string {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// pyFloatRepr is Python's float repr: the shortest digits that round-trip,
// positional when the decimal exponent is in [-4, 16), else scientific.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	exp, _ := strconv.Atoi(e[strings.LastIndexByte(e, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return e
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

// Repr renders a value as Python's repr() does; used for str() of containers,
// f-strings and reports about Panther rules.
func (v Value) Repr() string {
	switch v.kind {
	case KindMissing, KindNull:
		return "None"
	case KindBool:
		if v.AsBool() {
			return "True"
		}
		return "False"
	case KindString:
		return pyQuote(v.s)
	case KindFloat:
		return pyFloatRepr(v.AsFloat())
	case KindList:
		parts := make([]string, len(v.obj.Vals))
		for i, e := range v.obj.Vals {
			parts[i] = e.Repr()
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case KindObject:
		parts := make([]string, v.obj.Len())
		for i, k := range v.obj.Keys {
			parts[i] = pyQuote(k) + ": " + v.obj.Vals[i].Repr()
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return v.Text()
}

// Str is Python's str(): strings unquoted, everything else as repr.
func (v Value) Str() string {
	if v.kind == KindString {
		return v.s
	}
	return v.Repr()
}

func pyQuote(s string) string {
	q := byte('\'')
	if strings.ContainsRune(s, '\'') && !strings.ContainsRune(s, '"') {
		q = '"'
	}
	return string(q) + PyEscape(s, q, false) + string(q)
}

// PyEscape is s's text inside a Python string literal quoted with q, escaped
// as CPython's repr escapes it (backslash, the quote, \n \r \t, \xNN below
// U+0100, \uNNNN and \UNNNNNNNN for other characters that are not printable);
// braces doubled when braces is set (an f-string's literal text).
func PyEscape(s string, q byte, braces bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == rune(q):
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case braces && (r == '{' || r == '}'):
			b.WriteRune(r)
			b.WriteRune(r)
		case r == ' ' || unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			fmt.Fprintf(&b, `\U%08x`, r)
		}
	}
	return b.String()
}
