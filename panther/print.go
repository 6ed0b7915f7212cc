package panther

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/portable"
)

// PrintOptions says how PrintRule writes a rule.
type PrintOptions struct {
	// BaseName is the files' name without extension
	// ("aws_s3_bucket_versioning_suspended"); by default the rule's name in
	// snake case.
	BaseName string
	// YAMLDetection writes a simple detection (a Detection: block, no Python
	// file). PrintRule fails, naming the test, when the condition has a test
	// no match expression says exactly.
	YAMLDetection bool
}

// Printed is a rule written for Panther.
type Printed struct {
	YAMLName, PyName string // file names; PyName is "" for a simple detection
	YAML, Py         []byte
	// Lossy lists where the printed rule does not say exactly what the
	// portable rule says (each also marked by a "# concord:" comment in Py).
	Lossy []portable.Lossy
}

// PrintRule writes r as a Panther rule in panther-analysis style: a YAML file
// valid against panther_analysis_tool's rule schema and, unless
// opts.YAMLDetection, a Python module whose rule(event) holds exactly when the
// portable condition does (see package portable for its semantics), laid out
// as black formats panther-analysis. The output depends only on r and opts.
func PrintRule(r *portable.Rule, opts PrintOptions) (*Printed, error) {
	if r == nil || r.Cond == nil {
		return nil, fmt.Errorf("print: the rule has no condition")
	}
	if r.LogType == "" {
		return nil, fmt.Errorf("print: rule %q has no log type", r.Name)
	}
	base := opts.BaseName
	if base == "" {
		base = snakeCase(r.Name)
	}
	if base == "" {
		return nil, fmt.Errorf("print: the rule has no name to derive a file name from (set PrintOptions.BaseName)")
	}
	if !baseNamePattern.MatchString(base) {
		return nil, fmt.Errorf("print: file base name %q must be letters, digits, _, - and .", base)
	}
	cond := normalize(r.Cond)
	if err := checkCond(cond, r.LogType); err != nil {
		return nil, err
	}
	p := &Printed{YAMLName: base + ".yml"}
	y := &yamlWriter{}
	if opts.YAMLDetection && r.Threshold != nil {
		return nil, fmt.Errorf("print: rule %q has a Threshold, whose dedup string needs a Python dedup(); write Python", r.Name)
	}
	if opts.YAMLDetection {
		det, err := detectionYAML(cond)
		if err != nil {
			return nil, err
		}
		writeRuleYAML(y, r, "", det)
	} else {
		p.PyName = base + ".py"
		py, lossy, err := printPython(r, cond)
		if err != nil {
			return nil, err
		}
		p.Py, p.Lossy = py, lossy
		writeRuleYAML(y, r, p.PyName, nil)
	}
	p.YAML = []byte(y.String())
	return p, nil
}

var baseNamePattern = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)

// checkCond rejects conditions no printer could write: unknown operators,
// tests without values, constants that are not what the operator reads.
func checkCond(x portable.Expr, logType string) error {
	switch x := x.(type) {
	case *portable.And:
		for _, y := range x.Xs {
			if err := checkCond(y, logType); err != nil {
				return err
			}
		}
	case *portable.Or:
		for _, y := range x.Xs {
			if err := checkCond(y, logType); err != nil {
				return err
			}
		}
	case *portable.Not:
		return checkCond(x.X, logType)
	case *portable.Any:
		if len(x.Path) == 0 {
			return fmt.Errorf("print: %s: no list", portable.String(x))
		}
		if a, ok := x.X.(*portable.Atom); ok && len(a.Field) == 0 {
			// A test of the element itself.
			c := *a
			c.Field = []string{"element"}
			return checkAtom(&c, logType)
		}
		return checkCond(x.X, logType)
	case *portable.Parse:
		if len(x.Path) == 0 {
			return fmt.Errorf("print: %s: no field", portable.String(x))
		}
		if a, ok := x.X.(*portable.Atom); ok && len(a.Field) == 0 {
			c := *a
			c.Field = []string{"value"}
			return checkAtom(&c, logType)
		}
		return checkCond(x.X, logType)
	case *portable.Atom:
		return checkAtom(x, logType)
	default:
		return fmt.Errorf("print: unknown condition %T", x)
	}
	return nil
}

