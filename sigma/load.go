package sigma

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
)

// Load reads a Sigma rule file. The rule comes back whenever the file could
// be read as YAML, with every problem in the list (sorted by position); a
// rule with errors must not be used for conversion.
func Load(path string) (*portable.Rule, ast.ErrorList) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, ast.ErrorList{ast.Errorf(ast.Pos{File: path}, ast.CodeIO, "%v", err)}
	}
	return LoadBytes(path, src)
}

// LoadBytes is Load of src, with positions in file.
func LoadBytes(file string, src []byte) (rule *portable.Rule, errs ast.ErrorList) {
	defer func() {
		// Nothing below should panic; a rule file must never crash concord.
		if r := recover(); r != nil {
			rule = nil
			errs = ast.ErrorList{ast.Errorf(ast.Pos{File: file, Line: 1, Col: 1}, ast.CodeParse, "internal failure reading the rule: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, ast.ErrorList{ast.Errorf(ast.Pos{File: file, Line: 1, Col: 1}, ast.CodeSchema, "the file is empty: expected a Sigma rule (a YAML mapping with title, logsource and detection)")}
		}
		return nil, ast.ErrorList{yamlError(file, err)}
	}
	l := &loader{file: file, src: src, existsAtoms: map[*portable.Atom]bool{}}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		l.unsupported(&next, "a second YAML document (Sigma rule collections and `action: global` are not read)")
	case !errors.Is(err, io.EOF):
		l.errs = append(l.errs, yamlError(file, err))
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		l.schemaf(root, "a Sigma rule must be a YAML mapping with title, logsource and detection")
		l.errs.Sort()
		return nil, l.errs
	}
	rule = l.rule(root)
	l.errs.Sort()
	return rule, l.errs
}

// yamlLine finds the "line N" yaml.v3 puts in its error messages.
var yamlLine = regexp.MustCompile(`line (\d+)`)

// yamlError turns a yaml.v3 error into a positioned schema error (yaml.v3
// gives the line only).
func yamlError(file string, err error) *ast.Error {
	pos := ast.Pos{File: file, Line: 1, Col: 1}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
	}
	return ast.Errorf(pos, ast.CodeSchema, "invalid YAML: %v", strings.TrimPrefix(err.Error(), "yaml: "))
}

// loader holds one Load run.
type loader struct {
	file string
	src  []byte
	errs ast.ErrorList
	// existsAtoms are the Exists atoms read from `|exists`, which (unlike
	// portable Exists) the spec says also hold on a null value.
	existsAtoms map[*portable.Atom]bool
}

func (l *loader) at(n *yaml.Node) ast.Pos {
	return ast.Pos{File: l.file, Line: n.Line, Col: n.Column}
}

// keyAt is the position of byte off of a key or single-line scalar.
func (l *loader) keyAt(n *yaml.Node, off int) ast.Pos {
	p := l.at(n)
	if n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0 {
		p.Col++
	}
	p.Col += len([]rune(n.Value[:min(off, len(n.Value))]))
	return p
}

func (l *loader) schemaf(n *yaml.Node, format string, args ...any) {
	l.errs = append(l.errs, ast.Errorf(l.at(n), ast.CodeSchema, format, args...))
}

func (l *loader) unsupported(n *yaml.Node, what string) {
	l.unsupportedAt(l.at(n), what)
}

func (l *loader) unsupportedAt(p ast.Pos, what string) {
	l.errs = append(l.errs, ast.Errorf(p, ast.CodeUnsupported, "unsupported: %s at %d:%d", what, p.Line, p.Col))
}

// deref follows an alias.
func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// pairs lists a mapping's keys and values, reporting duplicate keys.
func (l *loader) pairs(m *yaml.Node, where string) (keys []*yaml.Node, vals []*yaml.Node) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := deref(m.Content[i]), deref(m.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			l.schemaf(k, "a key%s must be a string", where)
			continue
		}
		if k.Tag == "!!merge" {
			l.unsupported(k, "a YAML merge key (<<)"+where)
			continue
		}
		if seen[k.Value] {
			l.schemaf(k, "duplicate key %q%s", k.Value, where)
			continue
		}
		seen[k.Value] = true
		keys, vals = append(keys, k), append(vals, v)
	}
	return keys, vals
}

