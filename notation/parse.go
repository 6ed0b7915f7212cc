package notation

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"

	"github.com/concordsec/concord/ast"
)

// Parse reads condition notation. Top-level lines are ANDed into a non-operand
// ast.Logic And; a single line is returned as it is. Every node's Span runs from
// its first character to just after its last (To is exclusive; columns count
// runes, as participle does). On failure the tree is nil and the errors carry
// ast.CodeParse and the position of the offending token, e.g.
// "rule.cnd:2:7: parse: expected expression, found end of line".
func Parse(file string, src string) (ast.Expr, ast.ErrorList) {
	var errs ast.ErrorList
	toks, err := lex(file, src)
	if err != nil {
		errs = append(errs, err)
		return nil, errs
	}
	if last := toks[len(toks)-1]; significant(toks) == 0 {
		errs.Add(ast.Pos{File: file, Line: last.Pos.Line, Col: last.Pos.Column}, ast.CodeParse, "expected expression, found end of input")
		return nil, errs
	}
	peek, lerr := lexer.Upgrade(&sliceLexer{toks: toks}, tokWS, tokCmt)
	if lerr != nil {
		errs.Add(ast.Pos{File: file, Line: 1, Col: 1}, ast.CodeParse, lerr.Error())
		return nil, errs
	}
	g, perr := parser.ParseFromLexer(peek)
	if perr != nil {
		errs = append(errs, convertError(file, perr, toks))
		return nil, errs
	}
	c := &converter{file: file}
	x := c.top(g)
	if len(c.errs) > 0 {
		c.errs.Sort()
		return nil, c.errs
	}
	return x, nil
}

func significant(toks []lexer.Token) int {
	n := 0
	for _, t := range toks {
		if t.Type != tokWS && t.Type != tokCmt && !t.EOF() {
			n++
		}
	}
	return n
}

type sliceLexer struct {
	toks []lexer.Token
	i    int
}

func (l *sliceLexer) Next() (lexer.Token, error) {
	t := l.toks[l.i]
	if l.i < len(l.toks)-1 {
		l.i++
	}
	return t, nil
}

// lex tokenises src and turns the newlines that do not separate top-level lines
// (inside brackets, blank lines, leading and trailing ones) into whitespace.
func lex(file, src string) ([]lexer.Token, *ast.Error) {
	l, err := lexDef.LexString(file, src)
	if err != nil {
		return nil, ast.Errorf(ast.Pos{File: file, Line: 1, Col: 1}, ast.CodeParse, "%s", err)
	}
	var toks []lexer.Token
	for {
		t, err := l.Next()
		if err != nil {
			var le *lexer.Error
			if errors.As(err, &le) {
				return nil, lexError(file, src, le.Pos)
			}
			return nil, ast.Errorf(ast.Pos{File: file, Line: 1, Col: 1}, ast.CodeParse, "%s", err)
		}
		toks = append(toks, t)
		if t.EOF() {
			break
		}
	}
	depth := 0
	started := false
	pending := -1
	var prev *lexer.Token
	for i := range toks {
		t := &toks[i]
		switch {
		case t.Type == tokNL:
			if depth > 0 || !started || pending >= 0 {
				t.Type = tokWS
				continue
			}
			pending = i
		case t.Type == tokWS || t.Type == tokCmt:
		case t.EOF():
			if pending >= 0 {
				toks[pending].Type = tokWS
			}
		default:
			if t.Type == tokIdent && reserved[t.Value] && !(prev != nil && prev.Type == tokPunct && prev.Value == ".") {
				t.Type = tokKw
			}
			prev = t
			started = true
			pending = -1
			if t.Type == tokPunct {
				switch t.Value {
				case "(", "[", "{":
					depth++
				case ")", "]", "}":
					if depth > 0 {
						depth--
					}
				}
			}
		}
	}
	markKwArgs(toks)
	if err := checkKeywords(file, toks); err != nil {
		return nil, err
	}
	return toks, nil
}

