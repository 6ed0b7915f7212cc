package grammar

import "github.com/alecthomas/participle/v2/lexer"

// Args is the argument list of the option-style commands (bin, spath, rex,
// dedup, sort, fillnull, mvexpand, makemv, head, regex): their arguments are
// options, bare or quoted values, `AS name`, `BY` and commas in an order each
// command checks when it is lowered, so that a misplaced argument is reported
// with what that command expected there.
type Args struct {
	Items []*Arg `parser:"@@*"`
}

// Arg is one argument.
type Arg struct {
	Pos    lexer.Position
	EndPos lexer.Position
	Option *Option  `parser:"  @@"`
	As     *Name    `parser:"| \"AS\" @@"`
	By     bool     `parser:"| @\"BY\""`
	In     bool     `parser:"| @\"IN\""`
	Call   *CallArg `parser:"| @@"`
	Value  *Name    `parser:"| @@"`
	Comma  bool     `parser:"| @\",\""`
}

// Option is `name=value` or `name!=value` (regex's field!="re").
type Option struct {
	Pos   lexer.Position
	Name  string `parser:"@Word"`
	Op    string `parser:"@( \"=\" | \"!=\" )"`
	Value *Name  `parser:"@@"`
}

// CallArg is `fn(field)`, as in sort's num(x) and -str(y).
type CallArg struct {
	Pos   lexer.Position
	Fn    string `parser:"@Word \"(\""`
	Field *Name  `parser:"@@ \")\""`
}

// StreamStats is the argument of eventstats and streamstats: options, then
// aggregations as in stats, then an optional by-clause.
type StreamStats struct {
	Options []*Option `parser:"@@*"`
	Aggs    []*Agg    `parser:"( @@ \",\"? )+"`
	By      []*Name   `parser:"( \"BY\" @@ ( \",\"? @@ )* )?"`
}

var (
	ArgsParser        = buildWordParser[Args]()
	StreamStatsParser = buildWordParser[StreamStats]()
)