var (
	levels = map[string]string{"informational": "Info", "low": "Low", "medium": "Medium", "high": "High", "critical": "Critical"}
	status = map[string]bool{"stable": true, "test": true, "experimental": true, "deprecated": true, "unsupported": true}
	// tagPattern is the tag pattern of the spec's JSON schema.
	tagPattern = regexp.MustCompile(`^[a-z0-9_-]+\.[a-z0-9._-]+$`)
	// techniqueTag is attack.t1234 or attack.t1234.001 (appendix Tags).
	techniqueTag = regexp.MustCompile(`^attack\.t(\d{4})(\.\d{3})?$`)
	datePattern  = regexp.MustCompile(`^\d{4}[-/](0[1-9]|1[012])[-/](0[1-9]|[12][0-9]|3[01])$`)
)

// rule reads the top-level mapping.
func (l *loader) rule(root *yaml.Node) *portable.Rule {
	r := &portable.Rule{}
	keys, vals := l.pairs(root, "")
	got := map[string]*yaml.Node{}
	for i, k := range keys {
		got[k.Value] = vals[i]
		v := vals[i]
		switch k.Value {
		case "title":
			r.Name = l.str(k, v)
			if len([]rune(r.Name)) > 256 {
				l.schemaf(v, "title is longer than 256 characters")
			}
		case "id":
			r.ID = l.str(k, v)
		case "status":
			if s := l.str(k, v); s != "" && !status[s] {
				l.schemaf(v, "status %q is not one of stable, test, experimental, deprecated, unsupported", s)
			}
		case "description":
			r.Meta.Description = strings.TrimRight(l.str(k, v), "\n")
		case "references":
			r.Meta.References = l.strList(k, v)
		case "author":
			r.Meta.Author = l.str(k, v)
		case "date":
			r.Meta.Date = l.date(k, v)
		case "modified":
			l.date(k, v)
		case "tags":
			for _, tn := range l.strNodes(k, v) {
				t := tn.Value
				switch m := techniqueTag.FindStringSubmatch(t); {
				case !tagPattern.MatchString(t):
					l.schemaf(tn, "tag %q is not a namespaced tag (lower case `namespace.name`, e.g. attack.t1562.001)", t)
				case m != nil:
					r.Meta.MITRE = append(r.Meta.MITRE, "T"+m[1]+m[2])
				default:
					r.Meta.Tags = append(r.Meta.Tags, t)
				}
			}
		case "logsource":
			r.LogType = l.logsource(v)
		case "detection":
			// read below, once every key is known
		case "falsepositives":
			r.Meta.KnownFalsePositives = strings.Join(l.strList(k, v), "\n")
		case "level":
			if s := l.str(k, v); s != "" {
				if sev, ok := levels[s]; ok {
					r.Meta.Severity = sev
				} else {
					l.schemaf(v, "level %q is not one of informational, low, medium, high, critical", s)
				}
			}
		case "fields":
			for _, f := range l.strList(k, v) {
				r.Output = append(r.Output, strings.Split(f, "."))
			}
		case "taxonomy":
			if s := l.str(k, v); s != "" && s != "sigma" {
				l.unsupported(v, fmt.Sprintf("taxonomy %q (only the default taxonomy, sigma, names fields as the log has them)", s))
			}
		case "correlation":
			l.unsupported(k, "a correlation rule")
		case "filter":
			l.unsupported(k, "a Sigma filter (a meta-filter of other rules)")
		case "action":
			l.unsupported(k, "`action` (Sigma rule collections)")
		default:
			// related, name, license, scope and the custom fields the spec
			// allows say nothing concord uses.
		}
	}
	for _, k := range []string{"title", "logsource", "detection"} {
		if got[k] == nil {
			l.errs = append(l.errs, ast.Errorf(l.at(root), ast.CodeSchema, "missing %s (a Sigma rule needs title, logsource and detection)", k))
		}
	}
	if d := got["detection"]; d != nil {
		r.Cond = l.detection(d)
		r.Lossy = l.lossy(r.Cond)
	}
	return r
}

