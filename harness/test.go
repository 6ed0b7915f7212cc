package harness

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/concordsec/concord/ast"
)

// Test outcomes, as the JSON contract spells them.
const (
	Pass        = "pass"
	Fail        = "fail"
	Unsupported = "unsupported"
	Errored     = "error"
	// NoData: the test's attack data is not on this machine; never a pass.
	NoData = "no_data"
	// SkippedTest: the platform's test tool skips the test (deprecated, manual_test,
	// non-production or Correlation detections for contentctl).
	SkippedTest = "skipped"
)

// TestResult is one test of one rule.
type TestResult struct {
	File     string `json:"file"`
	Platform string `json:"platform"`
	Rule     string `json:"rule"`
	Name     string `json:"name"`
	Expected bool   `json:"expected"`
	Result   string `json:"result"`
	Message  string `json:"message"`
}

// TestEvent is the event of a Panther test, with its source name.
func TestEvent(r *ast.Rule, t ast.Test) Event {
	return Event{Source: r.File + "#" + t.Name, Raw: ast.JSON(t.Log), Value: t.Log}
}

// RunTests runs a rule's own tests the way its platform's tool decides pass/fail.
// c is nil when the rule could not be compiled; errs then says why.
func RunTests(r *ast.Rule, c *Compiled, errs ast.ErrorList) []TestResult {
	var out []TestResult
	for _, t := range r.Tests {
		tr := TestResult{File: r.File, Platform: string(r.Platform), Rule: r.ID, Name: t.Name, Expected: t.Expected}
		switch {
		case r.Skip != "":
			tr.Result, tr.Message = SkippedTest, r.Skip
		case r.TestSkip != "":
			tr.Result, tr.Message = SkippedTest, r.TestSkip
		case c == nil && errs.Has(ast.CodeUnsupported) && !errs.Has(ast.CodeParse) && !errs.Has(ast.CodeSchema) && !errs.Has(ast.CodeMacro):
			tr.Result, tr.Message = Unsupported, firstError(errs)
		case c == nil:
			tr.Result, tr.Message = Errored, firstError(errs)
		case r.Platform == ast.Panther:
			tr.Result, tr.Message = runPantherTest(c, t)
		default:
			tr.Result, tr.Message = runSplunkTest(c, t)
		}
		out = append(out, tr)
	}
	return out
}

func firstError(errs ast.ErrorList) string {
	if len(errs) == 0 {
		return ""
	}
	return errs[0].Error()
}

// runPantherTest follows panther_analysis_tool: a test expecting true passes only
// when rule() returned True and title/alert_context/... raised nothing; a test
// expecting false passes only when rule() returned exactly False.
func runPantherTest(c *Compiled, t ast.Test) (string, string) {
	ev := TestEvent(c.Rule, t)
	res, err := c.Run([]Event{ev}, t.Mocks)
	if err != nil {
		return Errored, err.Error()
	}
	v := res.Verdicts[0]
	if v.Err != nil {
		if IsUnsupported(v.Err) {
			return Unsupported, v.Err.Error()
		}
		return Fail, v.Err.Error()
	}
	if v.Hit != t.Expected {
		return Fail, fmt.Sprintf("rule() returned %v, expected %v", pyBool(v.Hit), pyBool(t.Expected))
	}
	return Pass, ""
}

func pyBool(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// runSplunkTest follows splunk/contentctl: the attack data is loaded under the
// test's sourcetype, the search runs over all of it, and the test passes when at
// least one row has every rba risk-object field non-null (and, when the detection
// names threat objects, some row has them non-null too).
func runSplunkTest(c *Compiled, t ast.Test) (string, string) {
	var events []Event
	var bad ast.ErrorList
	for _, ad := range t.AttackData {
		// Missing data is reported, never passed: concord runs what is present
		// under --attack-data and says which tests it could not.
		if ad.Path == "" {
			return NoData, fmt.Sprintf("attack data %s is not an attack_data URL concord can map to a local file", ad.Data)
		}
		if _, err := os.Stat(ad.Path); errors.Is(err, fs.ErrNotExist) {
			return NoData, fmt.Sprintf("attack data %s is not at %s (see --attack-data)", ad.Data, ad.Path)
		}
		evs, errs := LoadEvents(ad.Path, ad.SourceType)
		if errs.Has(ast.CodeIO) {
			return Errored, firstError(errs)
		}
		bad.Append(errs)
		events = append(events, evs...)
	}
	result, msg := judgeSplunk(c, t, events)
	if len(bad) > 0 {
		// The rest of the file was read; the skipped lines are named, never dropped silently.
		msg += fmt.Sprintf("; %d malformed event lines skipped: %s", len(bad), bad.Error())
	}
	return result, msg
}

func judgeSplunk(c *Compiled, t ast.Test, events []Event) (string, string) {
	res, err := c.Run(events, nil)
	if err != nil {
		return Errored, err.Error()
	}
	if len(res.Rows) == 0 {
		return Fail, fmt.Sprintf("the search returned no results on %d events", len(events))
	}
	riskOK, threatOK := false, len(c.Rule.ThreatObjects) == 0
	for _, row := range res.Rows {
		if allPresent(row.Fields, c.Rule.RiskObjects) {
			riskOK = true
		}
		if len(c.Rule.ThreatObjects) > 0 && allPresent(row.Fields, c.Rule.ThreatObjects) {
			threatOK = true
		}
	}
	if !riskOK {
		return Fail, fmt.Sprintf("%d result rows, but none has every risk object field %v", len(res.Rows), c.Rule.RiskObjects)
	}
	if !threatOK {
		return Fail, fmt.Sprintf("%d result rows, but none has the threat object fields %v", len(res.Rows), c.Rule.ThreatObjects)
	}
	return Pass, fmt.Sprintf("%d result rows from %d events", len(res.Rows), len(events))
}

func allPresent(o *ast.Object, fields []string) bool {
	for _, f := range fields {
		if v, ok := o.Get(f); !ok || v.IsNullish() {
			return false
		}
	}
	return true
}

// MinimumTests checks a Panther rule's test coverage as panther_analysis_tool's
// --minimum-tests does: fewer than n tests fail the rule, and for n > 1 so does
// a rule without both a test expecting true and one expecting false. Each
// shortfall is one failed result named "minimum tests".
func MinimumTests(r *ast.Rule, n int) []TestResult {
	if r == nil || r.Platform != ast.Panther || n <= 0 {
		return nil
	}
	fail := func(msg string) TestResult {
		return TestResult{File: r.File, Platform: string(r.Platform), Rule: r.ID, Name: "minimum tests", Result: Fail, Message: msg}
	}
	var out []TestResult
	if len(r.Tests) < n {
		out = append(out, fail(fmt.Sprintf("Insufficient test coverage: %d tests required but only %d found", n, len(r.Tests))))
	}
	if len(r.Tests) == 0 {
		return out // the tool stops at "No tests configured"
	}
	pos, neg := false, false
	for _, t := range r.Tests {
		pos = pos || t.Expected
		neg = neg || !t.Expected
	}
	if n > 1 && !(pos && neg) {
		out = append(out, fail("Insufficient test coverage: expected at least one positive and one negative test"))
	}
	return out
}