func checkAtom(a *portable.Atom, logType string) error {
	where := portable.String(a)
	switch a.Op {
	case portable.Success:
		if logType != "AWS.CloudTrail" {
			return fmt.Errorf("print: %s: Panther has no success helper for log type %s", where, logType)
		}
		return nil
	case portable.Exists:
		if len(a.Field) == 0 {
			return fmt.Errorf("print: %s: no field", where)
		}
		return nil
	case portable.Same:
		if len(a.Field) == 0 || len(a.Ref) == 0 {
			return fmt.Errorf("print: %s: a comparison of two fields takes two fields", where)
		}
		return nil
	case portable.Bool:
		if len(a.Field) == 0 || len(a.Values) != 1 || a.Values[0] != "true" && a.Values[0] != "false" {
			return fmt.Errorf("print: %s: a boolean test takes a field and true or false", where)
		}
		return nil
	case portable.Eq, portable.Wildcard, portable.Prefix, portable.Suffix, portable.Contains,
		portable.Regex, portable.CIDR, portable.Lt, portable.Le, portable.Gt, portable.Ge:
	default:
		return fmt.Errorf("print: %s: unknown operator %q", where, a.Op)
	}
	if len(a.Field) == 0 {
		return fmt.Errorf("print: %s: no field", where)
	}
	if len(a.Values) == 0 {
		return fmt.Errorf("print: %s: no values", where)
	}
	switch a.Op {
	case portable.Lt, portable.Le, portable.Gt, portable.Ge:
		if len(a.Values) != 1 {
			return fmt.Errorf("print: %s: a numeric comparison takes one value", where)
		}
		if _, ok := parseBound(a.Values[0]); !ok {
			return fmt.Errorf("print: %s: %q is not a number", where, a.Values[0])
		}
	case portable.CIDR:
		for _, v := range a.Values {
			if _, err := networkText(v); err != nil {
				return fmt.Errorf("print: %s: %v", where, err)
			}
		}
	case portable.Regex:
		for _, v := range a.Values {
			if _, _, err := pyRegex(v, a.Fold); err != nil {
				return fmt.Errorf("print: %s: %v", where, err)
			}
		}
	}
	return nil
}

// normalize flattens nested And/Or, drops duplicate values and the fold of
// constants that have no case (a folded comparison of "123" is an exact one).
func normalize(x portable.Expr) portable.Expr {
	switch x := x.(type) {
	case *portable.And:
		out := &portable.And{}
		for _, y := range x.Xs {
			y = normalize(y)
			if a, ok := y.(*portable.And); ok {
				out.Xs = append(out.Xs, a.Xs...)
			} else {
				out.Xs = append(out.Xs, y)
			}
		}
		if len(out.Xs) == 1 {
			return out.Xs[0]
		}
		return out
	case *portable.Or:
		out := &portable.Or{}
		for _, y := range x.Xs {
			y = normalize(y)
			if o, ok := y.(*portable.Or); ok {
				out.Xs = append(out.Xs, o.Xs...)
			} else {
				out.Xs = append(out.Xs, y)
			}
		}
		if len(out.Xs) == 1 {
			return out.Xs[0]
		}
		return out
	case *portable.Not:
		return &portable.Not{X: normalize(x.X)}
	case *portable.Any:
		return &portable.Any{Path: x.Path, X: normalize(x.X)}
	case *portable.Parse:
		return &portable.Parse{Path: x.Path, X: normalize(x.X)}
	case *portable.Atom:
		a := *x
		a.Values = nil
		seen := map[string]bool{}
		for _, v := range x.Values {
			if !seen[v] {
				seen[v] = true
				a.Values = append(a.Values, v)
			}
		}
		if a.Fold && a.Op != portable.Regex && a.Op != portable.CIDR && !portable.Cased(a.Values...) {
			a.Fold = false
		}
		return &a
	}
	return x
}

