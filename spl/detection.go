package spl

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/datamodel"
	"gopkg.in/yaml.v3"
)

// LoadOptions says where a detection's surroundings are.
type LoadOptions struct {
	// Root is the content tree: the directory holding detections/ and macros/.
	// Empty: the first directory above the file that has macros/ or detections/.
	Root string
	// AttackDataDir is a local copy of splunk/attack_data; attack data URLs under
	// ".../attack_data/master/" resolve into it. Default: Root/../attack_data,
	// and for a file that is not there, Root/attack_data (where `concord
	// convert` writes the attack data of the detections it prints).
	AttackDataDir string
	// Macros to expand; loaded from Root/macros when nil.
	Macros Macros
	// Lookups of the tree; Root/lookups when nil.
	Lookups *Lookups
	// DataSources of the tree; Root/data_sources when nil.
	DataSources *DataSources
	// DataModels that tstats searches may run over; nil: none.
	DataModels *datamodel.Registry
}

// attackDataMarker is the part of an attack data URL after which the path
// inside the attack_data repository starts.
const attackDataMarker = "attack_data/master/"

// LoadDetection reads an ESCU detection YAML file and lowers it to a rule.
// Schema, macro and syntax errors are returned; unsupported constructs go to
// Rule.Unsupported. The rule is returned whenever the file could be decoded.
func LoadDetection(path string, opts LoadOptions) (*ast.Rule, ast.ErrorList) {
	var errs ast.ErrorList
	data, err := os.ReadFile(path)
	if err != nil {
		errs.Add(ast.Pos{File: path}, ast.CodeIO, fmt.Sprintf("reading detection: %v", err))
		return nil, errs
	}
	if opts.Root == "" {
		opts.Root = FindRoot(path)
	}
	var attackDataFallback string
	if opts.AttackDataDir == "" {
		opts.AttackDataDir = filepath.Join(opts.Root, "..", "attack_data")
		attackDataFallback = filepath.Join(opts.Root, "attack_data")
	}
	if opts.Macros == nil {
		ms, merrs := LoadMacros(filepath.Join(opts.Root, "macros"))
		opts.Macros = ms
		errs.Append(merrs)
	}

	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		errs = append(errs, yamlError(path, err))
		return nil, errs
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		errs.Add(ast.Pos{File: path, Line: 1, Col: 1}, ast.CodeSchema, "a detection must be a YAML mapping")
		return nil, errs
	}
	top := doc.Content[0]
	var df detectionFile
	if err := top.Decode(&df); err != nil {
		errs = append(errs, yamlError(path, err))
		return nil, errs
	}

	rule := &ast.Rule{
		Platform: ast.Splunk, File: path, ID: df.ID, Name: df.Name, Status: df.Status,
		Keys: ast.KeysExact,
	}
	unknown, dups := checkKeys(path, top)
	rule.Warnings = unknown
	errs.Append(dups)
	rule.TestSkip = testSkip(&df)
	rule.Meta = meta(&df)
	riskAndThreatObjects(rule, &df)
	rule.Tests = tests(path, top, &df, opts, attackDataFallback)
	// contentctl builds no search for deprecated detections; they live under
	// detections/deprecated/ with status deprecated. Their tests are listed as
	// skipped, so they are counted.
	if df.Status == "deprecated" || strings.Contains(filepath.ToSlash(path), "/detections/deprecated/") {
		rule.Skip = "deprecated"
		return rule, errs
	}
	for _, t := range rule.Tests {
		for _, a := range t.AttackData {
			if a.SourceType != "" && !slices.Contains(rule.LogTypes, a.SourceType) {
				rule.LogTypes = append(rule.LogTypes, a.SourceType)
			}
		}
	}

	// The data sources' sourcetypes come after the tests' own: they say what
	// the search reads when no attack data says more.
	if opts.DataSources == nil {
		opts.DataSources = &DataSources{Dir: filepath.Join(opts.Root, "data_sources")}
	}
	for _, name := range df.DataSource {
		if d := opts.DataSources.Get(name); d != nil && d.SourceType != "" && !slices.Contains(rule.LogTypes, d.SourceType) {
			rule.LogTypes = append(rule.LogTypes, d.SourceType)
		}
	}

	searchNode := mapValue(top, "search")
	if searchNode == nil {
		errs.Add(ast.Pos{File: path, Line: top.Line, Col: top.Column}, ast.CodeSchema, "detection has no search")
		return rule, errs
	}
	if opts.Lookups == nil {
		opts.Lookups = &Lookups{Dir: filepath.Join(opts.Root, "lookups")}
	}
	match, pipeline, serrs := parseSource(searchSource(path, data, searchNode), opts.Macros, opts.Lookups, opts.DataModels)
	rule.Match, rule.Pipeline = match, pipeline
	for _, e := range serrs {
		if e.Code == ast.CodeUnsupported {
			rule.Unsupported = append(rule.Unsupported, e)
		} else if e.Code == ast.CodeWarning {
			rule.Warnings = append(rule.Warnings, e)
		} else {
			errs = append(errs, e)
		}
	}
	return rule, errs
}

