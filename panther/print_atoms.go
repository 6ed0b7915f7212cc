package panther

import (
	"fmt"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
)

// expr prints a condition.
func (g *pyGen) expr(x portable.Expr) (pyX, error) {
	switch x := x.(type) {
	case *portable.And, *portable.Or:
		op, xs, empty := "and", []portable.Expr(nil), "True"
		if o, ok := x.(*portable.Or); ok {
			op, xs, empty = "or", o.Xs, "False"
		} else {
			xs = x.(*portable.And).Xs
		}
		if len(xs) == 0 {
			return pyName(empty), nil
		}
		b := pyBool{op: op}
		for _, y := range xs {
			py, err := g.expr(y)
			if err != nil {
				return nil, err
			}
			if p, ok := py.(pyParen); ok {
				if inner, ok := p.x.(pyBool); ok && inner.op == op {
					b.xs = append(b.xs, inner.xs...) // a wildcard's or inside an or
					continue
				}
			}
			if inner, ok := py.(pyBool); ok && inner.op != op {
				// and binds tighter than or; the parentheses are for the reader
				// (and keep black from splitting at both at once).
				py = pyParen{inner}
			}
			b.xs = append(b.xs, py)
		}
		if len(b.xs) == 1 {
			return b.xs[0], nil
		}
		return b, nil
	case *portable.Not:
		if a, ok := x.X.(*portable.Atom); ok {
			return g.atom(a, true)
		}
		py, err := g.expr(x.X)
		if err != nil {
			return nil, err
		}
		return pyNegate(py), nil
	case *portable.Atom:
		return g.atom(x, false)
	case *portable.Any:
		iter := g.call("_items", g.getter(x.Path))
		name := g.elemName(x.Path)
		outer := g.elem
		g.elem, g.scope = name, append(g.scope, name)
		inner, err := g.expr(x.X)
		g.elem, g.scope = outer, g.scope[:len(g.scope)-1]
		if err != nil {
			return nil, err
		}
		return pyCall{fn: []string{"any"}, args: []pyX{pyGenExp{elem: inner, name: name, iter: iter}}}, nil
	case *portable.Parse:
		return g.parsed(x)
	}
	return nil, fmt.Errorf("print: unknown condition %T", x)
}

// elemName names the variable of a list's elements after the list's key,
// singular (Grant -> grant; CloudTrail's ipRanges.items -> ip_range),
// distinct from enclosing ones.
func (g *pyGen) elemName(path []string) string {
	key := path[len(path)-1]
	if len(path) > 1 && (key == "items" || key == "item" || key == "member") {
		key = path[len(path)-2]
	}
	name := keySnake(key)
	if len(name) > 3 && strings.HasSuffix(name, "s") && !strings.HasSuffix(name, "ss") {
		name = strings.TrimSuffix(name, "s")
	}
	if name == "" || unicode.IsDigit(rune(name[0])) || pyReserved[name] {
		name = "element"
	}
	base := name
	for i := 2; slices.Contains(g.scope, name); i++ {
		name = base + "_" + strconv.Itoa(i)
	}
	return name
}

// negate is `not x`, with parentheses where not would bind tighter.
func pyNegate(x pyX) pyX {
	switch y := x.(type) {
	case pyCmp:
		if flip, ok := negatedOps[y.op]; ok {
			y.op = flip
			return y
		}
		return pyNot{pyParen{y}}
	case pyBool:
		return pyNot{pyParen{y}}
	case pyNot:
		if p, ok := y.x.(pyParen); ok {
			return p.x
		}
		return y.x
	}
	return pyNot{x}
}

var negatedOps = map[string]string{"==": "!=", "!=": "==", "in": "not in", "not in": "in", "is": "is not", "is not": "is"}

