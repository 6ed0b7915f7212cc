package spl

import (
	"fmt"
	"strings"

	"github.com/concordsec/concord/portable"
)

// A test of several fields of one element of a JSON array. The multivalue
// fields a{}.b and a{}.c hold every element's b and every element's c, and
// lose which b and c came from the same element (an element without b
// shifts the rest), so the printer reads the elements whole instead:
//
//	| eval any_a=spath(_raw, "a{}")
//	| where isnotnull(mvfind(mvmap(any_a, if(TEST, "1", "0")), "^1$"))
//
// eval's spath(X, Y) gives the value at path Y of the JSON in X, a multivalue
// field when the path ends in {} (an object or array value is given as its
// JSON text); mvmap(X, Y) evaluates Y once per value of the multivalue field
// X, with X standing for that value (Search Reference, "Multivalue eval
// functions", mvmap, Splunk 8.0 and later; "Text functions", spath). TEST
// reads each field of the element with spath(any_a, "b"), so every test is
// of one element. if() gives "1" or "0", never null (TEST is printed
// guarded: true or false), and mvfind finds a "1" when some element passes;
// an event without the list has no values to map, and mvfind of a null is
// null.
//
// concord's eval implements both (eval/spl_text.go splSpath,
// eval/spl_mv.go compileMvmap), so the cross-check runs what is printed.

// anyMap prints x, a test of several fields of one element, with mvmap.
func (p *printer) anyMap(x *portable.Any, neg bool) (string, int, error) {
	list := strings.Join(x.Path, ".") + "{}"
	for _, k := range x.Path {
		if strings.Contains(k, ".") {
			return "", 0, fmt.Errorf("print detection %s: %s: spath cannot address a key that contains a dot", p.rule.Name, portable.String(x))
		}
	}
	src, key := "_raw", list
	if p.doc != "" {
		src, key = p.doc, p.doc+"{json}"+list // a list inside JSON text (print_json.go)
	}
	name := p.elementsField(src, key, list)
	elem, elemList := p.elem, p.elemList
	p.elem, p.elemList = name, list
	if elemList != "" {
		p.elemList = elemList + "." + list
	}
	s, _, err := p.expr(x.X, true, neg)
	p.elem, p.elemList = elem, elemList
	if err != nil {
		return "", 0, err
	}
	p.lose([]string{list}, nil, true, false, neg,
		fmt.Sprintf("%s: spath reads an element that is a string holding JSON text as the object it spells; to the source a string has no fields", list))
	return fmt.Sprintf(`isnotnull(mvfind(mvmap(%s, if(%s, "1", "0")), "^1$"))`, name, s), levelAtom, nil
}

// elementsField evaluates the elements of the list at path (a.b{}) of the
// JSON in src (_raw, or a field holding JSON text) into a field of their
// own, once, before the where clause.
func (p *printer) elementsField(src, key, list string) string {
	key = "{}" + key // spathOf's keys are raw paths, which hold no braces
	if name, ok := p.spathOf[key]; ok {
		return name
	}
	name := "any_" + identOf(strings.ReplaceAll(strings.TrimSuffix(list, "{}"), ".", "_"))
	name = p.freshName(name)
	p.spathOf[key] = name
	p.spaths = append(p.spaths, "| eval "+name+"=spath("+src+", "+splString(list)+")")
	return name
}

// elemRef reads a field of the element being tested.
func (p *printer) elemRef(f []string) string {
	return "spath(" + p.elem + ", " + splString(strings.Join(f, ".")) + ")"
}

// elemFields names fields of the element by their path from the event.
func (p *printer) elemFields(fields []string) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		if f == p.elemList || strings.HasPrefix(f, p.elemList+".") {
			out[i] = f
			continue
		}
		out[i] = p.elemList + "." + f
	}
	return out
}
