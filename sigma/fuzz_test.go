package sigma

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/concordsec/concord/portable"
)

// FuzzCondition checks that no condition makes the reader panic or report a
// problem without a position, and that a condition read without errors has
// an expression. The seeds run with plain `go test`.
func FuzzCondition(f *testing.F) {
	for _, s := range []string{
		"selection",
		"selection and not filter",
		"selection and not 1 of filter_main_*",
		"1 of selection_* and not 1 of filter*",
		"all of them",
		"1 of them and not _hidden",
		"any of sel* or (keywords and not (a or b))",
		"not not not a",
		"(a or b) and (c or not (a and b))",
		"a | count(userIdentity.arn) by sourceIPAddress > 10",
		"a and",
		"2 of a*",
		"((((a))))",
		"sel-1 or sel_2",
		"all of _*",
		"1 of",
		"a\nand\tb",
		"a ) (",
		"them",
		"and or not",
		"a && b || !c",
		strings.Repeat("(", 65) + "a" + strings.Repeat(")", 65),
	} {
		f.Add(s)
	}
	l := &loader{file: "f.yml", existsAtoms: map[*portable.Atom]bool{}}
	sels := &selections{byName: map[string]portable.Expr{}}
	for _, name := range []string{"a", "b", "c", "selection", "selection_x", "filter", "filter_main_y", "_hidden", "keywords", "sel-1", "sel_2"} {
		sels.names = append(sels.names, name)
		sels.byName[name] = &portable.Atom{Field: []string{name}, Op: portable.Eq, Values: []string{"v"}}
	}
	f.Fuzz(func(t *testing.T, s string) {
		l.errs = nil
		n := &yaml.Node{Kind: yaml.ScalarNode, Value: s, Line: 3, Column: 16}
		x := l.condition(n, sels)
		for _, e := range l.errs {
			if !e.Pos.IsValid() || e.Pos.Col < 1 || e.Msg == "" {
				t.Errorf("%q: error without a position: %v", s, e)
			}
			if strings.Contains(e.Msg, "internal failure") || strings.Contains(e.Msg, "internal parser failure") {
				t.Errorf("%q: %v", s, e)
			}
		}
		if (x == nil) != (len(l.errs) > 0) {
			t.Errorf("%q: expression %v with errors %v", s, x, l.errs)
		}
	})
}

// FuzzLoad runs whole rule files (the fixtures and the golden files as
// seeds) through Load.
func FuzzLoad(f *testing.F) {
	var files []string
	for _, pattern := range []string{
		filepath.Join("..", "fixtures", "sigma", "rules", "cloud", "aws", "cloudtrail", "*.yml"),
		filepath.Join("testdata", "print", "*.yml"),
	} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		r, errs := LoadBytes("f.yml", src)
		for _, e := range errs {
			if strings.Contains(e.Msg, "internal failure") || strings.Contains(e.Msg, "internal parser failure") {
				t.Errorf("%v", e)
			}
			if !e.Pos.IsValid() {
				t.Errorf("error without a position: %v", e)
			}
		}
		if len(errs) == 0 && r != nil && r.Cond != nil {
			// What loads prints, and what it prints loads again.
			out, _, err := Print(r)
			if err != nil {
				return // e.g. a condition that is always true
			}
			if _, errs := LoadBytes("again.yml", out); len(errs) > 0 {
				t.Errorf("printed rule does not load: %v\n%s", errs, out)
			}
		}
	})
}
