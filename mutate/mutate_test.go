package mutate

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

func obj(t *testing.T, s string) *ast.Object {
	t.Helper()
	v, err := ast.ParseJSON([]byte(s))
	if err != nil || v.Kind() != ast.KindObject {
		t.Fatalf("bad test event %s: %v", s, err)
	}
	return v.AsObject()
}

func TestEvent(t *testing.T) {
	cases := []struct {
		note   string
		event  string
		fields []string
		want   map[string]string // label → resulting event; every label listed, in order
	}{
		{
			note:   "string field",
			event:  `{"eventName":"GetObject"}`,
			fields: []string{"eventName"},
			want: map[string]string{
				"value-case:eventName=upper":          `{"eventName":"GETOBJECT"}`,
				"value-case:eventName=lower":          `{"eventName":"getobject"}`,
				"value-case:eventName=first":          `{"eventName":"getObject"}`,
				"key-case:eventName=lower":            `{"eventname":"GetObject"}`,
				"key-case:eventName=upper":            `{"EVENTNAME":"GetObject"}`,
				"missing:eventName":                   `{}`,
				"null:eventName":                      `{"eventName":null}`,
				"empty:eventName":                     `{"eventName":""}`,
				"array:eventName=[v]":                 `{"eventName":["GetObject"]}`,
				"array:eventName=[v,other]":           `{"eventName":["GetObject","concord-other"]}`,
				"wildcard:eventName=*":                `{"eventName":"GetO*bject"}`,
				"wildcard:eventName=%":                `{"eventName":"GetO%bject"}`,
				"error-fields:errorCode":              `{"eventName":"GetObject","errorCode":"AccessDenied"}`,
				"error-fields:errorMessage":           `{"eventName":"GetObject","errorMessage":"` + DeniedMessage + `"}`,
				"error-fields:errorCode+errorMessage": `{"eventName":"GetObject","errorCode":"AccessDenied","errorMessage":"` + DeniedMessage + `"}`,
			},
		},
		{
			note:   "nested path, numbers both ways, lowercase value",
			event:  `{"a":{"n":5,"s":"7","t":"x"},"b":1}`,
			fields: []string{"a.t", "a.n", "A.S", "zzz"},
			want: map[string]string{
				"key-case:a.n=upper":   `{"a":{"N":5,"s":"7","t":"x"},"b":1}`,
				"missing:a.n":          `{"a":{"s":"7","t":"x"},"b":1}`,
				"null:a.n":             `{"a":{"n":null,"s":"7","t":"x"},"b":1}`,
				"empty:a.n":            `{"a":{"n":"","s":"7","t":"x"},"b":1}`,
				"array:a.n=[v]":        `{"a":{"n":[5],"s":"7","t":"x"},"b":1}`,
				"array:a.n=[v,other]":  `{"a":{"n":[5,6],"s":"7","t":"x"},"b":1}`,
				"number-as-string:a.n": `{"a":{"n":"5","s":"7","t":"x"},"b":1}`,
				"key-case:a.s=upper":   `{"a":{"n":5,"S":"7","t":"x"},"b":1}`,
				"missing:a.s":          `{"a":{"n":5,"t":"x"},"b":1}`,
				"null:a.s":             `{"a":{"n":5,"s":null,"t":"x"},"b":1}`,
				"empty:a.s":            `{"a":{"n":5,"s":"","t":"x"},"b":1}`,
				"array:a.s=[v]":        `{"a":{"n":5,"s":["7"],"t":"x"},"b":1}`,
				"array:a.s=[v,other]":  `{"a":{"n":5,"s":["7","concord-other"],"t":"x"},"b":1}`,
				"wildcard:a.s=*":       `{"a":{"n":5,"s":"*7","t":"x"},"b":1}`,
				"wildcard:a.s=%":       `{"a":{"n":5,"s":"%7","t":"x"},"b":1}`,
				"string-as-number:a.s": `{"a":{"n":5,"s":7,"t":"x"},"b":1}`,
				"value-case:a.t=upper": `{"a":{"n":5,"s":"7","t":"X"},"b":1}`,
				"key-case:a.t=upper":   `{"a":{"n":5,"s":"7","T":"x"},"b":1}`,
				"missing:a.t":          `{"a":{"n":5,"s":"7"},"b":1}`,
				"null:a.t":             `{"a":{"n":5,"s":"7","t":null},"b":1}`,
				"empty:a.t":            `{"a":{"n":5,"s":"7","t":""},"b":1}`,
				"array:a.t=[v]":        `{"a":{"n":5,"s":"7","t":["x"]},"b":1}`,
				"array:a.t=[v,other]":  `{"a":{"n":5,"s":"7","t":["x","concord-other"]},"b":1}`,
				"wildcard:a.t=*":       `{"a":{"n":5,"s":"7","t":"*x"},"b":1}`,
				"wildcard:a.t=%":       `{"a":{"n":5,"s":"7","t":"%x"},"b":1}`,
			},
		},
		{
			note:   "errors already present, key-case that would collide",
			event:  `{"eventName":"X","eventname":"y","errorCode":"E","errorMessage":null}`,
			fields: []string{"eventname"},
			want: map[string]string{
				"value-case:eventname=upper": `{"eventName":"X","eventname":"Y","errorCode":"E","errorMessage":null}`,
				"key-case:eventname=upper":   `{"eventName":"X","EVENTNAME":"y","errorCode":"E","errorMessage":null}`,
				"missing:eventname":          `{"eventName":"X","errorCode":"E","errorMessage":null}`,
				"null:eventname":             `{"eventName":"X","eventname":null,"errorCode":"E","errorMessage":null}`,
				"empty:eventname":            `{"eventName":"X","eventname":"","errorCode":"E","errorMessage":null}`,
				"array:eventname=[v]":        `{"eventName":"X","eventname":["y"],"errorCode":"E","errorMessage":null}`,
				"array:eventname=[v,other]":  `{"eventName":"X","eventname":["y","concord-other"],"errorCode":"E","errorMessage":null}`,
				"wildcard:eventname=*":       `{"eventName":"X","eventname":"*y","errorCode":"E","errorMessage":null}`,
				"wildcard:eventname=%":       `{"eventName":"X","eventname":"%y","errorCode":"E","errorMessage":null}`,
			},
		},
	}
	for _, c := range cases {
		t.Run(c.note, func(t *testing.T) {
			ev := obj(t, c.event)
			before := ast.JSON(ast.ObjectOf(ev))
			got, capped := Event(ev, c.fields, 0)
			if capped {
				t.Errorf("capped")
			}
			if after := ast.JSON(ast.ObjectOf(ev)); after != before {
				t.Errorf("the original changed: %s", after)
			}
			seen := map[string]bool{}
			for _, m := range got {
				if seen[m.Label] {
					t.Errorf("duplicate label %s", m.Label)
				}
				seen[m.Label] = true
				want, ok := c.want[m.Label]
				if !ok {
					t.Errorf("unexpected mutant %s: %s", m.Label, ast.JSON(ast.ObjectOf(m.Event)))
					continue
				}
				if g := ast.JSON(ast.ObjectOf(m.Event)); g != want {
					t.Errorf("%s = %s, want %s", m.Label, g, want)
				}
				if !strings.HasPrefix(m.Label, string(m.Kind)+":"+m.Field) {
					t.Errorf("%s: kind %s field %s do not match the label", m.Label, m.Kind, m.Field)
				}
			}
			for l := range c.want {
				if !seen[l] {
					t.Errorf("missing mutant %s", l)
				}
			}
		})
	}
}

// The order is the same whatever order the fields come in, and the cap says so.
func TestEventOrderAndCap(t *testing.T) {
	ev := obj(t, `{"eventName":"A","eventSource":"b.amazonaws.com","x":1}`)
	a, _ := Event(ev, []string{"x", "eventSource", "eventName"}, 0)
	b, _ := Event(ev, []string{"eventName", "x", "eventSource", "eventName"}, 0)
	if len(a) != len(b) {
		t.Fatalf("%d vs %d mutants", len(a), len(b))
	}
	for i := range a {
		if a[i].Label != b[i].Label {
			t.Fatalf("mutant %d: %s vs %s", i, a[i].Label, b[i].Label)
		}
	}
	if a[0].Field != "eventName" || a[len(a)-1].Kind != ErrorFields {
		t.Errorf("order: first %s, last %s", a[0].Label, a[len(a)-1].Label)
	}
	c, capped := Event(ev, []string{"eventName"}, 3)
	if !capped || len(c) != 3 {
		t.Errorf("cap 3: %d mutants, capped %v", len(c), capped)
	}
	if m, capped := Event(nil, []string{"x"}, 0); m != nil || capped {
		t.Errorf("nil event: %v", m)
	}
}
