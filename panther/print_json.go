package panther

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/portable"
)

// parsed prints a test of the value a field's JSON text spells
// (portable.Parse) as
//
//	any(TEST for doc in _json(event.deep_get("a", "b")))
//
// _json gives [json.loads(value)] for a string holding JSON text and [] for
// anything else: json.loads raises TypeError for a value that is not text
// and JSONDecodeError, a ValueError, for text that is not JSON
// (docs.python.org/3/library/json.html, json.loads), which the helper
// catches. TEST reads the parsed value with deep_get(doc, ...), None where
// it is no object, as a list element's test does. json.loads also reads
// NaN, Infinity and -Infinity, which are not JSON (RFC 8259 section 6):
// a lossy point.
func (g *pyGen) parsed(x *portable.Parse) (pyX, error) {
	if g.elem != "" {
		return nil, fmt.Errorf("print: %s: JSON text inside a list's element or inside JSON text", portable.String(x))
	}
	iter := g.call("_json", g.getter(x.Path))
	name := g.elemName(x.Path)
	g.elem, g.scope = name, append(g.scope, name)
	inner, err := g.expr(x.X)
	g.elem, g.scope = "", g.scope[:len(g.scope)-1]
	if err != nil {
		return nil, err
	}
	dotted := strings.Join(x.Path, ".")
	g.lossy = append(g.lossy, portable.Lossy{Fields: []string{dotted}, Kinds: []string{"assignment"}, Either: true,
		Reason: fmt.Sprintf("%s: Python's json.loads also reads NaN, Infinity and -Infinity, which are not JSON (RFC 8259); the portable form takes text holding them for text that is not JSON.", dotted)})
	g.lossy = append(g.lossy, portable.Lossy{Fields: []string{dotted}, Kinds: []string{"value-case", "key-case"}, Either: true,
		Reason: fmt.Sprintf("%s: the rule reads the parsed value's keys with deep_get, which finds a key spelled in another case as it does on the event (concord's deep_get); the portable form reads them exactly.", dotted)})
	return pyCall{fn: []string{"any"}, args: []pyX{pyGenExp{elem: inner, name: name, iter: iter}}}, nil
}
