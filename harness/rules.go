package harness

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/datamodel"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/panther"
	"github.com/concordsec/concord/spl"
)

// Options configure rule loading.
type Options struct {
	// AttackDataDir overrides where ESCU test data URLs resolve (default: the
	// folder attack_data beside the content tree's root).
	AttackDataDir string
	// SkipTests leaves Panther rules' Tests sections unread (panther.LoadOptions),
	// for runs over other events.
	SkipTests bool
}

// Kind of a YAML file, decided from its top-level keys.
type fileKind int

const (
	notARule fileKind = iota
	splunkDetection
	pantherRule
)

func classify(path string) fileKind {
	k, _ := classifyType(path)
	return k
}

// classifyType also returns a Panther file's AnalysisType.
func classifyType(path string) (fileKind, string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return notARule, ""
	}
	// The folder tests below need the whole path: `concord parse cloud/x.yml`
	// run inside detections/ must still see /detections/.
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	if t, ok := topValue(data, "AnalysisType"); ok {
		// Most trees hold far more files than rules (data models, tests,
		// stories); a full YAML parse of each cost more than loading the rules.
		return analysisKind(t), t
	}
	if isSplunkDetection(path, data) {
		return splunkDetection, ""
	}
	var top map[string]any
	if yaml.Unmarshal(data, &top) != nil {
		// A file that is not even YAML is reported by the front end that reads it,
		// when it sits where rules live.
		if strings.Contains(filepath.ToSlash(path), "/detections/") {
			return splunkDetection, ""
		}
		if strings.Contains(filepath.ToSlash(path), "/rules/") {
			return pantherRule, ""
		}
		return notARule, ""
	}
	if t, ok := top["AnalysisType"].(string); ok {
		return analysisKind(t), t
	}
	if _, ok := top["search"]; ok {
		if _, ok := top["name"]; ok && strings.Contains(filepath.ToSlash(path), "/detections/") {
			return splunkDetection, ""
		}
	}
	return notARule, ""
}

func analysisKind(t string) fileKind {
	if t == "rule" || t == "scheduled_rule" {
		return pantherRule
	}
	return notARule
}

// isSplunkDetection says, without parsing the YAML, that a file is a
// security_content detection: under detections/, with top-level keys name and
// search written on lines of their own and no AnalysisType anywhere. The
// parser would find the same keys, or fail, and either way the file is read
// as a detection.
func isSplunkDetection(path string, data []byte) bool {
	return strings.Contains(filepath.ToSlash(path), "/detections/") && !bytes.Contains(data, []byte("AnalysisType")) &&
		hasTopKey(data, "search") && hasTopKey(data, "name")
}

// topLine finds the first line of data that starts with key and a colon that
// ends the line or is followed by blank space: a key of the top-level block
// mapping, written plainly. rest is what follows the colon.
func topLine(data []byte, key string) (rest []byte, ok bool) {
	for line := range bytes.Lines(data) {
		rest, ok := bytes.CutPrefix(bytes.TrimRight(line, "\r\n"), []byte(key))
		if ok && len(rest) > 0 && rest[0] == ':' && (len(rest) == 1 || rest[1] == ' ' || rest[1] == '\t') {
			return rest[1:], true
		}
	}
	return nil, false
}

func hasTopKey(data []byte, key string) bool {
	_, ok := topLine(data, key)
	return ok
}

// topValue returns the plain scalar value of key in a YAML file's top-level
// block mapping, when the key is written on a line of its own
// (`AnalysisType: rule`). A key written any other way (quoted, in flow style,
// with a block value) is not found.
func topValue(data []byte, key string) (string, bool) {
	rest, ok := topLine(data, key)
	if !ok {
		return "", false
	}
	v := string(rest)
	if i := strings.Index(v, " #"); i >= 0 {
		v = v[:i]
	}
	v = strings.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '\'' || v[0] == '"') && v[len(v)-1] == v[0] && !strings.ContainsAny(v[1:len(v)-1], "\\'\"") {
		return v[1 : len(v)-1], true
	}
	if v == "" || strings.ContainsAny(v[:1], "'\"&*!|>{[%@`") {
		return "", false
	}
	return v, true
}

// FindRules lists rule files under the given files or directories, sorted.
func FindRules(paths []string) ([]string, error) {
	out, _, err := FindAnalysis(paths)
	return out, err
}

