package eval

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/concordsec/concord/ast"
)

// wildcardName compiles a field-name pattern with * wildcards into an
// anchored regexp whose groups are the text each * matched. Field names are
// case-sensitive in Splunk, so the match is too.
func wildcardName(p string) *regexp.Regexp {
	parts := strings.Split(p, "*")
	for i, s := range parts {
		parts[i] = regexp.QuoteMeta(s)
	}
	return regexp.MustCompile("^" + strings.Join(parts, "(.*?)") + "$")
}

// renameWildcard renames every field matching re (a wildcardName pattern) to
// the name to gets when each of its * takes the text the corresponding * of
// the pattern matched
// (Search Reference, rename: `rename EU* AS EMEA*`). A field renamed onto an
// existing name replaces it.
func renameWildcard(o *ast.Object, re *regexp.Regexp, to string) {
	toParts := strings.Split(to, "*")
	keys := append([]string(nil), o.Keys...)
	for _, k := range keys {
		m := re.FindStringSubmatch(k)
		if m == nil {
			continue
		}
		var b strings.Builder
		for i, part := range toParts {
			b.WriteString(part)
			if i+1 < len(toParts) {
				b.WriteString(m[i+1])
			}
		}
		name := b.String()
		if name == k {
			continue
		}
		v, _ := o.Get(k)
		o.Delete(k)
		o.Set(name, v)
	}
}

// fillnullStage: "If you specify a field list, all of the fields in that list
// are filled in with the value you specify. If you specify a field that didn't
// previously exist, the field is created. If you do not specify a field list,
// the value is applied to all fields" — the fields that are "missing in a
// particular result but present in another result" (Search Reference,
// fillnull). An empty string is a value and is not filled.
func fillnullStage(c *ast.FillnullCmd) func([]Row, *runState) ([]Row, error) {
	return func(rows []Row, rs *runState) ([]Row, error) {
		fields := c.Fields
		if len(fields) == 0 {
			fields = fieldNames(rows)
		}
		for _, r := range rows {
			for _, f := range fields {
				if v, _ := r.Fields.Get(f); v.IsNullish() {
					r.Fields.Set(f, ast.String(c.Value))
				}
			}
		}
		return rows, nil
	}
}

// binStage replaces a value by the start of its bin (Search Reference, bin).
// Time bins are aligned to "base UTC time (epoch 0)" (aligntime), and a span
// of a day or more "to midnight in the timezone of the user", which for
// concord is UTC: both are multiples of the span since the epoch. A numeric
// span gives the bin as the label "lo-hi" (hi = lo + span), the form Splunk
// prints for numeric bins. Values that are not numbers are left as they are.
func binStage(c *ast.BinCmd) func([]Row, *runState) ([]Row, error) {
	out := c.As
	if out == "" {
		out = c.Field
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		for _, r := range rows {
			v, ok := r.Fields.Get(c.Field)
			if !ok || v.IsNullish() {
				continue
			}
			n, ok := splNum(v)
			if !ok {
				r.Fields.Set(out, v)
				continue
			}
			lo := math.Floor(n/c.Size) * c.Size
			switch {
			case c.Time && lo == math.Trunc(lo):
				r.Fields.Set(out, ast.Int(int64(lo)))
			case c.Time:
				r.Fields.Set(out, ast.Float(lo))
			default:
				r.Fields.Set(out, ast.String(ast.Float(lo).Text()+"-"+ast.Float(lo+c.Size).Text()))
			}
		}
		return rows, nil
	}
}