// str is a string value (any scalar but null; numbers and dates as written).
func (l *loader) str(k, v *yaml.Node) string {
	if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		l.schemaf(v, "%s must be a string", k.Value)
		return ""
	}
	return v.Value
}

// strList is a list of strings; a single string is accepted as a list of one.
func (l *loader) strList(k, v *yaml.Node) []string {
	var out []string
	for _, n := range l.strNodes(k, v) {
		out = append(out, n.Value)
	}
	return out
}

// strNodes is strList's nodes.
func (l *loader) strNodes(k, v *yaml.Node) []*yaml.Node {
	if v.Kind == yaml.ScalarNode && v.Tag != "!!null" {
		return []*yaml.Node{v}
	}
	if v.Kind != yaml.SequenceNode {
		l.schemaf(v, "%s must be a list of strings", k.Value)
		return nil
	}
	var out []*yaml.Node
	for _, c := range v.Content {
		c = deref(c)
		if c.Kind != yaml.ScalarNode || c.Tag == "!!null" {
			l.schemaf(c, "%s must be a list of strings", k.Value)
			continue
		}
		out = append(out, c)
	}
	return out
}

// date checks the spec's YYYY-MM-DD (the YYYY/MM/DD of older rules is read
// too) and returns it in the first form.
func (l *loader) date(k, v *yaml.Node) string {
	s := l.str(k, v)
	if s == "" {
		return ""
	}
	if !datePattern.MatchString(s) {
		l.schemaf(v, "%s %q is not a date in the form YYYY-MM-DD", k.Value, s)
		return ""
	}
	return strings.ReplaceAll(s, "/", "-")
}

// logsource maps product and service to a portable log type.
func (l *loader) logsource(v *yaml.Node) string {
	if v.Kind != yaml.MappingNode {
		l.schemaf(v, "logsource must be a mapping (product, service, category)")
		return ""
	}
	keys, vals := l.pairs(v, " in logsource")
	got := map[string]string{}
	for i, k := range keys {
		switch k.Value {
		case "product", "service", "category", "definition":
			got[k.Value] = l.str(k, vals[i])
		}
	}
	lt, ok := portable.LogTypeOf(got["service"])
	if !ok || got["product"] != lt.SigmaProduct || got["category"] != "" {
		var parts []string
		for _, k := range []string{"category", "product", "service"} {
			if got[k] != "" {
				parts = append(parts, k+" "+got[k])
			}
		}
		what := strings.Join(parts, ", ")
		if what == "" {
			what = "none given"
		}
		l.unsupported(v, fmt.Sprintf("log source (%s): expected product aws, service cloudtrail", what))
		return ""
	}
	return lt.Panther
}

// detection reads the search identifiers and the condition.
func (l *loader) detection(d *yaml.Node) portable.Expr {
	if d.Kind != yaml.MappingNode {
		l.schemaf(d, "detection must be a mapping of search identifiers and a condition")
		return nil
	}
	keys, vals := l.pairs(d, " in detection")
	var cond *yaml.Node
	sels := &selections{byName: map[string]portable.Expr{}}
	for i, k := range keys {
		switch k.Value {
		case "condition":
			cond = vals[i]
		case "timeframe":
			l.unsupported(k, "timeframe (an aggregation window; Sigma correlation rules replace it)")
		default:
			x := l.identifier(k, vals[i])
			sels.names = append(sels.names, k.Value)
			sels.byName[k.Value] = x
		}
	}
	if cond == nil {
		l.schemaf(d, "detection has no condition")
		return nil
	}
	var conds []*yaml.Node
	switch cond.Kind {
	case yaml.ScalarNode:
		conds = []*yaml.Node{cond}
	case yaml.SequenceNode:
		for _, c := range cond.Content {
			conds = append(conds, deref(c))
		}
		if len(conds) == 0 {
			l.schemaf(cond, "condition is an empty list: expected a condition string")
			return nil
		}
	default:
		l.schemaf(cond, "condition must be a string (or a list of strings)")
		return nil
	}
	var xs []portable.Expr
	ok := true
	for _, c := range conds {
		if c.Kind != yaml.ScalarNode || c.Tag == "!!null" {
			l.schemaf(c, "condition must be a string")
			ok = false
			continue
		}
		x := l.condition(c, sels)
		if x == nil {
			ok = false
			continue
		}
		xs = append(xs, x)
	}
	if !ok {
		return nil
	}
	// A list of conditions: "each of them generates a query", linked with OR.
	return portable.Simplify(or(xs))
}

