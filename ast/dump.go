package ast

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// Dump renders any node (expression, command, rule, or a value built from
// them) as indented text for golden files and test failures. It walks the
// value by reflection so that node types added later need no printer of
// their own.
//
// Format: a struct is its type name followed by one exported field per line,
// in declaration order, indented two spaces deeper than the line that names
// the struct. Positions (Span, Pos) are left out so that goldens do not churn
// when a search moves, and so are zero values, except enumerations with a
// String method (Op: and, Kind: exact), whose zero is a meaningful constant,
// and Values, where the zero Value is Missing. Scalars and lists of scalars
// stay on the field's line; other list elements get a line each, numbered
// [i]. Map keys are sorted. A Value is its kind and its JSON text.
func Dump(n any) string {
	d := &dumper{onPath: map[uintptr]bool{}}
	v := reflect.ValueOf(n)
	if !v.IsValid() {
		return "nil\n"
	}
	d.value(v, 0)
	d.b.WriteByte('\n')
	return d.b.String()
}

var (
	valueType    = reflect.TypeFor[Value]()
	spanType     = reflect.TypeFor[Span]()
	posType      = reflect.TypeFor[Pos]()
	stringerType = reflect.TypeFor[fmt.Stringer]()
	astPkgPath   = valueType.PkgPath()
)

type dumper struct {
	b strings.Builder
	// onPath holds the pointers being printed, so that a cyclic structure
	// ends in <cycle> instead of recursing forever. Shared pointers that are
	// not cycles are printed in full each time.
	onPath map[uintptr]bool
}

func (d *dumper) line(indent int) {
	d.b.WriteByte('\n')
	d.b.WriteString(strings.Repeat("  ", indent))
}

// value writes v starting on the current line; its fields or elements go on
// following lines at indent+1.
func (d *dumper) value(v reflect.Value, indent int) {
	if s, ok := inline(v); ok {
		d.b.WriteString(s)
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			d.b.WriteString("nil")
			return
		}
		p := v.Pointer()
		if d.onPath[p] {
			d.b.WriteString("<cycle>")
			return
		}
		d.onPath[p] = true
		d.value(v.Elem(), indent)
		delete(d.onPath, p)
	case reflect.Interface:
		if v.IsNil() {
			d.b.WriteString("nil")
			return
		}
		d.value(v.Elem(), indent)
	case reflect.Struct:
		d.b.WriteString(typeName(v.Type()))
		d.fields(v, indent+1)
	case reflect.Slice, reflect.Array:
		fmt.Fprintf(&d.b, "[%d]", v.Len())
		for i := range v.Len() {
			d.line(indent + 1)
			fmt.Fprintf(&d.b, "[%d] ", i)
			d.value(v.Index(i), indent+1)
		}
	case reflect.Map:
		fmt.Fprintf(&d.b, "{%d}", v.Len())
		for _, k := range sortedKeys(v) {
			d.line(indent + 1)
			ks, _ := inline(k)
			d.b.WriteString(ks + ": ")
			d.value(v.MapIndex(k), indent+1)
		}
	default:
		// Funcs and channels carry no AST content; name their type.
		d.b.WriteString("<" + v.Type().String() + ">")
	}
}

// fields writes the exported fields of struct v, one per line at indent.
// Fields of embedded structs other than Span are promoted, as Go does.
func (d *dumper) fields(v reflect.Value, indent int) {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		fv := v.Field(i)
		if isPosition(f.Type) {
			continue
		}
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			// An unexported embedded struct's fields cannot be read through
			// reflection's Interface; the AST has none.
			if f.IsExported() {
				d.fields(fv, indent)
			}
			continue
		}
		if !f.IsExported() || omit(fv) {
			continue
		}
		d.line(indent)
		d.b.WriteString(f.Name + ": ")
		d.value(fv, indent)
	}
}

func isPosition(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t == spanType || t == posType
}

// omit reports whether a field's value is left out: the zero value of any
// type that is not an enumeration with names or a Value.
func omit(v reflect.Value) bool {
	if v.Type() == valueType || isEnum(v.Type()) {
		return false
	}
	return v.IsZero()
}

// isEnum is a named scalar type with a String method (LogicOp, CmpOp, ...).
func isEnum(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return t.Name() != "" && t.Implements(stringerType)
	}
	return false
}

// inline renders v on one line when it is a scalar, a Value, or a list or map
// of those.
func inline(v reflect.Value) (string, bool) {
	t := v.Type()
	if t == valueType {
		return dumpValue(v.Interface().(Value)), true
	}
	if isEnum(t) {
		return v.Interface().(fmt.Stringer).String(), true
	}
	switch t.Kind() {
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(v.Uint(), 10), true
	case reflect.Float32, reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'g', -1, 64), true
	case reflect.String:
		return strconv.Quote(v.String()), true
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && v.IsNil() {
			return "[]", true
		}
		parts := make([]string, v.Len())
		for i := range v.Len() {
			s, ok := inline(v.Index(i))
			if !ok {
				return "", false
			}
			parts[i] = s
		}
		return "[" + strings.Join(parts, ", ") + "]", true
	case reflect.Map:
		parts := make([]string, 0, v.Len())
		for _, k := range sortedKeys(v) {
			ks, ok1 := inline(k)
			vs, ok2 := inline(v.MapIndex(k))
			if !ok1 || !ok2 {
				return "", false
			}
			parts = append(parts, ks+": "+vs)
		}
		return "{" + strings.Join(parts, ", ") + "}", true
	}
	return "", false
}

// dumpValue is a Value's kind and JSON text, so that int 1, float 1 and
// string "1" stay apart.
func dumpValue(v Value) string {
	switch v.Kind() {
	case KindMissing, KindNull:
		return v.Kind().String()
	}
	return v.Kind().String() + " " + JSON(v)
}

// sortedKeys orders map keys by their inline text, which is deterministic for
// every key type a map can have in the AST.
func sortedKeys(v reflect.Value) []reflect.Value {
	keys := v.MapKeys()
	text := make(map[int]string, len(keys))
	idx := make([]int, len(keys))
	for i, k := range keys {
		idx[i] = i
		s, ok := inline(k)
		if !ok {
			s = fmt.Sprint(k.Interface())
		}
		text[i] = s
	}
	sort.SliceStable(idx, func(a, b int) bool { return text[idx[a]] < text[idx[b]] })
	out := make([]reflect.Value, len(keys))
	for i, j := range idx {
		out[i] = keys[j]
	}
	return out
}

// typeName is the name of an ast type without its package, and the qualified
// name of any other type.
func typeName(t reflect.Type) string {
	if t.PkgPath() == astPkgPath && t.Name() != "" {
		return t.Name()
	}
	return t.String()
}
