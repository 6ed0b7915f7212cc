package spl

// detectionKeys are the top-level keys of an ESCU detection in the three
// schema generations contentctl has read (its Detection and
// SecurityContentObject models forbid any other key):
//   - 2024: tags carries confidence, impact, message, observable, required_fields
//     and risk_score; `datamodel` still appears in a few files.
//   - 2025: a top-level rba {message, risk_objects, threat_objects} replaces the
//     risk tags.
//   - 2026: explanation, enabled_by_default and deprecation_info.
var detectionKeys = map[string]bool{
	"name": true, "id": true, "version": true, "date": true, "author": true,
	"status": true, "type": true, "description": true, "data_source": true,
	"search": true, "how_to_implement": true, "known_false_positives": true,
	"references": true, "drilldown_searches": true, "tags": true, "tests": true,
	"datamodel":   true,                                                       // 2024 only
	"rba":         true,                                                       // 2025+
	"explanation": true, "enabled_by_default": true, "deprecation_info": true, // 2026
}

// detectionFile is the part of a detection that concord uses. Keys are
// checked against detectionKeys separately, so unknown ones are reported with
// their position rather than failing the decode.
type detectionFile struct {
	Name                string          `yaml:"name"`
	ID                  string          `yaml:"id"`
	Date                string          `yaml:"date"`
	Author              string          `yaml:"author"`
	Status              string          `yaml:"status"`
	Type                string          `yaml:"type"`
	Description         string          `yaml:"description"`
	DataSource          []string        `yaml:"data_source"`
	Search              string          `yaml:"search"`
	HowToImplement      string          `yaml:"how_to_implement"`
	KnownFalsePositives string          `yaml:"known_false_positives"`
	References          []string        `yaml:"references"`
	Tags                detectionTags   `yaml:"tags"`
	RBA                 *detectionRBA   `yaml:"rba"`
	Tests               []detectionTest `yaml:"tests"`
}

type detectionTags struct {
	ManualTest    string       `yaml:"manual_test"`
	Observable    []observable `yaml:"observable"` // 2024
	AnalyticStory []string     `yaml:"analytic_story"`
	MitreAttackID []string     `yaml:"mitre_attack_id"`
	RiskScore     int          `yaml:"risk_score"` // 2024
	Message       string       `yaml:"message"`    // 2024
}

type observable struct {
	Name string   `yaml:"name"`
	Type string   `yaml:"type"`
	Role []string `yaml:"role"` // Victim: risk object; Attacker: threat object
}

type detectionRBA struct {
	Message       string      `yaml:"message"`
	RiskObjects   []rbaObject `yaml:"risk_objects"`
	ThreatObjects []rbaObject `yaml:"threat_objects"`
}

type rbaObject struct {
	Field string `yaml:"field"`
	Type  string `yaml:"type"`
	Score int    `yaml:"score"`
}

type detectionTest struct {
	Name       string           `yaml:"name"`
	AttackData []attackDataFile `yaml:"attack_data"`
}

type attackDataFile struct {
	Data       string `yaml:"data"`
	SourceType string `yaml:"sourcetype"`
	Source     string `yaml:"source"`
}
