package ast

import (
	"reflect"
	"strings"
)

// Substitute returns a deep copy of a node (an Expr, a Command, or slices and
// structs of them) in which r has replaced the text of every string: field
// names, patterns, string literals. foreach uses it to instantiate its
// template once per field, which a reflective copy does for node types added
// later too.
func Substitute[T any](n T, r *strings.Replacer) T {
	return deepCopy(n, copier{str: r.Replace})
}

// MapFields returns a deep copy of an expression in which every field
// reference is replaced by what f returns for it: a Splunk search's
// conditions restated in terms of the fields before a rename or eval.
func MapFields(x Expr, f func(*Field) Expr) Expr {
	return deepCopy(x, copier{str: func(s string) string { return s }, field: f})
}

func deepCopy[T any](n T, c copier) T {
	v := reflect.ValueOf(&n).Elem()
	out := reflect.New(v.Type()).Elem()
	c.copy(out, v)
	return out.Interface().(T)
}

// copier copies a node tree, changing strings with str and, when field is
// set, replacing field references.
type copier struct {
	str   func(string) string
	field func(*Field) Expr
}

func (c copier) copy(dst, src reflect.Value) {
	switch src.Kind() {
	case reflect.String:
		dst.SetString(c.str(src.String()))
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Elem().Type())
		c.copy(p.Elem(), src.Elem())
		dst.Set(p)
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		if f, ok := src.Interface().(*Field); ok && c.field != nil {
			dst.Set(reflect.ValueOf(c.field(f)))
			return
		}
		e := reflect.New(src.Elem().Type()).Elem()
		c.copy(e, src.Elem())
		dst.Set(e)
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := 0; i < src.Len(); i++ {
			c.copy(s.Index(i), src.Index(i))
		}
		dst.Set(s)
	case reflect.Map:
		if src.IsNil() {
			return
		}
		m := reflect.MakeMapWithSize(src.Type(), src.Len())
		it := src.MapRange()
		for it.Next() {
			k := reflect.New(it.Key().Type()).Elem()
			c.copy(k, it.Key())
			val := reflect.New(it.Value().Type()).Elem()
			c.copy(val, it.Value())
			m.SetMapIndex(k, val)
		}
		dst.Set(m)
	case reflect.Struct:
		if src.Type() == valueType {
			v := src.Interface().(Value)
			if v.Kind() == KindString {
				v = String(c.str(v.AsString()))
			}
			dst.Set(reflect.ValueOf(v))
			return
		}
		for i := 0; i < src.NumField(); i++ {
			if !dst.Field(i).CanSet() {
				continue // unexported fields stay zero; AST nodes have none
			}
			c.copy(dst.Field(i), src.Field(i))
		}
	default:
		dst.Set(src)
	}
}
