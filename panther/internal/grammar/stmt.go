// Package grammar holds the participle structs for the Python that Panther
// rules are written in. It is wide on purpose: it parses every statement and
// expression form the public rule corpus uses, including ones concord cannot run
// yet (loops, try, comprehensions, lambda, match), so that lowering can report
// those as "unsupported" with a position instead of failing as syntax errors.
//
// The token stream comes from panther's indentation-aware lexer: Newline ends a
// logical line, Indent/Dedent bracket a block, Keyword tokens are reserved words
// (so @Name never captures one), match/case stay Names (soft keywords).
package grammar

import "github.com/alecthomas/participle/v2/lexer"

// Module is a whole .py file.
type Module struct {
	Pos   lexer.Position
	Stmts []*Stmt `parser:"@@*"`
}

// Stmt is one statement, compound or a line of simple statements.
type Stmt struct {
	Pos    lexer.Position
	EndPos lexer.Position

	If        *If        `parser:"  @@"`
	For       *For       `parser:"| @@"`
	While     *While     `parser:"| @@"`
	Try       *Try       `parser:"| @@"`
	With      *With      `parser:"| @@"`
	Def       *Def       `parser:"| @@"`
	Class     *Class     `parser:"| @@"`
	Decorated *Decorated `parser:"| @@"`
	Match     *Match     `parser:"| @@"`
	Simple    *Simple    `parser:"| @@"`
}

// Simple is `small; small; ...` ending the logical line.
type Simple struct {
	Pos    lexer.Position
	Smalls []*Small `parser:"@@ ( \";\" @@ )* \";\"? Newline"`
}

// Small is a simple statement.
type Small struct {
	Pos lexer.Position

	Pass     bool        `parser:"  @\"pass\""`
	Break    bool        `parser:"| @\"break\""`
	Continue bool        `parser:"| @\"continue\""`
	Return   *Return     `parser:"| @@"`
	Import   *Import     `parser:"| @@"`
	From     *FromImport `parser:"| @@"`
	Global   *Global     `parser:"| @@"`
	Del      *Del        `parser:"| @@"`
	Raise    *Raise      `parser:"| @@"`
	Assert   *Assert     `parser:"| @@"`
	Expr     *ExprStmt   `parser:"| @@"`
}

// Return is `return [value]`.
type Return struct {
	Pos   lexer.Position
	Value *ExprList `parser:"\"return\" @@?"`
}

// Import is `import a.b [as c], ...`.
type Import struct {
	Pos   lexer.Position
	Names []*DottedAs `parser:"\"import\" @@ ( \",\" @@ )*"`
}

// DottedAs is `a.b.c [as d]`.
type DottedAs struct {
	Pos  lexer.Position
	Path []string `parser:"@Name ( \".\" @Name )*"`
	As   string   `parser:"( \"as\" @Name )?"`
}

// FromImport is `from [.]mod import a [as b], ...` or `import *`.
type FromImport struct {
	Pos    lexer.Position
	Dots   []string  `parser:"\"from\" @( \".\" | \"...\" )*"`
	Module []string  `parser:"( @Name ( \".\" @Name )* )?"`
	Star   bool      `parser:"\"import\" ( @\"*\""`
	Paren  []*NameAs `parser:"  | \"(\" @@ ( \",\" @@ )* \",\"? \")\""`
	Names  []*NameAs `parser:"  | @@ ( \",\" @@ )* )"`
}

// NameAs is `a [as b]` in a from-import.
type NameAs struct {
	Pos  lexer.Position
	Name string `parser:"@Name"`
	As   string `parser:"( \"as\" @Name )?"`
}

// Global is `global a, b` or `nonlocal a, b`.
type Global struct {
	Pos     lexer.Position
	Keyword string   `parser:"@( \"global\" | \"nonlocal\" )"`
	Names   []string `parser:"@Name ( \",\" @Name )*"`
}

// Del is `del targets`.
type Del struct {
	Pos     lexer.Position
	Targets *ExprList `parser:"\"del\" @@"`
}

// Raise is `raise [x [from y]]`.
type Raise struct {
	Pos  lexer.Position
	X    *Expr `parser:"\"raise\" ( @@"`
	From *Expr `parser:"  ( \"from\" @@ )? )?"`
}

// Assert is `assert x [, msg]`.
type Assert struct {
	Pos lexer.Position
	X   *Expr `parser:"\"assert\" @@"`
	Msg *Expr `parser:"( \",\" @@ )?"`
}

// ExprStmt is an expression statement or an assignment of any form.
type ExprStmt struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Target *ExprList   `parser:"@@"`
	Rest   *AssignRest `parser:"@@?"`
}

// AssignRest is what follows the first expression list of an assignment.
type AssignRest struct {
	Pos    lexer.Position
	Annot  *Annotation `parser:"  @@"`
	Aug    *AugAssign  `parser:"| @@"`
	Values []*ExprList `parser:"| ( \"=\" @@ )+"`
}