// selections are the search identifiers in definition order.
type selections struct {
	names  []string
	byName map[string]portable.Expr
}

// identifier reads one search identifier: a map (AND of its fields) or a
// list of maps (OR of them).
func (l *loader) identifier(k, v *yaml.Node) portable.Expr {
	switch v.Kind {
	case yaml.MappingNode:
		return l.fieldMap(k, v)
	case yaml.SequenceNode:
		if len(v.Content) == 0 {
			l.schemaf(v, "search identifier %q is an empty list: expected field maps", k.Value)
			return nil
		}
		var xs []portable.Expr
		for _, c := range v.Content {
			c = deref(c)
			if c.Kind != yaml.MappingNode {
				if c.Kind == yaml.ScalarNode {
					l.unsupported(c, fmt.Sprintf("keyword search (a value not bound to a field) in %q", k.Value))
				} else {
					l.schemaf(c, "search identifier %q: expected a list of field maps", k.Value)
				}
				return nil
			}
			xs = append(xs, l.fieldMap(k, c))
		}
		return or(xs)
	case yaml.ScalarNode:
		if v.Tag == "!!null" {
			l.schemaf(v, "search identifier %q is empty: expected a map of fields or a list of maps", k.Value)
			return nil
		}
		l.unsupported(v, fmt.Sprintf("keyword search (a value not bound to a field) in %q", k.Value))
		return nil
	}
	l.schemaf(v, "search identifier %q: expected a map of fields or a list of maps", k.Value)
	return nil
}

// fieldMap is the AND of a map's field conditions.
func (l *loader) fieldMap(ident, m *yaml.Node) portable.Expr {
	keys, vals := l.pairs(m, " in "+strconv.Quote(ident.Value))
	if len(keys) == 0 {
		l.schemaf(m, "search identifier %q has an empty map: expected field: value entries", ident.Value)
		return nil
	}
	var xs []portable.Expr
	for i, k := range keys {
		xs = append(xs, l.fieldItem(k, vals[i]))
	}
	return and(xs)
}

// modifier kinds.
const (
	modType  = iota // at most one: what the value is compared as
	modFlag         // re flags
	modCased        // cased
	modList         // all, neq
)

var modifiers = map[string]int{
	"contains": modType, "startswith": modType, "endswith": modType, "re": modType, "cidr": modType,
	"exists": modType, "lt": modType, "lte": modType, "gt": modType, "gte": modType,
	"i": modFlag, "ignorecase": modFlag, "m": modFlag, "multiline": modFlag, "s": modFlag, "dotall": modFlag,
	"cased": modCased, "all": modList, "neq": modList,
}

// unsupportedModifiers are modifiers of the spec (appendix Modifiers) that
// transform values in ways portable cannot follow, with why.
var unsupportedModifiers = map[string]string{
	"windash":      "it expands dashes into all their Windows variants",
	"base64":       "it matches the Base64 encoding of the value",
	"base64offset": "it matches the Base64 encodings of the value at every offset",
	"utf16le":      "it matches the UTF-16 encoding of the value",
	"utf16be":      "it matches the UTF-16 encoding of the value",
	"utf16":        "it matches the UTF-16 encoding of the value",
	"wide":         "it matches the UTF-16 encoding of the value",
	"expand":       "placeholders are replaced by a processing pipeline",
	"fieldref":     "it compares two fields",
	"minute":       "it compares a part of a timestamp",
	"hour":         "it compares a part of a timestamp",
	"day":          "it compares a part of a timestamp",
	"week":         "it compares a part of a timestamp",
	"month":        "it compares a part of a timestamp",
	"year":         "it compares a part of a timestamp",
}

