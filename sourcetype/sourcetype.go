// Package sourcetype is Splunk's search-time view of raw events: KV_MODE=json
// extraction into flat dotted field names, _time, then the knowledge of each
// sourcetype (regex extractions, field aliases, calculated fields written in
// SPL eval syntax, lookups). That knowledge comes from two places: concord's
// own minimal built-in files under data/ (data/README.md), and installed
// Splunk add-ons read at run time (LoadAddon), whose props.conf,
// transforms.conf and lookup tables replace the built-in knowledge of the
// sourcetypes they define. A sourcetype neither defines is unknown: its events
// show their raw JSON keys only, and IsKnown, Warnings and UnknownWarning let
// callers say so.
package sourcetype

import (
	"embed"
	"encoding/csv"
	"fmt"
	"net/netip"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/spl"
)

//go:embed data
var dataFS embed.FS

// SourceType is the compiled knowledge of one sourcetype.
type SourceType struct {
	Name      string
	Source    string
	TimeField string
	epochTime bool    // TimeField holds epoch time (TIME_FORMAT = %s)
	epochDiv  float64 // 1000 for epoch milliseconds (TIME_FORMAT = %s%3N)
	// timePrefix, without TimeField: the timestamp follows this match in _raw.
	timePrefix *regexp.Regexp
	Known      bool   // false: an unknown sourcetype, raw JSON fields only
	Addon      string // where the knowledge came from: "concord" or the add-ons loaded
	kvJSON     bool
	// dropRaw: a Narrow view that nothing reads _raw of.
	dropRaw  bool
	extracts []extraction
	aliases  []alias
	calc     []calculated
	lookups  []*lookup
	tagging  *tagging
}

// extraction is a search-time regex extraction (props.conf EXTRACT- or a REPORT-
// transform), applied to every match of regex in one field (SOURCE_KEY, _raw by
// default). Without format the named groups become fields; with format, each
// "name::value" pair (with $n for groups, so names can come from the text) does.
// A field keeps its first value unless mv_add is set (transforms.conf MV_ADD).
// cleanKeys and keepEmpty are transforms.conf CLEAN_KEYS and KEEP_EMPTY_VALS.
type extraction struct {
	Field     string `yaml:"field"`
	Regex     string `yaml:"regex"`
	Format    string `yaml:"format"`
	MVAdd     bool   `yaml:"mv_add"`
	cleanKeys bool
	keepEmpty bool
	re        *regexp.Regexp
}

// alias is one FIELDALIAS pair; Keep is ASNEW (an existing field is left alone).
type alias struct {
	From string `yaml:"from"`
	To   string `yaml:"to"`
	Keep bool   `yaml:"keep"`
}

type calculated struct {
	Field  string
	prog   *eval.Program
	reads  []string // the fields the expression reads
	consts []string // the string constants it compares with
	// byClass: the result depends on its inputs only through their nullness
	// and equality with consts (coalesce, if, case, =, isnull, ...), so value
	// classes built from consts cover it.
	byClass bool
}

// lookup is an automatic CSV lookup. Up to maxMatches rows (in file order)
// that match every input give the outputs, several rows a multivalue field;
// fewer than minMatches rows are made up with def (transforms.conf
// max_matches, min_matches, default_match).
type lookup struct {
	match      []colField // lookup column, event field
	wildcard   map[string]bool
	cidr       map[string]bool
	output     []colField
	outputNew  bool
	def        string
	minMatches int
	maxMatches int
	fold       bool
	rows       []map[string]string
	patterns   map[int]map[string]*regexp.Regexp
	nets       map[int]map[string]netip.Prefix
}

// colField is "column" or "column AS field" of a lookup's input or output list.
type colField struct{ Col, Field string }

