package grammar

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// evalLexer tokenizes eval and where expressions. A field name may contain dots
// and `{}` when written without spaces (`userIdentity.arn`, `items{}.id`): the
// JSON fields of cloud logs are written that way in real detections, so `a.b` is
// one field and concatenation needs a space or a non-name operand (`a . b`,
// `a."x"`). 'single quotes' always name a field.
var evalLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Whitespace", Pattern: `\s+`},
	{Name: "String", Pattern: `"(?:\\.|[^"\\])*"`},
	{Name: "QField", Pattern: `'(?:\\.|[^'\\])*'`},
	{Name: "Number", Pattern: `(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?`},
	{Name: "Keyword", Pattern: `(?i)\b(?:AND|OR|NOT|XOR|LIKE|IN)\b`},
	{Name: "Ident", Pattern: `[A-Za-z_@$][\w@$:]*(?:\{\})?(?:\.[A-Za-z_@$\d][\w@$:]*(?:\{\})?)*`},
	{Name: "Op", Pattern: `==|!=|<=|>=|[=<>+\-*/%.]`},
	{Name: "Punct", Pattern: `[(),]`},
})

func buildEvalParser[G any]() *participle.Parser[G] {
	return participle.MustBuild[G](
		participle.Lexer(evalLexer),
		participle.Elide("Whitespace"),
		participle.CaseInsensitive("Keyword"),
	)
}

// Expr levels from loosest to tightest: OR, XOR, AND, NOT, comparison (and
// LIKE), concatenation, + -, * / %, unary minus, primary. AND binds tighter
// than OR here, unlike in the base search.
type Expr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Terms  []*XorExpr `parser:"@@ ( \"OR\" @@ )*"`
}

type XorExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Terms  []*AndExpr `parser:"@@ ( \"XOR\" @@ )*"`
}

type AndExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Terms  []*NotExpr `parser:"@@ ( \"AND\" @@ )*"`
}

type NotExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Not    *NotExpr `parser:"  \"NOT\" @@"`
	Cmp    *CmpExpr `parser:"| @@"`
}

// CmpExpr is at most one comparison (`a < b < c` is not SPL) or `x IN (a, b)`,
// which where accepts as well as the in() function.
type CmpExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	X      *ConcatExpr `parser:"@@"`
	Op     string      `parser:"( @( \"==\" | \"!=\" | \"<=\" | \">=\" | \"=\" | \"<\" | \">\" | \"LIKE\" )"`
	Y      *ConcatExpr `parser:"  @@"`
	In     bool        `parser:"| @\"IN\" \"(\""`
	List   []*Expr     `parser:"  ( @@ ( \",\" @@ )* )? \")\" )?"`
}

type ConcatExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Parts  []*AddExpr `parser:"@@ ( \".\" @@ )*"`
}

// AddExpr and MulExpr keep operators beside operands, left-associative.
type AddExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	X      *MulExpr   `parser:"@@"`
	Rest   []*AddTail `parser:"@@*"`
}

type AddTail struct {
	Pos lexer.Position
	Op  string   `parser:"@( \"+\" | \"-\" )"`
	Y   *MulExpr `parser:"@@"`
}

type MulExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	X      *Unary     `parser:"@@"`
	Rest   []*MulTail `parser:"@@*"`
}

type MulTail struct {
	Pos lexer.Position
	Op  string `parser:"@( \"*\" | \"/\" | \"%\" )"`
	Y   *Unary `parser:"@@"`
}

type Unary struct {
	Pos     lexer.Position
	EndPos  lexer.Position
	Neg     *Unary   `parser:"  \"-\" @@"`
	Primary *Primary `parser:"| @@"`
}

// Primary is a literal, a field, a function call or a parenthesized expression.
type Primary struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Number string  `parser:"  @Number"`
	String string  `parser:"| @String"`
	QField string  `parser:"| @QField"`
	Name   string  `parser:"| ( @( Ident | \"LIKE\" | \"IN\" )"`
	Call   bool    `parser:"    ( @\"(\""`
	Args   []*Expr `parser:"      ( @@ ( \",\" @@ )* )? \")\" )? )"`
	Group  *Expr   `parser:"| \"(\" @@ \")\""`
}

// Eval is the argument of `| eval a=x, b=y`.
type Eval struct {
	Assigns []*Assign `parser:"@@ ( \",\" @@ )*"`
}

// Assign is one `field = expr`. An unquoted target may contain dashes:
// Splunk takes the name up to `=`, and security_content's macro
// potentially_malicious_code_on_cmdline_tokenize_score assigns
// `unusual_cmdline_feature_set-mppreference=...`.
type Assign struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Field  string `parser:"( @( QField | String ) | @Ident ( @\"-\" @Ident )* ) \"=\""`
	X      *Expr  `parser:"@@"`
}

// ExprRoot is a whole standalone expression (where, calculated fields).
type ExprRoot struct {
	X *Expr `parser:"@@"`
}

var (
	EvalParser = buildEvalParser[Eval]()
	ExprParser = buildEvalParser[ExprRoot]()
)