// item is one parsed `field|mod|mod` key.
type item struct {
	key      *yaml.Node
	field    []string
	typ      string // contains, startswith, ..., "" for a plain value
	typOff   int
	flags    []string // re flags, normalised to i, m, s
	cased    bool
	casedOff int
	all, neq bool
}

// parseKey reads a detection key; ok is false when it has an error.
func (l *loader) parseKey(k *yaml.Node) (it item, ok bool) {
	it.key = k
	names := strings.Split(k.Value, "|")
	if names[0] == "" {
		l.unsupportedAt(l.keyAt(k, 0), fmt.Sprintf("keyword search (the key %q names no field)", k.Value))
		return it, false
	}
	it.field = strings.Split(names[0], ".")
	for _, f := range it.field {
		if f == "" {
			l.errs = append(l.errs, ast.Errorf(l.keyAt(k, 0), ast.CodeSchema, "field name %q has an empty key between dots", names[0]))
			return it, false
		}
	}
	ok = true
	off := len(names[0]) + 1
	seen := map[string]bool{}
	for _, name := range names[1:] {
		pos := l.keyAt(k, off)
		off += len(name) + 1
		kind, known := modifiers[name]
		if !known {
			if why, ok2 := unsupportedModifiers[name]; ok2 {
				l.unsupportedAt(pos, fmt.Sprintf("modifier %q (%s)", name, why))
			} else if name == "" {
				l.errs = append(l.errs, ast.Errorf(pos, ast.CodeSchema, "empty modifier in %q: expected a modifier name after |", k.Value))
			} else {
				l.errs = append(l.errs, ast.Errorf(pos, ast.CodeSchema, "unknown modifier %q: expected contains, startswith, endswith, all, re, cidr, exists, lt, lte, gt, gte, cased, neq", name))
			}
			ok = false
			continue
		}
		canon := map[string]string{"ignorecase": "i", "multiline": "m", "dotall": "s"}[name]
		if canon == "" {
			canon = name
		}
		if seen[canon] {
			l.errs = append(l.errs, ast.Errorf(pos, ast.CodeSchema, "modifier %q appears twice", name))
			ok = false
			continue
		}
		seen[canon] = true
		switch kind {
		case modType:
			switch {
			case it.typ == "re" && (name == "contains" || name == "startswith" || name == "endswith"):
				// pySigma widens the expression with .* where it is not
				// anchored; concord does not follow that.
				l.unsupportedAt(pos, fmt.Sprintf("modifier %q after re", name))
				ok = false
			case it.typ != "":
				l.errs = append(l.errs, ast.Errorf(pos, ast.CodeSchema, "modifier %q after %q: a value is compared one way (expected one of contains, startswith, endswith, re, cidr, exists, lt, lte, gt, gte)", name, it.typ))
				ok = false
			case (name == "re" || name == "cidr" || name == "exists") && it.cased:
				l.errs = append(l.errs, ast.Errorf(pos, ast.CodeSchema, "modifier %q applies to the unmodified value: expected it first", name))
				ok = false
			default:
				it.typ, it.typOff = name, off-len(name)-1
			}
		case modFlag:
			if it.typ != "re" {
				l.errs = append(l.errs, ast.Errorf(pos, ast.CodeSchema, "modifier %q is a regular expression flag: expected it after re", name))
				ok = false
				continue
			}
			it.flags = append(it.flags, canon)
		case modCased:
			it.cased, it.casedOff = true, off-len(name)-1
		case modList:
			if name == "all" {
				it.all = true
			} else {
				it.neq = true
			}
		}
	}
	if it.cased && it.typ != "" && it.typ != "contains" && it.typ != "startswith" && it.typ != "endswith" {
		l.errs = append(l.errs, ast.Errorf(l.keyAt(k, it.casedOff), ast.CodeSchema, "modifier cased applies to string matching (plain values, contains, startswith, endswith), not to %s", it.typ))
		ok = false
	}
	return it, ok
}

