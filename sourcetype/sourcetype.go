// Package sourcetype is Splunk's search-time view of raw events: KV_MODE=json
// extraction into flat dotted field names, _time, then the add-on knowledge of
// each sourcetype (field aliases, calculated fields written in SPL eval syntax,
// lookups), all kept as data files under data/ rather than Go code.
package sourcetype

import (
	"embed"
	"encoding/csv"
	"fmt"
	"path"
	"regexp"
	"strings"
	"sync"
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
	Known     bool // false: an unknown sourcetype, raw JSON fields only
	aliases   []alias
	calc      []calculated
	lookups   []*lookup
}

type alias struct{ From, To string }

type calculated struct {
	Field string
	prog  *eval.Program
}

type lookup struct {
	match    []string
	wildcard map[string]bool
	output   []string
	rows     []map[string]string
	patterns map[int]map[string]*regexp.Regexp
}

type fileFormat struct {
	SourceType string  `yaml:"sourcetype"`
	Source     string  `yaml:"source"`
	TimeField  string  `yaml:"time_field"`
	Aliases    []alias `yaml:"aliases"`
	Calculated []struct {
		Field string    `yaml:"field"`
		Eval  yaml.Node `yaml:"eval"`
	} `yaml:"calculated"`
	Lookups []struct {
		File     string   `yaml:"file"`
		Match    []string `yaml:"match"`
		Wildcard []string `yaml:"wildcard"`
		Output   []string `yaml:"output"`
	} `yaml:"lookups"`
}

var (
	loadOnce sync.Once
	known    map[string]*SourceType
	loadErr  error
)

// Lookup returns the knowledge for a sourcetype. An unknown sourcetype gets the
// raw JSON fields only, with Known false so callers can warn.
func Lookup(name string) (*SourceType, error) {
	loadOnce.Do(func() { known, loadErr = loadAll() })
	if loadErr != nil {
		return nil, loadErr
	}
	if st, ok := known[name]; ok {
		return st, nil
	}
	return &SourceType{Name: name, Source: name}, nil
}

func loadAll() (map[string]*SourceType, error) {
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
	st := &SourceType{Name: f.SourceType, Source: f.Source, TimeField: f.TimeField, Known: true, aliases: f.Aliases}
	for _, c := range f.Calculated {
		x, errs := spl.ParseEval(file, ast.Pos{File: file, Line: c.Eval.Line, Col: c.Eval.Column}, c.Eval.Value)
		if errs != nil {
			return nil, errs
		}
		prog, errs := eval.Compile(x, ast.KeysExact)
		if errs != nil {
			return nil, errs
		}
		st.calc = append(st.calc, calculated{Field: c.Field, prog: prog})
	}
	for _, l := range f.Lookups {
		lk, err := loadLookup(path.Join("data", l.File), l.Match, l.Wildcard, l.Output)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		st.lookups = append(st.lookups, lk)
	}
	return st, nil
}

func loadLookup(file string, match, wildcard, output []string) (*lookup, error) {
	data, err := dataFS.ReadFile(file)
	if err != nil {
		return nil, err
	}
	recs, err := csv.NewReader(strings.NewReader(string(data))).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("%s: empty lookup", file)
	}
	lk := &lookup{match: match, output: output, wildcard: map[string]bool{}, patterns: map[int]map[string]*regexp.Regexp{}}
	for _, w := range wildcard {
		lk.wildcard[w] = true
	}
	header := recs[0]
	for i, rec := range recs[1:] {
		row := map[string]string{}
		for j, h := range header {
			if j < len(rec) {
				row[h] = rec[j]
			}
		}
		lk.rows = append(lk.rows, row)
		for _, m := range match {
			if lk.wildcard[m] && strings.Contains(row[m], "*") {
				if lk.patterns[i] == nil {
					lk.patterns[i] = map[string]*regexp.Regexp{}
				}
				// Lookup matching is case-insensitive by default (transforms.conf
				// case_sensitive_match = false).
				lk.patterns[i][m] = regexp.MustCompile("(?is)^" + strings.ReplaceAll(regexp.QuoteMeta(row[m]), `\*`, ".*") + "$")
			}
		}
	}
	return lk, nil
}

// Meta is what Splunk knows about an event besides its text.
type Meta struct {
	Source string
	Raw    string // the event text, as _raw
}

// View builds the fields a Splunk search sees for one raw JSON event.
func (st *SourceType) View(raw ast.Value, meta Meta) (*ast.Object, error) {
	o := &ast.Object{}
	Extract(raw, "", o)
	if meta.Raw != "" {
		o.Set("_raw", ast.String(meta.Raw))
	}
	o.Set("sourcetype", ast.String(st.Name))
	source := meta.Source
	if source == "" {
		source = st.Source
	}
	o.Set("source", ast.String(source))
	if st.TimeField != "" {
		if v, ok := o.Get(st.TimeField); ok {
			if t, ok := ParseTime(v.Text()); ok {
				o.Set("_time", t)
			}
		}
	}
	if !st.Known {
		return o, nil
	}
	extracted := ast.ObjectOf(cloneObject(o))
	for _, a := range st.aliases {
		if v, ok := extracted.AsObject().Get(a.From); ok {
			o.Set(a.To, v)
		}
	}
	// Calculated fields all read the event as it is after aliases.
	afterAliases := ast.ObjectOf(cloneObject(o))
	for _, c := range st.calc {
		v, err := c.prog.Eval(&eval.Env{Record: afterAliases})
		if err != nil {
			return nil, fmt.Errorf("calculated field %s: %w", c.Field, err)
		}
		if v.IsNullish() {
			o.Delete(c.Field)
		} else {
			o.Set(c.Field, v)
		}
	}
	for _, lk := range st.lookups {
		lk.apply(o)
	}
	return o, nil
}

func (lk *lookup) apply(o *ast.Object) {
	for i, row := range lk.rows {
		ok := true
		for _, m := range lk.match {
			v, present := o.Get(m)
			if !present {
				ok = false
				break
			}
			if re := lk.patterns[i][m]; re != nil {
				ok = re.MatchString(v.Text())
			} else {
				ok = strings.EqualFold(v.Text(), row[m])
			}
			if !ok {
				break
			}
		}
		if ok {
			for _, out := range lk.output {
				o.Set(out, ast.String(row[out]))
			}
			return
		}
	}
}

func cloneObject(o *ast.Object) *ast.Object {
	return &ast.Object{Keys: append([]string(nil), o.Keys...), Vals: append([]ast.Value(nil), o.Vals...)}
}

// Extract flattens a JSON value into Splunk's KV_MODE=json fields: nested keys
// joined with ".", array elements under "{}", repeated names becoming multivalue
// fields. JSON true/false/null are kept as the text Splunk extracts for them.
func Extract(v ast.Value, name string, o *ast.Object) {
	switch v.Kind() {
	case ast.KindObject:
		obj := v.AsObject()
		for i, k := range obj.Keys {
			n := k
			if name != "" {
				n = name + "." + k
			}
			Extract(obj.Vals[i], n, o)
		}
	case ast.KindList:
		for _, e := range v.AsList() {
			Extract(e, name+"{}", o)
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
		if old, ok := o.Get(name); ok {
			if old.Kind() == ast.KindList {
				o.Set(name, ast.List(append(append([]ast.Value(nil), old.AsList()...), v)...))
			} else {
				o.Set(name, ast.List(old, v))
			}
			return
		}
		o.Set(name, v)
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
