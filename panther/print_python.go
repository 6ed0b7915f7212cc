package panther

import (
	"fmt"
	"sort"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
)

// How each portable test is printed (G is the field's value: event.get("k"),
// or event.deep_get("a", "b") for a nested field; both give None for a
// missing key, and PantherEvent finds keys in any case):
//
//	eq            G == "v", G in ("a", "b"), G in NAMES for more than three values
//	eq, folded    _lower(G) == "v" ...: _lower gives None for a non-string
//	exists        G is not None
//	success       aws_cloudtrail_success(event)
//	prefix        _starts_with(G, "v") (and _ends_with, _contains): False for a non-string
//	wildcard      as eq, prefix, suffix or contains when * only leads or trails,
//	              isinstance(G, str) for *, else _matches(G, "a*b") (fnmatchcase)
//	regex         _search(G, r"..."): the RE2 pattern rewritten in Python's syntax
//	cidr          _in_network(G, "10.0.0.0/8"): False unless G is an address
//	lt le gt ge   _less_than(G, 5) ...: G a number (not a bool) or a string holding one
//	same          _same(G, H): G and H (the other field) equal strings; folded, of _lower(G), _lower(H)
//	not           != / not in / is None for eq and exists, else not (...)
//
// A folded test compares lower case: _lower also reads a long s (U+017F) as
// s, so that for constants in ASCII it matches exactly what strings.EqualFold
// does; constants with other letters are a lossy point.

// The Python expressions the printer builds.
type (
	pyX    interface{}
	pyAtom struct { // a name, string or number, as written
		typ  tokType
		text string
	}
	pyCall struct {
		fn   []string // dotted name
		args []pyX
		kws  []pyKw
	}
	pyKw struct {
		name string
		val  pyX
	}
	pyTuple struct {
		elems    []pyX
		trailing bool // a magic trailing comma: black keeps one element a line
	}
	pyBool struct {
		op string // and, or
		xs []pyX
	}
	pyDict struct{ keys, vals []pyX } // written one item a line (a magic trailing comma)
	pyNot  struct{ x pyX }
	pyCmp  struct {
		x, y pyX
		op   string
	}
	pyParen  struct{ x pyX }
	pyGenExp struct { // elem for name in iter
		elem pyX
		name string
		iter pyX
	}
)

func pyName(s string) pyAtom   { return pyAtom{tName, s} }
func pyString(s string) pyAtom { return pyAtom{tString, pyQuote(s)} }

