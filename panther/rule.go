package panther

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/concordsec/concord/ast"
)

// fieldType is the type panther_analysis_tool's RULE_SCHEMA requires of a key.
type fieldType uint8

const (
	typeAny     fieldType = iota // `object` in the schema
	typeStr                      // str
	typeBool                     // bool
	typeInt                      // int
	typeStrList                  // [str]
	typeMap                      // {str: list}
	typeList                     // a list (Tests)
)

// ruleKeys are exactly the keys of RULE_SCHEMA (panther_analysis_tool/schemas.py),
// which is built with ignore_extra_keys=False: any other key is rejected.
var ruleKeys = map[string]fieldType{
	"AnalysisType": typeStr, "Enabled": typeBool, "Filename": typeStr, "Detection": typeAny,
	"RuleID": typeStr, "LogTypes": typeStrList, "ScheduledQueries": typeStrList,
	"Severity": typeStr, "Description": typeStr, "DedupPeriodMinutes": typeInt,
	"InlineFilters": typeAny, "DisplayName": typeStr, "OnlyUseBaseRiskScore": typeBool,
	"OutputIds": typeStrList, "CreatedBy": typeStr, "Reference": typeStr, "Runbook": typeStr,
	"Status": typeStr, "SummaryAttributes": typeStrList, "Threshold": typeInt,
	"Tags": typeStrList, "Reports": typeMap, "Tests": typeList, "DynamicSeverities": typeAny,
	"AlertTitle": typeStr, "AlertContext": typeAny, "GroupBy": typeAny, "CreateAlert": typeBool,
	"BaseVersion": typeInt,
}

// testKeys are the keys of one RULE_SCHEMA test.
var testKeys = map[string]fieldType{
	"Name": typeStr, "LogType": typeStr, "ExpectedResult": typeBool, "Log": typeAny, "Mocks": typeList,
}

var severities = map[string]bool{"Info": true, "Low": true, "Medium": true, "High": true, "Critical": true}

// nameIDPattern is NAME_ID_VALIDATION_REGEX (RuleID, DisplayName).
var nameIDPattern = regexp.MustCompile(`^[^<>&"%]+$`)

// LoadRule reads a Panther rule YAML and the Python file it names, checks the
// YAML against Panther's rule schema (errors carry line:col), and lowers the
// Python into the shared AST. Unsupported constructs are listed in
// Rule.Unsupported; the rule is returned whenever the YAML could be read.
func LoadRule(ymlPath string) (*ast.Rule, ast.ErrorList) {
	return LoadRuleWith(ymlPath, LoadOptions{})
}

// LoadOptions change what LoadRuleWith reads.
type LoadOptions struct {
	// SkipTests leaves out the Tests section when it is written as a block
	// under a plain top-level key (see withoutTopBlock), for runs over other
	// events: the test events are most of a rule file, and reading their YAML
	// most of loading it. Neither their schema nor their YAML is checked then.
	SkipTests bool
}

// LoadRuleWith is LoadRule with options.
func LoadRuleWith(ymlPath string, opts LoadOptions) (*ast.Rule, ast.ErrorList) {
	src, err := os.ReadFile(ymlPath)
	if err != nil {
		return nil, ast.ErrorList{ast.Errorf(ast.Pos{File: ymlPath}, ast.CodeIO, "%v", err)}
	}
	readPy := func(name string) ([]byte, error) {
		return os.ReadFile(filepath.Join(filepath.Dir(ymlPath), name))
	}
	if opts.SkipTests {
		if cut := withoutTopBlock(src, "Tests"); len(cut) != len(src) {
			var doc yaml.Node
			if yaml.Unmarshal(cut, &doc) == nil {
				return loadRuleDoc(ymlPath, &doc, readPy)
			}
			// Lines read as a block were something else: read the file whole.
		}
	}
	return loadRuleYAML(ymlPath, src, readPy)
}

// ruleLoader holds one LoadRule run.
type ruleLoader struct {
	file       string
	errs       ast.ErrorList
	matchNodes int // match expressions lowered so far (see maxMatchNodes)
}