// makemvStage splits a single value into a multivalue field (Search
// Reference, makemv): on every occurrence of delim, or with tokenizer on each
// match, the first capturing group being the value. Empty values are dropped
// unless allowempty=true.
func makemvStage(c *ast.MakemvCmd) (func([]Row, *runState) ([]Row, error), ast.ErrorList) {
	var tok *regexp.Regexp
	if c.Tokenizer != "" {
		var err error
		if tok, err = regexp.Compile(c.Tokenizer); err != nil {
			return nil, ast.ErrorList{ast.Errorf(c.Pos(), ast.CodeUnsupported, "unsupported: makemv tokenizer: %v", err)}
		}
	}
	if c.SetSV {
		return nil, ast.ErrorList{ast.Errorf(c.Pos(), ast.CodeUnsupported, "unsupported: makemv setsv at %d:%d", c.Pos().Line, c.Pos().Col)}
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		for _, r := range rows {
			v, ok := r.Fields.Get(c.Field)
			if !ok || v.IsNullish() || v.Kind() == ast.KindList {
				continue
			}
			s := v.Text()
			var parts []string
			if tok != nil {
				for _, m := range tok.FindAllStringSubmatch(s, -1) {
					if len(m) > 1 {
						parts = append(parts, m[1])
					} else {
						parts = append(parts, m[0])
					}
				}
			} else {
				parts = strings.Split(s, c.Delim)
			}
			var vs []ast.Value
			for _, p := range parts {
				if p != "" || c.AllowEmpty {
					vs = append(vs, ast.String(p))
				}
			}
			setField(r.Fields, c.Field, mv(vs))
		}
		return rows, nil
	}, nil
}

// mvexpandStage makes one row per value of the field (Search Reference,
// mvexpand; limit= keeps the first N values). Every copy keeps the provenance
// of its row. A row without the field has no value to make a row of and
// yields none: the Search Reference does not say so, but it is how Splunk
// behaves (the usual advice is fillnull before mvexpand), and the drop says why.
func mvexpandStage(c *ast.MvexpandCmd) func([]Row, *runState) ([]Row, error) {
	return func(rows []Row, rs *runState) ([]Row, error) {
		var out []Row
		for _, r := range rows {
			v, _ := r.Fields.Get(c.Field)
			vs := values(v)
			if len(vs) == 0 {
				for _, e := range r.Src {
					rs.drop(Drop{Event: e, Pos: c.Pos(), Reason: fmt.Sprintf("mvexpand %s: the field is null, so there is no value to expand", c.Field)})
				}
				continue
			}
			if c.Limit > 0 && len(vs) > c.Limit {
				vs = vs[:c.Limit]
			}
			for _, e := range vs {
				o := r.Fields.Clone()
				o.Set(c.Field, e)
				out = append(out, Row{Fields: o, Src: r.Src})
			}
		}
		return out, nil
	}
}

// spathStage extracts JSON (Search Reference, spath). The input's first value
// is parsed; a value that is not JSON extracts nothing, except XML, which
// concord cannot read and reports.
func spathStage(c *ast.SpathCmd) func([]Row, *runState) ([]Row, error) {
	out := c.Output
	if out == "" {
		out = c.Path
	}
	var steps []string
	if c.Path != "" {
		steps = strings.Split(c.Path, ".")
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		for _, r := range rows {
			v, _ := r.Fields.Get(c.Input)
			vs := values(v)
			if len(vs) == 0 {
				continue
			}
			text := strings.TrimSpace(vs[0].Text())
			if strings.HasPrefix(text, "<") {
				return nil, &RuntimeError{Pos: c.Pos(), Code: ast.CodeUnsupported, Msg: "spath of XML input " + c.Input}
			}
			if c.Path == "" {
				flat := &ast.Object{}
				autoExtract(text, flat)
				for i, k := range flat.Keys {
					r.Fields.Set(k, flat.Vals[i])
				}
				continue
			}
			doc, err := ast.ParseJSON([]byte(text))
			if err != nil {
				continue
			}
			// Like rex, an extraction that finds nothing leaves the output
			// field as it was.
			if vals := spathValues(doc, steps); len(vals) > 0 {
				r.Fields.Set(out, mv(vals))
			}
		}
		return rows, nil
	}
}

// spathValues follows a location path: each step is a key, and a trailing {}
// takes every element of the array there.
func spathValues(doc ast.Value, steps []string) []ast.Value {
	cur := []ast.Value{doc}
	for _, step := range steps {
		key, all := strings.CutSuffix(step, "{}")
		var next []ast.Value
		for _, v := range cur {
			if key != "" {
				if v.Kind() != ast.KindObject {
					continue
				}
				var ok bool
				if v, ok = v.AsObject().Get(key); !ok {
					continue
				}
			}
			if all {
				if v.Kind() == ast.KindList {
					next = append(next, v.AsList()...)
				}
				continue
			}
			next = append(next, v)
		}
		cur = next
	}
	out := make([]ast.Value, 0, len(cur))
	for _, v := range cur {
		switch v.Kind() {
		case ast.KindObject, ast.KindList:
			out = append(out, ast.String(ast.JSON(v))) // a subtree is extracted as its JSON text
		default:
			out = append(out, jsonLeaf(v))
		}
	}
	return out
}