type fileFormat struct {
	SourceType string       `yaml:"sourcetype"`
	Source     string       `yaml:"source"`
	TimeField  string       `yaml:"time_field"`
	TimeFormat string       `yaml:"time_format"`
	KVMode     string       `yaml:"kv_mode"`
	Extract    []extraction `yaml:"extractions"`
	Aliases    []alias      `yaml:"aliases"`
	Calculated []struct {
		Field string    `yaml:"field"`
		Eval  yaml.Node `yaml:"eval"`
	} `yaml:"calculated"`
	Lookups []struct {
		File          string   `yaml:"file"`
		Match         []string `yaml:"match"`
		Wildcard      []string `yaml:"wildcard"`
		Output        []string `yaml:"output"`
		OutputNew     bool     `yaml:"output_new"`
		Default       *string  `yaml:"default"`
		CaseSensitive *bool    `yaml:"case_sensitive"`
	} `yaml:"lookups"`
}

// loadBuiltin reads concord's own knowledge files under data/.
func loadBuiltin() (map[string]*SourceType, error) {
	entries, err := dataFS.ReadDir("data")
	if err != nil {
		return nil, err
	}
	out := map[string]*SourceType{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".yml") {
			continue
		}
		st, err := load(path.Join("data", e.Name()))
		if err != nil {
			return nil, err
		}
		if _, dup := out[st.Name]; dup {
			return nil, fmt.Errorf("%s: sourcetype %s defined twice", e.Name(), st.Name)
		}
		out[st.Name] = st
	}
	return out, nil
}

