package panther

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/notation"
)

// simpleRule wraps a Detection block (and optional InlineFilters) into a rule file.
func simpleRule(detection, filters string) string {
	s := "AnalysisType: rule\nRuleID: T\nEnabled: true\nLogTypes: [X.Y]\nSeverity: Low\nDetection:\n" + indent(detection)
	if filters != "" {
		s += "InlineFilters:\n" + indent(filters)
	}
	return s
}

func indent(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		b.WriteString("  " + l + "\n")
	}
	return b.String()
}

func evalRule(t *testing.T, yml, event string) (bool, error) {
	t.Helper()
	rule, errs := loadRuleYAML("r.yml", []byte(yml), readNone)
	if len(errs) > 0 || len(rule.Unsupported) > 0 {
		t.Fatalf("load: %v %v", errs, rule.Unsupported)
	}
	// The notation must carry every lowered detection through print and parse.
	back, perrs := notation.Parse("r.cnd", notation.Print(rule.Match))
	if len(perrs) > 0 || !notation.Equal(back, rule.Match) {
		t.Fatalf("notation round trip: %v\n%s", perrs, notation.Print(rule.Match))
	}
	p, cerrs := eval.Compile(rule.Match, rule.Keys)
	if len(cerrs) > 0 {
		t.Fatalf("compile: %v", cerrs)
	}
	ev, err := ast.ParseJSON([]byte(event))
	if err != nil {
		t.Fatal(err)
	}
	v, err := p.Eval(&eval.Env{Record: ev})
	if err == nil && v.Kind() != ast.KindBool {
		t.Fatalf("match returned %s, want a bool", v.Repr())
	}
	return v.AsBool(), err
}