// Annotation is `: type [= value]`.
type Annotation struct {
	Type  *Expr     `parser:"\":\" @@"`
	Value *ExprList `parser:"( \"=\" @@ )?"`
}

// AugAssign is `op= value`.
type AugAssign struct {
	Op    string    `parser:"@AugOp"`
	Value *ExprList `parser:"@@"`
}

// Block is an indented suite or a simple statement on the header's line.
type Block struct {
	Pos    lexer.Position
	Stmts  []*Stmt `parser:"  Newline Indent @@+ Dedent"`
	Simple *Simple `parser:"| @@"`
}

// If is if/elif/else.
type If struct {
	Pos   lexer.Position
	Cond  *Expr   `parser:"\"if\" @@ \":\""`
	Body  *Block  `parser:"@@"`
	Elifs []*Elif `parser:"@@*"`
	Else  *Block  `parser:"( \"else\" \":\" @@ )?"`
}

// Elif is one elif clause.
type Elif struct {
	Pos  lexer.Position
	Cond *Expr  `parser:"\"elif\" @@ \":\""`
	Body *Block `parser:"@@"`
}

// For is a for loop.
type For struct {
	Pos     lexer.Position
	Async   bool       `parser:"@\"async\"?"`
	Targets []*StarBin `parser:"\"for\" @@ ( \",\" @@ )* \",\"?"`
	Iter    *ExprList  `parser:"\"in\" @@ \":\""`
	Body    *Block     `parser:"@@"`
	Else    *Block     `parser:"( \"else\" \":\" @@ )?"`
}

// While is a while loop.
type While struct {
	Pos  lexer.Position
	Cond *Expr  `parser:"\"while\" @@ \":\""`
	Body *Block `parser:"@@"`
	Else *Block `parser:"( \"else\" \":\" @@ )?"`
}

// Try is try/except/else/finally.
type Try struct {
	Pos     lexer.Position
	Body    *Block    `parser:"\"try\" \":\" @@"`
	Excepts []*Except `parser:"@@*"`
	Else    *Block    `parser:"( \"else\" \":\" @@ )?"`
	Finally *Block    `parser:"( \"finally\" \":\" @@ )?"`
}

// Except is one except clause.
type Except struct {
	Pos  lexer.Position
	Star bool   `parser:"\"except\" @\"*\"?"`
	Type *Expr  `parser:"( @@"`
	As   string `parser:"  ( \"as\" @Name )? )? \":\""`
	Body *Block `parser:"@@"`
}

// With is a with statement.
type With struct {
	Pos   lexer.Position
	Async bool        `parser:"@\"async\"?"`
	Items []*WithItem `parser:"\"with\" @@ ( \",\" @@ )* \":\""`
	Body  *Block      `parser:"@@"`
}

// WithItem is `x [as target]`.
type WithItem struct {
	X  *Expr    `parser:"@@"`
	As *BinExpr `parser:"( \"as\" @@ )?"`
}

// Def is a function definition.
type Def struct {
	Pos     lexer.Position
	Async   bool     `parser:"@\"async\"?"`
	Name    string   `parser:"\"def\" @Name"`
	Params  []*Param `parser:"\"(\" ( @@ ( \",\" @@ )* \",\"? )? \")\""`
	Returns *Expr    `parser:"( \"->\" @@ )?"`
	Body    *Block   `parser:"\":\" @@"`
}

// Param is one parameter: `name[: type][= default]`, `*args`, `**kw`, or a bare
// `*` or `/` marker.
type Param struct {
	Pos     lexer.Position
	Star    string `parser:"  ( @( \"*\" | \"**\" )"`
	Name    string `parser:"    @Name?"`
	Slash   bool   `parser:"  | @\"/\""`
	Named   string `parser:"  | @Name )"`
	Type    *Expr  `parser:"( \":\" @@ )?"`
	Default *Expr  `parser:"( \"=\" @@ )?"`
}

// Class is a class definition.
type Class struct {
	Pos   lexer.Position
	Name  string `parser:"\"class\" @Name"`
	Bases []*Arg `parser:"( \"(\" ( @@ ( \",\" @@ )* \",\"? )? \")\" )?"`
	Body  *Block `parser:"\":\" @@"`
}

// Decorated is a def or class with decorators.
type Decorated struct {
	Pos        lexer.Position
	Decorators []*Expr `parser:"( \"@\" @@ Newline )+"`
	Def        *Def    `parser:"( @@"`
	Class      *Class  `parser:"| @@ )"`
}

// Match is Python 3.10's match statement (match/case are soft keywords).
type Match struct {
	Pos     lexer.Position
	Subject *ExprList `parser:"\"match\" @@ \":\" Newline Indent"`
	Cases   []*Case   `parser:"@@+ Dedent"`
}

// Case is one case clause; patterns are parsed as expressions, which covers the
// literal, capture, value, or-, sequence and mapping patterns rules use.
type Case struct {
	Pos     lexer.Position
	Pattern *ExprList `parser:"\"case\" @@"`
	Guard   *Expr     `parser:"( \"if\" @@ )?"`
	Body    *Block    `parser:"\":\" @@"`
}