// Skipped is a Panther analysis file that is not a rule (a policy, data model,
// global helper, correlation rule, query, pack, ...): read, counted, not run.
type Skipped struct {
	File         string `json:"file"`
	AnalysisType string `json:"analysis_type"`
	// Message is empty, or says why the file is invalid (a data model that does
	// not follow Panther's schema).
	Message string `json:"message"`
}

// FindAnalysis lists rule files, and the Panther analysis files that are not
// rules, under the given files or directories, both sorted.
func FindAnalysis(paths []string) ([]string, []Skipped, error) {
	var out []string
	var skipped []Skipped
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, nil, err
		}
		if !info.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if name := d.Name(); path != p && (strings.HasPrefix(name, ".") || name == "attack_data") {
					return filepath.SkipDir
				}
				return nil
			}
			if ext := filepath.Ext(path); ext == ".yml" || ext == ".yaml" {
				switch kind, t := classifyType(path); {
				case kind != notARule:
					out = append(out, path)
				case t != "":
					skipped = append(skipped, skippedItem(path, t))
				}
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	sort.Strings(out)
	sort.Slice(skipped, func(i, j int) bool { return skipped[i].File < skipped[j].File })
	markConflicts(skipped)
	return out, skipped, nil
}

func skippedItem(path, analysisType string) Skipped {
	s := Skipped{File: path, AnalysisType: analysisType}
	if analysisType == "datamodel" {
		if _, errs := panther.LoadDataModel(path); len(errs) > 0 {
			s.Message = errs.Error()
		}
	}
	return s
}

// markConflicts reports enabled data models that claim a log type an earlier
// one (in path order) has, as panther_analysis_tool's setup_data_models does;
// the earlier model is the one used.
func markConflicts(skipped []Skipped) {
	owner := map[string]string{}
	for i := range skipped {
		s := &skipped[i]
		if s.AnalysisType != "datamodel" || s.Message != "" {
			continue
		}
		m, errs := panther.LoadDataModel(s.File)
		if m == nil || len(errs) > 0 || !m.Enabled {
			continue
		}
		var clash []string
		for _, lt := range m.LogTypes {
			if prev, ok := owner[lt]; ok {
				clash = append(clash, fmt.Sprintf("Conflicting Enabled LogType [%s] in Data Model [%s] (already in %s)", lt, m.ID, prev))
				continue
			}
			owner[lt] = s.File
		}
		s.Message = strings.Join(clash, "; ")
	}
}

// DataModels are the enabled Panther data models of one repository by log type,
// compiled for event.udm().
type DataModels struct {
	Dir       string
	ByLogType map[string]*eval.DataModel
}

var dataModelCache = struct {
	sync.Mutex
	byDir map[string]*DataModels
}{byDir: map[string]*DataModels{}}

// DataModelsFor returns the data models a Panther rule's events can use: those
// under the data_models directory of the nearest folder, at or above the rule's,
// that has one (panther_analysis_tool reads PATH/data_models and
// PATH/../data_models; for rules/<source>_rules/X.yml in a panther-analysis
// checkout both are the checkout's data_models). nil when there is none.
func DataModelsFor(ruleFile string) *DataModels {
	abs, err := filepath.Abs(ruleFile)
	if err != nil {
		return nil
	}
	for dir := filepath.Dir(abs); ; {
		dm := filepath.Join(dir, "data_models")
		if info, err := os.Stat(dm); err == nil && info.IsDir() {
			return loadDataModelsCached(dm)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return nil
		}
		dir = parent
	}
}

func loadDataModelsCached(dir string) *DataModels {
	dataModelCache.Lock()
	defer dataModelCache.Unlock()
	if d, ok := dataModelCache.byDir[dir]; ok {
		return d
	}
	d := LoadDataModels(dir)
	dataModelCache.byDir[dir] = d
	return d
}

// LoadDataModels reads every data model file under dir. Like
// panther_analysis_tool, only enabled models count and the first model (in path
// order) of a log type wins. A model file with errors is left out; its errors
// are reported with the skipped files.
func LoadDataModels(dir string) *DataModels {
	d := &DataModels{Dir: dir, ByLogType: map[string]*eval.DataModel{}}
	var files []string
	_ = filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() && (filepath.Ext(path) == ".yml" || filepath.Ext(path) == ".yaml") {
			files = append(files, path)
		}
		return nil
	})
	sort.Strings(files)
	for _, f := range files {
		if _, t := classifyType(f); t != "datamodel" {
			continue
		}
		m, errs := panther.LoadDataModel(f)
		if m == nil || len(errs) > 0 || !m.Enabled {
			continue
		}
		compiled := CompileDataModel(m)
		for _, lt := range m.LogTypes {
			if _, dup := d.ByLogType[lt]; !dup {
				d.ByLogType[lt] = compiled
			}
		}
	}
	return d
}