// markKwArgs retypes a name directly followed by "=" to KwArg.
func markKwArgs(toks []lexer.Token) {
	var last *lexer.Token
	for i := range toks {
		t := &toks[i]
		if t.Type == tokWS || t.Type == tokCmt {
			continue
		}
		if t.Type == tokPunct && t.Value == "=" && last != nil &&
			(last.Type == tokIdent || last.Type == tokKw || last.Type == tokQuoted) {
			last.Type = tokKwArg
		}
		last = t
	}
}

var postfixWords = map[string]bool{"truthy": true, "is_null": true, "is_not_null": true, "exists": true}

// operandStart are the keywords that can begin an operand.
var operandStart = map[string]bool{
	"not": true, "if": true, "concat": true, "concat_spl": true, "helper": true,
	"const": true, "event": true, "true": true, "false": true, "null": true,
	"missing": true, "nan": true,
	"any_element": true, "all_elements": true, "no_element": true, "only_one_element": true,
	"local": true, "let": true, "comp": true, "for": true, "val": true, "loop": true,
	"loop_else": true, "next": true, "break": true, "try": true, "except": true, "try_else": true,
	"while": true,
}

// checkKeywords reports a reserved word where an operand must start (a field or
// call named like a keyword that was not quoted). Participle would report such
// a mistake at a less helpful place, often the comma before it.
func checkKeywords(file string, toks []lexer.Token) *ast.Error {
	var sig []*lexer.Token
	for i := range toks {
		if t := &toks[i]; t.Type != tokWS && t.Type != tokCmt {
			sig = append(sig, t)
		}
	}
	for i, t := range sig {
		if t.Type != tokKw || operandStart[t.Value] {
			continue
		}
		var prev *lexer.Token
		if i > 0 {
			prev = sig[i-1]
		}
		if !operandExpected(prev) {
			continue
		}
		if (t.Value == "and" || t.Value == "or") && i+1 < len(sig) && sig[i+1].Value == "(" {
			continue
		}
		return ast.Errorf(ast.Pos{File: file, Line: t.Pos.Line, Col: t.Pos.Column}, ast.CodeParse,
			"expected expression, found %q (a reserved word; quote it to use it as a name: %s)", t.Value, quoteSingle(t.Value))
	}
	return nil
}

func lexError(file, src string, p lexer.Position) *ast.Error {
	pos := ast.Pos{File: file, Line: p.Line, Col: p.Column}
	rest := ""
	if p.Offset >= 0 && p.Offset <= len(src) {
		rest = src[p.Offset:]
	}
	r, _ := utf8.DecodeRuneInString(rest)
	switch {
	case rest == "":
		return ast.Errorf(pos, ast.CodeParse, "expected token, found end of input")
	case r == '"' || r == '\'':
		return ast.Errorf(pos, ast.CodeParse, "expected closing %c before the end of the line", r)
	case r == '~':
		return ast.Errorf(pos, ast.CodeParse, "expected match operator after ~")
	}
	return ast.Errorf(pos, ast.CodeParse, "expected token, found %q", r)
}

var unexpectedRE = regexp.MustCompile(`^unexpected token "((?:[^"\\]|\\.)*)"(?: \(expected (.*)\))?$`)