func (r *ruleLoader) at(n *yaml.Node) ast.Pos {
	return ast.Pos{File: r.file, Line: n.Line, Col: n.Column}
}

func (r *ruleLoader) schemaf(n *yaml.Node, format string, args ...any) {
	r.errs = append(r.errs, ast.Errorf(r.at(n), ast.CodeSchema, format, args...))
}

func loadRuleYAML(file string, src []byte, readPy func(string) ([]byte, error)) (*ast.Rule, ast.ErrorList) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, ast.ErrorList{yamlError(file, err)}
	}
	return loadRuleDoc(file, &doc, readPy)
}

func loadRuleDoc(file string, doc *yaml.Node, readPy func(string) ([]byte, error)) (*ast.Rule, ast.ErrorList) {
	r := &ruleLoader{file: file}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, ast.ErrorList{ast.Errorf(ast.Pos{File: file, Line: 1, Col: 1}, ast.CodeSchema, "a rule file must be a YAML mapping")}
	}
	root := doc.Content[0]
	if base := topKey(root, "BaseDetection"); base != nil {
		return r.derived(root, base)
	}
	keys := r.checkMapping(root, ruleKeys, "")
	rule := &ast.Rule{Platform: ast.Panther, File: file, Keys: ast.KeysFold}

	r.required(root, keys, "AnalysisType", "Enabled", "RuleID", "Severity")
	r.exactlyOne(root, keys, "Filename", "Detection")
	r.exactlyOne(root, keys, "LogTypes", "ScheduledQueries")
	if n := keys["AnalysisType"]; n != nil {
		rule.Scheduled = n.Value == "scheduled_rule"
	}
	if n := keys["AnalysisType"]; n != nil && n.Value != "rule" && n.Value != "scheduled_rule" {
		r.schemaf(n, "AnalysisType %q is not a rule (rule or scheduled_rule)", n.Value)
	}
	if n := keys["Severity"]; n != nil && !severities[n.Value] {
		r.schemaf(n, "Severity %q is not one of Info, Low, Medium, High, Critical", n.Value)
	}
	for _, k := range []string{"RuleID", "DisplayName"} {
		if n := keys[k]; n != nil && n.Kind == yaml.ScalarNode && !nameIDPattern.MatchString(n.Value) {
			r.schemaf(n, "%s %q must not be empty or contain <, >, &, \" or %%", k, n.Value)
		}
	}
	if n := keys["RuleID"]; n != nil {
		rule.ID = n.Value
	}
	if n := keys["DisplayName"]; n != nil {
		rule.Name = n.Value
	}
	rule.Status = "disabled"
	if n := keys["Enabled"]; n != nil && n.Value == "true" {
		rule.Status = "enabled"
	}
	for _, k := range []string{"LogTypes", "ScheduledQueries"} {
		if n := keys[k]; n != nil {
			for _, c := range n.Content {
				rule.LogTypes = append(rule.LogTypes, c.Value)
			}
		}
	}
	for k, dst := range map[string]*int{"Threshold": &rule.Threshold, "DedupPeriodMinutes": &rule.DedupPeriodMinutes} {
		if n := keys[k]; n != nil && n.Kind == yaml.ScalarNode {
			*dst, _ = strconv.Atoi(n.Value) // a non-integer is already a schema error
		}
	}
	if n := keys["Tests"]; n != nil {
		rule.Tests = r.tests(n)
	}
	rule.Meta = ruleMeta(keys)
	if n := keys["Detection"]; n != nil {
		rule.Match = r.matchBlock(n, "Detection", false, &rule.Unsupported)
	}
	if n := keys["Filename"]; n != nil && n.Kind == yaml.ScalarNode {
		r.python(rule, n, readPy)
	}
	r.yamlOutputs(rule, keys)
	if n := keys["InlineFilters"]; n != nil {
		r.inlineFilters(rule, n)
	}
	r.errs.Sort()
	return rule, r.errs
}