// getter reads a field: event.get("k") or event.deep_get("a", "b"); in a
// list element, deep_get(item, "a", "b") (None where the element is no
// object) or the element itself.
func (g *pyGen) getter(field []string) pyX {
	if g.elem != "" {
		if len(field) == 0 {
			return pyName(g.elem)
		}
		g.base["deep_get"] = true
		args := []pyX{pyName(g.elem)}
		for _, k := range field {
			args = append(args, pyString(k))
		}
		return pyCall{fn: []string{"deep_get"}, args: args}
	}
	return getter(field)
}

// reportGetter reads a field for a title or the alert context: a path
// through lists (Splunk's a{}.b) with deep_walk, which collects the b of
// every element (one value alone, several as a list).
func (g *pyGen) reportGetter(field []string) pyX {
	if !slices.ContainsFunc(field, func(k string) bool { return strings.HasSuffix(k, "{}") }) {
		return getter(field)
	}
	g.base["deep_walk"] = true
	args := []pyX{pyName("event")}
	for _, k := range field {
		args = append(args, pyString(strings.TrimSuffix(k, "{}")))
	}
	return pyCall{fn: []string{"deep_walk"}, args: args}
}

// getter reads a field of the event: event.get("k") or event.deep_get("a", "b").
func getter(field []string) pyX {
	if len(field) == 1 {
		return pyCall{fn: []string{"event", "get"}, args: []pyX{pyString(field[0])}}
	}
	var args []pyX
	for _, k := range field {
		args = append(args, pyString(k))
	}
	return pyCall{fn: []string{"event", "deep_get"}, args: args}
}

func (g *pyGen) call(helper string, args ...pyX) pyX {
	g.helpers[helper] = true
	switch helper {
	case "_matches":
		g.imports["fnmatch"] = true
	case "_search", "_number":
		g.imports["re"] = true
	case "_in_network":
		g.imports["ipaddress"] = true
	case "_json":
		g.imports["json"] = true
	}
	if helperNeeds[helper] != "" {
		g.call(helperNeeds[helper])
	}
	return pyCall{fn: []string{helper}, args: args}
}

// helperNeeds: a helper another helper calls.
var helperNeeds = map[string]string{
	"_greater_than": "_number", "_at_least": "_number", "_less_than": "_number", "_at_most": "_number",
}