// Each condition with its inverse and case-insensitive form. Names and shapes
// follow panther_analysis_tool's analysis_config_schema.json (MatchExpressions)
// and its simple-detection fixtures (tests/fixtures/simple-detections/valid);
// null and missing handling follows Panther's Inline Filters page: positive
// comparators are false on null, inverse ones true.
func TestMatchConditions(t *testing.T) {
	ev := `{"name":"Alice","nested":{"Port":443,"ip":"10.1.2.3","pub":"8.8.8.8","v6":"2001:4860::1"},
		"tags":["Admin","ops"],"empty":"","none":null,"list":[],"obj":{},"n":"42",
		"moons":[{"name":"Charon","year":1978},{"name":"Nix","year":2005}],"grid":[[1,2],[3]]}`
	tests := []struct {
		name, expr string
		want       bool
	}{
		{"Equals", "Key: name\nCondition: Equals\nValue: Alice", true},
		{"Equals is case-sensitive", "Key: name\nCondition: Equals\nValue: alice", false},
		{"Key is case-insensitive, as PantherEvent is", "Key: NAME\nCondition: Equals\nValue: Alice", true},
		{"Equals is type-strict", "Key: n\nCondition: Equals\nValue: 42", false},
		{"Equals on a missing key", "Key: nope\nCondition: Equals\nValue: x", false},
		{"DoesNotEqual on a missing key", "Key: nope\nCondition: DoesNotEqual\nValue: x", true},
		{"DoesNotEqual", "Key: name\nCondition: DoesNotEqual\nValue: Alice", false},
		{"IEquals", "Key: name\nCondition: IEquals\nValue: aLiCe", true},
		{"IDoesNotEqual", "Key: name\nCondition: IDoesNotEqual\nValue: ALICE", false},
		{"StartsWith", "Key: name\nCondition: StartsWith\nValue: Al", true},
		{"DoesNotStartWith", "Key: name\nCondition: DoesNotStartWith\nValue: al", true},
		{"IStartsWith", "Key: name\nCondition: IStartsWith\nValue: al", true},
		{"IDoesNotStartWith", "Key: name\nCondition: IDoesNotStartWith\nValue: AL", false},
		{"EndsWith", "Key: name\nCondition: EndsWith\nValue: ice", true},
		{"DoesNotEndWith", "Key: name\nCondition: DoesNotEndWith\nValue: ICE", true},
		{"IEndsWith", "Key: name\nCondition: IEndsWith\nValue: ICE", true},
		{"IDoesNotEndWith", "Key: name\nCondition: IDoesNotEndWith\nValue: ICE", false},
		{"Contains", "Key: name\nCondition: Contains\nValue: lic", true},
		{"DoesNotContain", "Key: name\nCondition: DoesNotContain\nValue: LIC", true},
		{"IContains", "Key: name\nCondition: IContains\nValue: LIC", true},
		{"IDoesNotContain", "Key: name\nCondition: IDoesNotContain\nValue: LIC", false},
		{"StartsWith on null is false", "Key: none\nCondition: StartsWith\nValue: x", false},
		{"DoesNotStartWith on null is true", "Key: none\nCondition: DoesNotStartWith\nValue: x", true},
		{"Contains on a list: any element", "Key: tags\nCondition: Contains\nValue: dmi", true},
		// Has is Python's `in`: a substring of a string (the fixture
		// asana_workspace_new_admin expects "domain_admin" to have "admin").
		{"Has substring", "Key: name\nCondition: Has\nValue: lic", true},
		{"Has list element", "Key: tags\nCondition: Has\nValue: ops", true},
		{"Has is exact on list elements", "Key: tags\nCondition: Has\nValue: op", false},
		{"DoesNotHave", "Key: tags\nCondition: DoesNotHave\nValue: ops", false},
		{"IHas", "Key: tags\nCondition: IHas\nValue: admin", true},
		{"IDoesNotHave", "Key: tags\nCondition: IDoesNotHave\nValue: ADMIN", false},
		{"Has on a number is false", "DeepKey: [nested, Port]\nCondition: Has\nValue: 4", false},
		{"IsIn", "Key: name\nCondition: IsIn\nValues: [Bob, Alice]", true},
		{"IsNotIn", "Key: name\nCondition: IsNotIn\nValues: [Bob, Alice]", false},
		{"IsIn numbers", "DeepKey: [nested, Port]\nCondition: IsIn\nValues: [80, 443]", true},
		{"IIsIn", "Key: name\nCondition: IIsIn\nValues: [bob, alice]", true},
		{"IIsNotIn", "Key: name\nCondition: IIsNotIn\nValues: [bob, alice]", false},
		{"IsGreaterThan", "DeepKey: [nested, Port]\nCondition: IsGreaterThan\nValue: 80", true},
		{"IsGreaterThanOrEquals", "DeepKey: [nested, Port]\nCondition: IsGreaterThanOrEquals\nValue: 443", true},
		{"IsLessThan", "DeepKey: [nested, Port]\nCondition: IsLessThan\nValue: 443", false},
		{"IsLessThanOrEquals", "DeepKey: [nested, Port]\nCondition: IsLessThanOrEquals\nValue: 443.0", true},
		{"IsGreaterThan on missing is false", "Key: nope\nCondition: IsGreaterThan\nValue: 1", false},
		{"Exists", "Key: name\nCondition: Exists", true},
		{"DoesNotExist", "Key: nope\nCondition: DoesNotExist", true},
		{"Exists is false for null", "Key: none\nCondition: Exists", false},
		{"IsNull on null", "Key: none\nCondition: IsNull", true},
		{"IsNull on missing", "Key: nope\nCondition: IsNull", true},
		{"IsNotNull", "Key: name\nCondition: IsNotNull", true},
		{"IsNullOrEmpty on \"\"", "Key: empty\nCondition: IsNullOrEmpty", true},
		{"IsNullOrEmpty on []", "Key: list\nCondition: IsNullOrEmpty", true},
		{"IsNullOrEmpty on {}", "Key: obj\nCondition: IsNullOrEmpty", true},
		{"IsNullOrEmpty on a value", "Key: name\nCondition: IsNullOrEmpty", false},
		{"IsNotNullOrEmpty", "Key: tags\nCondition: IsNotNullOrEmpty", true},
		{"IsIPAddress", "DeepKey: [nested, ip]\nCondition: IsIPAddress\nValue: true", true},
		{"IsIPAddress false negates", "Key: name\nCondition: IsIPAddress\nValue: false", true},
		{"IsIPv4Address", "DeepKey: [nested, v6]\nCondition: IsIPv4Address", false},
		{"IsIPv6Address", "DeepKey: [nested, v6]\nCondition: IsIPv6Address", true},
		{"IsIPAddressPrivate", "DeepKey: [nested, ip]\nCondition: IsIPAddressPrivate\nValue: true", true},
		{"IsIPAddressPublic", "DeepKey: [nested, pub]\nCondition: IsIPAddressPublic", true},
		{"IsIPAddressPublic on a private one", "DeepKey: [nested, ip]\nCondition: IsIPAddressPublic", false},
		{"IsIPAddressInCIDR", "KeyPath: nested.ip\nCondition: IsIPAddressInCIDR\nValue: 10.0.0.0/8", true},
		{"IsIPAddressNotInCIDR", "KeyPath: nested.ip\nCondition: IsIPAddressNotInCIDR\nValue: 192.168.0.0/16", true},
		{"IsIPAddressInCIDR on a non-address", "Key: name\nCondition: IsIPAddressInCIDR\nValue: 0.0.0.0/0", false},
		{"AlwaysTrue", "Condition: AlwaysTrue", true},
		{"AlwaysFalse", "Condition: AlwaysFalse", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := evalRule(t, simpleRule("- "+strings.ReplaceAll(tt.expr, "\n", "\n  "), ""), ev)
			if err != nil || got != tt.want {
				t.Errorf("got %v (%v), want %v", got, err, tt.want)
			}
		})
	}
}

