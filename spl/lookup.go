package spl

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/concordsec/concord/ast"
	"gopkg.in/yaml.v3"
)

// Lookups finds lookup tables of a content tree by name, reading each one
// (lookups/NAME.yml and its CSV) once.
type Lookups struct {
	Dir   string // the tree's lookups/ directory
	mu    sync.Mutex
	cache map[string]lookupResult
}

type lookupResult struct {
	table *ast.LookupTable
	err   error
}

// lookupFile is the ESCU lookup schema.
type lookupFile struct {
	Name               string `yaml:"name"`
	Filename           string `yaml:"filename"`
	Collection         string `yaml:"collection"`
	FieldsList         string `yaml:"fields_list"`
	MatchType          string `yaml:"match_type"`
	CaseSensitiveMatch string `yaml:"case_sensitive_match"`
	MinMatches         string `yaml:"min_matches"`
	MaxMatches         string `yaml:"max_matches"`
	DefaultMatch       string `yaml:"default_match"`
}

var wildcardType = regexp.MustCompile(`(?i)WILDCARD\(\s*([^)\s]+)\s*\)`)

// Table returns the named lookup. A name may carry the CSV's extension, as
// `| inputlookup x.csv` may.
func (ls *Lookups) Table(name string) (*ast.LookupTable, error) {
	if ls == nil || ls.Dir == "" {
		return nil, fmt.Errorf("lookup %s: no lookups directory in the content tree", name)
	}
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if r, ok := ls.cache[name]; ok {
		return r.table, r.err
	}
	t, err := ls.load(name)
	if ls.cache == nil {
		ls.cache = map[string]lookupResult{}
	}
	ls.cache[name] = lookupResult{t, err}
	return t, err
}

func (ls *Lookups) load(name string) (*ast.LookupTable, error) {
	base := strings.TrimSuffix(name, ".csv")
	path := filepath.Join(ls.Dir, base+".yml")
	data, err := os.ReadFile(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("lookup %s: no %s in the content tree", name, filepath.Join("lookups", base+".yml"))
		}
		return nil, fmt.Errorf("lookup %s: %v", name, err)
	}
	var lf lookupFile
	if err := yaml.Unmarshal(data, &lf); err != nil {
		return nil, fmt.Errorf("lookup %s: %s: %v", name, path, err)
	}
	// transforms.conf defaults: case-sensitive, min_matches 0, max_matches 100
	// for a lookup without time_field.
	t := &ast.LookupTable{Name: base, CaseSensitive: true, MaxMatches: 100, DefaultMatch: lf.DefaultMatch, Wildcard: map[string]bool{}}
	if b, ok := parseBool(lf.CaseSensitiveMatch); ok {
		t.CaseSensitive = b
	}
	for _, s := range []struct {
		text string
		dst  *int
	}{{lf.MinMatches, &t.MinMatches}, {lf.MaxMatches, &t.MaxMatches}} {
		if s.text == "" {
			continue
		}
		n, err := strconv.Atoi(s.text)
		if err != nil {
			return nil, fmt.Errorf("lookup %s: %s: bad number %q", name, path, s.text)
		}
		*s.dst = n
	}
	for _, m := range wildcardType.FindAllStringSubmatch(lf.MatchType, -1) {
		t.Wildcard[m[1]] = true
	}
	switch {
	case lf.Collection != "":
		t.Collection = lf.Collection
		for _, f := range strings.Split(lf.FieldsList, ",") {
			if f = strings.TrimSpace(f); f != "" {
				t.Fields = append(t.Fields, f)
			}
		}
	case lf.Filename != "" && strings.HasSuffix(lf.Filename, ".csv"):
		t.File = filepath.Join(ls.Dir, lf.Filename)
		if err := readCSV(t); err != nil {
			return nil, fmt.Errorf("lookup %s: %v", name, err)
		}
	default:
		return nil, fmt.Errorf("lookup %s: %s is not a CSV lookup (filename %q)", name, path, lf.Filename)
	}
	return t, nil
}

func readCSV(t *ast.LookupTable) error {
	f, err := os.Open(t.File)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	records, err := r.ReadAll()
	if err != nil {
		return fmt.Errorf("%s: %v", t.File, err)
	}
	if len(records) == 0 {
		return fmt.Errorf("%s: no header row", t.File)
	}
	// Splunk reads headers such as "workflow_name, job_name" (security_content
	// has them) with the blank after the comma ignored.
	for _, f := range records[0] {
		t.Fields = append(t.Fields, strings.TrimSpace(f))
	}
	t.Rows = records[1:]
	return nil
}
