package grammar

import (
	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// wordLexer tokenizes base searches and the argument lists of the simple
// commands (rename, stats, convert, table, fields). Keywords come before Word so
// that `OR` is an operator, while `ORACLE` stays a word (\b stops the keyword).
// A Word is anything up to whitespace, a quote, a comparison operator or
// punctuation, so `aws:cloudtrail`, `*.amazonaws.com`, `items{}.id` and `-5`
// are single words. `!` belongs to a word unless it starts `!=`; a backslash
// escapes the next character (`*\"privileged\":true*`).
var wordLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Whitespace", Pattern: `\s+`},
	{Name: "String", Pattern: `"(?:\\.|[^"\\])*"`},
	{Name: "Op", Pattern: `!=|<=|>=|==|=|<|>`},
	{Name: "Punct", Pattern: `[(),\[\]]`},
	// Boolean operators count only in capitals (Search Manual, "Boolean
	// expressions with logical operators": "The operators must be
	// capitalized"); a lowercase `or` is a search term.
	{Name: "Keyword", Pattern: `\b(?:AND|OR|NOT)\b|(?i:\b(?:IN|AS|BY)\b)`},
	{Name: "Word", Pattern: `(?:\\.|[^\s"=!<>(),\[\]\\]|![^=\s"(),\[\]])+|!|\\`},
})

func buildWordParser[G any]() *participle.Parser[G] {
	return participle.MustBuild[G](
		participle.Lexer(wordLexer),
		participle.Elide("Whitespace"),
		participle.CaseInsensitive("Keyword"),
		// convert options (`timeformat=`) and conversions (`ctime(`) share their first token.
		participle.UseLookahead(2),
	)
}

// Search is a base search or the argument of `| search`. Splunk's precedence in
// search is NOT, then OR, then AND: OR binds tighter than AND, and terms next to
// each other are joined by an implicit AND.
type Search struct {
	Pos    lexer.Position
	EndPos lexer.Position
	And    *SearchAnd `parser:"@@?"`
}

// SearchAnd is OR-groups joined by AND, explicit or implicit.
type SearchAnd struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Terms  []*SearchOr `parser:"@@ ( \"AND\"? @@ )*"`
}

// SearchOr is NOT-terms joined by OR.
type SearchOr struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Terms  []*SearchNot `parser:"@@ ( \"OR\" @@ )*"`
}

// SearchNot is an optionally negated primary.
type SearchNot struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Not    *SearchNot  `parser:"  \"NOT\" @@"`
	Group  *SearchAnd  `parser:"| \"(\" @@? \")\""`
	Sub    *Subsearch  `parser:"| @@"`
	Dir    *Directive  `parser:"| @@"`
	Term   *SearchTerm `parser:"| @@"`
}

// Directive is CASE(term) or TERM(term) (Search Manual, "Use CASE() and
// TERM() to match phrases"), as a keyword or as a field's value.
type Directive struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Name   string `parser:"@( \"CASE\" | \"TERM\" ) \"(\""`
	Arg    *Token `parser:"@@ \")\""`
}

// Subsearch is `[ ... ]`; only its extent is kept (it is not supported).
type Subsearch struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Parts  []*SubsearchPart `parser:"\"[\" @@* \"]\""`
}

// SubsearchPart is a token or a nested subsearch.
type SubsearchPart struct {
	Token  string     `parser:"  @~( \"[\" | \"]\" )"`
	Nested *Subsearch `parser:"| @@"`
}

// SearchTerm is `field op value`, `field IN (values)` or a bare keyword/phrase.
type SearchTerm struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Head   *Token   `parser:"@@"`
	Op     string   `parser:"( @Op"`
	Value  *Value   `parser:"  @@"`
	In     []*Token `parser:"| \"IN\" \"(\" ( \",\" | @@ )* \")\" )?"`
}

// Token is a word, a quoted string or a keyword used as a value (`x=OR`).
type Token struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Quoted string `parser:"  @String"`
	Word   string `parser:"| @Word"`
	Kw     string `parser:"| @(\"AS\" | \"BY\")"`
}

// Value is the right side of a comparison, where any keyword is plain text
// (`direction=IN`).
type Value struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Dir    *Directive `parser:"  @@"`
	Quoted string     `parser:"| @String"`
	Word   string     `parser:"| @Word"`
	Kw     string     `parser:"| @Keyword"`
}

// SearchParser parses one base search or `search` argument.
var SearchParser = buildWordParser[Search]()