// Key specifiers, combinators and list comprehensions, on the event of
// Panther's match-expression reference page (Pluto and its moons).
func TestMatchStructure(t *testing.T) {
	ev := `{"status":"success","entity":{"name":"Pluto","moons":[
		{"name":"Charon","year_discovered":1978,"diameter":{"distance":1212}},
		{"name":"Nix","year_discovered":2005,"diameter":{"distance":50}}]},
		"history":{"last":"Pl"},"errors":3,"max":2}`
	tests := []struct {
		name, detection string
		want            bool
	}{
		{"DeepKey with an index", "- DeepKey: [entity, moons, 1, name]\n  Condition: Equals\n  Value: Nix", true},
		{"DeepKey index out of range", "- DeepKey: [entity, moons, 7, name]\n  Condition: Exists", false},
		{"KeyPath with an index", "- KeyPath: entity.moons[0].name\n  Condition: Equals\n  Value: Charon", true},
		{"KeyPath [*]: any element", "- KeyPath: entity.moons[*].name\n  Condition: Equals\n  Value: Nix", true},
		{"KeyPath [*] inverse: no element", "- KeyPath: entity.moons[*].name\n  Condition: DoesNotEqual\n  Value: Nix", false},
		{"KeyPath [*] numeric", "- KeyPath: entity.moons[*].diameter.distance\n  Condition: IsGreaterThan\n  Value: 1000", true},
		{"top-level list is All", "- Key: status\n  Condition: Equals\n  Value: success\n- Key: status\n  Condition: Equals\n  Value: failure", false},
		{"Any", "- Any:\n  - Key: status\n    Condition: Equals\n    Value: failure\n  - Key: status\n    Condition: Equals\n    Value: success", true},
		{"empty Any is false", "- Any: []", false},
		{"empty All is true", "- All: []", true},
		{"None", "- None:\n  - Key: status\n    Condition: Equals\n    Value: failure", true},
		{"OnlyOne with two true", "- OnlyOne:\n  - Condition: AlwaysTrue\n  - Condition: AlwaysTrue", false},
		{"OnlyOne with one true", "- OnlyOne:\n  - Condition: AlwaysTrue\n  - Condition: AlwaysFalse", true},
		{"AnyElement: one element meets every expression", "- KeyPath: entity.moons\n  Condition: AnyElement\n  Expressions:\n  - Key: name\n    Condition: Equals\n    Value: Nix\n  - Key: year_discovered\n    Condition: IsGreaterThan\n    Value: 2000", true},
		{"AnyElement: expressions split across elements", "- KeyPath: entity.moons\n  Condition: AnyElement\n  Expressions:\n  - Key: name\n    Condition: Equals\n    Value: Charon\n  - Key: year_discovered\n    Condition: IsGreaterThan\n    Value: 2000", false},
		{"AllElements", "- DeepKey: [entity, moons]\n  Condition: AllElements\n  Expressions:\n  - KeyPath: diameter.distance\n    Condition: IsGreaterThan\n    Value: 10", true},
		{"NoElement", "- DeepKey: [entity, moons]\n  Condition: NoElement\n  Expressions:\n  - Key: name\n    Condition: Equals\n    Value: Styx", true},
		{"OnlyOneElement", "- DeepKey: [entity, moons]\n  Condition: OnlyOneElement\n  Expressions:\n  - Key: year_discovered\n    Condition: IsLessThan\n    Value: 2000", true},
		{"AnyElement on a missing key", "- Key: nope\n  Condition: AnyElement\n  Expressions:\n  - Condition: AlwaysTrue", false},
		{"NoElement on a missing key", "- Key: nope\n  Condition: NoElement\n  Expressions:\n  - Condition: AlwaysTrue", true},
		{"multi-key StartsWith", "- Values:\n  - DeepKey: [entity, name]\n  - KeyPath: history.last\n  Condition: StartsWith", true},
		{"multi-key IsGreaterThan", "- Values:\n  - Key: errors\n  - Key: max\n  Condition: IsGreaterThan", true},
		{"multi-key DoesNotEqual", "- Values:\n  - Key: errors\n  - Key: max\n  Condition: DoesNotEqual", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := evalRule(t, simpleRule(tt.detection, ""), ev)
			if err != nil || got != tt.want {
				t.Errorf("got %v (%v), want %v", got, err, tt.want)
			}
		})
	}
}

