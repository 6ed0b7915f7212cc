package harness

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/concordsec/concord/mutate"
)

// PairsFile is the name of the file, at the root of a checked folder, that says
// which Splunk detection and Panther rule describe the same activity.
const PairsFile = "pairs.yml"

// Pair names two rules that should agree.
type Pair struct {
	Splunk  string     `yaml:"splunk"`
	Panther string     `yaml:"panther"`
	Note    string     `yaml:"note"`
	Accept  []Accepted `yaml:"accept"`
}

// Accepted is a known, explained difference: disagreements in the given
// direction, decided by one of Fields (or made by mutating one of them) and, when
// Kinds is set, made by one of those mutation kinds ("original" for the events as
// given), do not fail the check. At least one of Fields and Kinds must be set.
type Accepted struct {
	Fields  []string `yaml:"fields"`
	Kinds   KindList `yaml:"kinds"`
	Splunk  bool     `yaml:"splunk"`
	Panther bool     `yaml:"panther"`
	Reason  string   `yaml:"reason"`
}

// Covers reports whether the accepted difference covers a disagreement.
func (a *Accepted) Covers(e CompareEvent) bool {
	if a.Splunk != e.Splunk || a.Panther != e.Panther || len(a.Fields)+len(a.Kinds) == 0 {
		return false
	}
	if len(a.Kinds) > 0 {
		kind := e.Kind
		if kind == "" {
			kind = OriginalKind
		}
		if !slices.Contains(a.Kinds, kind) {
			return false
		}
	}
	if len(a.Fields) == 0 {
		return true
	}
	deciding := append(append([]string(nil), e.DecidingFields...), strings.Split(e.Field, "+")...)
	for _, f := range a.Fields {
		for _, d := range deciding {
			if strings.EqualFold(f, d) {
				return true
			}
		}
	}
	return false
}

// LoadPairs reads DIR/pairs.yml; paths in it are relative to DIR. No file means no pairs.
func LoadPairs(dir string) ([]Pair, error) {
	pairs, err := LoadPairsFile(filepath.Join(dir, PairsFile))
	if os.IsNotExist(err) {
		return nil, nil
	}
	return pairs, err
}

// LoadPairsFile reads a pairs file; paths in it are relative to its folder.
func LoadPairsFile(path string) ([]Pair, error) {
	dir := filepath.Dir(path)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f struct {
		Pairs []Pair `yaml:"pairs"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	for i := range f.Pairs {
		if err := f.Pairs[i].check(); err != nil {
			return nil, fmt.Errorf("%s: pair %d (%s): %w", path, i+1, f.Pairs[i].Splunk, err)
		}
		f.Pairs[i].Splunk = filepath.Join(dir, f.Pairs[i].Splunk)
		f.Pairs[i].Panther = filepath.Join(dir, f.Pairs[i].Panther)
	}
	return f.Pairs, nil
}

// KindList is an accept entry's mutation kinds. YAML drops a bare null from
// a list, and null is a kind, so a null item is an error asking for quotes.
type KindList []string

func (k *KindList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.SequenceNode {
		return fmt.Errorf("line %d: kinds must be a list", n.Line)
	}
	for _, item := range n.Content {
		if item.Tag == "!!null" {
			return fmt.Errorf("line %d column %d: a bare null in kinds; write \"null\" for the null mutation", item.Line, item.Column)
		}
		*k = append(*k, item.Value)
	}
	return nil
}

// check refuses an accepted difference that could match nothing: no fields
// and no kinds, or a kind that is not one (YAML reads a bare null as "").
func (p *Pair) check() error {
	for j, a := range p.Accept {
		if len(a.Fields)+len(a.Kinds) == 0 {
			return fmt.Errorf("accept %d: give fields, kinds or both", j+1)
		}
		for _, k := range a.Kinds {
			if k != OriginalKind && k != string(AssignmentKind) && !slices.Contains(mutate.Kinds, mutate.Kind(k)) {
				return fmt.Errorf("accept %d: unknown kind %q (expected original, assignment or a mutation kind: %v; quote \"null\")", j+1, k, mutate.Kinds)
			}
		}
	}
	return nil
}

// FindPair is the pair that names these two files, or nil.
func FindPair(pairs []Pair, splunk, panther string) *Pair {
	for i := range pairs {
		if samePath(pairs[i].Splunk, splunk) && samePath(pairs[i].Panther, panther) {
			return &pairs[i]
		}
	}
	return nil
}

func samePath(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == ab
}

// Accepts returns the accepted difference that covers a disagreement, if any.
func (p *Pair) Accepts(e CompareEvent) *Accepted {
	for i := range p.Accept {
		if p.Accept[i].Covers(e) {
			return &p.Accept[i]
		}
	}
	return nil
}
