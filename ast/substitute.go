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
	v := reflect.ValueOf(&n).Elem()
	out := reflect.New(v.Type()).Elem()
	substitute(out, v, r)
	return out.Interface().(T)
}

func substitute(dst, src reflect.Value, r *strings.Replacer) {
	switch src.Kind() {
	case reflect.String:
		dst.SetString(r.Replace(src.String()))
	case reflect.Pointer:
		if src.IsNil() {
			return
		}
		p := reflect.New(src.Elem().Type())
		substitute(p.Elem(), src.Elem(), r)
		dst.Set(p)
	case reflect.Interface:
		if src.IsNil() {
			return
		}
		e := reflect.New(src.Elem().Type()).Elem()
		substitute(e, src.Elem(), r)
		dst.Set(e)
	case reflect.Slice:
		if src.IsNil() {
			return
		}
		s := reflect.MakeSlice(src.Type(), src.Len(), src.Len())
		for i := 0; i < src.Len(); i++ {
			substitute(s.Index(i), src.Index(i), r)
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
			substitute(k, it.Key(), r)
			val := reflect.New(it.Value().Type()).Elem()
			substitute(val, it.Value(), r)
			m.SetMapIndex(k, val)
		}
		dst.Set(m)
	case reflect.Struct:
		if src.Type() == valueType {
			v := src.Interface().(Value)
			if v.Kind() == KindString {
				v = String(r.Replace(v.AsString()))
			}
			dst.Set(reflect.ValueOf(v))
			return
		}
		for i := 0; i < src.NumField(); i++ {
			if !dst.Field(i).CanSet() {
				continue // unexported fields stay zero; AST nodes have none
			}
			substitute(dst.Field(i), src.Field(i), r)
		}
	default:
		dst.Set(src)
	}
}