// Panther's Inline Filters page: a filter must match for the rule to run; a
// filter on a key the event lacks passes; on a null value, positive conditions
// fail and inverse ones pass.
func TestInlineFilters(t *testing.T) {
	detection := "- Key: eventName\n  Condition: Equals\n  Value: Run"
	filter := "- Key: user\n  Condition: IsNotIn\n  Values: [svc]\n- Key: region\n  Condition: StartsWith\n  Value: us-"
	tests := []struct {
		event string
		want  bool
	}{
		{`{"eventName":"Run","user":"bob","region":"us-east-1"}`, true},
		{`{"eventName":"Run","user":"svc","region":"us-east-1"}`, false},
		{`{"eventName":"Run"}`, true}, // both filter keys absent: the filters pass
		{`{"eventName":"Run","user":null,"region":"us-east-1"}`, true},
		{`{"eventName":"Run","user":"bob","region":null}`, false},
		{`{"eventName":"Stop","user":"bob","region":"us-east-1"}`, false},
	}
	yml := simpleRule(detection, filter)
	for _, tt := range tests {
		got, err := evalRule(t, yml, tt.event)
		if err != nil || got != tt.want {
			t.Errorf("%s: got %v (%v), want %v", tt.event, got, err, tt.want)
		}
	}
	// The console's `- All: []` filter changes nothing, not even the node.
	plain, _ := loadRuleYAML("r.yml", []byte(simpleRule(detection, "")), readNone)
	noop, _ := loadRuleYAML("r.yml", []byte(simpleRule(detection, "- All: []")), readNone)
	if !notation.Equal(plain.Match, noop.Match) {
		t.Errorf("All: [] changed the rule: %s", notation.Print(noop.Match))
	}
}