func load(file string) (*SourceType, error) {
	src, err := dataFS.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var f fileFormat
	dec := yaml.NewDecoder(strings.NewReader(string(src)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	st := &SourceType{Name: f.SourceType, Source: f.Source, TimeField: f.TimeField, Known: true, Addon: "concord", aliases: f.Aliases}
	if st.Source == "" {
		st.Source = st.Name
	}
	switch f.TimeFormat {
	case "", "rfc3339":
	case "epoch":
		st.epochTime = true
	default:
		return nil, fmt.Errorf("%s: time_format %q: want rfc3339 or epoch", file, f.TimeFormat)
	}
	switch f.KVMode {
	case "", "json":
		st.kvJSON = true
	case "none":
	default:
		return nil, fmt.Errorf("%s: kv_mode %q: want json or none", file, f.KVMode)
	}
	for _, x := range f.Extract {
		re, err := regexp.Compile(x.Regex)
		if err != nil {
			return nil, fmt.Errorf("%s: extraction on %s: %w", file, x.Field, err)
		}
		x.re = re
		if x.Field == "" {
			x.Field = "_raw"
		}
		st.extracts = append(st.extracts, x)
	}
	for _, c := range f.Calculated {
		calc, errs := compileEval(c.Field, ast.Pos{File: file, Line: c.Eval.Line, Col: c.Eval.Column}, c.Eval.Value)
		if errs != nil {
			return nil, errs
		}
		st.calc = append(st.calc, calc)
	}
	for _, l := range f.Lookups {
		data, err := dataFS.ReadFile(path.Join("data", l.File))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		lk := &lookup{match: colFields(l.Match), output: colFields(l.Output), outputNew: l.OutputNew, maxMatches: 1,
			// transforms.conf: case_sensitive_match defaults to true.
			fold: l.CaseSensitive != nil && !*l.CaseSensitive}
		lk.wildcard = setOf(l.Wildcard)
		if l.Default != nil {
			lk.def, lk.minMatches = *l.Default, 1
		}
		if err := lk.read(l.File, data, '#'); err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		st.lookups = append(st.lookups, lk)
	}
	return st, nil
}

// compileEval compiles a calculated field's expression as Splunk's eval reads it.
func compileEval(field string, pos ast.Pos, src string) (calculated, ast.ErrorList) {
	x, errs := spl.ParseEval(pos.File, pos, src)
	if errs != nil {
		return calculated{}, errs
	}
	prog, errs := eval.Compile(x, ast.KeysExact)
	c := calculated{Field: field, prog: prog}
	for _, p := range ast.Fields(x) {
		c.reads = append(c.reads, p[0])
	}
	c.byClass = true
	ast.Inspect(x, func(e ast.Expr) bool {
		switch n := e.(type) {
		case *ast.Lit:
			if n.Val.Kind() == ast.KindString {
				c.consts = append(c.consts, n.Val.AsString())
			}
		case *ast.Call:
			// if, case, isnotnull, null() and true() are nodes of their own;
			// coalesce is the one call that only passes values through.
			c.byClass = c.byClass && n.Fn == "spl.coalesce"
		case *ast.Field, *ast.Cond, *ast.IsNull, *ast.Exists, *ast.Logic, *ast.Not:
		case *ast.Compare:
			c.byClass = c.byClass && (n.Op == ast.Eq || n.Op == ast.Ne)
		default:
			c.byClass = false
		}
		return true
	})
	return c, errs
}

var asClause = regexp.MustCompile(`(?i)^\s*(\S+)\s+as\s+(\S+)\s*$`)

func colFields(ss []string) []colField {
	out := make([]colField, len(ss))
	for i, s := range ss {
		if m := asClause.FindStringSubmatch(s); m != nil {
			out[i] = colField{m[1], m[2]}
		} else {
			out[i] = colField{strings.TrimSpace(s), strings.TrimSpace(s)}
		}
	}
	return out
}

func setOf(ss []string) map[string]bool {
	m := map[string]bool{}
	for _, s := range ss {
		m[s] = true
	}
	return m
}

// read loads the CSV table of lk. comment is the comment character (0: none;
// Splunk's lookup files have none, concord's own carry their provenance in "#"
// lines). Without outputs, every column that is not an input is one, as for a
// LOOKUP- setting without OUTPUT.
func (lk *lookup) read(name string, data []byte, comment rune) error {
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(data), "\ufeff")))
	r.Comment = comment
	r.FieldsPerRecord = -1
	// Add-ons ship tables written "a, b, c"; the columns are a, b and c.
	r.TrimLeadingSpace = true
	recs, err := r.ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if len(recs) == 0 {
		return fmt.Errorf("%s: empty lookup", name)
	}
	header := recs[0]
	cols := map[string]bool{}
	for _, h := range header {
		cols[h] = true
	}
	if len(lk.output) == 0 {
		inputs := map[string]bool{}
		for _, m := range lk.match {
			inputs[m.Col] = true
		}
		for _, h := range header {
			if !inputs[h] {
				lk.output = append(lk.output, colField{h, h})
			}
		}
	}
	for _, c := range append(append([]colField(nil), lk.match...), lk.output...) {
		if !cols[c.Col] {
			return fmt.Errorf("%s: no column %s", name, c.Col)
		}
	}
	flags := "(?s)"
	if lk.fold {
		flags = "(?is)"
	}
	lk.patterns = map[int]map[string]*regexp.Regexp{}
	lk.nets = map[int]map[string]netip.Prefix{}
	for i, rec := range recs[1:] {
		row := map[string]string{}
		for j, h := range header {
			if j < len(rec) {
				row[h] = rec[j]
			}
		}
		lk.rows = append(lk.rows, row)
		for _, m := range lk.match {
			cell := row[m.Col]
			switch {
			case lk.wildcard[m.Col] && strings.Contains(cell, "*"):
				if lk.patterns[i] == nil {
					lk.patterns[i] = map[string]*regexp.Regexp{}
				}
				lk.patterns[i][m.Col] = regexp.MustCompile(flags + "^" + strings.ReplaceAll(regexp.QuoteMeta(cell), `\*`, ".*") + "$")
			case lk.cidr[m.Col]:
				if p, err := parsePrefix(cell); err == nil {
					if lk.nets[i] == nil {
						lk.nets[i] = map[string]netip.Prefix{}
					}
					lk.nets[i][m.Col] = p
				}
			}
		}
	}
	return nil
}