// snakeCase is a display name as a file name: its words (letters and
// digits) in lower case, joined by _ ("AWS CloudTrail Stopped" ->
// aws_cloudtrail_stopped).
func snakeCase(s string) string {
	return strings.ToLower(strings.Join(splitSpaceWords(s), "_"))
}

// keySnake is a field key as a Python name: its camel-case words in lower
// case, joined by _ (sourceIPAddress -> source_ip_address).
func keySnake(s string) string {
	var words []string
	for _, w := range splitWords(s) {
		words = append(words, strings.ToLower(w))
	}
	return strings.Join(words, "_")
}

// splitWords splits on anything that is not a letter or digit, and at
// lower-to-upper case changes (userIdentity -> user Identity,
// sourceIPAddress -> source IP Address).
func splitWords(s string) []string {
	var words []string
	rs := []rune(s)
	start := -1
	flush := func(i int) {
		if start >= 0 && i > start {
			words = append(words, string(rs[start:i]))
		}
		start = -1
	}
	for i, r := range rs {
		if !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			flush(i)
			continue
		}
		if start >= 0 && unicode.IsUpper(r) {
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) && !unicode.IsUpper(rs[start]) || unicode.IsUpper(prev) && nextLower {
				flush(i)
			}
		}
		if start < 0 {
			start = i
		}
	}
	flush(len(rs))
	return words
}

// dottedID is a readable dotted rule id: the source's when it already is one,
// else the log type's vendor, the service words the name starts with (S3,
// EC2) or the log type's own name, and the rest of the name in CamelCase
// ("AWS S3 Bucket Versioning Suspended" -> AWS.S3.BucketVersioningSuspended).
func dottedID(r *portable.Rule) string {
	if dottedIDPattern.MatchString(r.ID) {
		return r.ID
	}
	parts := strings.SplitN(r.LogType, ".", 2)
	vendor := parts[0]
	words := splitSpaceWords(r.Name)
	if len(words) > 0 && strings.EqualFold(words[0], vendor) {
		words = words[1:]
	}
	segs := []string{vendor}
	if len(words) > 1 && len(parts) == 2 && strings.EqualFold(words[0], parts[1]) {
		// "AWS CloudTrail Stopped": the log type's own name.
		segs = append(segs, parts[1])
		words = words[1:]
	}
	for len(words) > 1 && len(segs) < 3 && isServiceWord(words[0]) {
		if !strings.EqualFold(words[0], vendor) { // "ASL AWS IAM ...": AWS once
			segs = append(segs, words[0])
		}
		words = words[1:]
	}
	if len(segs) == 1 && len(parts) == 2 {
		segs = append(segs, parts[1])
	}
	var camel strings.Builder
	for _, w := range words {
		camel.WriteString(strings.ToUpper(w[:1]) + w[1:])
	}
	if camel.Len() == 0 {
		camel.WriteString("Rule")
	}
	return strings.Join(append(segs, camel.String()), ".")
}

var dottedIDPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)+$`)

// splitSpaceWords splits a display name into words of letters and digits.
func splitSpaceWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)))
	})
}

// isServiceWord: an all-caps word such as S3, EC2, IAM, KMS names a service.
func isServiceWord(w string) bool {
	if len(w) < 2 || len(w) > 10 {
		return false
	}
	for _, r := range w {
		if !(unicode.IsUpper(r) || unicode.IsDigit(r)) {
			return false
		}
	}
	return true
}

// displayName is the rule's name with the characters Panther's schema
// refuses in a DisplayName (<, >, &, ", %) replaced.
func displayName(r *portable.Rule) string {
	s := strings.NewReplacer("&", "and", "%", " percent", `"`, "'", "<", "(", ">", ")").Replace(r.Name)
	if strings.TrimSpace(s) == "" {
		return dottedID(r)
	}
	return s
}