// Bad match expressions name the file, line and column and what was expected;
// the rule is still returned so the run goes on.
func TestMatchErrors(t *testing.T) {
	tests := []struct{ name, detection, want string }{
		{"unknown condition", "- Key: a\n  Condition: Equal\n  Value: x", `r.yml:8:16: schema: unknown Condition "Equal" (expected one of`},
		{"missing Value", "- Key: a\n  Condition: Equals", "r.yml:7:5: schema: Condition Equals needs Value (one value), not Values"},
		{"Values for Equals", "- Key: a\n  Condition: Equals\n  Values: [x]", "needs Value (one value)"},
		{"Value for IsIn", "- Key: a\n  Condition: IsIn\n  Value: x", "Condition IsIn needs Values (a list), not Value"},
		{"no key", "- Condition: Equals\n  Value: x", "r.yml:7:5: schema: a match expression needs one of Key, DeepKey or KeyPath"},
		{"two keys", "- Key: a\n  KeyPath: b\n  Condition: Exists", `r.yml:8:14: schema: Key and KeyPath are mutually exclusive`},
		{"unknown key", "- Key: a\n  Conditon: Exists", `r.yml:8:5: schema: unknown key "Conditon" in a match expression`},
		{"combinator with more", "- All: []\n  Key: a", "All must be the only key"},
		{"not a list", "Key: a", "r.yml:7:3: schema: Detection must be a list of match expressions"},
		{"bad KeyPath", "- KeyPath: a[x]\n  Condition: Exists", `KeyPath "a[x]": expected a list index or * inside []`},
		{"bad CIDR", "- Key: ip\n  Condition: IsIPAddressInCIDR\n  Value: 10.0.0.0/99", "must be a CIDR block"},
		{"non-numeric bound", "- Key: n\n  Condition: IsGreaterThan\n  Value: ten", "Value of IsGreaterThan must be a number"},
		{"object value", "- Key: n\n  Condition: Equals\n  Value: {a: 1}", "a match value must be a string, number or boolean"},
		{"Expressions without a list condition", "- Key: a\n  Condition: Equals\n  Value: 1\n  Expressions: []", "Expressions belong to AnyElement"},
		{"list condition without Expressions", "- Key: a\n  Condition: AnyElement", "needs Expressions"},
		{"multi-key needs two", "- Values:\n  - Key: a\n  Condition: Equals", "exactly two key specifiers"},
		{"multi-key with IsIn", "- Values:\n  - Key: a\n  - Key: b\n  Condition: IsIn", "Condition IsIn cannot compare two keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rule, errs := loadRuleYAML("r.yml", []byte(simpleRule(tt.detection, "")), readNone)
			if rule == nil || !strings.Contains(errs.Error(), tt.want) {
				t.Errorf("got %v, want %q", errs, tt.want)
			}
		})
	}
}

// Enrichment (lookup tables) is recognised but cannot run: the rule is
// unsupported, not an error.
func TestMatchEnrichmentUnsupported(t *testing.T) {
	rule, errs := loadRuleYAML("r.yml", []byte(simpleRule("- Enrichment: {Table: t, Selector: s, FieldPath: f}\n  Condition: Equals\n  Value: x", "")), readNone)
	if len(errs) > 0 || len(rule.Unsupported) != 1 || !strings.Contains(rule.Unsupported[0].Error(), "r.yml:7:17: unsupported: enrichment") {
		t.Errorf("errs %v, unsupported %v", errs, rule.Unsupported)
	}
}