// parsePrefix reads a CIDR cell; a bare address is a one-address network.
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "/") {
		a, err := netip.ParseAddr(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	return netip.ParsePrefix(s)
}

// Meta is what Splunk knows about an event besides its text.
type Meta struct {
	Source string
	Raw    string // the event text, as _raw
}

// View builds the fields a Splunk search sees for one raw event (a parsed JSON
// value, or an ast.String holding a text event such as a VPC flow log line), in Splunk's
// search-time order: KV_MODE extraction, EXTRACT/REPORT regexes, FIELDALIAS,
// EVAL (each calculated field sees the event as it is after aliases, none sees
// another's result), then the automatic lookups in order.
func (st *SourceType) View(raw ast.Value, meta Meta) (*ast.Object, error) {
	o := &ast.Object{Keys: make([]string, 0, 16), Vals: make([]ast.Value, 0, 16)}
	if meta.Raw != "" && !st.dropRaw {
		o.Set("_raw", ast.String(meta.Raw))
	} else if raw.Kind() == ast.KindString {
		o.Set("_raw", raw)
	}
	o.Set("sourcetype", ast.String(st.Name))
	source := meta.Source
	if source == "" {
		source = st.Source
	}
	o.Set("source", ast.String(source))
	if st.kvJSON {
		Extract(raw, "", o)
	}
	for _, x := range st.extracts {
		x.apply(o)
	}
	if t, ok := st.eventTime(o); ok {
		o.Set("_time", t)
	}
	if !st.Known {
		return o, st.tagging.apply(o)
	}
	// Every alias reads the event as extracted, every calculated field the
	// event as aliased: each step reads all its inputs before it writes.
	var valsBuf [32]ast.Value // on the stack for the usual add-on: no allocation per event
	var foundBuf [32]bool
	vals, found := valsBuf[:0], foundBuf[:0]
	for _, a := range st.aliases {
		v, ok := o.Get(a.From)
		vals, found = append(vals, v), append(found, ok)
	}
	for i, a := range st.aliases {
		if !found[i] {
			continue
		}
		if _, exists := o.Get(a.To); exists && a.Keep {
			continue
		}
		o.Set(a.To, vals[i])
	}
	vals = vals[:0]
	for _, c := range st.calc {
		v, err := c.prog.Eval(&eval.Env{Record: ast.ObjectOf(o)})
		if err != nil {
			return nil, fmt.Errorf("calculated field %s: %w", c.Field, err)
		}
		vals = append(vals, v)
	}
	for i, c := range st.calc {
		if vals[i].IsNullish() {
			o.Delete(c.Field)
		} else {
			o.Set(c.Field, vals[i])
		}
	}
	for _, lk := range st.lookups {
		lk.apply(o)
	}
	return o, st.tagging.apply(o)
}

// Computations are the expressions View evaluates on every event after
// extraction: each calculated field's, then each eventtype search's. One that
// fails fails the whole view, whichever fields a search reads, so a reasoner
// that skips events or decodes only some keys (package plan) must know them.
func (st *SourceType) Computations() []ast.Expr {
	var out []ast.Expr
	for _, c := range st.calc {
		out = append(out, c.prog.Expr)
	}
	if st.tagging != nil {
		for _, et := range st.tagging.eventtypes {
			out = append(out, et.prog.Expr)
		}
	}
	return out
}

// eventTime reads _time from the time field, or from the text after the
// time prefix in _raw.
func (st *SourceType) eventTime(o *ast.Object) (ast.Value, bool) {
	var text string
	switch {
	case st.TimeField != "":
		v, ok := o.Get(st.TimeField)
		if !ok {
			return ast.Missing, false
		}
		text = v.Text()
	case st.timePrefix != nil:
		raw, ok := o.Get("_raw")
		if !ok {
			return ast.Missing, false
		}
		loc := st.timePrefix.FindStringIndex(raw.Text())
		if loc == nil {
			return ast.Missing, false
		}
		text = raw.Text()[loc[1]:]
		if end := strings.IndexAny(text, " \t\r\n\",;]"); end >= 0 {
			text = text[:end]
		}
	default:
		return ast.Missing, false
	}
	if !st.epochTime {
		return ParseTime(text)
	}
	f, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return ast.Missing, false
	}
	if st.epochDiv > 0 {
		f /= st.epochDiv
	}
	return epochValue(f), true
}

