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