// FuzzMatchExpressions checks that no Detection block makes loading, printing
// or evaluating panic, and that whatever loads survives the notation round trip.
func FuzzMatchExpressions(f *testing.F) {
	for _, s := range []string{
		"- Key: a\n  Condition: Equals\n  Value: x",
		"- KeyPath: a[*].b[0]\n  Condition: IContains\n  Value: x",
		"- Any:\n  - DeepKey: [a, 0, b]\n    Condition: IsIn\n    Values: [1, 2]\n  - None: []",
		"- OnlyOne:\n  - Condition: AlwaysTrue\n- Values:\n  - Key: a\n  - KeyPath: b.c\n  Condition: IsLessThan",
		"- Key: l\n  Condition: NoElement\n  Expressions:\n  - Key: x\n    Condition: IsIPAddressInCIDR\n    Value: 10.0.0.0/8",
		"- &a {Key: a, Condition: Exists}\n- *a",
		"- KeyPath: '[*]'\n  Condition: Exists", "- {}", "[", "- Key: [1]\n  Condition: 3",
	} {
		f.Add(s)
	}
	ev, _ := ast.ParseJSON([]byte(`{"a":[{"b":["10.1.1.1"]}],"l":[{"x":"10.0.0.1"}],"b":{"c":1}}`))
	f.Fuzz(func(t *testing.T, detection string) {
		rule, errs := loadRuleYAML("f.yml", []byte(simpleRule(detection, detection)), readNone)
		if rule == nil || rule.Match == nil || len(errs) > 0 {
			return
		}
		back, perrs := notation.Parse("f.cnd", notation.Print(rule.Match))
		if len(perrs) > 0 || !notation.Equal(back, rule.Match) {
			t.Fatalf("round trip: %v\n%s", perrs, notation.Print(rule.Match))
		}
		if p, cerrs := eval.Compile(rule.Match, rule.Keys); len(cerrs) == 0 {
			_, _ = p.Eval(&eval.Env{Record: ev})
		}
	})
}

// readNone stands in for the rule's Python file.
func readNone(string) ([]byte, error) { return []byte("def rule(event):\n    return True\n"), nil }

// A simple detection's AlertTitle ({key.path} placeholders), AlertContext
// (KeyName → key specifier) and DynamicSeverities (first entry whose
// Conditions hold, else Severity) become the title, alert_context and
// severity outputs.
func TestSimpleDetectionOutputs(t *testing.T) {
	yml := simpleRule("- Condition: AlwaysTrue", "") +
		"AlertTitle: \"{user.name} did {action}\"\n" +
		"AlertContext:\n  - KeyName: who\n    KeyValue: {DeepKey: [user, name]}\n  - KeyName: first\n    KeyValue: {KeyPath: 'items[0]'}\n" +
		"DynamicSeverities:\n  - ChangeTo: Critical\n    Conditions:\n      - Key: action\n        Condition: Equals\n        Value: delete\n"
	rule, errs := loadRuleYAML("r.yml", []byte(yml), readNone)
	if len(errs) > 0 || len(rule.Outputs) != 3 {
		t.Fatalf("errs %v, outputs %d", errs, len(rule.Outputs))
	}
	for _, tt := range []struct{ event, title, context, severity string }{
		{`{"user":{"name":"ann"},"action":"delete","items":[7]}`, `'ann did delete'`, `{'who': 'ann', 'first': 7}`, `'Critical'`},
		{`{"action":"read"}`, `'None did read'`, `{'who': None, 'first': None}`, `'Low'`},
	} {
		ev, _ := ast.ParseJSON([]byte(tt.event))
		var got []string
		for _, o := range rule.Outputs {
			p, cerrs := eval.Compile(o.X, rule.Keys)
			if len(cerrs) > 0 {
				t.Fatal(cerrs)
			}
			v, err := p.Eval(&eval.Env{Record: ev})
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, v.Repr())
		}
		if want := []string{tt.title, tt.context, tt.severity}; strings.Join(got, " | ") != strings.Join(want, " | ") {
			t.Errorf("%s:\ngot  %v\nwant %v", tt.event, got, want)
		}
	}
	for _, bad := range []struct{ yml, want string }{
		{"AlertContext:\n  - KeyName: a\n    KeyValue: {Field: x}\n", `KeyValue must be a Key, DeepKey or KeyPath, not "Field"`},
		{"AlertContext:\n  - just a string\n", "an AlertContext entry must be a mapping"},
		{"DynamicSeverities:\n  - ChangeTo: Severe\n    Conditions: []\n", `ChangeTo "Severe" is not one of`},
		{"DynamicSeverities:\n  - ChangeTo: High\n", "a DynamicSeverities entry needs ChangeTo and Conditions"},
	} {
		_, errs := loadRuleYAML("r.yml", []byte(simpleRule("- Condition: AlwaysTrue", "")+bad.yml), readNone)
		if !strings.Contains(errs.Error(), bad.want) {
			t.Errorf("got %v, want %q", errs, bad.want)
		}
	}
}