// fieldItem is one `field|modifiers: value(s)` entry.
func (l *loader) fieldItem(k, v *yaml.Node) portable.Expr {
	it, ok := l.parseKey(k)
	if !ok {
		return nil
	}
	var values []*yaml.Node
	switch v.Kind {
	case yaml.ScalarNode:
		values = []*yaml.Node{v}
	case yaml.SequenceNode:
		if len(v.Content) == 0 {
			l.schemaf(v, "%s: an empty list of values: expected at least one value", k.Value)
			return nil
		}
		for _, c := range v.Content {
			c = deref(c)
			if c.Kind != yaml.ScalarNode {
				l.schemaf(c, "%s: expected a value (string or number), found a %s", k.Value, kindName(c))
				return nil
			}
			if c.Tag == "!!null" {
				l.schemaf(c, "%s: null cannot be part of a list of values (write it as its own selection)", k.Value)
				return nil
			}
			values = append(values, c)
		}
	default:
		l.schemaf(v, "%s: expected a value or a list of values, found a %s", k.Value, kindName(v))
		return nil
	}
	if it.all && len(values) < 2 {
		l.errs = append(l.errs, ast.Errorf(l.at(v), ast.CodeSchema, "%s: the all modifier needs a list of two or more values", k.Value))
		return nil
	}
	var xs []portable.Expr
	for _, val := range values {
		x := l.value(it, val)
		if x == nil {
			return nil
		}
		xs = append(xs, x)
	}
	var x portable.Expr
	if it.all {
		x = and(xs)
	} else {
		x = mergeAtoms(xs)
	}
	if it.neq {
		x = &portable.Not{X: x}
	}
	return x
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "map"
	case yaml.SequenceNode:
		return "list"
	}
	return "value"
}

// decimal is a number as the spec's examples write them.
var decimal = regexp.MustCompile(`^[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?$`)

// value is the test of one value.
func (l *loader) value(it item, v *yaml.Node) portable.Expr {
	name := it.key.Value
	switch v.Tag {
	case "!!null":
		if it.typ != "" || it.cased || it.neq {
			l.schemaf(v, "%s: null takes no modifiers (it says the field is missing or null)", name)
			return nil
		}
		return &portable.Not{X: &portable.Atom{Field: it.field, Op: portable.Exists}}
	case "!!bool":
		if it.typ == "exists" {
			a := &portable.Atom{Field: it.field, Op: portable.Exists}
			l.existsAtoms[a] = true
			if b, _ := strconv.ParseBool(strings.ToLower(v.Value)); !b {
				return &portable.Not{X: a}
			}
			return a
		}
		if it.typ != "" || it.cased {
			l.schemaf(v, "%s: expected a string value, found the boolean %s", name, v.Value)
			return nil
		}
		l.unsupported(v, fmt.Sprintf("the boolean value %s in %s (portable tests compare strings; quote it to compare the text '%s')", v.Value, name, v.Value))
		return nil
	case "!!int", "!!float":
		switch it.typ {
		case "lt", "lte", "gt", "gte":
			if !decimal.MatchString(v.Value) {
				l.unsupported(v, fmt.Sprintf("the number %s in %s (expected a decimal number)", v.Value, name))
				return nil
			}
			op := map[string]portable.Op{"lt": portable.Lt, "lte": portable.Le, "gt": portable.Gt, "gte": portable.Ge}[it.typ]
			return &portable.Atom{Field: it.field, Op: op, Values: []string{v.Value}}
		case "":
			if it.cased {
				l.schemaf(v, "%s: cased applies to strings, not to the number %s", name, v.Value)
				return nil
			}
			if !decimal.MatchString(v.Value) {
				l.unsupported(v, fmt.Sprintf("the number %s in %s (expected a decimal number, or a quoted string)", v.Value, name))
				return nil
			}
			// A number compares to the field's value as a number: the
			// closest exact portable form is ge and le.
			return &portable.And{Xs: []portable.Expr{
				&portable.Atom{Field: it.field, Op: portable.Ge, Values: []string{v.Value}},
				&portable.Atom{Field: it.field, Op: portable.Le, Values: []string{v.Value}},
			}}
		case "exists":
			l.schemaf(v, "%s: expected true or false, found %s", name, v.Value)
			return nil
		}
		l.schemaf(v, "%s: modifier %s needs a string value, found the number %s (quote it)", name, it.typ, v.Value)
		return nil
	}
	// A string (or a scalar YAML reads as a date or other type: its text).
	s := v.Value
	switch it.typ {
	case "exists":
		l.schemaf(v, "%s: expected true or false, found %q", name, s)
		return nil
	case "lt", "lte", "gt", "gte":
		l.schemaf(v, "%s: modifier %s needs a number, found the string %q", name, it.typ, s)
		return nil
	case "cidr":
		p, err := netip.ParsePrefix(s)
		if err != nil {
			addr, aerr := netip.ParseAddr(s)
			if aerr != nil {
				l.schemaf(v, "%s: %q is not a CIDR network (expected e.g. 10.0.0.0/8 or 2001:db8::/32)", name, s)
				return nil
			}
			p = netip.PrefixFrom(addr, addr.BitLen())
		}
		return &portable.Atom{Field: it.field, Op: portable.CIDR, Values: []string{p.Masked().String()}}
	case "re":
		pat := s
		for i := len(it.flags) - 1; i >= 0; i-- {
			if f := it.flags[i]; f != "i" {
				pat = "(?" + f + ")" + pat
			}
		}
		if _, err := regexp.Compile(pat); err != nil {
			l.unsupported(v, fmt.Sprintf("regular expression %q in %s (RE2 cannot read it: %s)", s, name, strings.TrimPrefix(err.Error(), "error parsing regexp: ")))
			return nil
		}
		fold := false
		for _, f := range it.flags {
			fold = fold || f == "i"
		}
		return &portable.Atom{Field: it.field, Op: portable.Regex, Values: []string{pat}, Fold: fold}
	}
	parts := parseSigmaString(s)
	parts = withStars(parts, it.typ == "contains" || it.typ == "endswith", it.typ == "contains" || it.typ == "startswith")
	return stringAtom(it.field, parts, !it.cased)
}

