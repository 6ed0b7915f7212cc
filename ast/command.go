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

// RenameCmd is `| rename a AS b, ...`. From and To may hold * wildcards (the
// same number in both): every field matching From is renamed, each * of To
// taking the text the matching * of From matched.
type RenameCmd struct {
	Span
	Pairs []RenamePair
}

// Agg is one stats aggregation: Fn(Arg) AS As. Arg is empty for count.
type Agg struct {
	Span
	Fn  string // count, min, max, values, dc, ...
	Arg string // field name; "" for bare count and for an eval argument
	X   Expr   // the expression of Fn(eval(X)); nil for a field argument
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

// EventStatsCmd is `| eventstats aggs... [by fields...]`: every row is kept and
// gets the aggregates of its group. A row whose by-field is null or missing is
// in no group: it stays, without the aggregate fields.
type EventStatsCmd struct {
	Span
	Aggs []Agg
	By   []string
}

// StreamStatsCmd is `| streamstats [options] aggs... [by fields...]`: each row
// gets the aggregates of the rows before it (in pipeline order) in its group,
// itself included when Current.
type StreamStatsCmd struct {
	Span
	Aggs    []Agg
	By      []string
	Current bool // current=; Splunk's default is true
	Window  int  // window=; 0 means all previous rows
	// Global: with a window and a by-clause, true means one window over all rows
	// (Splunk's default), false one window per group.
	Global        bool
	ResetOnChange bool // reset_on_change=: restart all groups when a by-field value changes
}

// BinCmd is `| bin|bucket span=S field [AS new]`: the value is replaced by the
// start of its bin. With a time span (a unit such as 5m) the value is read as
// epoch seconds and the result is the epoch of the bin start; with a plain
// number the result is the range "lo-hi".
type BinCmd struct {
	Span
	Field    string
	As       string  // "" means in place
	SpanText string  // as written, e.g. 5m
	Size     float64 // seconds for a time span, else the numeric width
	Time     bool    // the span has a time unit
}

// SpathCmd is `| spath [input=F] [output=O] [path=P | P]`: reads JSON from the
// input field (default _raw). With a path the value (or values, through {}) at
// the path goes into Output (default: the path itself); without one every leaf
// is extracted under its flattened name (a.b, a{}.b), as KV_MODE=json does.
type SpathCmd struct {
	Span
	Input  string
	Output string
	Path   string
}

// MvexpandCmd is `| mvexpand field [limit=N]`: one row per value; every copy
// keeps the provenance of the row it came from.
type MvexpandCmd struct {
	Span
	Field string
	Limit int // 0 means all values
}

// MakemvCmd is `| makemv [delim=D | tokenizer=RE] [allowempty=B] [setsv=B] field`.
type MakemvCmd struct {
	Span
	Field      string
	Delim      string // used when Tokenizer is ""; Splunk's default is a single space
	Tokenizer  string // RE2 pattern whose first group is each value
	AllowEmpty bool
	SetSV      bool
}

// FillnullCmd is `| fillnull [value=V] [fields...]`. Without fields it fills
// every field that some row of the result set has and this row lacks.
type FillnullCmd struct {
	Span
	Value  string // Splunk's default is "0"
	Fields []string
}

// SortKey is one `[+|-][auto|str|num|ip](field)` of sort or dedup sortby.
type SortKey struct {
	Span
	Field string
	Desc  bool
	As    string // "auto" (default), "str", "num" or "ip"
}

// SortCmd is `| sort [N | limit=N] keys... [desc]`. The sort is stable.
type SortCmd struct {
	Span
	Limit   int // 0 means all rows
	Keys    []SortKey
	Reverse bool // trailing d/desc reverses the whole order
}

// DedupCmd is `| dedup [N] fields... [keepempty=B] [consecutive=B] [keepevents=B] [sortby keys...]`.
type DedupCmd struct {
	Span
	Count       int // rows kept per combination; at least 1
	Fields      []string
	KeepEmpty   bool
	Consecutive bool
	KeepEvents  bool
	SortBy      []SortKey
}

// HeadCmd is `| head [N]` (Tail false) or `| tail [N]`; Splunk's default N is 10.
type HeadCmd struct {
	Span
	Count int
	Tail  bool
}

// SedExpr is a rex mode=sed expression: s/regex/replacement/flags or y/from/to/.
type SedExpr struct {
	Kind        byte   // 's' or 'y'
	Pattern     string // s: RE2 pattern; y: the characters to replace
	Replacement string // s: Go regexp replacement ($1, ${name}); y: the characters to put instead
	Global      bool   // s///g
	Nth         int    // s///N: replace only the Nth match (0: the first, or all when Global)
}

// RexCmd is `| rex [field=F] [max_match=N] [offset_field=O] "regex"` or
// `| rex [field=F] mode=sed "expr"`. Pattern is already RE2 (PCRE's (?<name>
// written (?P<name>); the named groups become fields.
type RexCmd struct {
	Span
	Field       string // default _raw
	Pattern     string
	MaxMatch    int // 1 by default; 0 means no limit; above 1 the fields are multivalue
	OffsetField string
	Sed         *SedExpr
}

// RegexCmd is `| regex [field=|field!=]"regex"`: keeps the rows whose field
// (default _raw) matches (or, with !=, does not match) the RE2 pattern.
type RegexCmd struct {
	Span
	Field   string
	Negate  bool
	Pattern string
}

// ReplacePair is one `from WITH to` of replace; both may hold * wildcards.
type ReplacePair struct {
	Span
	From, To string
}

// ReplaceCmd is `| replace a WITH b, ... IN fields`: a value equal to (or, with
// wildcards, matching the whole of) From becomes To.
type ReplaceCmd struct {
	Span
	Pairs  []ReplacePair
	Fields []string
}

// FromjsonCmd is `| fromjson field [prefix=p]`: the top-level keys of the JSON
// object in field become fields.
type FromjsonCmd struct {
	Span
	Field  string
	Prefix string
}

// AddtotalsCmd is `| addtotals [fieldname=F] [fields...]`: each row gets the
// sum of its numeric fields (those listed, with * wildcards, or all but the
// internal _ fields) in FieldName (Splunk's default is Total).
type AddtotalsCmd struct {
	Span
	FieldName string
	Fields    []string
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
func (*EventStatsCmd) commandNode()  {}
func (*StreamStatsCmd) commandNode() {}
func (*BinCmd) commandNode()         {}
func (*SpathCmd) commandNode()       {}
func (*MvexpandCmd) commandNode()    {}
func (*MakemvCmd) commandNode()      {}
func (*FillnullCmd) commandNode()    {}
func (*SortCmd) commandNode()        {}
func (*DedupCmd) commandNode()       {}
func (*HeadCmd) commandNode()        {}
func (*RexCmd) commandNode()         {}
func (*RegexCmd) commandNode()       {}
func (*ReplaceCmd) commandNode()     {}
func (*FromjsonCmd) commandNode()    {}
func (*AddtotalsCmd) commandNode()   {}