// severity is Meta.Severity when it is one of Panther's, else the Splunk
// risk score's band.
func severity(m ast.Meta) string {
	if severities[m.Severity] {
		return m.Severity
	}
	for _, s := range []string{"Info", "Low", "Medium", "High", "Critical"} {
		if strings.EqualFold(m.Severity, s) {
			return s
		}
	}
	switch s := m.RiskScore; {
	case s < 20:
		return "Info"
	case s < 40:
		return "Low"
	case s < 60:
		return "Medium"
	case s < 80:
		return "High"
	}
	return "Critical"
}

// runbook is Meta.Runbook, else what the Splunk detection says about false
// positives and setup.
func runbook(m ast.Meta) string {
	if s := strings.TrimSpace(m.Runbook); s != "" {
		return s
	}
	var parts []string
	if s := strings.TrimSpace(m.KnownFalsePositives); s != "" {
		parts = append(parts, "Known false positives: "+s)
	}
	if s := strings.TrimSpace(m.HowToImplement); s != "" {
		parts = append(parts, "How to implement: "+s)
	}
	return strings.Join(parts, "\n\n")
}

// summaryAttributes are the Output fields in Panther's a:b spelling, then
// the source's own, then p_any_aws_arns for CloudTrail.
func summaryAttributes(r *portable.Rule) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, f := range r.Output {
		add(strings.Join(f, ":"))
	}
	for _, s := range r.Meta.SummaryAttributes {
		add(s)
	}
	if r.LogType == "AWS.CloudTrail" {
		add("p_any_aws_arns")
	}
	return out
}

// writeRuleYAML writes the rule's YAML: Filename for a Python rule, the
// Detection block (and AlertTitle, AlertContext) for a simple detection.
func writeRuleYAML(y *yamlWriter, r *portable.Rule, pyName string, det []yamlMatch) {
	y.line(0, "AnalysisType: rule")
	if pyName != "" {
		y.line(0, "Filename: "+yamlPlain(pyName))
	}
	y.line(0, "RuleID: "+yamlQuoted(dottedID(r)))
	y.line(0, "DisplayName: "+yamlQuoted(displayName(r)))
	y.line(0, "Enabled: true")
	y.line(0, "LogTypes:")
	y.line(1, "- "+yamlPlain(r.LogType))
	if len(r.Meta.Tags) > 0 {
		y.line(0, "Tags:")
		for _, t := range r.Meta.Tags {
			y.line(1, "- "+yamlPlain(t))
		}
	}
	if mitre := mitreReports(r.Meta.MITRE); len(mitre) > 0 {
		y.line(0, "Reports:")
		y.line(1, "MITRE ATT&CK:")
		for _, m := range mitre {
			y.line(2, "- "+yamlPlain(m.id)+m.comment)
		}
	}
	y.line(0, "Severity: "+severity(r.Meta))
	if th := r.Threshold; th != nil {
		y.line(0, "Threshold: "+strconv.Itoa(th.Count))
		y.line(0, "DedupPeriodMinutes: "+strconv.Itoa(th.WindowMinutes))
	}
	y.text(0, "Description", strings.TrimSpace(r.Meta.Description))
	if len(r.Meta.References) > 0 {
		y.text(0, "Reference", strings.TrimSpace(r.Meta.References[0]))
	}
	y.text(0, "Runbook", runbook(r.Meta))
	if attrs := summaryAttributes(r); len(attrs) > 0 {
		y.line(0, "SummaryAttributes:")
		for _, a := range attrs {
			y.line(1, "- "+yamlPlain(a))
		}
	}
	if det != nil {
		y.line(0, "Detection:")
		writeMatches(y, 1, det)
		if title := alertTitle(r.Title); title != "" {
			y.line(0, "AlertTitle: "+yamlQuoted(title))
		}
		var context [][]string
		for _, f := range r.Output {
			if len(f) > 0 {
				context = append(context, f)
			}
		}
		if len(context) > 0 {
			y.line(0, "AlertContext:")
			for _, f := range context {
				y.line(1, "- KeyName: "+yamlPlain(strings.Join(f, ".")))
				y.line(2, "KeyValue:")
				writeKeySpec(y, 3, f)
			}
		}
	}
	if len(r.Tests) > 0 {
		y.line(0, "Tests:")
		for _, t := range r.Tests {
			y.line(1, "- Name: "+yamlPlain(t.Name))
			y.line(2, "ExpectedResult: "+strconv.FormatBool(t.Expected))
			y.line(2, "Log:")
			for _, l := range flowJSON(t.Event, 6) {
				y.raw(l)
			}
		}
	}
}

