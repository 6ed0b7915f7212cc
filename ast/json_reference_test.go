package ast

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
)

// parseJSONReference is ParseJSON as it was before the hand-written decoder:
// encoding/json's token stream. It stays as the definition the fast decoder is
// fuzzed against.
func parseJSONReference(data []byte) (Value, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := referenceValue(dec)
	if err != nil {
		return Missing, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return Missing, fmt.Errorf("unexpected data after the JSON value")
	}
	return v, nil
}

func referenceValue(dec *json.Decoder) (Value, error) {
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
				v, err := referenceValue(dec)
				if err != nil {
					return Missing, err
				}
				o.Set(k, v)
			}
			if _, err := dec.Token(); err != nil {
				return Missing, err
			}
			return ObjectOf(o), nil
		case '[':
			var vs []Value
			for dec.More() {
				v, err := referenceValue(dec)
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