// python loads and lowers the rule's Python file.
func (r *ruleLoader) python(rule *ast.Rule, n *yaml.Node, readPy func(string) ([]byte, error)) {
	src, err := readPy(n.Value)
	if err != nil {
		r.errs = append(r.errs, ast.Errorf(r.at(n), ast.CodeIO, "Filename %q: %v", n.Value, err))
		return
	}
	pyFile := filepath.Join(filepath.Dir(r.file), n.Value)
	prog, errs := ParsePythonWith(pyFile, src, func(module string) (string, []byte) {
		return findGlobalHelper(filepath.Dir(pyFile), module)
	})
	r.errs = append(r.errs, errs...)
	if prog == nil {
		return
	}
	rule.Match = prog.Match
	rule.Outputs = prog.Outputs
	rule.Unsupported = append(rule.Unsupported, prog.Unsupported...)
}

// checkMapping reports unknown keys and keys of the wrong type, and returns the
// value node of each known key.
func (r *ruleLoader) checkMapping(m *yaml.Node, allowed map[string]fieldType, where string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		t, ok := allowed[k.Value]
		if !ok {
			r.schemaf(k, "unknown key %q%s (Panther's schema rejects it)", k.Value, where)
			continue
		}
		if _, dup := out[k.Value]; dup {
			r.schemaf(k, "duplicate key %q%s", k.Value, where)
		}
		out[k.Value] = v
		if msg := typeMismatch(v, t); msg != "" {
			r.schemaf(v, "%s%s must be %s", k.Value, where, msg)
		}
	}
	return out
}

// typeMismatch returns the expected type when v does not have it.
func typeMismatch(v *yaml.Node, t fieldType) string {
	if v.Kind == yaml.AliasNode && v.Alias != nil {
		v = v.Alias
	}
	scalar := func(tag string) bool { return v.Kind == yaml.ScalarNode && v.ShortTag() == tag }
	switch t {
	case typeStr:
		if !scalar("!!str") {
			return "a string"
		}
	case typeBool:
		if !scalar("!!bool") {
			return "true or false"
		}
	case typeInt:
		if !scalar("!!int") {
			return "an integer"
		}
	case typeStrList:
		if v.Kind != yaml.SequenceNode {
			return "a list of strings"
		}
		for _, c := range v.Content {
			if c.Kind != yaml.ScalarNode || c.ShortTag() != "!!str" {
				return "a list of strings"
			}
		}
	case typeMap:
		if v.Kind != yaml.MappingNode {
			return "a mapping of lists"
		}
		for i := 1; i < len(v.Content); i += 2 {
			if v.Content[i].Kind != yaml.SequenceNode {
				return "a mapping of lists"
			}
		}
	case typeList:
		if v.Kind != yaml.SequenceNode {
			return "a list"
		}
	}
	return ""
}

func (r *ruleLoader) required(m *yaml.Node, keys map[string]*yaml.Node, names ...string) {
	for _, k := range names {
		if keys[k] == nil {
			r.schemaf(m, "missing required key %q", k)
		}
	}
}

func (r *ruleLoader) exactlyOne(m *yaml.Node, keys map[string]*yaml.Node, a, b string) {
	switch {
	case keys[a] == nil && keys[b] == nil:
		r.schemaf(m, "missing required key %q (or %q)", a, b)
	case keys[a] != nil && keys[b] != nil:
		r.schemaf(keys[b], "%q and %q are mutually exclusive", a, b)
	}
}

// tests reads the Tests list.
func (r *ruleLoader) tests(n *yaml.Node) []ast.Test {
	var out []ast.Test
	for i, tn := range n.Content {
		where := fmt.Sprintf(" in test %d", i+1)
		if tn.Kind != yaml.MappingNode {
			r.schemaf(tn, "test %d must be a mapping", i+1)
			continue
		}
		keys := r.checkMapping(tn, testKeys, where)
		r.required(tn, keys, "Name", "ExpectedResult", "Log")
		t := ast.Test{Pos: r.at(tn)}
		if k := keys["Name"]; k != nil {
			t.Name = k.Value
			where = " in test " + strconv.Quote(k.Value)
		}
		if k := keys["ExpectedResult"]; k != nil {
			// True and False are booleans too (YAML 1.2 core schema); a string
			// comparison read them as false.
			var b bool
			if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!bool" && k.Decode(&b) == nil {
				t.Expected = b
			}
		}
		if k := keys["Log"]; k != nil {
			v, msg := yamlValue(k)
			if msg != "" {
				r.schemaf(k, "Log%s: %s", where, msg)
			}
			t.Log = v
		}
		if k := keys["Mocks"]; k != nil && k.Kind == yaml.SequenceNode {
			t.Mocks = r.mocks(k, where)
		}
		out = append(out, t)
	}
	return out
}