// atom prints one test, negated when neg.
func (g *pyGen) atom(a *portable.Atom, neg bool) (pyX, error) {
	maybeNot := func(x pyX) pyX {
		if neg {
			return pyNegate(x)
		}
		return x
	}
	value := g.getter(a.Field)
	switch a.Op {
	case portable.Success:
		g.aws["aws_cloudtrail_success"] = true
		return maybeNot(pyCall{fn: []string{"aws_cloudtrail_success"}, args: []pyX{pyName("event")}}), nil
	case portable.Exists:
		return maybeNot(pyCmp{x: value, op: "is not", y: pyName("None")}), nil
	case portable.Same:
		other := g.getter(a.Ref)
		if a.Fold {
			value, other = g.call("_lower", value), g.call("_lower", other)
			// The values are the event's: any letter may come.
			g.addLossy(a, "folded with str.lower(), which differs from Unicode simple case folding for some non-ASCII letters")
		}
		return maybeNot(g.call("_same", value, other)), nil
	case portable.Bool:
		return maybeNot(pyCmp{x: value, op: "is", y: pyName(map[string]string{"true": "True", "false": "False"}[a.Values[0]])}), nil
	case portable.Lt, portable.Le, portable.Gt, portable.Ge:
		bound, _ := parseBound(a.Values[0])
		fn := map[portable.Op]string{portable.Lt: "_less_than", portable.Le: "_at_most", portable.Gt: "_greater_than", portable.Ge: "_at_least"}[a.Op]
		return maybeNot(g.call(fn, value, pyAtom{tNumber, bound})), nil
	case portable.CIDR:
		var nets []pyX
		for _, v := range a.Values {
			n, _ := networkText(v)
			nets = append(nets, pyString(n))
		}
		return maybeNot(g.call("_in_network", value, g.arg(a, "NETWORKS", nets))), nil
	case portable.Regex:
		var pats []pyX
		for _, v := range a.Values {
			p, lossy, _ := pyRegex(v, a.Fold)
			if lossy != "" {
				g.addLossy(a, lossy)
			}
			pats = append(pats, pyAtom{tString, "r" + `"` + p + `"`})
		}
		return maybeNot(g.call("_search", value, g.arg(a, "PATTERNS", pats))), nil
	}

	// String tests: eq, prefix, suffix, contains, wildcard.
	subject, vals := value, a.Values
	if a.Fold {
		subject = g.call("_lower", value)
		vals = nil
		for _, v := range a.Values {
			vals = append(vals, foldLower(v))
		}
		if nonASCIICased(a.Values) {
			g.addLossy(a, "folded with str.lower(), which differs from Unicode simple case folding for some non-ASCII letters")
		}
	}
	var eq, prefix, suffix, contains, glob []string
	anyString := false
	switch a.Op {
	case portable.Eq:
		eq = vals
	case portable.Prefix:
		prefix = vals
	case portable.Suffix:
		suffix = vals
	case portable.Contains:
		contains = vals
	case portable.Wildcard:
		for _, v := range vals {
			trimmed := strings.Trim(v, "*")
			lead, trail := strings.HasPrefix(v, "*"), strings.HasSuffix(v, "*")
			switch {
			case !strings.Contains(v, "*"):
				eq = append(eq, v)
			case trimmed == "":
				anyString = true
			case strings.Contains(trimmed, "*"):
				glob = append(glob, globPattern(v))
			case lead && trail:
				contains = append(contains, trimmed)
			case lead:
				suffix = append(suffix, trimmed)
			default:
				prefix = append(prefix, trimmed)
			}
		}
	}
	strs := func(vs []string) []pyX {
		var out []pyX
		for _, v := range vs {
			out = append(out, pyString(v))
		}
		return out
	}
	var terms []pyX
	if anyString {
		terms = append(terms, pyCall{fn: []string{"isinstance"}, args: []pyX{value, pyName("str")}})
	}
	if len(eq) == 1 {
		terms = append(terms, pyCmp{x: subject, op: "==", y: pyString(eq[0])})
	} else if len(eq) > 1 {
		terms = append(terms, pyCmp{x: subject, op: "in", y: g.arg(a, "", strs(eq))})
	}
	for _, t := range []struct {
		vs     []string
		helper string
		suffix string
	}{
		{prefix, "_starts_with", "PREFIXES"},
		{suffix, "_ends_with", "SUFFIXES"},
		{contains, "_contains", "SUBSTRINGS"},
		{glob, "_matches", "PATTERNS"},
	} {
		if len(t.vs) > 0 {
			terms = append(terms, g.call(t.helper, subject, g.arg(a, t.suffix, strs(t.vs))))
		}
	}
	if len(terms) == 1 {
		return maybeNot(terms[0]), nil
	}
	return maybeNot(pyParen{pyBool{op: "or", xs: terms}}), nil
}

// arg is one value, a tuple of up to three, or a module constant naming more.
func (g *pyGen) arg(a *portable.Atom, kind string, vals []pyX) pyX {
	switch {
	case len(vals) == 1:
		return vals[0]
	case len(vals) <= 3:
		return pyTuple{elems: vals}
	}
	base := upperSnake(a.Field[len(a.Field)-1])
	if base == "" {
		base = "VALUE"
	}
	name := base + "_" + kind
	if kind == "" {
		name = plural(base)
	}
	taken := func(n string) bool {
		for _, c := range g.consts {
			if c.name == n {
				return true
			}
		}
		return n == "_NUMBER"
	}
	for i := 2; taken(name); i++ {
		name = strings.TrimRight(strings.TrimRight(name, "0123456789"), "_") + "_" + strconv.Itoa(i)
	}
	c := pyConst{name: name, values: vals}
	if a.Fold {
		c.comment = "In lower case: compared with the value lowered."
	}
	g.consts = append(g.consts, c)
	return pyName(name)
}

