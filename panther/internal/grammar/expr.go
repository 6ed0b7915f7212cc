package grammar

import "github.com/alecthomas/participle/v2/lexer"

// ExprList is `x, *y, z[,]`: one expression, or a tuple when it has a comma.
type ExprList struct {
	Pos      lexer.Position
	EndPos   lexer.Position
	Items    []*StarExpr `parser:"@@ ( \",\" @@ )*"`
	Trailing bool        `parser:"@\",\"?"`
}

// StarExpr is an expression optionally unpacked with `*`.
type StarExpr struct {
	Pos  lexer.Position
	Star bool  `parser:"@\"*\"?"`
	X    *Expr `parser:"@@"`
}

// StarBin is a loop target: `*`? and a binary-level expression, so that the
// `in` after it is not read as a comparison.
type StarBin struct {
	Pos  lexer.Position
	Star bool     `parser:"@\"*\"?"`
	X    *BinExpr `parser:"@@"`
}

// Expr is a full expression.
type Expr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Lambda *Lambda  `parser:"  @@"`
	Walrus *Walrus  `parser:"| @@"`
	Cond   *Ternary `parser:"| @@"`
}

// Lambda is `lambda params: body`.
type Lambda struct {
	Pos    lexer.Position
	Params []*LambdaParam `parser:"\"lambda\" ( @@ ( \",\" @@ )* )?"`
	Body   *Expr          `parser:"\":\" @@"`
}

// LambdaParam is a lambda parameter (no annotations).
type LambdaParam struct {
	Star    string `parser:"@( \"*\" | \"**\" )?"`
	Name    string `parser:"@Name"`
	Default *Expr  `parser:"( \"=\" @@ )?"`
}

// Walrus is `name := value`.
type Walrus struct {
	Pos   lexer.Position
	Name  string `parser:"@Name \":=\""`
	Value *Expr  `parser:"@@"`
}

// Ternary is `then [if cond else otherwise]`.
type Ternary struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Then   *OrExpr `parser:"@@"`
	If     *OrExpr `parser:"( \"if\" @@"`
	Else   *Expr   `parser:"  \"else\" @@ )?"`
}

// OrExpr is a boolean expression: `not`s, comparisons and binary operators
// over unary operands. Participle reads it as one flat run (Nots, X, Tail) and
// Ands applies Python's precedence to it (nest.go): a struct per precedence
// level cost participle an allocation and a branch per level for every
// operand, most of the time spent loading a rule.
type OrExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Nots   []lexer.Token `parser:"@( \"not\"* )"`
	X      *Unary        `parser:"@@"`
	Tail   []*OpTail     `parser:"@@*"`

	ands []*AndExpr // Ands, once nested
}

// OpTail is one `op operand` of an OrExpr's run; only `and` and `or` may be
// followed by `not`.
type OpTail struct {
	Pos  lexer.Position
	Op   []string      `parser:"(  @( BinOp | CompOp | \"in\" | \"not\" \"in\" | \"is\" \"not\" | \"is\" )"`
	Bool string        `parser:"| @( \"and\" | \"or\" )"`
	Nots []lexer.Token `parser:"  @( \"not\"* ) )"`
	Y    *Unary        `parser:"@@"`
}

// AndExpr is `x and y and ...`, an operand of an OrExpr.
type AndExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Xs     []*NotExpr
}

// NotExpr is `not x` or a comparison.
type NotExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Not    *NotExpr
	X      *Comparison
}

// Comparison is `x op y op z ...` (Python chains comparisons).
type Comparison struct {
	Pos    lexer.Position
	EndPos lexer.Position
	X      *BinExpr
	Tail   []*CompTail
}

// CompTail is one `op y` of a comparison chain.
type CompTail struct {
	Pos lexer.Position
	Op  []string
	Y   *BinExpr
}

// BinExpr is a run of binary arithmetic/bitwise operators; precedence is
// applied while lowering, which keeps the grammar to one level.
type BinExpr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	X      *Unary     `parser:"@@"`
	Tail   []*BinTail `parser:"@@*"`
}

// BinTail is one `op operand` of a BinExpr.
type BinTail struct {
	Pos lexer.Position
	Op  string `parser:"@BinOp"`
	Y   *Unary `parser:"@@"`
}

// Unary is `-x`, `+x`, `~x` over a power.
type Unary struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Ops    []string `parser:"@( \"-\" | \"+\" | \"~\" )*"`
	X      *Power   `parser:"@@"`
}