func convertError(file string, err error, toks []lexer.Token) *ast.Error {
	var perr participle.Error
	if !errors.As(err, &perr) {
		return ast.Errorf(ast.Pos{File: file, Line: 1, Col: 1}, ast.CodeParse, "%s", err)
	}
	p := perr.Position()
	pos := ast.Pos{File: file, Line: p.Line, Col: p.Column}
	msg := perr.Message()
	var ute *participle.UnexpectedTokenError
	if errors.As(err, &ute) {
		found := describe(ute.Unexpected)
		if ute.Unexpected.Type == tokKwArg {
			return ast.Errorf(pos, ast.CodeParse, "expected expression, found %s= (name=value is only allowed in call arguments; compare with eq or ==)", ute.Unexpected.Value)
		}
		if m := unexpectedRE.FindStringSubmatch(msg); m != nil && m[2] != "" {
			hint := ""
			if ute.Unexpected.Type == tokKw && ute.Unexpected.Value == "not" {
				hint = " (parenthesise a negated operand: (not x))"
			}
			return ast.Errorf(pos, ast.CodeParse, "expected %s, found %s%s", friendly(m[2]), found, hint)
		}
		prev := previous(toks, ute.Unexpected.Pos.Offset)
		if ute.Unexpected.Value == "." && prev != nil && prev.Value == "event" {
			return ast.Errorf(pos, ast.CodeParse, "expected operator or end of line, found \".\" (event is the whole event: write the path without it, or quote 'event')")
		}
		if isComparison(ute.Unexpected.Value) {
			return ast.Errorf(pos, ast.CodeParse, "expected \"and\", \"or\" or end of line, found %s (comparisons do not chain; parenthesise)", found)
		}
		return ast.Errorf(pos, ast.CodeParse, "expected operator or end of line, found %s", found)
	}
	if m := unexpectedRE.FindStringSubmatch(msg); m != nil {
		if m[2] != "" {
			return ast.Errorf(pos, ast.CodeParse, "expected %s, found %q", m[2], m[1])
		}
		return ast.Errorf(pos, ast.CodeParse, "expected operator or end of line, found %q", m[1])
	}
	return ast.Errorf(pos, ast.CodeParse, "expected valid notation: %s", msg)
}

// grammarNames maps participle's names of grammar rules to words for messages.
var grammarNames = map[string]string{
	"GOr": "expression", "GAnd": "expression", "GNot": "expression", "GCmp": "expression",
	"GDefault": "expression", "GPostfix": "expression", "GPrimary": "expression",
	"GToken": "string", "GElem": "name", "GPath": "name", "GArgs": `"("`,
	"GConst": "constant", "GScalar": "literal", "GDictItem": "key: value",
	"GConstItem": `"key": value`,
}

var grammarNameRE = regexp.MustCompile(`\bG[A-Z][A-Za-z]*\b`)

func friendly(expect string) string {
	return grammarNameRE.ReplaceAllStringFunc(expect, func(n string) string {
		if w, ok := grammarNames[n]; ok {
			return w
		}
		return n
	})
}

// previous is the last significant token before offset, or nil.
func previous(toks []lexer.Token, offset int) *lexer.Token {
	var prev *lexer.Token
	for i := range toks {
		t := &toks[i]
		if t.Pos.Offset >= offset || t.EOF() {
			break
		}
		if t.Type != tokWS && t.Type != tokCmt {
			prev = t
		}
	}
	return prev
}

// operandExpected reports whether an operand must follow prev.
func operandExpected(prev *lexer.Token) bool {
	switch {
	case prev == nil, prev.Type == tokNL, prev.Type == tokOp, prev.Type == tokStar, prev.Type == tokSearch:
		return true
	case prev.Type == tokKw:
		return !operandStart[prev.Value] && !postfixWords[prev.Value] || prev.Value == "not"
	case prev.Type == tokPunct:
		return strings.Contains("([{,:", prev.Value)
	}
	return false
}

func isComparison(s string) bool {
	if parseMatchOp(s, &ast.Match{}) {
		return true
	}
	switch s {
	case "in", "in_spl", "in_set", "truthy", "is_null", "is_not_null", "exists":
		return true
	}
	for i := range pyCmp {
		if s == pyCmp[i] || s == splCmp[i] {
			return true
		}
	}
	return false
}

func describe(t lexer.Token) string {
	switch {
	case t.EOF():
		return "end of input"
	case t.Type == tokNL:
		return "end of line"
	}
	return strconv.Quote(t.Value)
}

type converter struct {
	file string
	errs ast.ErrorList
}

func (c *converter) pos(p lexer.Position) ast.Pos {
	return ast.Pos{File: c.file, Line: p.Line, Col: p.Column}
}

func (c *converter) span(from, to lexer.Position) ast.Span {
	return ast.Span{From: c.pos(from), To: c.pos(to)}
}

func (c *converter) errorf(p lexer.Position, format string, args ...any) {
	c.errs = append(c.errs, ast.Errorf(c.pos(p), ast.CodeParse, format, args...))
}

