package ast

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
)

// ParseJSON decodes one JSON document into a Value, keeping object key order and
// integers as ints. It is the single entry point from JSON to Value.
func ParseJSON(data []byte) (Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return Missing, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return Missing, fmt.Errorf("unexpected data after the JSON value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (Value, error) {
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return Missing, io.ErrUnexpectedEOF
		}
		return Missing, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			o := &Object{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return Missing, err
				}
				k, ok := kt.(string)
				if !ok {
					return Missing, fmt.Errorf("object key is not a string")
				}
				v, err := decodeValue(dec)
				if err != nil {
					return Missing, err
				}
				// JSON with duplicate keys keeps the last, as Python's json module does.
				o.Set(k, v)
			}
			if _, err := dec.Token(); err != nil {
				return Missing, err
			}
			return ObjectOf(o), nil
		case '[':
			var vs []Value
			for dec.More() {
				v, err := decodeValue(dec)
				if err != nil {
					return Missing, err
				}
				vs = append(vs, v)
			}
			if _, err := dec.Token(); err != nil {
				return Missing, err
			}
			if vs == nil {
				vs = []Value{}
			}
			return List(vs...), nil
		}
		return Missing, fmt.Errorf("unexpected %v", t)
	case nil:
		return Null, nil
	case bool:
		return Bool(t), nil
	case string:
		return String(t), nil
	case json.Number:
		if n, err := strconv.ParseInt(string(t), 10, 64); err == nil {
			return Int(n), nil
		}
		f, err := strconv.ParseFloat(string(t), 64)
		if err != nil {
			return Missing, err
		}
		return Float(f), nil
	}
	return Missing, fmt.Errorf("unexpected token %v", tok)
}

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
		return v.b
	case KindInt:
		return v.n
	case KindFloat:
		return v.f
	case KindString:
		return v.s
	case KindList:
		out := make([]any, len(v.list))
		for i, e := range v.list {
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