// FindRoot walks up from a detection file to the content root: the first
// directory that has macros/ or detections/.
func FindRoot(path string) string {
	dir, _ := filepath.Abs(filepath.Dir(path))
	for d := dir; ; d = filepath.Dir(d) {
		for _, sub := range []string{"macros", "detections"} {
			if st, err := os.Stat(filepath.Join(d, sub)); err == nil && st.IsDir() {
				return d
			}
		}
		if filepath.Dir(d) == d {
			return dir
		}
	}
}

// checkKeys reports top-level keys outside the schema (a warning: the search
// still runs, and the public tree has such files, e.g. `data_sources` for
// `data_source`) and duplicate keys (an error: which value counts is unclear).
func checkKeys(path string, top *yaml.Node) (unknown, dups ast.ErrorList) {
	seen := map[string]bool{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k := top.Content[i]
		pos := ast.Pos{File: path, Line: k.Line, Col: k.Column}
		switch {
		case !detectionKeys[k.Value]:
			unknown.Add(pos, ast.CodeSchema, fmt.Sprintf("unknown key %q in detection%s", k.Value, didYouMean(k.Value)))
		case seen[k.Value]:
			dups.Add(pos, ast.CodeSchema, fmt.Sprintf("duplicate key %q", k.Value))
		}
		seen[k.Value] = true
	}
	return unknown, dups
}

