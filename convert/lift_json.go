package convert

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/portable"
)

// JSON text parsed into a value, lifted to portable.Parse:
//
//   - Python: `v = json.loads(v) if isinstance(v, str) else v` (written as an
//     if statement) before reading keys of v: an object read as it is, or a
//     string parsed (portable: the object's test or Parse of the string's);
//   - Python: `try: doc = json.loads(v) except json.JSONDecodeError: return
//     []` in a helper whose list a loop goes through;
//   - Splunk: what the printer writes for Parse (spl/print_json.go): reads
//     spath(F, "path") of the field F Splunk extracts for a scalar, guarded
//     by json_valid(F).
//
// Python's json.loads (docs.python.org/3/library/json.html, json.loads)
// raises TypeError for a value that is not str, bytes or bytearray, and
// JSONDecodeError (a ValueError) for text that is not JSON; a rule that
// raises does not alert. It reads NaN, Infinity and -Infinity, which are not
// JSON (RFC 8259 section 6) and which Parse does not read: a lossy point.
// A key read from the parsed value with dict.get raises AttributeError when
// the value is no object; the lifter accepts only tests that cannot hold on
// a value without fields, so that raising and reading nothing agree.

// docCtx is the JSON text being read: its field, and the element local
// that was current when it was entered (reads of the parsed value's root
// are of that scope only).
type docCtx struct {
	path []string
	elem string
}

// docRead resolves json.loads(F), F the text being parsed, to the root of
// the parsed value (an empty path).
func (l *lifter) docRead(x ast.Expr) ([]string, bool, error) {
	if p, ok := l.docSpath(x); ok {
		if p == "" {
			return nil, true, nil
		}
		return strings.Split(p, "."), true, nil
	}
	c, ok := x.(*ast.Call)
	if !ok || c.Fn != "py.json.loads" {
		return nil, false, nil
	}
	if l.doc == nil || len(c.Args) != 1 || len(c.Keywords) != 0 || l.elem != l.doc.elem {
		return nil, true, fmt.Errorf("json.loads outside a test of parsed JSON text")
	}
	saved := l.doc
	l.doc = nil
	f, fold, err := l.field(stripDefault(c.Args[0]))
	l.doc = saved
	if err != nil || fold || !slices.Equal(f, l.doc.path) {
		return nil, true, fmt.Errorf("json.loads of another value than the text being parsed")
	}
	return nil, true, nil
}

// stripDefault reads deep_get(..., default=D) as the plain read, D a
// constant: the caller accounts for what a missing value reads as.
func stripDefault(x ast.Expr) ast.Expr {
	if d, ok := x.(*ast.Default); ok {
		if _, ok := d.Else.(*ast.Lit); ok {
			return d.X
		}
		if emptyLit(d.Else) {
			return d.X
		}
	}
	return x
}

// inDoc lifts f's condition as one on the value the JSON text at path
// spells, and wraps it in Parse. Lossy points found inside name the text's
// field too: a change of the text is what changes them.
func (l *lifter) inDoc(path []string, src ast.Expr, f func() (portable.Expr, error)) (*portable.Parse, error) {
	if l.doc != nil || l.elem != "" {
		return nil, l.fail(src, "JSON text parsed inside parsed JSON text or a test of a list's elements")
	}
	l.doc = &docCtx{path: path, elem: l.elem}
	n := len(l.lossy)
	x, err := f()
	l.doc = nil
	if err != nil {
		return nil, err
	}
	name := strings.Join(path, ".")
	for i := n; i < len(l.lossy); i++ {
		fs := slices.Clone(l.lossy[i].Fields)
		for j, g := range fs {
			if g != name && !strings.HasPrefix(g, name+".") {
				fs[j] = name + portable.ParsedStep + "." + g
			}
		}
		if !slices.Contains(fs, name) {
			fs = append(fs, name)
		}
		l.lossy[i].Fields = fs
	}
	x = portable.Simplify(x)
	if holdsOnNoObject(x) {
		return nil, l.fail(src, "a test of parsed JSON text that holds on a value without fields (Python raises reading a key of it)")
	}
	if l.rule.Platform == ast.Panther {
		l.lossy = appendOnce(l.lossy, portable.Lossy{Fields: []string{name}, Either: true, Kinds: []string{"assignment"},
			Reason: fmt.Sprintf("%s: Python's json.loads also reads NaN, Infinity and -Infinity, which are not JSON (RFC 8259); the conversion takes text holding them for text that is not JSON.", name)})
	}
	return &portable.Parse{Path: path, X: x}, nil
}