// jsonLeaf is a JSON scalar as Splunk extracts it: true, false and null are text.
func jsonLeaf(v ast.Value) ast.Value {
	switch v.Kind() {
	case ast.KindNull:
		return ast.String("null")
	case ast.KindBool:
		return ast.String(v.Text())
	}
	return v
}

// spathCutoff: "By default, the spath command extracts all the fields from
// the first 5,000 characters in the input field" (Search Reference, spath;
// extraction_cutoff in limits.conf). It limits auto-extraction only.
const spathCutoff = 5000

// autoExtract names every leaf the way spath's auto-extraction (and
// KV_MODE=json) does: keys joined with ".", array elements under "{}", a name
// seen more than once becoming multivalue. It reads the first spathCutoff
// characters of text as a token stream and keeps what it extracted before the
// text ends or stops being JSON, so a long event yields only its first fields.
func autoExtract(text string, o *ast.Object) {
	truncated := false
	if utf8.RuneCountInString(text) > spathCutoff {
		n := 0
		for i := range text {
			if n == spathCutoff {
				text, truncated = text[:i], true
				break
			}
			n++
		}
	}
	type frame struct {
		object  bool
		name    string // the container's own name
		key     string // object: the key of the value being read
		wantKey bool
	}
	var stack []*frame
	valueName := func() string {
		if len(stack) == 0 {
			return ""
		}
		top := stack[len(stack)-1]
		switch {
		case !top.object:
			return top.name + "{}"
		case top.name == "":
			return top.key
		}
		return top.name + "." + top.key
	}
	valueDone := func() {
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].wantKey = true
		}
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		var leaf ast.Value
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, &frame{object: t == '{', name: valueName(), wantKey: t == '{'})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
			continue
		case string:
			if len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].wantKey {
				stack[len(stack)-1].key, stack[len(stack)-1].wantKey = t, false
				continue
			}
			leaf = ast.String(t)
		case json.Number:
			if truncated && dec.InputOffset() == int64(len(text)) {
				return // the number may go on past the cutoff
			}
			if n, err := strconv.ParseInt(string(t), 10, 64); err == nil {
				leaf = ast.Int(n)
			} else if f, err := strconv.ParseFloat(string(t), 64); err == nil {
				leaf = ast.Float(f)
			} else {
				return
			}
		case bool:
			leaf = ast.String(strconv.FormatBool(t))
		case nil:
			leaf = ast.String("null")
		}
		if name := valueName(); name != "" {
			if old, ok := o.Get(name); ok {
				vs := values(old)
				o.Set(name, ast.List(append(vs[:len(vs):len(vs)], leaf)...))
			} else {
				o.Set(name, leaf)
			}
		}
		valueDone()
	}
}

// rexStage extracts the named groups of an unanchored regex into fields
// (Search Reference, rex). max_match=1 (the default) takes the first match;
// N>1 or 0 (no limit) take up to N matches and make the fields multivalue. A
// group that matched nothing, or a regex that does not match, leaves the
// field as it was. A multivalue input is matched on its first value.
func rexStage(c *ast.RexCmd) (func([]Row, *runState) ([]Row, error), ast.ErrorList) {
	if c.Sed != nil {
		return sedStage(c)
	}
	re, err := regexp.Compile(c.Pattern)
	if err != nil {
		return nil, ast.ErrorList{ast.Errorf(c.Pos(), ast.CodeUnsupported, "unsupported: rex pattern %q: %v", c.Pattern, err)}
	}
	names := re.SubexpNames()
	limit := c.MaxMatch
	if limit == 0 {
		limit = -1
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		for _, r := range rows {
			v, _ := r.Fields.Get(c.Field)
			vs := values(v)
			if len(vs) == 0 {
				continue
			}
			s := vs[0].Text()
			matches := re.FindAllStringSubmatchIndex(s, limit)
			if len(matches) == 0 {
				continue
			}
			var offsets []string
			for g, name := range names {
				if name == "" {
					continue
				}
				var got []ast.Value
				for _, m := range matches {
					if m[2*g] >= 0 {
						got = append(got, ast.String(s[m[2*g]:m[2*g+1]]))
						offsets = append(offsets, fmt.Sprintf("%s=%d-%d", name, m[2*g], m[2*g+1]-1))
					}
				}
				if len(got) > 0 {
					r.Fields.Set(name, mv(got))
				}
			}
			if c.OffsetField != "" && len(offsets) > 0 {
				r.Fields.Set(c.OffsetField, ast.String(strings.Join(offsets, "&")))
			}
		}
		return rows, nil
	}, nil
}

