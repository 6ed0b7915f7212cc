package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// tmpl is text with placeholders, split once so that expanding it is a run of
// appends: generating a gigabyte must not parse anything per event.
type tmpl []segment

type segment struct {
	lit string
	v   varFunc // nil: the literal only
}

// varFunc appends a generated value for the event being written.
type varFunc func(g *Generator, b []byte) []byte

func (t tmpl) append(g *Generator, b []byte) []byte {
	for _, s := range t {
		b = append(b, s.lit...)
		if s.v != nil {
			b = s.v(g, b)
		}
	}
	return b
}

// jsonTmpl compacts a JSON text and compiles its placeholders. Placeholders sit
// inside JSON strings ("{{time}}") so the text stays valid JSON and can be
// written readably; "{{#n}}", quotes included, stands for a bare number.
// A malformed text or an unknown name panics: templates are package data.
func jsonTmpl(src string) tmpl {
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(src)); err != nil {
		panic(fmt.Sprintf("template %.60q: %v", src, err))
	}
	return textTmpl(buf.String())
}

// textTmpl compiles a text's placeholders without reading it as JSON.
func textTmpl(src string) tmpl {
	var t tmpl
	for {
		i := strings.Index(src, "{{")
		if i < 0 {
			return append(t, segment{lit: src})
		}
		j := strings.Index(src[i:], "}}")
		if j < 0 {
			panic(fmt.Sprintf("template %.60q: unclosed {{", src))
		}
		name := src[i+2 : i+j]
		rest := src[i+j+2:]
		lit := src[:i]
		if strings.HasPrefix(name, "#") {
			name = name[1:]
			if !strings.HasSuffix(lit, `"`) || !strings.HasPrefix(rest, `"`) {
				panic(fmt.Sprintf("template %.60q: {{#%s}} must be quoted", src, name))
			}
			lit, rest = lit[:len(lit)-1], rest[1:]
		}
		v, ok := vars[name]
		if !ok {
			panic(fmt.Sprintf("template %.60q: unknown placeholder %q", src, name))
		}
		t = append(t, segment{lit: lit, v: v})
		src = rest
	}
}
