package spl

// Support is how much of a Splunk command concord runs.
type Support string

const (
	Supported   Support = "supported"
	Partial     Support = "partial"
	Unsupported Support = "not supported"
)

// CommandSupport is one row of spl/README.md's command table.
type CommandSupport struct {
	Name    string
	Support Support
	Notes   string
}

// Commands lists the SPL commands security_content uses, and what concord does
// with each. A test keeps it true: every command marked supported or partial
// lowers to a command node, every other one to "unsupported: NAME".
var Commands = []CommandSupport{
	{"search", Supported, "search-term semantics: case-insensitive values, wildcards, IN, NOT vs !="},
	{"where", Supported, "eval semantics; a null result drops the row"},
	{"eval", Supported, "assignments left to right; see the function table"},
	{"rename", Supported, "wildcards (`X.* AS *`) with the same number of `*` on both sides"},
	{"stats", Supported, "the aggregation table below; eval(...) arguments; rows with a null by-field are dropped"},
	{"eventstats", Partial, "no allnum=; a multivalue by-field is unsupported"},
	{"streamstats", Partial, "current=, window=, global=, reset_on_change=; no time_window=, reset_before=/after="},
	{"bin", Partial, "span= with s/m/h/d units or a number, AS; no bins=, minspan=, start=/end=, calendar units"},
	{"bucket", Partial, "as bin"},
	{"spath", Partial, "input=, output=, path= or positional path, `{}` steps; no {N} or XML"},
	{"mvexpand", Supported, "limit="},
	{"makemv", Partial, "delim=, tokenizer=, allowempty=; no setsv=true"},
	{"fillnull", Supported, "value=, field list"},
	{"table", Supported, "wildcards"},
	{"fields", Supported, "+/-, wildcards; _raw and _time kept unless removed"},
	{"dedup", Supported, "N, keepempty=, consecutive=, keepevents=, sortby"},
	{"rex", Partial, "field=, named groups, max_match=, offset_field=, mode=sed; PCRE without RE2 equivalent (lookaround, backreferences) is unsupported"},
	{"regex", Partial, "= and !=; patterns RE2 cannot compile are unsupported"},
	{"convert", Partial, "ctime() with timeformat="},
	{"lookup", Supported, "CSV lookups of the tree (WILDCARD, case_sensitive_match, min/max_matches, default_match), OUTPUT/OUTPUTNEW; KV store collections start empty"},
	{"inputlookup", Partial, "append=, WHERE; no start=/max="},
	{"sort", Supported, "N, limit=, +/-, auto/str/num/ip"},
	{"head", Partial, "N, limit=; no eval expression"},
	{"tail", Supported, "N"},
	{"join", Partial, "type=inner|left|outer, max=, overwrite=, field list; the subsearch runs over the same events"},
	{"append", Supported, "the subsearch runs over the same events"},
	{"replace", Partial, "`X WITH Y ... IN fields` only"},
	{"fromjson", Supported, ""},
	{"addtotals", Partial, "row totals; no col=true"},
	{"tstats", Partial, "over a data model loaded with --addons (e.g. Splunk_SA_CIM): runs as the search the model describes (constraints, Eval and Rex calculations, dataset-path field names), tags from the add-ons' eventtypes; where nodename=Model.Child selects that dataset; otherwise \"unsupported: needs data model NAME\"; no prestats= or indexed-field-only tstats"},
	{"iplocation", Supported, "prefix=, allfields=, lang=; needs a MaxMind DB file (--geoip FILE, e.g. GeoLite2-City.mmdb), else unsupported when run"},
	{"foreach", Partial, "templates of eval commands with <<FIELD>> and <<MATCHSTR>> (fieldstr=/matchstr= of the same length); fields in name order"},
	{"transaction", Unsupported, ""},
	{"mstats", Unsupported, "metrics indexes"},
	{"xmlkv", Supported, "leaf elements <key>value</key>; a key seen twice is multivalue (concord's choice: the docs do not say)"},
	{"appendpipe", Unsupported, ""},
	{"from", Unsupported, "data model datasets"},
	{"datamodel", Unsupported, ""},
	{"multikv", Unsupported, ""},
	{"extract", Unsupported, ""},
	{"anomalydetection", Partial, "method=histogram, action=filter|annotate: runs where the documented model decides (rows with the same values of every field are not anomalous; with pthresh=, categorical fields give exact probabilities); numerical histogram bins, the computed threshold and the annotation values are undocumented, so such runs are unsupported"},
	{"map", Unsupported, ""},
	{"makeresults", Unsupported, ""},
	{"outputlookup", Partial, "rows pass on; the lookup is not written (a warning says so)"},
	{"collect", Unsupported, "writes to an index"},
	{"top", Unsupported, ""},
	{"rare", Unsupported, ""},
	{"timechart", Unsupported, ""},
	{"chart", Unsupported, ""},
	{"format", Unsupported, ""},
	{"return", Unsupported, ""},
	{"apply", Unsupported, "MLTK models"},
	{"rest", Unsupported, "talks to a Splunk server"},
}

// UnsupportedFunctions are eval functions of the Search Reference that concord
// does not implement; calling one is "unsupported: function spl.NAME".
var UnsupportedFunctions = []string{
	"commands", "json_append", "json_delete", "json_entries", "json_extend", "json_set",
	"json_set_exact", "lookup", "sigfig",
}

// loweredFunctions become their own AST nodes instead of builtin calls.
var loweredFunctions = map[string]string{
	"if": "conditional", "case": "first matching branch; null when none", "isnull": "", "isnotnull": "",
	"like": "a constant pattern becomes a match node (null in, null out)", "match": "as like",
	"in": "", "null": "", "true": "", "false": "", "searchmatch": "a constant string is parsed as search terms",
}