// apply runs after KV_MODE=json extraction: Splunk documents REPORT as coming
// before automatic key-value extraction, yet the add-ons' REPORTs with a JSON
// field as SOURCE_KEY do yield their fields in real Splunk (security_content's
// data_sources field lists for mscs:azure:audit show object and object_id, which
// only such a REPORT on resourceUri/resourceId produces). The first producer of a
// field keeps it: an extraction does not overwrite a field already present.
func (x extraction) apply(o *ast.Object) {
	v, ok := o.Get(x.Field)
	if !ok {
		return
	}
	mine := map[string]bool{}
	add := func(name, val string) {
		if name == "" || (val == "" && !x.keepEmpty) {
			return
		}
		old, exists := o.Get(name)
		switch {
		case exists && mine[name] && x.MVAdd:
			o.Set(name, ast.List(append(values(old), ast.String(val))...))
		case exists:
		default:
			o.Set(name, ast.String(val))
			mine[name] = true
		}
	}
	for _, text := range values(v) {
		for _, m := range x.re.FindAllStringSubmatch(text.Text(), -1) {
			if x.Format == "" {
				for i, name := range x.re.SubexpNames() {
					if name != "" && i < len(m) {
						add(name, m[i])
					}
				}
				continue
			}
			for _, pair := range strings.Fields(x.Format) {
				name, val, _ := strings.Cut(pair, "::")
				name = expandGroups(name, m)
				if x.cleanKeys && strings.Contains(pair[:len(pair)-len(val)], "$") {
					name = cleanKey(name)
				}
				add(name, expandGroups(val, m))
			}
		}
	}
}

var groupRef = regexp.MustCompile(`\$(\d)`)

var unclean = regexp.MustCompile(`[^A-Za-z0-9_]`)

// cleanKey is CLEAN_KEYS for a field name taken from the text: characters other
// than letters, digits and underscores become underscores, and leading
// underscores are dropped (they would make internal fields).
func cleanKey(s string) string {
	return strings.TrimLeft(unclean.ReplaceAllString(s, "_"), "_")
}

func expandGroups(s string, m []string) string {
	return groupRef.ReplaceAllStringFunc(s, func(ref string) string {
		if i := int(ref[1] - '0'); i < len(m) {
			return m[i]
		}
		return ""
	})
}

// apply is one automatic lookup: the rows, in file order, whose every input
// column matches a value of the event's field, up to maxMatches of them.
func (lk *lookup) apply(o *ast.Object) {
	inputs := make([][]string, len(lk.match))
	for j, m := range lk.match {
		v, present := o.Get(m.Field)
		if !present || v.IsNullish() {
			return
		}
		for _, e := range values(v) {
			inputs[j] = append(inputs[j], e.Text())
		}
	}
	var hits []map[string]string
	for i, row := range lk.rows {
		if len(hits) == lk.maxMatches {
			break
		}
		if lk.rowMatches(i, row, inputs) {
			hits = append(hits, row)
		}
	}
	for _, out := range lk.output {
		var vals []string
		for _, row := range hits {
			// An empty cell outputs nothing: Splunk does not create empty fields.
			if v := row[out.Col]; v != "" {
				vals = append(vals, v)
			}
		}
		for n := len(hits); n < lk.minMatches && lk.def != ""; n++ {
			vals = append(vals, lk.def)
		}
		lk.set(o, out.Field, vals)
	}
}

func (lk *lookup) rowMatches(i int, row map[string]string, inputs [][]string) bool {
	for j, m := range lk.match {
		hit := false
		for _, in := range inputs[j] {
			if re := lk.patterns[i][m.Col]; re != nil {
				hit = re.MatchString(in)
			} else if p, ok := lk.nets[i][m.Col]; ok {
				a, err := netip.ParseAddr(in)
				hit = err == nil && p.Contains(a.Unmap())
			} else if lk.fold {
				hit = strings.EqualFold(in, row[m.Col])
			} else {
				hit = in == row[m.Col]
			}
			if hit {
				break
			}
		}
		if !hit {
			return false
		}
	}
	return true
}