// mocks reads [{objectName, returnValue}] (MOCK_SCHEMA: returnValue is str or bool).
func (r *ruleLoader) mocks(n *yaml.Node, where string) map[string]ast.Value {
	out := map[string]ast.Value{}
	for _, mn := range n.Content {
		if mn.Kind != yaml.MappingNode {
			r.schemaf(mn, "a mock%s must be a mapping", where)
			continue
		}
		keys := r.checkMapping(mn, map[string]fieldType{"objectName": typeStr, "returnValue": typeAny}, " of a mock"+where)
		r.required(mn, keys, "objectName", "returnValue")
		name, rv := keys["objectName"], keys["returnValue"]
		if name == nil || rv == nil {
			continue
		}
		v, _ := yamlValue(rv)
		if k := v.Kind(); k != ast.KindString && k != ast.KindBool {
			r.schemaf(rv, "returnValue of mock %q must be a string or a bool", name.Value)
		}
		out[name.Value] = v
	}
	return out
}

// yamlErrLine finds the line number yaml.v3 puts in its messages.
var yamlErrLine = regexp.MustCompile(`line (\d+)`)

func yamlError(file string, err error) *ast.Error {
	pos := ast.Pos{File: file}
	if m := yamlErrLine.FindStringSubmatch(err.Error()); m != nil {
		pos.Line, _ = strconv.Atoi(m[1])
		pos.Col = 1
	}
	return ast.Errorf(pos, ast.CodeParse, "%v", err)
}

// inlineFilters applies InlineFilters before the rule's logic: an event the
// filters exclude does not match, and rule() is not run on it (Panther's
// "Modifying Detections with Inline Filters"). Filters that always pass (the
// `- All: []` the Panther console writes) are dropped, so rule()'s own result,
// type checks included, is untouched.
func (r *ruleLoader) inlineFilters(rule *ast.Rule, n *yaml.Node) {
	f := r.matchBlock(n, "InlineFilters", true, &rule.Unsupported)
	if f == nil || alwaysTrue(f) || rule.Match == nil {
		return
	}
	// Python's `and`: False when the filters exclude the event (they always yield
	// a bool), else rule()'s own value, so its bool check still applies.
	rule.Match = &ast.Logic{Span: ast.Span{From: r.at(n)}, Op: ast.And, Operand: true, Xs: []ast.Expr{f, rule.Match}}
}

func alwaysTrue(x ast.Expr) bool {
	switch n := x.(type) {
	case *ast.Lit:
		return n.Val.Kind() == ast.KindBool && n.Val.AsBool()
	case *ast.Logic:
		if n.Op != ast.And {
			return false
		}
		for _, c := range n.Xs {
			if !alwaysTrue(c) {
				return false
			}
		}
		return true
	}
	return false
}

// yamlOutputs adds a simple detection's AlertTitle, AlertContext and
// DynamicSeverities as the title, alert_context and severity outputs, unless
// the Python module defines that function.
func (r *ruleLoader) yamlOutputs(rule *ast.Rule, keys map[string]*yaml.Node) {
	has := map[string]bool{}
	for _, o := range rule.Outputs {
		has[o.Name] = true
	}
	if n := keys["AlertTitle"]; n != nil && n.Kind == yaml.ScalarNode && !has["title"] {
		rule.Outputs = append(rule.Outputs, ast.Output{Name: "title", X: titleTemplate(n.Value, ast.Span{From: r.at(n)})})
	}
	if n := keys["AlertContext"]; n != nil && !has["alert_context"] {
		if x := r.alertContext(n, &rule.Unsupported); x != nil {
			rule.Outputs = append(rule.Outputs, ast.Output{Name: "alert_context", X: x})
		}
	}
	if n := keys["DynamicSeverities"]; n != nil && !has["severity"] {
		sev := "Info"
		if s := keys["Severity"]; s != nil {
			sev = s.Value
		}
		if x := r.dynamicSeverities(n, sev, &rule.Unsupported); x != nil {
			rule.Outputs = append(rule.Outputs, ast.Output{Name: "severity", X: x})
		}
	}
}