// leaves turns an expression into tokens, with whitespace and delimiter
// priorities as black assigns them.
func leaves(x pyX) []*leaf {
	var out []*leaf
	var emit func(x pyX, ws string)
	add := func(typ tokType, value, ws string, before int) *leaf {
		lf := &leaf{typ: typ, value: value, prefix: ws, ws: ws, before: before}
		if typ == tString && len(out) > 0 && out[len(out)-1].typ == tString {
			lf.before = prioString
		}
		out = append(out, lf)
		return lf
	}
	emit = func(x pyX, ws string) {
		switch x := x.(type) {
		case pyAtom:
			add(x.typ, x.text, ws, 0)
		case []pyAtom: // implicitly concatenated strings
			for i, a := range x {
				if i > 0 {
					ws = " "
				}
				add(a.typ, a.text, ws, 0)
			}
		case pyCall:
			for i, part := range x.fn {
				if i > 0 {
					add(tOp, ".", "", 0)
					ws = ""
				}
				add(tName, part, ws, 0)
			}
			add(tLPar, "(", "", 0)
			n := 0
			for _, a := range x.args {
				if n > 0 {
					add(tComma, ",", "", 0).arglist = true
					emit(a, " ")
				} else {
					emit(a, "")
				}
				n++
			}
			for _, k := range x.kws {
				if n > 0 {
					add(tComma, ",", "", 0).arglist = true
					add(tName, k.name, " ", 0)
				} else {
					add(tName, k.name, "", 0)
				}
				add(tOp, "=", "", 0)
				emit(k.val, "")
				n++
			}
			add(tRPar, ")", "", 0)
		case pyTuple:
			add(tLPar, "(", ws, 0).atom = true
			for i, e := range x.elems {
				if i > 0 {
					add(tComma, ",", "", 0)
					emit(e, " ")
				} else {
					emit(e, "")
				}
			}
			if len(x.elems) == 1 || x.trailing {
				add(tComma, ",", "", 0)
			}
			add(tRPar, ")", "", 0)
		case pyDict:
			add(tLBrace, "{", ws, 0).atom = true
			for i, k := range x.keys {
				emit(k, map[bool]string{true: "", false: " "}[i == 0])
				add(tOp, ":", "", 0)
				emit(x.vals[i], " ")
				add(tComma, ",", "", 0)
			}
			add(tRBrace, "}", "", 0)
		case pyParen:
			add(tLPar, "(", ws, 0).atom = true
			emit(x.x, "")
			add(tRPar, ")", "", 0)
		case pyBool:
			for i, y := range x.xs {
				if i > 0 {
					add(tOp, x.op, " ", prioLogic)
					emit(y, " ")
				} else {
					emit(y, ws)
				}
			}
		case pyGenExp:
			emit(x.elem, ws)
			add(tName, "for", " ", prioComprehension)
			add(tName, x.name, " ", 0)
			add(tName, "in", " ", 0)
			emit(x.iter, " ")
		case pyNot:
			add(tOp, "not", ws, 0)
			emit(x.x, " ")
		case pyCmp:
			emit(x.x, ws)
			switch x.op {
			case "not in":
				add(tOp, "not", " ", prioComparator)
				add(tOp, "in", " ", 0)
			case "is not":
				add(tOp, "is", " ", prioComparator)
				add(tOp, "not", " ", 0)
			default:
				add(tOp, x.op, " ", prioComparator)
			}
			emit(x.y, " ")
		default:
			panic(fmt.Sprintf("print: unknown Python expression %T", x))
		}
	}
	emit(x, "")
	return out
}

// statement lays out `head x` (head: "return", "name =", `context["k"] =`)
// as black does, at the given indentation depth.
func statement(depth int, head []*leaf, x pyX) []string {
	if p, ok := x.(pyParen); ok {
		x = p.x // black makes redundant parentheses here invisible
	}
	body := leaves(x)
	var ls []*leaf
	ls = append(ls, head...)
	if isDisplayWithCommas(body) {
		body[0].prefix, body[0].ws = " ", " "
		ls = append(ls, body...)
	} else {
		// black wraps the value in invisible parentheses it may make visible.
		ls = append(ls, &leaf{typ: tLPar, prefix: " ", ws: " ", atom: true})
		ls = append(ls, body...)
		ls = append(ls, &leaf{typ: tRPar})
	}
	return layoutStatement(ls, depth)
}

// isDisplayWithCommas: a tuple, list or dict display with commas at its top,
// which black leaves without invisible parentheses.
func isDisplayWithCommas(ls []*leaf) bool {
	if len(ls) < 2 || !ls[0].typ.opening() || !ls[0].atom {
		return false
	}
	depth := 0
	for i, lf := range ls {
		if lf.typ.opening() {
			depth++
		}
		if lf.typ.closing() {
			depth--
			if depth == 0 && i != len(ls)-1 {
				return false
			}
		}
		if depth == 1 && lf.typ == tComma {
			return true
		}
	}
	return false
}

func returnHead() []*leaf { return []*leaf{{typ: tName, value: "return"}} }

func assignHead(target ...*leaf) []*leaf {
	return append(target, &leaf{typ: tOp, value: "=", prefix: " ", ws: " "})
}

// pyQuote is s as a Python string literal, quoted as black normalizes it
// (double quotes unless the text has more of them than single quotes).
func pyQuote(s string) string {
	q := quoteFor(s)
	return string(q) + ast.PyEscape(s, q, false) + string(q)
}

func quoteFor(s string) byte {
	if strings.Count(s, `"`) > strings.Count(s, `'`) {
		return '\''
	}
	return '"'
}