func (lk *lookup) set(o *ast.Object, field string, vals []string) {
	if len(vals) == 0 {
		return
	}
	if lk.outputNew {
		if _, ok := o.Get(field); ok {
			return
		}
	}
	out := make([]ast.Value, len(vals))
	for i, v := range vals {
		out[i] = ast.String(v)
	}
	o.Set(field, mvOf(out))
}

func values(v ast.Value) []ast.Value { return ast.Multi(v) }

// Extract flattens a JSON value into Splunk's KV_MODE=json fields: nested keys
// joined with ".", array elements under "{}", repeated names becoming multivalue
// fields. JSON true/false/null are kept as the text Splunk extracts for them.
func Extract(v ast.Value, name string, o *ast.Object) {
	x := extractor{o: o}
	x.extract(v, name)
}

// extractor finds a field's place in o by a map once o has many fields: a
// whole event has a hundred or so, and each is looked up before it is set;
// an event decoded with the few a search reads is searched faster in a row.
type extractor struct {
	o   *ast.Object
	idx map[string]int
}

// extractIndexed is the number of fields from which the extractor keeps a map.
const extractIndexed = 24

func (x *extractor) extract(v ast.Value, name string) {
	switch v.Kind() {
	case ast.KindObject:
		obj := v.AsObject()
		for i, k := range obj.Keys {
			n := k
			if name != "" {
				n = name + "." + k
			}
			x.extract(obj.Vals[i], n)
		}
	case ast.KindList:
		for _, e := range v.AsList() {
			x.extract(e, name+"{}")
		}
	case ast.KindMissing:
	default:
		if name == "" {
			return
		}
		switch v.Kind() {
		case ast.KindNull:
			v = ast.String("null")
		case ast.KindBool:
			v = ast.String(v.Text())
		}
		x.set(name, v)
	}
}

// set adds v to the field name, a second value making it multivalue.
func (x *extractor) set(name string, v ast.Value) {
	o := x.o
	if x.idx == nil && len(o.Keys) >= extractIndexed {
		x.idx = make(map[string]int, 2*len(o.Keys))
		for i, k := range o.Keys {
			x.idx[k] = i
		}
	}
	var i int
	var ok bool
	if x.idx != nil {
		i, ok = x.idx[name]
	} else {
		i = slices.Index(o.Keys, name)
		ok = i >= 0
	}
	if !ok {
		if x.idx != nil {
			x.idx[name] = len(o.Keys)
		}
		o.Keys = append(o.Keys, name)
		o.Vals = append(o.Vals, v)
		return
	}
	if old := o.Vals[i]; old.Kind() == ast.KindList {
		o.Vals[i] = ast.List(append(append([]ast.Value(nil), old.AsList()...), v)...)
	} else {
		o.Vals[i] = ast.List(old, v)
	}
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05.999999999",
}

// ParseTime reads CloudTrail's eventTime (RFC 3339, or the "2006-01-02 15:04:05.000"
// form Panther normalises to) as epoch seconds, an int when there is no fraction.
func ParseTime(s string) (ast.Value, bool) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			if t.Nanosecond() == 0 {
				return ast.Int(t.Unix()), true
			}
			return ast.Float(float64(t.UnixNano()) / 1e9), true
		}
	}
	return ast.Missing, false
}

func epochValue(f float64) ast.Value {
	if f == float64(int64(f)) {
		return ast.Int(int64(f))
	}
	return ast.Float(f)
}

// TextEvents reports whether the sourcetype's events are text lines rather than
// JSON (KV_MODE=none, e.g. aws:cloudwatchlogs:vpcflow): a loader should hand such
// a line to View as an ast.String (and as Meta.Raw) instead of parsing it as JSON.
func (st *SourceType) TextEvents() bool { return st.Known && !st.kvJSON }

func mvOf(vs []ast.Value) ast.Value { return ast.MultiOf(vs) }