// holdsOnNoObject: x holds on a value without fields (an empty object, a
// list, a string, a number, true, null).
func holdsOnNoObject(x portable.Expr) bool {
	for _, v := range []ast.Value{ast.ObjectOf(&ast.Object{}), ast.List(), ast.String(""), ast.Int(0), ast.Bool(true), ast.Null} {
		if portable.Holds(x, v) {
			return true
		}
	}
	return false
}

// parsedOr lifts `if isinstance(v, str): v = json.loads(v)` followed by a
// test of v: the test of v as it is (an object: the else branch) or of the
// value its text spells (the then branch, inside Parse). The two exclude each
// other: the first reads only fields inside v, which a string lacks, and
// cannot hold without them; Parse holds on strings only.
func (l *lifter) parsedOr(n *ast.Cond, v ast.Expr, branch func(ast.Expr) (portable.Expr, error)) (portable.Expr, error) {
	f, fold, err := l.field(stripEmptyDefault(v))
	if err != nil || fold || len(f) == 0 {
		return nil, l.fail(n, "json.loads of something other than a field")
	}
	b, err := branch(n.Else)
	if err != nil {
		return nil, err
	}
	for _, g := range portable.Fields(b) {
		if len(g) <= len(f) || !slices.Equal(g[:len(f)], f) {
			return nil, l.fail(n, "a json.loads else-branch reading fields outside the parsed value")
		}
	}
	if portable.Holds(b, ast.ObjectOf(&ast.Object{})) {
		return nil, l.fail(n, "a json.loads else-branch that holds without the parsed value")
	}
	a, err := l.inDoc(f, n, func() (portable.Expr, error) { return branch(n.Then) })
	if err != nil {
		return nil, err
	}
	return &portable.Or{Xs: []portable.Expr{b, a}}, nil
}

// ParseEvents are events on which a rule reading JSON text must agree with
// its conversion, made from each test event holding an object (or JSON text)
// where a Parse reads text: the object written as compact JSON text and as
// indented text, the text parsed back into an object, text that is not JSON
// (the text cut short), and JSON text of a list, a string and a number.
// Threshold rules get none (their verdicts are on sets).
func ParseEvents(r *portable.Rule) []harness.Event {
	if r.Threshold != nil {
		return nil
	}
	var out []harness.Event
	seen := map[string]bool{}
	for _, path := range parsePaths(r.Cond) {
		p := strings.Join(path, ".")
		for _, t := range r.Tests {
			if t.Event.Kind() != ast.KindObject {
				continue
			}
			v := eval.Lookup(t.Event, path, ast.KeysExact)
			var obj ast.Value
			switch v.Kind() {
			case ast.KindObject:
				obj = v
			case ast.KindString:
				var ok bool
				if obj, ok = portable.ParseText(v); !ok || obj.Kind() != ast.KindObject {
					continue
				}
			default:
				continue
			}
			text := ast.JSON(obj)
			indented, err := json.MarshalIndent(json.RawMessage(text), "", "  ")
			if err != nil {
				continue
			}
			variants := []struct {
				what string
				v    ast.Value
			}{
				{"as JSON text", ast.String(text)},
				{"as indented JSON text", ast.String(string(indented))},
				{"as an object", obj},
				{"as text that is not JSON", ast.String(text[:len(text)-1])},
				{"as JSON text of a list", ast.String("[" + text + "]")},
				{"as JSON text of a string", ast.String(strconv.Quote(text))},
				{"as JSON text of a number", ast.String("5")},
			}
			for _, vr := range variants {
				o := deepClone(t.Event.AsObject())
				o.SetPath(path, vr.v)
				ev := ast.ObjectOf(o)
				raw := ast.JSON(ev)
				if seen[raw] {
					continue
				}
				seen[raw] = true
				out = append(out, harness.Event{Source: fmt.Sprintf("%s %s, from %q", p, vr.what, t.Name), Raw: raw, Value: ev})
			}
		}
	}
	return out
}

// parsePaths lists the fields Parse tests read as JSON text, outside lists.
func parsePaths(x portable.Expr) [][]string {
	var out [][]string
	switch x := x.(type) {
	case *portable.And:
		for _, y := range x.Xs {
			out = append(out, parsePaths(y)...)
		}
	case *portable.Or:
		for _, y := range x.Xs {
			out = append(out, parsePaths(y)...)
		}
	case *portable.Not:
		return parsePaths(x.X)
	case *portable.Parse:
		out = append(out, x.Path)
	}
	return out
}

