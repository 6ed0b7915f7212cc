package ast

// Platform names where a rule comes from.
type Platform string

const (
	Splunk  Platform = "splunk"
	Panther Platform = "panther"
)

// KeyMode says how Field paths find keys in an event.
type KeyMode uint8

const (
	// KeysExact: field names are case-sensitive (Splunk fields).
	KeysExact KeyMode = iota
	// KeysFold: Panther's event, exact key first, then a case-insensitive match, at
	// every level of a path.
	KeysFold
)

func (m KeyMode) String() string {
	if m == KeysFold {
		return "fold"
	}
	return "exact"
}

// Rule is a detection from either platform, in shared form.
type Rule struct {
	Platform Platform
	File     string // the rule's file (Splunk detection YAML, Panther YAML)
	ID       string
	Name     string
	Status   string // Splunk status, or "enabled"/"disabled" for Panther
	// Scheduled: a Panther scheduled_rule, which runs on scheduled-query rows
	// (no data model is attached to its events).
	Scheduled bool
	Keys      KeyMode

	// LogType is the event type the rule reads: a Splunk sourcetype
	// ("aws:cloudtrail") or a Panther log type ("AWS.CloudTrail").
	LogTypes []string

	// Match is the per-event predicate: Splunk's base search, Panther's rule().
	Match Expr
	// Pipeline holds Splunk's commands after the base search; empty for Panther.
	Pipeline []Command
	// Outputs are Panther's optional functions (title, alert_context, dedup,
	// severity, ...) in source order; each is evaluated for every match.
	Outputs []Output

	// Threshold is Panther's: the number of matching events with the same dedup
	// string an alert needs (0 and 1 both mean every match alerts).
	Threshold int
	// DedupPeriodMinutes is Panther's window for Threshold and deduplication
	// (0: the platform default, 60).
	DedupPeriodMinutes int

	Tests []Test
	// Meta is what the rule says about itself, for people and for converting
	// it to the other platform; evaluation never reads it.
	Meta Meta
	// RiskFields are Splunk rba risk-object (and threat-object) field names, used by
	// the ESCU test verdict.
	RiskObjects   []string
	ThreatObjects []string
	// Unsupported lists constructs that were recognised but cannot run yet; a rule
	// with any is reported "unsupported".
	Unsupported ErrorList
	// Warnings are problems that do not stop the rule from running, such as a key
	// outside the platform's schema.
	Warnings ErrorList
	// Skip, when set, is why the rule is not run at all (e.g. "deprecated"); such
	// rules are counted, never parsed further.
	Skip string
	// TestSkip, when set, is why the platform's own test tool skips the rule's
	// tests although the rule runs (manual_test, non-production, Correlation).
	TestSkip string
}

// Meta is a rule's description in the terms both platforms share.
type Meta struct {
	Description         string
	References          []string
	Author              string
	Date                string
	HowToImplement      string // Splunk how_to_implement
	KnownFalsePositives string // Splunk known_false_positives
	Runbook             string // Panther Runbook
	// MITRE lists ATT&CK ids as written: Splunk technique ids ("T1562.001"),
	// Panther "TACTIC:TECHNIQUE" pairs ("TA0005:T1562.001").
	MITRE []string
	Tags  []string // Panther Tags, Splunk analytic stories
	// Severity is Panther's (Info ... Critical); RiskScore Splunk's (0-100,
	// the highest rba risk object score, or tags.risk_score).
	Severity  string
	RiskScore int
	// Message is Splunk's rba (or tags) message, with $field$ placeholders.
	Message string
	// SummaryAttributes are Panther's; DataSources Splunk's data_source.
	SummaryAttributes []string
	DataSources       []string
	Type              string // Splunk detection type (TTP, Anomaly, ...)
}

// Output is one named Panther output function.
type Output struct {
	Name string // title, alert_context, dedup, severity, ...
	X    Expr
}

// Test is a rule's own test case.
type Test struct {
	Name     string
	Pos      Pos
	Expected bool // Panther ExpectedResult; Splunk tests always expect a result
	// Panther: the inline Log; Splunk: nothing (events come from AttackData).
	Log   Value
	Mocks map[string]Value
	// Splunk: attack data files, resolved to local paths, with their sourcetype.
	AttackData []AttackData
}

// AttackData is one ESCU test data reference.
type AttackData struct {
	Data       string // as written in the detection
	Path       string // resolved local file ("" when it cannot be resolved)
	SourceType string
	Source     string
}