// pyGen holds what the module being printed needs.
type pyGen struct {
	rule    *portable.Rule
	helpers map[string]bool
	imports map[string]bool // "ipaddress", "json", "re", "fnmatch"
	aws     map[string]bool // names from panther_aws_helpers
	consts  []pyConst
	lossy   []portable.Lossy
	notes   []string        // "# concord:" comments for rule()
	base    map[string]bool // names from panther_base_helpers
	// elem is the variable holding the list element an Any's test reads
	// ("" outside one); scope the names taken by enclosing ones.
	elem  string
	scope []string
}

type pyConst struct {
	name    string
	comment string
	values  []pyX
}

func printPython(r *portable.Rule, cond portable.Expr) ([]byte, []portable.Lossy, error) {
	g := &pyGen{rule: r, helpers: map[string]bool{}, imports: map[string]bool{}, aws: map[string]bool{}, base: map[string]bool{}}
	x, err := g.expr(cond)
	if err != nil {
		return nil, nil, err
	}
	var defs [][]string
	ruleDef := []string{"def rule(event):"}
	for _, l := range r.Lossy {
		// The conversion's own inexact points, for the reader.
		where := ""
		if len(l.Fields) > 0 {
			where = " (" + strings.Join(l.Fields, ", ") + ")"
		}
		g.notes = append(g.notes, "converted inexactly"+where+": "+l.Reason)
	}
	for _, n := range g.notes {
		ruleDef = append(ruleDef, commentLines(1, "concord: "+n)...)
	}
	ruleDef = append(ruleDef, statement(1, returnHead(), x)...)
	defs = append(defs, ruleDef)
	if t := g.title(); t != nil {
		defs = append(defs, t)
	}
	if d := g.dedup(); d != nil {
		defs = append(defs, d)
	}
	if c := g.alertContext(); c != nil {
		defs = append(defs, c)
	}

	var std []string
	for _, m := range []string{"ipaddress", "json", "re"} {
		if g.imports[m] {
			std = append(std, "import "+m)
		}
	}
	if g.imports["fnmatch"] {
		std = append(std, "from fnmatch import fnmatchcase")
	}
	var imports [][]string
	if len(std) > 0 {
		imports = append(imports, std)
	}
	var from []string
	for _, m := range []struct {
		module string
		names  map[string]bool
	}{{"panther_aws_helpers", g.aws}, {"panther_base_helpers", g.base}} {
		if len(m.names) == 0 {
			continue
		}
		names := make([]string, 0, len(m.names))
		for n := range m.names {
			names = append(names, n)
		}
		sort.Strings(names)
		from = append(from, "from "+m.module+" import "+strings.Join(names, ", "))
	}
	if len(from) > 0 {
		imports = append(imports, from)
	}
	var consts [][]string
	if g.helpers["_number"] {
		consts = append(consts, []string{
			"# The text of a number (after str.strip()), as numeric comparisons read strings.",
			`_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")`,
		})
	}
	for _, c := range g.consts {
		var lines []string
		if c.comment != "" {
			lines = append(lines, commentLines(0, c.comment)...)
		}
		head := assignHead(&leaf{typ: tName, value: c.name})
		lines = append(lines, statement(0, head, pyTuple{elems: c.values, trailing: true})...)
		consts = append(consts, lines)
	}
	var fns [][]string
	for _, name := range helperOrder {
		if g.helpers[name] {
			fns = append(fns, strings.Split(strings.TrimSuffix(helperSource[name], "\n"), "\n"))
		}
	}
	fns = append(fns, defs...)

	// Sections: imports (one blank line apart), constants (one blank line
	// apart), functions (two blank lines apart, and after what precedes).
	var b strings.Builder
	write := func(lines []string, sep string) {
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		for _, l := range lines {
			b.WriteString(l + "\n")
		}
	}
	for _, s := range imports {
		write(s, "\n")
	}
	for _, c := range consts {
		write(c, "\n")
	}
	for _, f := range fns {
		write(f, "\n\n")
	}
	return []byte(b.String()), g.lossy, nil
}