// CompileDataModel prepares a data model for eval: JSONPaths parsed, methods
// compiled. A mapping that cannot run keeps its error, raised when used.
func CompileDataModel(m *panther.DataModel) *eval.DataModel {
	out := &eval.DataModel{ID: m.ID, Mappings: map[string]*eval.UDMMapping{}}
	for _, mp := range m.Mappings {
		u := &eval.UDMMapping{}
		where := " (data model " + m.ID + ", mapping " + mp.Name + ")"
		switch {
		case mp.Err != nil:
			u.Err = &eval.RuntimeError{Pos: mp.Err.Pos, Code: mp.Err.Code, Msg: strings.TrimPrefix(mp.Err.Msg, mp.Err.Code+": ") + where}
		case mp.Expr != nil:
			p, errs := eval.Compile(mp.Expr, ast.KeysFold)
			if len(errs) > 0 {
				u.Err = &eval.RuntimeError{Pos: errs[0].Pos, Code: errs[0].Code, Msg: strings.TrimPrefix(errs[0].Msg, errs[0].Code+": ") + where}
			}
			u.Method, u.MethodName = p, mp.Method
		default:
			path, err := eval.ParseJSONPath(mp.Path)
			if err != nil {
				u.Err = &eval.RuntimeError{Pos: ast.Pos{File: m.File}, Code: ast.CodeUnsupported, Msg: err.Error() + where}
			}
			u.Path = path
		}
		if _, dup := out.Mappings[mp.Name]; !dup {
			out.Mappings[mp.Name] = u
		}
	}
	return out
}

// For returns the data model panther_analysis_tool attaches to a test event:
// the one of the event's own p_log_type (the key exactly as written), none for
// scheduled rules.
func (d *DataModels) For(r *ast.Rule, ev ast.Value) *eval.DataModel {
	if d == nil || r.Scheduled || ev.Kind() != ast.KindObject {
		return nil
	}
	lt, ok := ev.AsObject().Get("p_log_type")
	if !ok || lt.Kind() != ast.KindString {
		return nil
	}
	return d.ByLogType[lt.AsString()]
}

// LoadRule reads a Splunk detection or a Panther rule, deciding by content.
func LoadRule(path string, opts Options) (*ast.Rule, ast.ErrorList) {
	switch classify(path) {
	case splunkDetection:
		root := spl.FindRoot(path)
		tr, errs := loadTree(root)
		rule, rerrs := spl.LoadDetection(path, spl.LoadOptions{Root: root, AttackDataDir: opts.AttackDataDir, Macros: tr.macros, Lookups: tr.lookups, DataSources: tr.dataSources, DataModels: datamodel.Default})
		if rule != nil {
			// A broken macro file concerns every detection of the tree, but is no
			// reason to stop any one of them.
			rule.Warnings = append(rule.Warnings, errs...)
		}
		return rule, rerrs
	case pantherRule:
		return panther.LoadRuleWith(path, panther.LoadOptions{SkipTests: opts.SkipTests})
	}
	return nil, ast.ErrorList{ast.Errorf(ast.Pos{File: path}, ast.CodeSchema, "not a rule: expected a Splunk detection (name, search) or a Panther rule (AnalysisType: rule)")}
}

// tree is what the detections of one content tree share.
type tree struct {
	macros      spl.Macros
	lookups     *spl.Lookups
	dataSources *spl.DataSources
	errs        ast.ErrorList
	// stamp is the macros folder's modification time when it was read: a
	// file added, removed or renamed there since (convert -o writes a
	// conversion's macros into a tree it then loads) changes it.
	stamp time.Time
}

var (
	treesMu sync.Mutex
	trees   = map[string]*tree{}
)

// loadTree reads a content tree's macros once per process, again when the
// macros folder has changed since.
func loadTree(root string) (*tree, ast.ErrorList) {
	treesMu.Lock()
	defer treesMu.Unlock()
	dir := filepath.Join(root, "macros")
	var stamp time.Time
	if fi, err := os.Stat(dir); err == nil {
		stamp = fi.ModTime()
	}
	if t, ok := trees[root]; ok && t.stamp.Equal(stamp) {
		return t, t.errs
	}
	ms, errs := spl.LoadMacros(dir)
	t := &tree{macros: ms, errs: errs, stamp: stamp,
		lookups:     &spl.Lookups{Dir: filepath.Join(root, "lookups")},
		dataSources: &spl.DataSources{Dir: filepath.Join(root, "data_sources")}}
	trees[root] = t
	return t, errs
}

