package sigma

import (
	"errors"
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
)

// The condition grammar of the Sigma rules specification (section Condition):
// `or` binds least, then `and`, then `not`, then `x of pattern`, then
// parentheses. Keywords are lower case, as pySigma's parser has them.
var condLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "Space", Pattern: `[ \t\r\n]+`},
	// The deprecated aggregation (`| count() by x > 5`) runs to the end: the
	// loader reports it as unsupported instead of failing on its syntax.
	{Name: "Agg", Pattern: `\|[\s\S]*`},
	{Name: "Word", Pattern: `[A-Za-z0-9_*\-]+`},
	{Name: "Punct", Pattern: `[()]`},
	{Name: "Other", Pattern: `[^ \t\r\n]`},
})

// condRoot is a whole condition string.
type condRoot struct {
	X   *condOr  `parser:"@@"`
	Agg *condAgg `parser:"@@?"`
}

type condAgg struct {
	Pos  lexer.Position
	Text string `parser:"@Agg"`
}

type condOr struct {
	Pos lexer.Position
	Xs  []*condAnd `parser:"@@ ( \"or\" @@ )*"`
}

type condAnd struct {
	Pos lexer.Position
	Xs  []*condNot `parser:"@@ ( \"and\" @@ )*"`
}

// condNot is a run of `not`s (a repetition, not a recursion, so that no
// input can nest the parser deeply) before one operand.
type condNot struct {
	Pos  lexer.Position
	Nots []string     `parser:"@\"not\"*"`
	X    *condPrimary `parser:"@@"`
}

type condPrimary struct {
	Pos   lexer.Position
	Of    *condOf `parser:"  @@"`
	Group *condOr `parser:"| \"(\" @@ \")\""`
	Ident string  `parser:"| @Word"`
}

// condOf is `1 of pattern`, `all of pattern` (`them` for every identifier).
// pySigma also reads `any of` as `1 of`.
type condOf struct {
	Pos        lexer.Position
	Quantifier string `parser:"@(\"1\" | \"all\" | \"any\") \"of\""`
	PatternPos lexer.Position
	Pattern    string `parser:"@Word"`
}

var condParser = participle.MustBuild[condRoot](
	participle.Lexer(condLexer),
	participle.Elide("Space"),
	participle.UseLookahead(2),
)

// maxCondDepth bounds the nesting of parentheses a condition may have; the
// parser recurses once per level.
const maxCondDepth = 64

// condKeywords cannot name a search identifier.
var condKeywords = map[string]bool{"and": true, "or": true, "not": true, "of": true, "them": true, "1": true, "all": true, "any": true}

// condError is a problem at a byte offset of the condition text.
type condError struct {
	Off         int
	Msg         string
	Unsupported bool
}

// parseCondition parses one condition string.
func parseCondition(text string) (root *condRoot, cerr *condError) {
	defer func() {
		// participle should not panic, but a rule file must never crash concord.
		if r := recover(); r != nil {
			root, cerr = nil, &condError{Msg: fmt.Sprintf("internal parser failure: %v", r)}
		}
	}()
	if strings.TrimSpace(text) == "" {
		return nil, &condError{Msg: "the condition is empty: expected search identifiers joined by and, or, not"}
	}
	depth := 0
	for i, c := range text {
		if c == '|' {
			break
		}
		switch c {
		case '(':
			if depth++; depth > maxCondDepth {
				return nil, &condError{Off: i, Msg: fmt.Sprintf("parentheses nest deeper than %d levels", maxCondDepth)}
			}
		case ')':
			depth--
		}
	}
	root, err := condParser.ParseString("", text)
	if err != nil {
		return nil, condParseError(text, err)
	}
	if root.Agg != nil {
		return root, &condError{Off: root.Agg.Pos.Offset, Unsupported: true,
			Msg: fmt.Sprintf("aggregation %q (the deprecated `| count()` syntax; Sigma correlation rules replace it)", strings.TrimSpace(root.Agg.Text))}
	}
	return root, nil
}

// condParseError rewrites participle's message in the terms of the spec.
func condParseError(text string, err error) *condError {
	var uerr *participle.UnexpectedTokenError
	if errors.As(err, &uerr) {
		tok := uerr.Unexpected
		if tok.EOF() {
			return &condError{Off: len(text), Msg: "the condition ends early: expected " + expectAfter(text)}
		}
		before := text[:tok.Pos.Offset]
		if f := strings.Fields(before); tok.Value == "of" && len(f) > 0 && isNumber(f[len(f)-1]) {
			return &condError{Off: tok.Pos.Offset - len(f[len(f)-1]) - 1, Msg: fmt.Sprintf("quantifier `%s of` is not Sigma: expected `1 of` or `all of`", f[len(f)-1])}
		}
		return &condError{Off: tok.Pos.Offset, Msg: fmt.Sprintf("unexpected %q: expected %s", tok.Value, expectAfter(before))}
	}
	var perr participle.Error
	if errors.As(err, &perr) {
		return &condError{Off: perr.Position().Offset, Msg: perr.Message()}
	}
	return &condError{Msg: err.Error()}
}

func isNumber(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// expectAfter says what may follow the text before an unexpected token.
func expectAfter(before string) string {
	fields := strings.Fields(strings.NewReplacer("(", " ( ", ")", " ) ").Replace(before))
	operand := "a search identifier, `1 of`, `all of`, `not` or `(`"
	if len(fields) == 0 {
		return operand
	}
	switch last := fields[len(fields)-1]; last {
	case "and", "or", "not", "(":
		return operand + " after " + quoteWord(last)
	case "of":
		return "a search identifier pattern or `them` after `of`"
	case "1", "all", "any":
		if len(fields) == 1 || fields[len(fields)-2] != "of" {
			return "`of` after " + quoteWord(last)
		}
	}
	if open := strings.Count(before, "(") - strings.Count(before, ")"); open > 0 {
		return "`and`, `or` or `)`"
	}
	return "`and`, `or` or the end of the condition"
}

func quoteWord(w string) string { return "`" + w + "`" }