// mergeAtoms is the OR of one field's values: atoms of the same test and
// case folding become one atom with several values.
func mergeAtoms(xs []portable.Expr) portable.Expr {
	var out []portable.Expr
	groups := map[string]*portable.Atom{}
	for _, x := range xs {
		a, ok := x.(*portable.Atom)
		if !ok || a.Op == portable.Exists {
			out = append(out, x)
			continue
		}
		key := fmt.Sprintf("%s/%v", a.Op, a.Fold)
		if g := groups[key]; g != nil {
			g.Values = append(g.Values, a.Values...)
			continue
		}
		groups[key] = a
		out = append(out, a)
	}
	return or(out)
}

// condition reads one condition string.
func (l *loader) condition(n *yaml.Node, sels *selections) portable.Expr {
	root, cerr := parseCondition(n.Value)
	if cerr != nil {
		code := ast.CodeParse
		msg := "condition: " + cerr.Msg
		if cerr.Unsupported {
			p := l.condAt(n, cerr.Off)
			l.unsupportedAt(p, cerr.Msg)
			return nil
		}
		l.errs = append(l.errs, ast.Errorf(l.condAt(n, cerr.Off), code, "%s", msg))
		return nil
	}
	c := &condBuilder{l: l, n: n, sels: sels}
	x := c.or(root.X)
	if c.failed {
		return nil
	}
	return x
}

// condAt maps a byte offset of a condition to the file: exact for a
// single-line plain or quoted scalar (quoted ones with escapes before off
// are approximate) and for a literal block; the scalar's start otherwise.
func (l *loader) condAt(n *yaml.Node, off int) ast.Pos {
	text := n.Value
	off = min(off, len(text))
	if !strings.Contains(text, "\n") && n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
		return l.keyAt(n, off)
	}
	if n.Style&yaml.LiteralStyle != 0 {
		line := strings.Count(text[:off], "\n")
		start := strings.LastIndexByte(text[:off], '\n') + 1
		srcLine := n.Line + 1 + line
		lines := bytes.Split(l.src, []byte("\n"))
		indent := 0
		if srcLine-1 < len(lines) {
			indent = len(lines[srcLine-1]) - len(bytes.TrimLeft(lines[srcLine-1], " "))
		}
		return ast.Pos{File: l.file, Line: srcLine, Col: indent + 1 + len([]rune(text[start:off]))}
	}
	return l.at(n)
}