// sedStage applies s/regex/replacement/flags or y/from/to/ to the field in
// place (Search Reference, rex mode=sed). Each value of a multivalue field is
// edited.
func sedStage(c *ast.RexCmd) (func([]Row, *runState) ([]Row, error), ast.ErrorList) {
	se := c.Sed
	var edit func(string) string
	if se.Kind == 'y' {
		from, to := []rune(se.Pattern), []rune(se.Replacement)
		if len(from) != len(to) {
			return nil, ast.ErrorList{ast.Errorf(c.Pos(), ast.CodeParse, "rex sed y/%s/%s/: the two sets differ in length", se.Pattern, se.Replacement)}
		}
		edit = func(s string) string {
			return strings.Map(func(r rune) rune {
				for i, f := range from {
					if f == r {
						return to[i]
					}
				}
				return r
			}, s)
		}
	} else {
		re, err := regexp.Compile(se.Pattern)
		if err != nil {
			return nil, ast.ErrorList{ast.Errorf(c.Pos(), ast.CodeUnsupported, "unsupported: rex sed pattern %q: %v", se.Pattern, err)}
		}
		edit = func(s string) string {
			var b strings.Builder
			last, n := 0, 0
			for _, m := range re.FindAllStringSubmatchIndex(s, -1) {
				n++
				replace := se.Global || n == max(se.Nth, 1)
				if !replace {
					continue
				}
				b.WriteString(s[last:m[0]])
				b.Write(re.ExpandString(nil, se.Replacement, s, m))
				last = m[1]
				if !se.Global {
					break
				}
			}
			b.WriteString(s[last:])
			return b.String()
		}
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		for _, r := range rows {
			v, ok := r.Fields.Get(c.Field)
			if !ok || v.IsNullish() {
				continue
			}
			vs := values(v)
			edited := make([]ast.Value, len(vs))
			for i, e := range vs {
				edited[i] = ast.String(edit(e.Text()))
			}
			r.Fields.Set(c.Field, mv(edited))
		}
		return rows, nil
	}, nil
}

// regexStage keeps the rows whose field matches the regex (or, with !=, does
// not) (Search Reference, regex). A row without the field does not match.
func regexStage(c *ast.RegexCmd) (func([]Row, *runState) ([]Row, error), ast.ErrorList) {
	re, err := regexp.Compile(c.Pattern)
	if err != nil {
		return nil, ast.ErrorList{ast.Errorf(c.Pos(), ast.CodeUnsupported, "unsupported: regex pattern %q: %v", c.Pattern, err)}
	}
	op := "="
	if c.Negate {
		op = "!="
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		out := rows[:0:0]
		for _, r := range rows {
			v, _ := r.Fields.Get(c.Field)
			matched := false
			for _, e := range values(v) {
				if re.MatchString(e.Text()) {
					matched = true
					break
				}
			}
			if matched != c.Negate {
				out = append(out, r)
				continue
			}
			for _, e := range r.Src {
				rs.drop(Drop{Event: e, Pos: c.Pos(), Reason: fmt.Sprintf("regex %s%s%q is false", c.Field, op, c.Pattern)})
			}
		}
		return out, nil
	}, nil
}