func (c *converter) top(g *gFile) ast.Expr {
	if len(g.Lines) == 1 {
		return c.or(g.Lines[0])
	}
	xs := make([]ast.Expr, len(g.Lines))
	for i, l := range g.Lines {
		xs[i] = c.or(l)
	}
	return &ast.Logic{
		Span: c.span(g.Lines[0].Pos, g.Lines[len(g.Lines)-1].EndPos),
		Op:   ast.And,
		Xs:   xs,
	}
}

func (c *converter) or(g *gOr) ast.Expr {
	head := c.and(g.Head)
	if len(g.Tail) == 0 {
		return head
	}
	n := &ast.Logic{Span: c.span(g.Pos, g.EndPos), Op: ast.Or, Operand: g.Tail[0].Op == "or*"}
	n.Xs = append(n.Xs, head)
	for _, t := range g.Tail {
		if (t.Op == "or*") != n.Operand {
			c.errorf(t.Pos, "expected %q to continue the chain, found %q (parenthesise to mix them)", logicWord(ast.Or, n.Operand), t.Op)
		}
		n.Xs = append(n.Xs, c.and(t.X))
	}
	return n
}

func (c *converter) and(g *gAnd) ast.Expr {
	head := c.not(g.Head)
	if len(g.Tail) == 0 {
		return head
	}
	n := &ast.Logic{Span: c.span(g.Pos, g.EndPos), Op: ast.And, Operand: g.Tail[0].Op == "and*"}
	n.Xs = append(n.Xs, head)
	for _, t := range g.Tail {
		if (t.Op == "and*") != n.Operand {
			c.errorf(t.Pos, "expected %q to continue the chain, found %q (parenthesise to mix them)", logicWord(ast.And, n.Operand), t.Op)
		}
		n.Xs = append(n.Xs, c.not(t.X))
	}
	return n
}

func (c *converter) not(g *gNot) ast.Expr {
	if g.Not != nil {
		return &ast.Not{Span: c.span(g.Pos, g.EndPos), X: c.not(g.Not)}
	}
	return c.cmp(g.X)
}

func (c *converter) cmp(g *gCmp) ast.Expr {
	x := c.def(g.X)
	t := g.Tail
	if t == nil {
		return x
	}
	sp := c.span(g.Pos, g.EndPos)
	switch {
	case t.Postfix != "":
		switch t.Postfix {
		case "truthy":
			return &ast.Truth{Span: sp, X: x}
		case "is_null":
			return &ast.IsNull{Span: sp, X: x}
		case "is_not_null":
			return &ast.Not{Span: sp, X: &ast.IsNull{Span: sp, X: x}}
		default:
			return &ast.Exists{Span: sp, X: x}
		}
	case t.Bin != "":
		y := c.def(t.Y)
		switch t.Bin {
		case "in":
			return &ast.In{Span: sp, X: x, Y: y, Dialect: ast.Python}
		case "in_spl":
			return &ast.In{Span: sp, X: x, Y: y, Dialect: ast.SPLEval}
		case "in_set":
			return &ast.In{Span: sp, X: x, Y: y, Dialect: ast.Python, Hashed: true}
		}
		for i, w := range pyCmp {
			if t.Bin == w {
				return &ast.Compare{Span: sp, Op: ast.CmpOp(i), X: x, Y: y, Dialect: ast.Python}
			}
			if t.Bin == splCmp[i] {
				return &ast.Compare{Span: sp, Op: ast.CmpOp(i), X: x, Y: y, Dialect: ast.SPLEval}
			}
		}
	case t.Match != "":
		m := &ast.Match{Span: sp, X: x}
		if !parseMatchOp(t.Match, m) {
			c.errorf(t.Pos, "expected match operator ([~][i]equals|wildcard|starts_with|ends_with|contains|regex|like[_spl]), found %q", t.Match)
		}
		m.Pattern = c.str(t.Pattern.Pos, t.Pattern.Value)
		return m
	}
	c.errorf(t.Pos, "expected operator")
	return x
}

