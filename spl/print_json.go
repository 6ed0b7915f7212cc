package spl

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
)

// A test of the value a field's JSON text spells (portable.Parse), printed
//
//	(isnotnull(F) AND json_valid(F) AND match(F, "^[\t\n\r ]*\{") AND TEST)
//
// F is the field Splunk's JSON extraction (KV_MODE=json, or spath with no
// path) makes of the raw key: it extracts leaves only, so F holds the text
// of a string and no F exists for an object or a list (whose leaves are
// F.k and F{} instead). spath(F, "path") would read an object too, had it
// been extracted with spath as its JSON text: that is why the printer does
// not read F with spath. TEST reads the parsed value's keys with eval's
// spath(F, "k.l"), which parses text (Search Reference, "Text functions",
// spath: "X is the input source field ... Y is a location path"), and
// json_valid(F) (Search Reference, "JSON functions", json_valid: whether the
// value is valid JSON) keeps TEST from reading text that is not JSON; the
// isnotnull keeps the test true or false under NOT (json_valid of a null is
// null). The match keeps it to the text of an object (JSON text is an
// object's when its first character after white space, RFC 8259 section 2,
// is "{"): spath applies a key to every element of a list, where the
// portable form reads no key, and a number, true, false or null is
// extracted as text, where the portable form parses strings only. A list inside the value is read whole per element with mvmap
// over spath(F, "list{}") (print_any.go).
//
// concord's eval implements both (eval/spl_text.go splSpath, splJSONValid;
// eval/cmd_fields.go autoExtract), so the cross-check runs what is printed.

// objectText matches the JSON text of an object: "{" after white space.
const objectText = `^[\t\n\r ]*\{`

// parseTest prints x, a test of the value the text at x.Path spells.
func (p *printer) parseTest(x *portable.Parse, neg bool) (string, int, error) {
	dotted := strings.Join(x.Path, ".")
	fail := func(format string, args ...any) (string, int, error) {
		return "", 0, fmt.Errorf("print detection %s: %s: %s", p.rule.Name, portable.String(x), fmt.Sprintf(format, args...))
	}
	if p.elem != "" {
		return fail("JSON text inside a list's element or inside JSON text has no Splunk form: spath gives an object there as its JSON text, which json_valid passes too")
	}
	if len(x.Path) == 0 {
		return fail("no field")
	}
	for _, k := range x.Path {
		if strings.Contains(k, ".") {
			return fail("spath cannot address a key that contains a dot")
		}
	}
	if p.slt.overridden[dotted] {
		return fail("the add-on sets a field named %s, so the search cannot read the raw text under that name", dotted)
	}
	doc := whereField(dotted)
	n := len(p.lossy)
	p.elem, p.elemList, p.doc = doc, dotted+portable.ParsedStep, doc
	s, lvl, err := p.expr(x.X, true, neg)
	p.elem, p.elemList, p.doc = "", "", ""
	s = paren(s, lvl == levelOr)
	if err != nil {
		return "", 0, err
	}
	// A change of the text is what changes the points found inside.
	for i := n; i < len(p.lossy); i++ {
		p.lossy[i].Fields = append(p.lossy[i].Fields, dotted)
	}
	for _, f := range portable.Fields(x.X) {
		if deep := strings.Count(strings.Join(f, "."), "."); deep > 0 && !strings.Contains(strings.Join(f, "."), "[]") {
			p.lose([]string{dotted}, nil, true, true, neg,
				fmt.Sprintf("%s: spath(%s, \"a.b\") reads the b of every element where a is a list; the portable form reads no key of a list", dotted, doc))
			break
		}
	}
	for _, v := range []ast.Value{ast.List(), ast.String(""), ast.Bool(true), ast.Bool(false), ast.Null, ast.Int(0)} {
		if portable.Holds(x.X, v) {
			p.lose([]string{dotted}, nil, false, false, neg,
				fmt.Sprintf("%s: the search reads the text of an object only, and this test also holds on a value without fields (JSON text of a list, a string, a number, true, false or null)", dotted))
			break
		}
	}
	return fmt.Sprintf("(isnotnull(%s) AND json_valid(%s) AND match(%s, %s) AND %s)", doc, doc, doc, splString(objectText), s), levelAtom, nil
}