// alertTitle is the title as an AlertTitle template: text with {a.b} for
// each field ({ and } in the text, which the template cannot escape, become
// ( and )).
func alertTitle(parts []portable.TitlePart) string {
	var b strings.Builder
	for _, p := range parts {
		if len(p.Field) > 0 {
			b.WriteString("{" + strings.Join(p.Field, ".") + "}")
			continue
		}
		b.WriteString(strings.NewReplacer("{", "(", "}", ")").Replace(p.Text))
	}
	return b.String()
}

// yamlWriter builds YAML text line by line (two spaces an indentation level).
type yamlWriter struct{ b strings.Builder }

func (y *yamlWriter) line(indent int, s string) {
	y.b.WriteString(strings.Repeat("  ", indent))
	y.b.WriteString(s)
	y.b.WriteByte('\n')
}

func (y *yamlWriter) raw(s string) {
	y.b.WriteString(s)
	y.b.WriteByte('\n')
}

// text writes key: s, as a block when s has several lines; nothing when s is "".
func (y *yamlWriter) text(indent int, key, s string) {
	if s == "" {
		return
	}
	if strings.Contains(s, "\n") && blockSafe(s) {
		y.line(indent, key+": |-")
		for _, l := range strings.Split(s, "\n") {
			if l == "" {
				y.b.WriteByte('\n')
				continue
			}
			y.line(indent+1, l)
		}
		return
	}
	y.line(indent, key+": "+yamlPlain(s))
}

func (y *yamlWriter) String() string { return y.b.String() }

// blockSafe: s reads back unchanged from a |- block (no leading blank or
// indented first line, no trailing newline or spaces, only printable text).
func blockSafe(s string) bool {
	if s[0] == ' ' || s[0] == '\n' || strings.HasSuffix(s, "\n") {
		return false
	}
	for _, l := range strings.Split(s, "\n") {
		if strings.HasSuffix(l, " ") || strings.HasSuffix(l, "\t") {
			return false
		}
	}
	for _, r := range s {
		if r != '\n' && (r == '\t' || !unicode.IsPrint(r)) {
			return false
		}
	}
	return true
}

// yamlPlain writes s plain when every YAML reader (PyYAML's YAML 1.1 as well
// as yaml.v3) reads it back as this string, else double-quoted.
func yamlPlain(s string) string {
	if plainSafe(s) {
		return s
	}
	return yamlQuoted(s)
}

var (
	yamlSpecialWords = map[string]bool{
		"y": true, "n": true, "yes": true, "no": true, "on": true, "off": true, "true": true,
		"false": true, "null": true, "~": true, "": true,
	}
	yamlNumberish = regexp.MustCompile(`^[-+.]?[0-9]|^\.(inf|nan)$`)
)

