package harness

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/panther"
	"github.com/concordsec/concord/spl"
)

// Options configure rule loading.
type Options struct {
	// AttackDataDir overrides where ESCU test data URLs resolve (default: the
	// folder attack_data beside the content tree's root).
	AttackDataDir string
}

// Kind of a YAML file, decided from its top-level keys.
type fileKind int

const (
	notARule fileKind = iota
	splunkDetection
	pantherRule
)

func classify(path string) fileKind {
	data, err := os.ReadFile(path)
	if err != nil {
		return notARule
	}
	// The folder tests below need the whole path: `concord parse cloud/x.yml`
	// run inside detections/ must still see /detections/.
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	var top map[string]any
	if yaml.Unmarshal(data, &top) != nil {
		// A file that is not even YAML is reported by the front end that reads it,
		// when it sits where rules live.
		if strings.Contains(filepath.ToSlash(path), "/detections/") {
			return splunkDetection
		}
		if strings.Contains(filepath.ToSlash(path), "/rules/") {
			return pantherRule
		}
		return notARule
	}
	if t, ok := top["AnalysisType"].(string); ok {
		if t == "rule" || t == "scheduled_rule" {
			return pantherRule
		}
		return notARule
	}
	if _, ok := top["search"]; ok {
		if _, ok := top["name"]; ok && strings.Contains(filepath.ToSlash(path), "/detections/") {
			return splunkDetection
		}
	}
	return notARule
}

// FindRules lists rule files under the given files or directories, sorted.
func FindRules(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
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
			if ext := filepath.Ext(path); (ext == ".yml" || ext == ".yaml") && classify(path) != notARule {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.Strings(out)
	return out, nil
}

// LoadRule reads a Splunk detection or a Panther rule, deciding by content.
func LoadRule(path string, opts Options) (*ast.Rule, ast.ErrorList) {
	switch classify(path) {
	case splunkDetection:
		root := spl.FindRoot(path)
		tr, errs := loadTree(root)
		rule, rerrs := spl.LoadDetection(path, spl.LoadOptions{Root: root, AttackDataDir: opts.AttackDataDir, Macros: tr.macros, Lookups: tr.lookups, DataSources: tr.dataSources})
		if rule != nil {
			// A broken macro file concerns every detection of the tree, but is no
			// reason to stop any one of them.
			rule.Warnings = append(rule.Warnings, errs...)
		}
		return rule, rerrs
	case pantherRule:
		return panther.LoadRule(path)
	}
	return nil, ast.ErrorList{ast.Errorf(ast.Pos{File: path}, ast.CodeSchema, "not a rule: expected a Splunk detection (name, search) or a Panther rule (AnalysisType: rule)")}
}

// tree is what the detections of one content tree share.
type tree struct {
	macros      spl.Macros
	lookups     *spl.Lookups
	dataSources *spl.DataSources
	errs        ast.ErrorList
}

var (
	treesMu sync.Mutex
	trees   = map[string]*tree{}
)

// loadTree reads a content tree's macros once per process.
func loadTree(root string) (*tree, ast.ErrorList) {
	treesMu.Lock()
	defer treesMu.Unlock()
	if t, ok := trees[root]; ok {
		return t, t.errs
	}
	ms, errs := spl.LoadMacros(filepath.Join(root, "macros"))
	t := &tree{macros: ms, errs: errs,
		lookups:     &spl.Lookups{Dir: filepath.Join(root, "lookups")},
		dataSources: &spl.DataSources{Dir: filepath.Join(root, "data_sources")}}
	trees[root] = t
	return t, errs
}
