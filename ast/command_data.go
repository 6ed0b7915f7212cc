package ast

// TstatsCmd is the generating command `| tstats [options] aggs [from
// datamodel=Model[.Dataset]] [where terms] [by fields [span=S]]`. It reads a
// data model's accelerated summaries (or indexed fields when there is no from
// clause), so running it needs the data model's fields derived from the events.
type TstatsCmd struct {
	Span
	Options   []Option // summariesonly, allow_old_summaries, fillnull_value, prestats, ...
	Aggs      []Agg
	DataModel string // "Endpoint"; "" reads indexed fields
	Dataset   string // "Processes"; "" is the model's root dataset
	Where     Expr   // search-term semantics; nil when absent
	By        []string
	TimeSpan  string // span= of the by clause, "" when absent
	// Derived, when the data model is loaded, is how concord computes the same
	// rows from the events: the dataset's constraints, calculations and field
	// names, then where, bin and stats. Nil: the command cannot run.
	Derived []Command
}

// Option is one `name=value` argument of a command.
type Option struct {
	Span
	Name, Value string
}

func (*TstatsCmd) commandNode() {}

// Subsearch is a bracketed search `[search ...]` or `[| cmd ...]` given to a
// command. concord runs it over the same events as the outer search.
type Subsearch struct {
	Span
	Match    Expr // base search; Lit true when the subsearch starts with a pipe
	Pipeline []Command
}

// JoinCmd is `| join [type=inner|left|outer] [max=N] [overwrite=bool] fields [subsearch]`.
// Each row is combined with up to Max rows of the subsearch that have the same
// values in Fields (all fields the two share when Fields is empty).
type JoinCmd struct {
	Span
	Type      string // "inner" (default) or "left" ("outer" is its synonym)
	Max       int    // rows of the subsearch per row; 0 means all. Splunk's default is 1
	Overwrite bool   // subsearch values replace the row's; default true
	Fields    []string
	Sub       *Subsearch
}

// AppendCmd is `| append [subsearch]`: the subsearch's rows after the current ones.
type AppendCmd struct {
	Span
	Sub *Subsearch
}

func (*JoinCmd) commandNode()   {}
func (*AppendCmd) commandNode() {}

// LookupTable is a lookup definition of the content tree (lookups/NAME.yml)
// with its rows, under the transforms.conf settings that decide matching.
type LookupTable struct {
	Name       string
	File       string // the CSV read; "" for a KV store collection
	Collection string // KV store collection name; concord starts it empty, as a fresh Splunk does
	Fields     []string
	Rows       [][]string
	// Wildcard fields hold `*` patterns (match_type = WILDCARD(field)).
	Wildcard map[string]bool
	// CaseSensitive is case_sensitive_match; transforms.conf's default is true.
	CaseSensitive bool
	// MinMatches and DefaultMatch: when fewer rows match, every output field
	// gets DefaultMatch. MaxMatches caps the rows used (default 100).
	MinMatches   int
	DefaultMatch string
	MaxMatches   int
}

// LookupField is `lookup-field [AS event-field]`.
type LookupField struct {
	Span
	Table, Event string
}

// LookupCmd is `| lookup NAME field [AS f]... [OUTPUT|OUTPUTNEW out [AS o]...]`.
// Without an output clause every table column that is not matched is output.
type LookupCmd struct {
	Span
	Table     *LookupTable
	Match     []LookupField
	Output    []LookupField
	OutputNew bool // only fill fields the row does not have yet
}

// InputlookupCmd is `| inputlookup [append=bool] NAME [where terms]`: the
// table's rows as results (after the current ones when Append is set).
type InputlookupCmd struct {
	Span
	Table  *LookupTable
	Append bool
	Where  Expr // nil when absent
}

func (*LookupCmd) commandNode()      {}
func (*InputlookupCmd) commandNode() {}

// SubsearchFilterCmd is a subsearch of the base search (`a=1 [search ...]`),
// moved to the head of the pipeline: it keeps the rows that match one of the
// subsearch's result rows on every field of that row (Splunk's implicit
// `format`: fields ANDed, rows ORed, values matched as search terms; no result
// row matches nothing, format's `NOT ()`).
type SubsearchFilterCmd struct {
	Span
	Sub *Subsearch
}

func (*SubsearchFilterCmd) commandNode() {}

// OutputlookupCmd is `| outputlookup [options] NAME`: Splunk writes the rows to
// the lookup and passes them on. concord passes them on and does not write:
// a test run must not change the content tree.
type OutputlookupCmd struct {
	Span
	Name string
}

func (*OutputlookupCmd) commandNode() {}

// IplocationCmd is `| iplocation [prefix=P] [allfields=bool] [lang=L] field`:
// the location of the IP address in field, from a GeoIP database.
type IplocationCmd struct {
	Span
	Field     string
	Prefix    string
	AllFields bool
	Lang      string // "en" by default
}

func (*IplocationCmd) commandNode() {}

// XmlkvCmd is `| xmlkv [field] [maxinputs=N]`: every leaf element
// <key>value</key> of the XML in field (default _raw) becomes key=value.
type XmlkvCmd struct {
	Span
	Field string
}

func (*XmlkvCmd) commandNode() {}

// ForeachCmd is `| foreach wc-field... [fieldstr=S] [matchstr=S] [template]`:
// for each field of a row matching a pattern, the template's commands run on
// the row with FieldToken replaced by the field's name and MatchToken by the
// part the wildcard matched.
type ForeachCmd struct {
	Span
	Patterns   []string
	Template   []Command
	FieldToken string // the stand-in for <<FIELD>> in Template
	MatchToken string // the stand-in for <<MATCHSTR>>
}

func (*ForeachCmd) commandNode() {}

// AnomalyDetectionCmd is `| anomalydetection [method=histogram]
// [action=filter|annotate] [pthresh=P] [cutoff=B] [fields...]`: a row is
// anomalous when the product of its fields' value frequencies is unusually
// small. PThresh is 0 when Splunk computes the threshold from the data.
type AnomalyDetectionCmd struct {
	Span
	Annotate bool // action=annotate keeps every row; filter keeps the anomalous ones
	PThresh  float64
	Cutoff   bool
	Fields   []string // none: every field of the rows
}

func (*AnomalyDetectionCmd) commandNode() {}