func plainSafe(s string) bool {
	if s == "" || yamlSpecialWords[strings.ToLower(s)] || yamlNumberish.MatchString(strings.ToLower(s)) {
		return false
	}
	if strings.ContainsRune("-?:,[]{}#&*!|>'\"%@`<=", rune(s[0])) || s[0] == ' ' || strings.HasSuffix(s, " ") {
		return false
	}
	if strings.Contains(s, ": ") || strings.Contains(s, " #") || strings.HasSuffix(s, ":") {
		return false
	}
	for _, r := range s {
		if !unicode.IsPrint(r) || r == '\t' || r > unicode.MaxASCII && !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// yamlQuoted is s double-quoted with YAML's escapes, which for the
// characters pyEscape escapes are Python's.
func yamlQuoted(s string) string { return `"` + ast.PyEscape(s, '"', false) + `"` }

// flowJSON writes an event as panther-analysis writes test logs: JSON in YAML
// flow style, one key a line with trailing commas, a nested object or list
// opening on the line below its key, as prettier formats them.
func flowJSON(v ast.Value, indent int) []string {
	var out []string
	pad := func(n int) string { return strings.Repeat(" ", n) }
	var value func(v ast.Value, at int, suffix string)
	var member func(key string, v ast.Value, at int)
	value = func(v ast.Value, at int, suffix string) {
		switch v.Kind() {
		case ast.KindObject:
			o := v.AsObject()
			if o.Len() == 0 {
				out = append(out, pad(at)+"{}"+suffix)
				return
			}
			out = append(out, pad(at)+"{")
			for i, k := range o.Keys {
				member(jsonString(k), o.Vals[i], at+2)
			}
			out = append(out, pad(at)+"}"+suffix)
		case ast.KindList:
			out = append(out, pad(at)+"[")
			for _, e := range v.AsList() {
				value(e, at+2, ",")
			}
			out = append(out, pad(at)+"]"+suffix)
		default:
			out = append(out, pad(at)+jsonScalar(v)+suffix)
		}
	}
	member = func(key string, v ast.Value, at int) {
		switch {
		case v.Kind() == ast.KindObject && v.AsObject().Len() > 0,
			v.Kind() == ast.KindList && !inlineList(v, at+len(key)+2):
			out = append(out, pad(at)+key+":")
			value(v, at+2, ",")
		default:
			out = append(out, pad(at)+key+": "+inlineJSON(v)+",")
		}
	}
	value(v, indent, "")
	return out
}

// inlineList: a list of scalars that fits prettier's 80 columns stays on one line.
func inlineList(v ast.Value, at int) bool {
	for _, e := range v.AsList() {
		if k := e.Kind(); k == ast.KindObject || k == ast.KindList {
			return false
		}
	}
	return at+len(inlineJSON(v))+1 <= 80
}

func inlineJSON(v ast.Value) string {
	switch v.Kind() {
	case ast.KindList:
		parts := make([]string, 0, len(v.AsList()))
		for _, e := range v.AsList() {
			parts = append(parts, inlineJSON(e))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case ast.KindObject:
		if v.AsObject().Len() == 0 {
			return "{}"
		}
	}
	return jsonScalar(v)
}

func jsonScalar(v ast.Value) string {
	if v.Kind() == ast.KindString {
		return jsonString(v.AsString())
	}
	if v.Kind() == ast.KindFloat {
		f := v.AsFloat()
		// A float keeps a dot, which YAML 1.1 readers need to read a float.
		s := strconv.FormatFloat(f, 'g', -1, 64)
		if i := strings.IndexByte(s, 'e'); i >= 0 && !strings.Contains(s[:i], ".") {
			s = s[:i] + ".0" + s[i:]
		} else if i < 0 && !strings.Contains(s, ".") {
			s += ".0"
		}
		return s
	}
	return ast.JSON(v)
}

// jsonString quotes s for a YAML flow scalar: JSON's escapes, which YAML's
// double-quoted style shares, with every non-printable character escaped.
func jsonString(s string) string {
	return yamlQuoted(s)
}
