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
