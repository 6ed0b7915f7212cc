package ast

// Command is one stage of a Splunk pipeline after the base search. Each command
// consumes the rows of the previous one; every row keeps the events it came from.
type Command interface {
	Node
	commandNode()
}

// SearchCmd is `| search <expr>` (search-term semantics, like the base search).
type SearchCmd struct {
	Span
	Cond Expr
}

// WhereCmd is `| where <expr>` (eval semantics; a null result drops the row).
type WhereCmd struct {
	Span
	Cond Expr
}

// Assign is one `field=expr` of eval.
type Assign struct {
	Span
	Field string
	X     Expr
}

// EvalCmd is `| eval a=x, b=y`: assignments run left to right, each seeing the
// previous ones.
type EvalCmd struct {
	Span
	Assigns []Assign
}

// RenamePair is one `from AS to`.
type RenamePair struct {
	Span
	From, To string
}

// RenameCmd is `| rename a AS b, ...`.
type RenameCmd struct {
	Span
	Pairs []RenamePair
}

// Agg is one stats aggregation: Fn(Arg) AS As. Arg is empty for count.
type Agg struct {
	Span
	Fn  string // count, min, max, values, dc, ...
	Arg string // field name; "" for bare count
	As  string // output field name (defaults to Fn(Arg) as Splunk names it)
}

// StatsCmd is `| stats aggs... [by fields...]`. Rows in which any by-field is null
// or missing are dropped (Splunk's documented stats behaviour); a multivalue
// by-field puts the event into one group per value.
type StatsCmd struct {
	Span
	Aggs []Agg
	By   []string
}

// Conversion is one function of convert, e.g. ctime(firstTime) AS x.
type Conversion struct {
	Span
	Fn    string // ctime, ...
	Field string
	As    string // "" means in place
}

// ConvertCmd is `| convert [timeformat="..."] fn(field) [AS f]...`.
type ConvertCmd struct {
	Span
	TimeFormat  string // strftime format; Splunk's default is "%m/%d/%Y %H:%M:%S"
	Conversions []Conversion
}

// TableCmd is `| table f1 f2 ...` (keeps and orders the fields; wildcards allowed).
type TableCmd struct {
	Span
	Fields []string
}

// FieldsCmd is `| fields [+|-] f1 f2 ...`.
type FieldsCmd struct {
	Span
	Remove bool
	Fields []string
}

// UnsupportedCmd is a command that parsed but that concord cannot run yet. Rules
// that contain one are reported "unsupported", never silently shortened.
type UnsupportedCmd struct {
	Span
	Name string
}

func (*SearchCmd) commandNode()      {}
func (*WhereCmd) commandNode()       {}
func (*EvalCmd) commandNode()        {}
func (*RenameCmd) commandNode()      {}
func (*StatsCmd) commandNode()       {}
func (*ConvertCmd) commandNode()     {}
func (*TableCmd) commandNode()       {}
func (*FieldsCmd) commandNode()      {}
func (*UnsupportedCmd) commandNode() {}