// condBuilder turns a parsed condition into a portable expression.
type condBuilder struct {
	l      *loader
	n      *yaml.Node
	sels   *selections
	failed bool
}

func (c *condBuilder) errorf(code string, off int, format string, args ...any) {
	c.failed = true
	c.l.errs = append(c.l.errs, ast.Errorf(c.l.condAt(c.n, off), code, format, args...))
}

func (c *condBuilder) or(x *condOr) portable.Expr {
	var xs []portable.Expr
	for _, a := range x.Xs {
		xs = append(xs, c.and(a))
	}
	return or(xs)
}

func (c *condBuilder) and(x *condAnd) portable.Expr {
	var xs []portable.Expr
	for _, a := range x.Xs {
		xs = append(xs, c.not(a))
	}
	return and(xs)
}

func (c *condBuilder) not(x *condNot) portable.Expr {
	y := c.primary(x.X)
	for range x.Nots {
		y = &portable.Not{X: y}
	}
	return y
}

func (c *condBuilder) primary(x *condPrimary) portable.Expr {
	switch {
	case x.Of != nil:
		return c.of(x.Of)
	case x.Group != nil:
		return c.or(x.Group)
	}
	name, off := x.Ident, x.Pos.Offset
	switch {
	case condKeywords[name]:
		c.errorf(ast.CodeParse, off, "condition: unexpected %q: expected a search identifier, `1 of`, `all of`, `not` or `(`", name)
		return nil
	case strings.Contains(name, "*"):
		c.errorf(ast.CodeParse, off, "condition: the pattern %q needs a quantifier: expected `1 of %s` or `all of %s`", name, name, name)
		return nil
	}
	e, ok := c.sels.byName[name]
	if !ok {
		c.errorf(ast.CodeSchema, off, "condition: search identifier %q is not defined in detection (defined: %s)", name, strings.Join(c.sels.names, ", "))
		return nil
	}
	if e == nil {
		c.failed = true // the identifier's own errors are reported
	}
	return e
}

// of is `1 of pattern` (OR) or `all of pattern` (AND) over the identifiers
// the pattern matches, `*` standing for any run of characters; `them` is
// every identifier. Identifiers starting with `_` are left out unless the
// pattern starts with `_` (the spec; pySigma).
func (c *condBuilder) of(x *condOf) portable.Expr {
	pat := x.Pattern
	var re *regexp.Regexp
	if pat != "them" {
		if condKeywords[pat] {
			c.errorf(ast.CodeParse, x.PatternPos.Offset, "condition: unexpected %q: expected a search identifier pattern or `them` after `of`", pat)
			return nil
		}
		parts := strings.Split(pat, "*")
		for i, p := range parts {
			parts[i] = regexp.QuoteMeta(p)
		}
		re = regexp.MustCompile("^" + strings.Join(parts, ".*") + "$")
	}
	var xs []portable.Expr
	for _, name := range c.sels.names {
		if strings.HasPrefix(name, "_") && !strings.HasPrefix(pat, "_") {
			continue
		}
		if re == nil || re.MatchString(name) {
			e := c.sels.byName[name]
			if e == nil {
				c.failed = true // the identifier's own errors are reported
			}
			xs = append(xs, e)
		}
	}
	if len(xs) == 0 {
		c.errorf(ast.CodeSchema, x.PatternPos.Offset, "condition: %q matches no search identifier (defined: %s)", pat, strings.Join(c.sels.names, ", "))
		return nil
	}
	if x.Quantifier == "all" {
		return and(xs)
	}
	return or(xs)
}

func and(xs []portable.Expr) portable.Expr {
	if len(xs) == 1 {
		return xs[0]
	}
	return &portable.And{Xs: xs}
}

func or(xs []portable.Expr) portable.Expr {
	if len(xs) == 1 {
		return xs[0]
	}
	return &portable.Or{Xs: xs}
}