func (c *converter) def(g *gDefault) ast.Expr {
	x := c.postfix(g.X)
	for _, t := range g.Tail {
		x = &ast.Default{Span: c.span(g.Pos, t.EndPos), X: x, Else: c.postfix(t.Else), OnNull: t.Op == "default_null"}
	}
	return x
}

func (c *converter) postfix(g *gPostfix) ast.Expr {
	x := c.primary(g.X)
	for _, ix := range g.Index {
		x = &ast.Index{Span: c.span(g.Pos, ix.EndPos), X: x, Key: c.or(ix.Key)}
	}
	return x
}

// callArgs converts call arguments: positional ones, then name=value ones.
func (c *converter) callArgs(g *gArgs) (args []ast.Expr, keywords []string) {
	for _, a := range g.Args {
		if a.Keyword != "" {
			name := a.Keyword
			if strings.HasPrefix(name, "'") {
				name = c.unquoteSingle(a.Pos, name)
			}
			keywords = append(keywords, name)
		} else if len(keywords) > 0 {
			c.errorf(a.Pos, "expected name=value after a keyword argument, found a positional argument")
		}
		args = append(args, c.or(a.X))
	}
	return args, keywords
}

// args converts the arguments of a form that takes no keyword arguments.
func (c *converter) args(g *gArgs) []ast.Expr {
	var xs []ast.Expr
	for _, a := range g.Args {
		if a.Keyword != "" {
			c.errorf(a.Pos, "expected a positional argument, found %s= (only calls take keyword arguments)", a.Keyword)
		}
		xs = append(xs, c.or(a.X))
	}
	return xs
}

func (c *converter) primary(g *gPrimary) ast.Expr {
	sp := c.span(g.Pos, g.EndPos)
	switch {
	case g.Paren != nil:
		return c.or(g.Paren)
	case g.Fn != "":
		if x, ok := c.pyForm(g, sp); ok {
			return x
		}
		args := c.args(g.FnArgs)
		switch g.Fn {
		case "if":
			if len(args) != 3 {
				c.errorf(g.FnArgs.Pos, "expected 3 arguments to if(cond, then, else), found %d", len(args))
				for len(args) < 3 {
					args = append(args, &ast.Lit{Span: sp})
				}
			}
			return &ast.Cond{Span: sp, If: args[0], Then: args[1], Else: args[2]}
		case "concat":
			return &ast.Concat{Span: sp, Parts: args, Dialect: ast.Python}
		case "concat_spl":
			return &ast.Concat{Span: sp, Parts: args, Dialect: ast.SPLEval}
		}
		op := ast.And
		if strings.HasPrefix(g.Fn, "or") {
			op = ast.Or
		}
		return &ast.Logic{Span: sp, Op: op, Xs: args, Operand: strings.HasSuffix(g.Fn, "*")}
	case g.Elements != nil:
		e := g.Elements
		q := map[string]ast.Quantifier{"any_element": ast.AnyElement, "all_elements": ast.AllElements,
			"no_element": ast.NoElement, "only_one_element": ast.OnlyOneElement}[e.Quant]
		return &ast.Elements{Span: sp, X: c.or(e.X), Quant: q, Pred: c.or(e.Pred)}
	case g.Helper != nil:
		h := g.Helper
		n := &ast.Helper{Span: sp, Name: c.name(h.Name.Elems), Body: c.or(h.Body)}
		if h.Name.Args == nil {
			c.errorf(h.Body.Pos, "expected \"(\" after the helper name")
		} else {
			n.Args = c.args(h.Name.Args)
		}
		return n
	case g.Const != nil:
		if g.Const.Scalar != nil {
			c.errorf(g.Const.Pos, "expected \"[\" or \"{\" after const")
		}
		return &ast.Lit{Span: sp, Val: c.constant(g.Const)}
	case g.List != nil:
		n := &ast.ListLit{Span: sp}
		for _, e := range g.List.Elems {
			n.Elems = append(n.Elems, c.or(e))
		}
		return n
	case g.Dict != nil:
		n := &ast.DictLit{Span: sp}
		for _, e := range g.Dict.Entries {
			n.Keys = append(n.Keys, c.or(e.Key))
			n.Vals = append(n.Vals, c.or(e.Val))
		}
		return n
	case g.Scalar != nil:
		return &ast.Lit{Span: sp, Val: c.scalar(g.Scalar)}
	case g.Event:
		return &ast.Field{Span: sp}
	case g.Path != nil:
		p := g.Path
		if p.Args != nil {
			args, kws := c.callArgs(p.Args)
			return &ast.Call{Span: sp, Fn: c.name(p.Elems), Args: args, Keywords: kws}
		}
		return &ast.Field{Span: sp, Path: c.path(p.Elems)}
	}
	c.errorf(g.Pos, "expected expression")
	return &ast.Lit{Span: sp}
}