// replaceStage rewrites whole values of the listed fields (Search Reference,
// replace): "Non-wildcard replacement values specified later take precedence
// over those replacements specified earlier. For a wildcard replacement,
// fuller matches take precedence over lesser matches." concord reads "fuller"
// as the pattern with the most literal characters, and lets an exact pair win
// over a wildcard one. Each * of the replacement takes the text the matching *
// of the value matched. Matching is case-sensitive.
func replaceStage(c *ast.ReplaceCmd) func([]Row, *runState) ([]Row, error) {
	res := make([]*regexp.Regexp, len(c.Pairs))
	for i, p := range c.Pairs {
		res[i] = wildcardName(p.From)
	}
	apply := func(s string) (string, bool) {
		best, bestLit := -1, -1
		for i, p := range c.Pairs {
			if !strings.Contains(p.From, "*") && p.From == s {
				best, bestLit = i, 1<<30 // a later exact pair overrides an earlier one
			}
		}
		if best < 0 {
			for i, p := range c.Pairs {
				lit := len(strings.ReplaceAll(p.From, "*", ""))
				if res[i].MatchString(s) && lit > bestLit {
					best, bestLit = i, lit
				}
			}
		}
		if best < 0 {
			return s, false
		}
		p := c.Pairs[best]
		if !strings.Contains(p.To, "*") {
			return p.To, true
		}
		m := res[best].FindStringSubmatch(s)
		parts := strings.Split(p.To, "*")
		var b strings.Builder
		for i, part := range parts {
			b.WriteString(part)
			if i+1 < len(parts) {
				b.WriteString(m[i+1])
			}
		}
		return b.String(), true
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		for _, r := range rows {
			for _, f := range c.Fields {
				v, ok := r.Fields.Get(f)
				if !ok || v.IsNullish() {
					continue
				}
				vs := values(v)
				out := make([]ast.Value, len(vs))
				changed := false
				for i, e := range vs {
					out[i] = e
					if s, ok := apply(e.Text()); ok {
						out[i], changed = ast.String(s), true
					}
				}
				if changed {
					r.Fields.Set(f, mv(out))
				}
			}
		}
		return rows, nil
	}
}

// fromjsonStage turns the top-level keys of a JSON object into fields
// (Search Reference, fromjson: "returns keys as fields and key values as field
// values", arrays as multivalue fields). Nested objects are kept as JSON text.
func fromjsonStage(c *ast.FromjsonCmd) func([]Row, *runState) ([]Row, error) {
	conv := func(v ast.Value) ast.Value {
		if v.Kind() == ast.KindObject || v.Kind() == ast.KindList {
			return ast.String(ast.JSON(v))
		}
		return jsonLeaf(v)
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		for _, r := range rows {
			v, _ := r.Fields.Get(c.Field)
			vs := values(v)
			if len(vs) == 0 {
				continue
			}
			doc, err := ast.ParseJSON([]byte(strings.TrimSpace(vs[0].Text())))
			if err != nil || doc.Kind() != ast.KindObject {
				continue
			}
			obj := doc.AsObject()
			for i, k := range obj.Keys {
				val := obj.Vals[i]
				if val.Kind() == ast.KindList {
					elems := make([]ast.Value, len(val.AsList()))
					for j, e := range val.AsList() {
						elems[j] = conv(e)
					}
					setField(r.Fields, c.Prefix+k, mv(elems))
					continue
				}
				setField(r.Fields, c.Prefix+k, conv(val))
			}
		}
		return rows, nil
	}
}

// addtotalsStage puts the sum of the row's numeric fields into FieldName
// ("computes the arithmetic sum of all numeric fields for each search
// result", Search Reference, addtotals). Without a field list the internal _
// fields (_time) are left out of "all numeric fields". A row with no numeric
// field among them gets no total.
func addtotalsStage(c *ast.AddtotalsCmd) func([]Row, *runState) ([]Row, error) {
	pats := make([]*regexp.Regexp, len(c.Fields))
	for i, f := range c.Fields {
		pats[i] = wildcardName(f)
	}
	return func(rows []Row, rs *runState) ([]Row, error) {
		for _, r := range rows {
			sum, any := 0.0, false
			for i, k := range r.Fields.Keys {
				if k == c.FieldName {
					continue
				}
				selected := len(pats) == 0 && !strings.HasPrefix(k, "_")
				for _, p := range pats {
					if p.MatchString(k) {
						selected = true
						break
					}
				}
				if !selected || r.Fields.Vals[i].Kind() == ast.KindList {
					continue
				}
				if n, ok := splNum(r.Fields.Vals[i]); ok {
					sum, any = sum+n, true
				}
			}
			if !any {
				continue
			}
			if sum == math.Trunc(sum) && math.Abs(sum) < 1e15 {
				r.Fields.Set(c.FieldName, ast.Int(int64(sum)))
			} else {
				r.Fields.Set(c.FieldName, ast.Float(sum))
			}
		}
		return rows, nil
	}
}