// titleTemplate reads "text {key.path} text": each {…} is the event's value there.
func titleTemplate(s string, sp ast.Span) ast.Expr {
	c := &ast.Concat{Span: sp, Dialect: ast.Python}
	for s != "" {
		i := strings.IndexByte(s, '{')
		j := strings.IndexByte(s[max(i, 0):], '}') + max(i, 0)
		if i < 0 || j <= i {
			c.Parts = append(c.Parts, &ast.Lit{Span: sp, Val: ast.String(s)})
			break
		}
		if i > 0 {
			c.Parts = append(c.Parts, &ast.Lit{Span: sp, Val: ast.String(s[:i])})
		}
		c.Parts = append(c.Parts, &ast.Field{Span: sp, Path: strings.Split(s[i+1:j], ".")})
		s = s[j+1:]
	}
	return c
}

// alertContext reads [{KeyName, KeyValue: key specifier}].
func (r *ruleLoader) alertContext(n *yaml.Node, unsup *ast.ErrorList) ast.Expr {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		return nil // AlertContext is `object` in the schema; other shapes are not ours to run
	}
	m := &matcher{r: r, unsup: unsup, what: "AlertContext"}
	d := &ast.DictLit{Span: ast.Span{From: r.at(n)}}
	for _, item := range n.Content {
		item = deref(item)
		if item.Kind != yaml.MappingNode {
			r.schemaf(item, "an AlertContext entry must be a mapping of KeyName and KeyValue")
			continue
		}
		keys := r.checkMapping(item, map[string]fieldType{"KeyName": typeStr, "KeyValue": typeAny}, " of AlertContext")
		name, val := keys["KeyName"], keys["KeyValue"]
		if name == nil || val == nil || deref(val).Kind != yaml.MappingNode || len(deref(val).Content) != 2 {
			r.schemaf(item, "an AlertContext entry needs KeyName and KeyValue (one Key, DeepKey or KeyPath)")
			continue
		}
		v := deref(val)
		if k := v.Content[0].Value; k != "Key" && k != "DeepKey" && k != "KeyPath" {
			r.schemaf(v.Content[0], "KeyValue must be a Key, DeepKey or KeyPath, not %q", k)
			continue
		}
		ref, ok := m.keySpec(v.Content[0].Value, v.Content[1])
		if !ok {
			continue
		}
		d.Keys = append(d.Keys, &ast.Lit{Span: ast.Span{From: r.at(name)}, Val: ast.String(name.Value)})
		d.Vals = append(d.Vals, ref.x)
	}
	return d
}

// dynamicSeverities reads [{ChangeTo, Conditions}]: the first entry whose
// conditions all hold gives the severity, else the rule's Severity.
func (r *ruleLoader) dynamicSeverities(n *yaml.Node, base string, unsup *ast.ErrorList) ast.Expr {
	n = deref(n)
	if n.Kind != yaml.SequenceNode {
		r.schemaf(n, "DynamicSeverities must be a list of {ChangeTo, Conditions}")
		return nil
	}
	var x ast.Expr = &ast.Lit{Span: ast.Span{From: r.at(n)}, Val: ast.String(base)}
	for i := len(n.Content) - 1; i >= 0; i-- {
		item := deref(n.Content[i])
		if item.Kind != yaml.MappingNode {
			r.schemaf(item, "a DynamicSeverities entry must be a mapping of ChangeTo and Conditions")
			return nil
		}
		keys := r.checkMapping(item, map[string]fieldType{"ChangeTo": typeStr, "Conditions": typeList}, " of DynamicSeverities")
		to, conds := keys["ChangeTo"], keys["Conditions"]
		if to == nil || conds == nil {
			r.schemaf(item, "a DynamicSeverities entry needs ChangeTo and Conditions")
			return nil
		}
		if !severities[to.Value] {
			r.schemaf(to, "ChangeTo %q is not one of Info, Low, Medium, High, Critical", to.Value)
		}
		c := r.matchBlock(conds, "DynamicSeverities Conditions", false, unsup)
		if c == nil {
			return nil
		}
		sp := ast.Span{From: r.at(item)}
		x = &ast.Cond{Span: sp, If: c, Then: &ast.Lit{Span: sp, Val: ast.String(to.Value)}, Else: x}
	}
	return x
}