func (c *converter) path(elems []*gElem) []string {
	out := make([]string, len(elems))
	for i, e := range elems {
		if e.Quoted != "" {
			out[i] = c.unquoteSingle(e.Pos, e.Quoted)
		} else {
			out[i] = e.Ident
		}
	}
	return out
}

func (c *converter) name(elems []*gElem) string {
	if len(elems) == 1 && elems[0].Quoted != "" {
		return c.unquoteSingle(elems[0].Pos, elems[0].Quoted)
	}
	parts := make([]string, len(elems))
	for i, e := range elems {
		if e.Quoted != "" {
			c.errorf(e.Pos, "expected identifier in a dotted name, found %s (quote the whole name instead)", e.Quoted)
		}
		parts[i] = e.Ident
	}
	return strings.Join(parts, ".")
}

func (c *converter) str(p lexer.Position, tok string) string {
	s, err := strconv.Unquote(tok)
	if err != nil {
		c.errorf(p, "expected valid string escapes, found %s", tok)
		return ""
	}
	return s
}

func (c *converter) unquoteSingle(p lexer.Position, tok string) string {
	s := tok[1 : len(tok)-1]
	var b []byte
	for len(s) > 0 {
		r, mb, tail, err := strconv.UnquoteChar(s, '\'')
		if err != nil {
			c.errorf(p, "expected valid escapes in quoted name, found %s", tok)
			return ""
		}
		s = tail
		if r < utf8.RuneSelf || !mb {
			b = append(b, byte(r))
		} else {
			b = utf8.AppendRune(b, r)
		}
	}
	return string(b)
}

func (c *converter) scalar(g *gScalar) ast.Value {
	switch {
	case g.String != nil:
		return ast.String(c.str(g.Pos, *g.String))
	case g.Number != nil:
		return c.number(g.Pos, *g.Number)
	case g.Word != nil:
		switch *g.Word {
		case "true":
			return ast.True
		case "false":
			return ast.False
		case "null":
			return ast.Null
		case "nan":
			return ast.Float(math.NaN())
		}
	}
	return ast.Missing
}

func (c *converter) number(p lexer.Position, s string) ast.Value {
	switch s {
	case "+inf":
		return ast.Float(math.Inf(1))
	case "-inf":
		return ast.Float(math.Inf(-1))
	}
	if !strings.ContainsAny(s, ".eE") {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			c.errorf(p, "expected an int64, found %s (out of range)", s)
		}
		return ast.Int(n)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		c.errorf(p, "expected a float64, found %s (out of range)", s)
	}
	return ast.Float(f)
}

func (c *converter) constant(g *gConst) ast.Value {
	switch {
	case g.Scalar != nil:
		return c.scalar(g.Scalar)
	case g.List != nil:
		vs := make([]ast.Value, 0, len(g.List.Elems))
		for _, e := range g.List.Elems {
			vs = append(vs, c.constant(e))
		}
		return ast.List(vs...)
	case g.Object != nil:
		o := &ast.Object{}
		for _, e := range g.Object.Entries {
			o.Keys = append(o.Keys, c.str(e.Key.Pos, e.Key.Value))
			o.Vals = append(o.Vals, c.constant(e.Val))
		}
		return ast.ObjectOf(o)
	}
	c.errorf(g.Pos, "expected constant")
	return ast.Missing
}
