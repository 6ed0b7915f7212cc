package grammar

import "github.com/alecthomas/participle/v2/lexer"

// Rename is the argument of `| rename a AS b, "c d" AS e`.
type Rename struct {
	Pairs []*RenamePair `parser:"@@ ( \",\"? @@ )* \",\"?"`
}

// RenamePair is one `from AS to`.
type RenamePair struct {
	Pos    lexer.Position
	EndPos lexer.Position
	From   *Name `parser:"@@ \"AS\""`
	To     *Name `parser:"@@"`
}

// Name is a field name, plain or quoted.
type Name struct {
	Pos    lexer.Position
	Quoted string `parser:"  @String"`
	Word   string `parser:"| @Word"`
	// Call is a parenthesised tail written without a blank, as in field names
	// Splunk makes (`values(x)`) or accepts (`AS aceFlags(inheritance)`).
	Call string `parser:"( @\"(\" @Word* @\")\" )?"`
}

// Stats is the argument of `| stats aggs... [BY fields]`.
type Stats struct {
	Aggs []*Agg  `parser:"( @@ \",\"? )+"`
	By   []*Name `parser:"( \"BY\" \",\"* @@ ( \",\"* @@ )* \",\"* )?"`
}

// Agg is `fn`, `fn(field)` or either with `AS name`.
type Agg struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Fn     string  `parser:"@Word"`
	Call   bool    `parser:"( @\"(\""`
	Arg    *AggArg `parser:"  @@? \")\" )?"`
	As     *Name   `parser:"( \"AS\" @@ )?"`
}

// AggArg is the argument of an aggregation: a field, or something else (such as
// `eval(...)`) that lowering reports as unsupported.
type AggArg struct {
	Pos    lexer.Position
	Name   *Name     `parser:"@@"`
	Nested *Balanced `parser:"@@?"`
}

// Balanced is a parenthesized token run with nested parentheses, kept only to
// be reported: `eval(if(x, 1, 0))`.
type Balanced struct {
	Parts []*BalancedPart `parser:"\"(\" @@* \")\""`
}

// BalancedPart is a token or a nested parenthesized run.
type BalancedPart struct {
	Token  string    `parser:"  @~( \"(\" | \")\" )"`
	Nested *Balanced `parser:"| @@"`
}

// Convert is the argument of `| convert [timeformat="..."] fn(f) [AS g] ...`.
type Convert struct {
	Options     []*ConvertOption `parser:"@@*"`
	Conversions []*Conversion    `parser:"( @@ \",\"? )+"`
}

// ConvertOption is `name=value`, e.g. timeformat="%Y".
type ConvertOption struct {
	Pos   lexer.Position
	Name  string `parser:"@Word \"=\""`
	Value *Name  `parser:"@@"`
}

// Conversion is `fn(field) [AS name]`.
type Conversion struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Fn     string `parser:"@Word \"(\""`
	Field  *Name  `parser:"@@ \")\""`
	As     *Name  `parser:"( \"AS\" @@ )?"`
}

// FieldList is the argument of `| table` and `| fields`: names separated by
// blanks or commas (a leading + or - of fields is a Word).
type FieldList struct {
	Names []*Name `parser:"( @@ \",\"? )*"`
}

var (
	RenameParser    = buildWordParser[Rename]()
	StatsParser     = buildWordParser[Stats]()
	ConvertParser   = buildWordParser[Convert]()
	FieldListParser = buildWordParser[FieldList]()
)