// splunkParse lifts what the Splunk printer writes for Parse: an and holding
// json_valid(F), F a field, with isnotnull(F) and match(F, "^[\t\n\r ]*\{")
// (the text of an object), whose other conjuncts read F's value with
// spath(F, "path").
func (l *lifter) splunkParse(n *ast.Logic) (portable.Expr, bool, error) {
	if l.rule.Platform != ast.Splunk || n.Op != ast.And || l.doc != nil {
		return nil, false, nil
	}
	var doc *ast.Field
	for _, x := range n.Xs {
		if c, ok := x.(*ast.Call); ok && c.Fn == "spl.json_valid" && len(c.Args) == 1 {
			if f, ok := c.Args[0].(*ast.Field); ok {
				doc = f
				break
			}
		}
	}
	if doc == nil {
		return nil, false, nil
	}
	isDoc := func(x ast.Expr) bool { f, ok := x.(*ast.Field); return ok && slices.Equal(f.Path, doc.Path) }
	object := false
	var rest []ast.Expr
	for _, x := range n.Xs {
		switch y := x.(type) {
		case *ast.Call:
			if y.Fn == "spl.json_valid" && len(y.Args) == 1 && isDoc(y.Args[0]) {
				continue
			}
		case *ast.Exists:
			if isDoc(y.X) {
				continue
			}
		case *ast.Not:
			if in, ok := y.X.(*ast.IsNull); ok && isDoc(in.X) {
				continue
			}
		case *ast.Match:
			if y.Kind == ast.MatchRegex && !y.Fold && isDoc(y.X) && y.Pattern == `^[\t\n\r ]*\{` {
				object = true
				continue
			}
		}
		rest = append(rest, x)
	}
	if !object {
		return nil, true, l.fail(n, `json_valid without the printer's match(F, "^[\t\n\r ]*\{") (the text of an object)`)
	}
	path, fold, err := l.field(doc)
	if err != nil || fold || len(path) == 0 {
		return nil, true, l.fail(n, "json_valid of something other than a field of the raw event")
	}
	// The where clause's parser flattens the printer's parenthesized and
	// into the and around it: the conjuncts reading F are the test's.
	var inside, outside []ast.Expr
	for _, y := range rest {
		if ast.Contains(y, isDoc) {
			inside = append(inside, y)
		} else {
			outside = append(outside, y)
		}
	}
	var xs []portable.Expr
	for _, y := range outside {
		p, err := l.lift(y)
		if err != nil {
			return nil, true, err
		}
		xs = append(xs, p)
	}
	x, err := l.inDoc(path, n, func() (portable.Expr, error) {
		var xs []portable.Expr
		for _, y := range inside {
			p, err := l.lift(y)
			if err != nil {
				return nil, err
			}
			xs = append(xs, p)
		}
		return &portable.And{Xs: xs}, nil
	})
	if err != nil {
		return nil, true, err
	}
	return &portable.And{Xs: append(xs, x)}, true, nil
}

// docSpath reads spath(F, "path") of the field F whose JSON text is being
// read.
func (l *lifter) docSpath(x ast.Expr) (string, bool) {
	c, ok := x.(*ast.Call)
	if !ok || l.doc == nil || l.elem != l.doc.elem || c.Fn != "spl.spath" || len(c.Args) != 2 {
		return "", false
	}
	f, ok := c.Args[0].(*ast.Field)
	if !ok || strings.Join(f.Path, ".") != strings.Join(l.doc.path, ".") {
		return "", false
	}
	return str(c.Args[1])
}

// jsonAny lifts the Panther printer's any(TEST for doc in _json(F)).
func (l *lifter) jsonAny(n *ast.Comp) (portable.Expr, error) {
	cl := n.Clauses[0]
	arg := cl.Iter.(*ast.Helper).Args[0]
	path, fold, err := l.field(arg)
	if err != nil || fold || len(path) == 0 || len(cl.Vars) != 1 {
		return nil, l.fail(n, "_json of something other than a field")
	}
	return l.inDoc(path, n, func() (portable.Expr, error) {
		// The parsed value is the loop variable: fields read from it are
		// the value's, as a list element's are.
		elem, list := l.elem, l.elemList
		l.elem, l.doc.elem, l.elemList = cl.Vars[0], cl.Vars[0], strings.Join(path, ".")+portable.ParsedStep
		defer func() { l.elem, l.elemList = elem, list }()
		var xs []portable.Expr
		for _, c := range append(slices.Clone(cl.Ifs), n.Elem) {
			x, err := l.lift(c)
			if err != nil {
				return nil, err
			}
			xs = append(xs, x)
		}
		return &portable.And{Xs: xs}, nil
	})
}