func plural(s string) string {
	switch {
	case strings.HasSuffix(s, "S"), strings.HasSuffix(s, "X"), strings.HasSuffix(s, "CH"), strings.HasSuffix(s, "SH"):
		return s + "ES"
	case strings.HasSuffix(s, "Y") && len(s) > 1 && !strings.ContainsRune("AEIOU", rune(s[len(s)-2])):
		return s[:len(s)-1] + "IES"
	}
	return s + "S"
}

func upperSnake(s string) string { return strings.ToUpper(keySnake(s)) }

// foldLower is a folded constant as _lower writes values: lower case, a long
// s as s.
func foldLower(s string) string {
	return strings.ReplaceAll(strings.ToLower(s), "\u017f", "s")
}

// nonASCIICased: a value has a non-ASCII letter with another case, where
// str.lower() and simple case folding may disagree.
func nonASCIICased(vs []string) bool {
	for _, v := range vs {
		for _, r := range v {
			if r > unicode.MaxASCII && r != '\u017f' && unicode.SimpleFold(r) != r {
				return true
			}
		}
	}
	return false
}

// globPattern is a wildcard value for fnmatchcase: * stays, the characters
// fnmatch gives a meaning (? and [) are bracketed to stand for themselves.
func globPattern(v string) string {
	var b strings.Builder
	for _, r := range v {
		switch r {
		case '?':
			b.WriteString("[?]")
		case '[':
			b.WriteString("[[]")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (g *pyGen) addLossy(a *portable.Atom, reason string) {
	path := a.Path()
	for _, l := range g.lossy {
		if l.Reason == reason && len(l.Fields) == 1 && l.Fields[0] == path {
			return
		}
	}
	g.lossy = append(g.lossy, portable.Lossy{Fields: []string{path}, Either: true, Reason: reason})
	g.notes = append(g.notes, path+": "+reason)
}

// parseBound reads a numeric comparison's value as numeric comparisons read
// strings (see _number) and writes it as a Python literal.
func parseBound(v string) (string, bool) {
	s := strings.TrimSpace(v)
	if s == "" || strings.ContainsAny(s, "xXnN_") {
		return "", false
	}
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return strconv.FormatInt(i, 10), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", false
	}
	return ast.Float(f).Repr(), true
}

// networkText is a CIDR value as Python's ip_network reads it strictly: the
// prefix with its host bits cleared (a bare address is its own /32 or /128).
func networkText(v string) (string, error) {
	s := strings.TrimSpace(v)
	p, err := netip.ParsePrefix(s)
	if err != nil {
		a, aerr := netip.ParseAddr(s)
		if aerr != nil || a.Zone() != "" {
			return "", fmt.Errorf("%q is not a CIDR prefix", v)
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	return p.Masked().String(), nil
}

// commentLines is text as # comments at an indentation depth, wrapped to
// black's line length.
func commentLines(depth int, text string) []string {
	indent := strings.Repeat("    ", depth) + "# "
	var out []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && width(indent)+width(line)+1+width(w) > pyLineLength {
			out = append(out, indent+line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		out = append(out, indent+line)
	}
	return out
}

// Python's keywords and the builtins a variable must not shadow.
var pyReserved = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`False None True and as assert async await break class continue def
		del elif else except finally for from global if import in is lambda nonlocal not or pass raise
		return try while with yield abs all any bool bytes callable chr dict dir divmod enumerate
		filter float format frozenset getattr hasattr hash hex id input int isinstance iter len list
		map max min next object oct open ord pow print range repr reversed round set slice sorted str
		sum super tuple type vars zip event context rule title alert_context dedup severity`) {
		pyReserved[w] = true
	}
}

// varNames gives each field a readable, distinct variable name: its last
// key in snake case, else its whole path, else numbered.
func varNames(fields [][]string) map[string]string {
	names := map[string]string{}
	used := map[string]bool{}
	for _, f := range fields {
		key := strings.Join(f, "\x00")
		if _, ok := names[key]; ok {
			continue
		}
		name := keySnake(f[len(f)-1])
		if name == "" || pyReserved[name] || used[name] || unicode.IsDigit(rune(name[0])) {
			name = keySnake(strings.Join(f, " "))
		}
		if name == "" || unicode.IsDigit(rune(name[0])) {
			name = "field_" + name
		}
		if pyReserved[name] {
			name += "_value"
		}
		base := strings.TrimSuffix(name, "_")
		for i := 2; used[name]; i++ {
			name = base + "_" + strconv.Itoa(i)
		}
		used[name] = true
		names[key] = name
	}
	return names
}

// title prints title(event) from the rule's Title.
func (g *pyGen) title() []string {
	parts := g.rule.Title
	if len(parts) == 0 {
		return nil
	}
	var fields [][]string
	for _, p := range parts {
		if len(p.Field) > 0 {
			fields = append(fields, p.Field)
		}
	}
	names := varNames(fields)
	out := []string{"def title(event):"}
	done := map[string]bool{}
	for _, f := range fields {
		key := strings.Join(f, "\x00")
		if done[key] {
			continue
		}
		done[key] = true
		out = append(out, statement(1, assignHead(&leaf{typ: tName, value: names[key]}), g.readOr(f))...)
	}
	// The f-string in pieces: words of text (each with its trailing space) and
	// {name} fields.
	var pieces []titlePiece
	for _, p := range parts {
		if len(p.Field) > 0 {
			pieces = append(pieces, titlePiece{field: names[strings.Join(p.Field, "\x00")]})
			continue
		}
		rest := p.Text
		for rest != "" {
			i := strings.IndexByte(rest, ' ')
			if i < 0 {
				pieces = append(pieces, titlePiece{text: rest})
				break
			}
			for i+1 < len(rest) && rest[i+1] == ' ' {
				i++
			}
			pieces = append(pieces, titlePiece{text: rest[:i+1]})
			rest = rest[i+1:]
		}
	}
	var chunks [][]titlePiece
	if width("    return ")+width(titleLiteral(pieces)) <= pyLineLength || len(pieces) == 1 {
		chunks = [][]titlePiece{pieces}
	} else {
		var cur []titlePiece
		for _, p := range pieces {
			if len(cur) > 0 && 8+width(titleLiteral(append(cur, p))) > pyLineLength {
				chunks = append(chunks, cur)
				cur = nil
			}
			cur = append(cur, p)
		}
		chunks = append(chunks, cur)
	}
	var strs []pyAtom
	for _, c := range chunks {
		strs = append(strs, pyAtom{tString, titleLiteral(c)})
	}
	var x pyX = strs[0]
	if len(strs) > 1 {
		x = strs
	}
	return append(out, statement(1, returnHead(), x)...)
}

// readOr reads a field for a title or a dedup string, with a placeholder
// naming it when it is missing.
func (g *pyGen) readOr(f []string) pyX {
	unknown := pyString("<UNKNOWN_" + upperSnake(f[len(f)-1]) + ">")
	if len(f) == 1 {
		return pyCall{fn: []string{"event", "get"}, args: []pyX{pyString(f[0]), unknown}}
	}
	c := g.reportGetter(f).(pyCall)
	c.kws = []pyKw{{"default", unknown}}
	return c
}

// dedup prints dedup(event) for a Threshold: the group's field, or its
// fields joined with ":", as Panther counts a Threshold per dedup string. A
// rule whose matching events are all one group returns a constant: without
// dedup(), Panther would group by the title.
func (g *pyGen) dedup() []string {
	th := g.rule.Threshold
	if th == nil {
		return nil
	}
	out := []string{"def dedup(event):"}
	switch len(th.GroupBy) {
	case 0:
		return append(out, statement(1, returnHead(), pyString(dottedID(g.rule)))...)
	case 1:
		return append(out, statement(1, returnHead(), g.readOr(th.GroupBy[0]))...)
	}
	names := varNames(th.GroupBy)
	var pieces []titlePiece
	for i, f := range th.GroupBy {
		name := names[strings.Join(f, "\x00")]
		out = append(out, statement(1, assignHead(&leaf{typ: tName, value: name}), g.readOr(f))...)
		if i > 0 {
			pieces = append(pieces, titlePiece{text: ":"})
		}
		pieces = append(pieces, titlePiece{field: name})
	}
	return append(out, statement(1, returnHead(), pyAtom{tString, titleLiteral(pieces)})...)
}

type titlePiece struct{ text, field string }

// titleLiteral writes pieces as a string literal: an f-string when a field
// is among them.
func titleLiteral(pieces []titlePiece) string {
	var text strings.Builder
	hasField := false
	for _, p := range pieces {
		if p.field != "" {
			hasField = true
		} else {
			text.WriteString(p.text)
		}
	}
	if !hasField {
		return pyQuote(text.String())
	}
	// Quoted as black normalizes the literal text; the fields are plain names.
	q := quoteFor(text.String())
	var b strings.Builder
	b.WriteString("f")
	b.WriteByte(q)
	for _, p := range pieces {
		if p.field != "" {
			b.WriteString("{" + p.field + "}")
		} else {
			b.WriteString(ast.PyEscape(p.text, q, true))
		}
	}
	b.WriteByte(q)
	return b.String()
}

// awsContextKeys are the keys aws_rule_context(event) already has.
var awsContextKeys = map[string]bool{
	"eventName": true, "eventSource": true, "awsRegion": true, "recipientAccountId": true,
	"sourceIPAddress": true, "userAgent": true, "userIdentity": true, "PantherFlow Investigation": true,
}

// alertContext prints alert_context(event): aws_rule_context for CloudTrail
// plus the Output fields it lacks, else a dict of the Output fields.
func (g *pyGen) alertContext() []string {
	cloudTrail := g.rule.LogType == "AWS.CloudTrail"
	var fields [][]string
	for _, f := range g.rule.Output {
		if len(f) == 0 || cloudTrail && awsContextKeys[f[0]] {
			continue
		}
		fields = append(fields, f)
	}
	if !cloudTrail && len(fields) == 0 {
		return nil
	}
	// Each field under its last key, or its dotted path where that is taken.
	count := map[string]int{}
	for _, f := range fields {
		count[f[len(f)-1]]++
	}
	key := func(f []string) string {
		k := f[len(f)-1]
		if count[k] > 1 || cloudTrail && awsContextKeys[k] {
			return strings.Join(f, ".")
		}
		return k
	}
	out := []string{"def alert_context(event):"}
	if !cloudTrail {
		d := pyDict{}
		for _, f := range fields {
			d.keys = append(d.keys, pyString(key(f)))
			d.vals = append(d.vals, g.reportGetter(f))
		}
		return append(out, statement(1, returnHead(), d)...)
	}
	g.aws["aws_rule_context"] = true
	ctx := pyCall{fn: []string{"aws_rule_context"}, args: []pyX{pyName("event")}}
	if len(fields) == 0 {
		return append(out, statement(1, returnHead(), ctx)...)
	}
	out = append(out, statement(1, assignHead(&leaf{typ: tName, value: "context"}), ctx)...)
	for _, f := range fields {
		target := []*leaf{
			{typ: tName, value: "context"},
			{typ: tLSqb, value: "["},
			{typ: tString, value: pyQuote(key(f))},
			{typ: tRSqb, value: "]"},
		}
		out = append(out, statement(1, assignHead(target...), g.reportGetter(f))...)
	}
	return append(out, "    return context")
}