// Power is `x ** y` (right-associative, binds tighter than unary minus on the left).
type Power struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Await  bool     `parser:"@\"await\"?"`
	X      *Primary `parser:"@@"`
	Exp    *Unary   `parser:"( \"**\" @@ )?"`
}

// Primary is an atom followed by calls, subscripts and attributes.
type Primary struct {
	Pos      lexer.Position
	EndPos   lexer.Position
	Atom     *Atom      `parser:"@@"`
	Trailers []*Trailer `parser:"@@*"`
}

// Trailer is `(args)`, `[subscripts]` or `.name`.
type Trailer struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Call   bool         `parser:"  @\"(\""`
	Args   []*Arg       `parser:"  ( @@ ( \",\" @@ )* \",\"? )? \")\""`
	Index  bool         `parser:"| @\"[\""`
	Subs   []*Subscript `parser:"  @@ ( \",\" @@ )* \",\"? \"]\""`
	Attr   string       `parser:"| \".\" @Name"`
}

// Arg is a call argument: positional, `name=value`, `*xs`, `**kw`, or a bare
// generator expression.
type Arg struct {
	Pos  lexer.Position
	Star string   `parser:"@( \"*\" | \"**\" )?"`
	Name string   `parser:"( @Name \"=\" )?"`
	X    *Expr    `parser:"@@"`
	Comp *CompFor `parser:"@@?"`
}

// Subscript is an index or a slice `lower:upper:step`.
type Subscript struct {
	Pos   lexer.Position
	Lower *Expr `parser:"@@?"`
	Slice bool  `parser:"( @\":\""`
	Upper *Expr `parser:"  @@?"`
	Step  *Expr `parser:"  ( \":\" @@? )? )?"`
}

// Atom is a literal, a name, or a bracketed form.
type Atom struct {
	Pos      lexer.Position
	EndPos   lexer.Position
	Name     string     `parser:"  @Name"`
	Strings  []*StrPart `parser:"| @@+"`
	Number   string     `parser:"| @Number"`
	None     bool       `parser:"| @\"None\""`
	True     bool       `parser:"| @\"True\""`
	False    bool       `parser:"| @\"False\""`
	Ellipsis bool       `parser:"| @\"...\""`
	Paren    bool       `parser:"| @\"(\""`
	ParenIn  *Seq       `parser:"  @@? \")\""`
	List     bool       `parser:"| @\"[\""`
	ListIn   *Seq       `parser:"  @@? \"]\""`
	Brace    bool       `parser:"| @\"{\""`
	BraceIn  *DictOrSet `parser:"  @@? \"}\""`
}

// StrPart is one string literal of an implicitly concatenated run.
type StrPart struct {
	Pos     lexer.Position
	String  string `parser:"  @String"`
	FString string `parser:"| @FString"`
}

// Seq is the inside of () or []: items, or one item and a comprehension.
type Seq struct {
	Pos      lexer.Position
	Items    []*StarExpr `parser:"@@ ( \",\" @@ )*"`
	Trailing bool        `parser:"@\",\"?"`
	Comp     *CompFor    `parser:"@@?"`
}

// DictOrSet is the inside of {}: dict entries, set items, or a comprehension.
type DictOrSet struct {
	Pos     lexer.Position
	Entries []*DictEntry `parser:"@@ ( \",\" @@ )* \",\"?"`
	Comp    *CompFor     `parser:"@@?"`
}

// DictEntry is `key: value`, `**mapping`, or a set item (no value).
type DictEntry struct {
	Pos   lexer.Position
	Splat *BinExpr `parser:"  \"**\" @@"`
	Key   *Expr    `parser:"| @@"`
	Value *Expr    `parser:"  ( \":\" @@ )?"`
}

// CompFor is the `for ... in ... [if ...]` clauses of a comprehension.
type CompFor struct {
	Pos     lexer.Position
	Clauses []*ForClause `parser:"@@+"`
}

// ForClause is one `for targets in iter` with its `if` filters.
type ForClause struct {
	Pos     lexer.Position
	Async   bool       `parser:"@\"async\"?"`
	Targets []*StarBin `parser:"\"for\" @@ ( \",\" @@ )* \",\"?"`
	Iter    *OrExpr    `parser:"\"in\" @@"`
	Ifs     []*OrExpr  `parser:"( \"if\" @@ )*"`
}

// FStringExpr is one {expression} inside an f-string, parsed on its own.
type FStringExpr struct {
	X *ExprList `parser:"Indent? @@ Newline? Dedent?"`
}