// didYouMean suggests the schema key that differs from key by a trailing "s".
func didYouMean(key string) string {
	for _, k := range []string{strings.TrimSuffix(key, "s"), key + "s"} {
		if k != key && detectionKeys[k] {
			return fmt.Sprintf(" (did you mean %q?)", k)
		}
	}
	return ""
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// searchSource places the search text in the file. yaml.v3 reports a quoted
// scalar at its opening quote and a block scalar at its indicator; the text of
// a block scalar starts on the next line at that line's indentation.
func searchSource(path string, data []byte, n *yaml.Node) *Source {
	src := &Source{File: path, At: ast.Pos{File: path, Line: n.Line, Col: n.Column}, Text: n.Value}
	switch n.Style {
	case yaml.SingleQuotedStyle, yaml.DoubleQuotedStyle:
		src.At.Col++
	case yaml.LiteralStyle, yaml.FoldedStyle:
		lines := strings.Split(string(data), "\n")
		if n.Line < len(lines) {
			next := lines[n.Line] // 0-based index of the following line
			indent := len(next) - len(strings.TrimLeft(next, " "))
			src.At = ast.Pos{File: path, Line: n.Line + 1, Col: indent + 1}
			src.Indent = indent + 1
		}
	}
	return src
}

// riskAndThreatObjects fills the risk and threat object fields from rba (2025+)
// or, in 2024 files, from tags.observable roles.
func riskAndThreatObjects(rule *ast.Rule, df *detectionFile) {
	if df.RBA != nil {
		for _, o := range df.RBA.RiskObjects {
			rule.RiskObjects = append(rule.RiskObjects, o.Field)
		}
		for _, o := range df.RBA.ThreatObjects {
			rule.ThreatObjects = append(rule.ThreatObjects, o.Field)
		}
		return
	}
	for _, o := range df.Tags.Observable {
		if slices.Contains(o.Role, "Victim") {
			rule.RiskObjects = append(rule.RiskObjects, o.Name)
		}
		if slices.Contains(o.Role, "Attacker") {
			rule.ThreatObjects = append(rule.ThreatObjects, o.Name)
		}
	}
}

// tests turns the tests entries into ast.Tests, resolving attack data paths.
// fallback, when set, is a second attack data directory for files that are not
// under opts.AttackDataDir.
func tests(path string, top *yaml.Node, df *detectionFile, opts LoadOptions, fallback string) []ast.Test {
	var nodes []*yaml.Node
	if n := mapValue(top, "tests"); n != nil && n.Kind == yaml.SequenceNode {
		nodes = n.Content
	}
	out := make([]ast.Test, 0, len(df.Tests))
	for i, t := range df.Tests {
		test := ast.Test{Name: t.Name, Expected: true}
		if i < len(nodes) {
			test.Pos = ast.Pos{File: path, Line: nodes[i].Line, Col: nodes[i].Column}
		}
		for _, a := range t.AttackData {
			test.AttackData = append(test.AttackData, ast.AttackData{
				Data: a.Data, Path: resolveAttackData(a.Data, opts, fallback), SourceType: a.SourceType, Source: a.Source,
			})
		}
		out = append(out, test)
	}
	return out
}

// resolveAttackData maps an attack data reference to a local file: URLs into
// the attack_data repository go to AttackDataDir (or, when the file is not
// there but is under fallback, to fallback), relative paths to Root. Other
// URLs cannot be resolved offline and give "".
func resolveAttackData(data string, opts LoadOptions, fallback string) string {
	if i := strings.Index(data, attackDataMarker); i >= 0 && strings.Contains(data, "://") {
		rel := filepath.FromSlash(data[i+len(attackDataMarker):])
		primary := filepath.Join(opts.AttackDataDir, rel)
		if fallback != "" && !fileExists(primary) {
			if alt := filepath.Join(fallback, rel); fileExists(alt) {
				return alt
			}
		}
		return primary
	}
	switch {
	case strings.Contains(data, "://"), data == "":
		return ""
	case filepath.IsAbs(data):
		return data
	}
	return filepath.Join(opts.Root, filepath.FromSlash(data))
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// testSkip is why contentctl skips a detection's tests: it turns tests of a
// detection tagged manual_test into manual tests and skips them, and skips all
// tests of non-production and Correlation detections
// (contentctl, detection_abstract.py, adjust_tests_and_groups).
func testSkip(df *detectionFile) string {
	switch {
	case strings.TrimSpace(df.Tags.ManualTest) != "":
		return "manual_test: " + strings.TrimSpace(df.Tags.ManualTest)
	case df.Status != "production":
		return fmt.Sprintf("detection is non-production (%s)", df.Status)
	case strings.EqualFold(df.Type, "Correlation"):
		return "detection type Correlation cannot be tested by contentctl"
	}
	return ""
}

// meta is the detection's description, in the shared terms.
func meta(df *detectionFile) ast.Meta {
	m := ast.Meta{
		Description: df.Description, References: df.References, Author: df.Author, Date: df.Date,
		HowToImplement: df.HowToImplement, KnownFalsePositives: df.KnownFalsePositives,
		MITRE: df.Tags.MitreAttackID, Tags: df.Tags.AnalyticStory, DataSources: df.DataSource,
		Type: df.Type, RiskScore: df.Tags.RiskScore, Message: df.Tags.Message,
	}
	if df.RBA != nil {
		m.Message = df.RBA.Message
		for _, o := range df.RBA.RiskObjects {
			m.RiskScore = max(m.RiskScore, o.Score)
		}
	}
	return m
}