func topKey(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// derivedKeys are DERIVED_SCHEMA's keys: a derived detection names a
// BaseDetection and overrides its metadata, filters and tests.
var derivedKeys = func() map[string]fieldType {
	m := map[string]fieldType{"BaseDetection": typeStr, "Tests": typeAny}
	for _, k := range []string{"AnalysisType", "RuleID", "Enabled", "Severity", "Description", "DedupPeriodMinutes",
		"InlineFilters", "DisplayName", "OnlyUseBaseRiskScore", "OutputIds", "Reference", "Runbook", "Status",
		"SummaryAttributes", "Threshold", "Tags", "Reports", "DynamicSeverities", "AlertTitle", "AlertContext",
		"GroupBy", "CreateAlert", "BaseVersion"} {
		m[k] = ruleKeys[k]
	}
	return m
}()

// derived reads a derived detection (BaseDetection): its schema is checked, and
// it is reported unsupported, since running it means running the base rule with
// the derived filters and, when it has none, the base rule's tests.
func (r *ruleLoader) derived(root, base *yaml.Node) (*ast.Rule, ast.ErrorList) {
	keys := r.checkMapping(root, derivedKeys, "")
	r.required(root, keys, "AnalysisType", "RuleID", "BaseDetection")
	if n := keys["AnalysisType"]; n != nil && n.Value != "rule" {
		r.schemaf(n, "AnalysisType %q of a derived detection must be rule", n.Value)
	}
	rule := &ast.Rule{Platform: ast.Panther, File: r.file, Keys: ast.KeysFold, Status: "disabled"}
	if n := keys["RuleID"]; n != nil {
		rule.ID = n.Value
	}
	if n := keys["DisplayName"]; n != nil {
		rule.Name = n.Value
	}
	if n := keys["Enabled"]; n != nil && n.Value == "true" {
		rule.Status = "enabled"
	}
	if n := keys["Tests"]; n != nil && n.Kind == yaml.SequenceNode {
		rule.Tests = r.tests(n)
	}
	rule.Unsupported.Add(r.at(base), ast.CodeUnsupported, fmt.Sprintf("unsupported: derived detections (BaseDetection %q)", base.Value))
	r.errs.Sort()
	return rule, r.errs
}

// ruleMeta is the rule's description, in the shared terms. Keys of the wrong
// shape are schema errors already; they read as empty here.
func ruleMeta(keys map[string]*yaml.Node) ast.Meta {
	str := func(k string) string {
		if n := keys[k]; n != nil && n.Kind == yaml.ScalarNode {
			return n.Value
		}
		return ""
	}
	list := func(n *yaml.Node) []string {
		var out []string
		if n != nil && n.Kind == yaml.SequenceNode {
			for _, c := range n.Content {
				if c.Kind == yaml.ScalarNode {
					out = append(out, c.Value)
				}
			}
		}
		return out
	}
	m := ast.Meta{
		Description: str("Description"), Runbook: str("Runbook"), Author: str("CreatedBy"),
		Severity: str("Severity"), Tags: list(keys["Tags"]), SummaryAttributes: list(keys["SummaryAttributes"]),
	}
	if ref := str("Reference"); ref != "" {
		m.References = []string{ref}
	}
	if n := keys["Reports"]; n != nil && n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "MITRE ATT&CK" {
				m.MITRE = list(n.Content[i+1])
			}
		}
	}
	return m
}
