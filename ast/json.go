package ast

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// FromGo converts the values a YAML or JSON library produces (map[string]any,
// []any, scalars) into a Value. Map key order is not known there, so keys are
// sorted for determinism unless the caller passes an ordered source.
func FromGo(x any) Value {
	switch t := x.(type) {
	case nil:
		return Null
	case Value:
		return t
	case bool:
		return Bool(t)
	case int:
		return Int(int64(t))
	case int64:
		return Int(t)
	case uint64:
		return Int(int64(t))
	case float64:
		return Float(t)
	case string:
		return String(t)
	case []any:
		vs := make([]Value, len(t))
		for i, e := range t {
			vs[i] = FromGo(e)
		}
		return List(vs...)
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := &Object{}
		for _, k := range keys {
			o.Set(k, FromGo(t[k]))
		}
		return ObjectOf(o)
	}
	return String(fmt.Sprint(x))
}

// ToGo converts a Value to plain Go values for encoding/json (ordered objects
// become OrderedObject so key order survives encoding).
func ToGo(v Value) any {
	switch v.kind {
	case KindMissing, KindNull:
		return nil
	case KindBool:
		return v.AsBool()
	case KindInt:
		return v.AsInt()
	case KindFloat:
		return v.AsFloat()
	case KindString:
		return v.s
	case KindList:
		out := make([]any, len(v.obj.Vals))
		for i, e := range v.obj.Vals {
			out[i] = ToGo(e)
		}
		return out
	case KindObject:
		return orderedObject{v.obj}
	}
	return nil
}

type orderedObject struct{ o *Object }

func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.o.Keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(ToGo(o.o.Vals[i]))
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// MarshalJSON lets Values be embedded in JSON reports directly.
func (v Value) MarshalJSON() ([]byte, error) { return json.Marshal(ToGo(v)) }

// JSON renders a value as compact JSON.
func JSON(v Value) string {
	b, err := json.Marshal(ToGo(v))
	if err != nil {
		return fmt.Sprintf("%q", err.Error())
	}
	return string(b)
}