// Filter is one --filter KEY=V1,V2 (or KEY!=...) of panther_analysis_tool:
// a rule file is kept when its top-level KEY has one of the values (strings
// compared case-insensitively, a list key when any element does); an inverted
// filter keeps the files that have none of them. Filters are ANDed.
type Filter struct {
	Key      string
	Values   []any
	Inverted bool
}

// filterKeys are the keys a filter may name: the union of the keys of
// panther_analysis_tool's GLOBAL_SCHEMA, POLICY_SCHEMA and RULE_SCHEMA.
var filterKeys = func() map[string]bool {
	m := map[string]bool{}
	for _, k := range []string{
		"AnalysisType", "Filename", "GlobalID", "Description", "Tags", "BaseVersion",
		"Enabled", "PolicyID", "ResourceTypes", "Severity", "ActionDelaySeconds", "AutoRemediationID",
		"AutoRemediationParameters", "DisplayName", "OnlyUseBaseRiskScore", "OutputIds", "CreatedBy",
		"Reference", "Runbook", "Status", "Suppressions", "Reports", "Tests", "Name", "ResourceType",
		"ExpectedResult", "Resource", "Mocks", "objectName", "returnValue", "Detection", "RuleID",
		"LogTypes", "ScheduledQueries", "DedupPeriodMinutes", "InlineFilters", "SummaryAttributes",
		"Threshold", "LogType", "Log", "DynamicSeverities", "AlertTitle", "AlertContext", "GroupBy",
		"CreateAlert",
	} {
		m[k] = true
	}
	return m
}()

// ParseFilters reads --filter arguments as panther_analysis_tool's
// parse_filter_args does: KEY=V1,V2 or KEY!=V1,V2; a later filter on the same
// key replaces an earlier one; Enabled takes a truth value (true/false, yes/no,
// on/off, 1/0).
func ParseFilters(args []string) ([]Filter, error) {
	var out []Filter
	index := map[string]int{}
	for _, a := range args {
		parts := strings.Split(a, "=")
		if len(parts) != 2 || parts[0] == "" || parts[1] == "" {
			return nil, fmt.Errorf("filter %q is not in format KEY=VALUE", a)
		}
		key, inverted := strings.CutSuffix(parts[0], "!")
		if !filterKeys[key] {
			return nil, fmt.Errorf("filter key %q is not a valid filter field", key)
		}
		f := Filter{Key: key, Inverted: inverted}
		if key == "Enabled" {
			switch strings.ToLower(parts[1]) {
			case "y", "yes", "t", "true", "on", "1":
				f.Values = []any{true}
			case "n", "no", "f", "false", "off", "0":
				f.Values = []any{false}
			default:
				return nil, fmt.Errorf("filter key Enabled should have either true or false, not %q", parts[1])
			}
		} else {
			for _, v := range strings.Split(parts[1], ",") {
				f.Values = append(f.Values, v)
			}
		}
		id := key
		if inverted {
			id += "!"
		}
		if i, ok := index[id]; ok {
			out[i] = f
			continue
		}
		index[id] = len(out)
		out = append(out, f)
	}
	return out, nil
}

// MatchFilters reports whether a rule or analysis file passes the filters.
func MatchFilters(path string, filters []Filter) bool {
	if len(filters) == 0 {
		return true
	}
	var top map[string]any
	data, err := os.ReadFile(path)
	if err != nil || yaml.Unmarshal(data, &top) != nil {
		// Unreadable files are kept, so that their errors are reported.
		return true
	}
	for _, f := range filters {
		have := map[any]bool{}
		spec, ok := top[f.Key]
		if !ok {
			spec = ""
		}
		items, isList := spec.([]any)
		if !isList {
			items = []any{spec}
		}
		for _, v := range items {
			have[normFilterValue(v)] = true
		}
		hit := false
		for _, v := range f.Values {
			if have[normFilterValue(v)] {
				hit = true
			}
		}
		if hit == f.Inverted {
			return false
		}
	}
	return true
}

func normFilterValue(v any) any {
	switch x := v.(type) {
	case string:
		return strings.ToLower(x)
	case int, bool, float64, nil:
		return x
	}
	return fmt.Sprint(v)
}
