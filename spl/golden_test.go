package spl

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

var update = flag.Bool("update", false, "rewrite the .golden files of testdata/searches")

// corpusDir holds searches written in the shapes of splunk/security_content's
// detections, with the macros and lookups they call.
var corpusDir = filepath.Join("testdata", "searches")

// corpusSearch is one search of a corpus file. Blocks are separated by a line
// `---`; leading `# ` lines of a block say what it exercises.
type corpusSearch struct {
	File    string // base name, which is also the file of every position
	Line    int    // line of the search's first character
	Comment string
	Text    string
}

func readCorpus(tb testing.TB) map[string][]corpusSearch {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join(corpusDir, "*.spl"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no corpus under %s: %v", corpusDir, err)
	}
	out := map[string][]corpusSearch{}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		name := filepath.Base(path)
		out[name] = splitCorpus(tb, name, string(data))
	}
	return out
}

func splitCorpus(tb testing.TB, name, data string) []corpusSearch {
	var out []corpusSearch
	lines := strings.Split(strings.TrimSuffix(data, "\n"), "\n")
	flush := func(block []string, first int) {
		s := corpusSearch{File: name}
		var comments []string
		i := 0
		for ; i < len(block) && (strings.HasPrefix(block[i], "#") || strings.TrimSpace(block[i]) == ""); i++ {
			if c := strings.TrimSpace(strings.TrimPrefix(block[i], "#")); strings.HasPrefix(block[i], "#") && c != "" {
				comments = append(comments, c)
			}
		}
		j := len(block)
		for j > i && strings.TrimSpace(block[j-1]) == "" {
			j--
		}
		if i == j {
			tb.Fatalf("%s:%d: block without a search", name, first)
		}
		s.Comment = strings.Join(comments, " ")
		s.Line = first + i
		s.Text = strings.Join(block[i:j], "\n")
		out = append(out, s)
	}
	start := 0
	for i, l := range lines {
		if l == "---" {
			flush(lines[start:i], start+1)
			start = i + 1
		}
	}
	flush(lines[start:], start+1)
	return out
}

// corpusFrontEnd parses searches the way ParseSearch does, plus the corpus's
// lookups so that lookup and inputlookup lower to their commands.
type corpusFrontEnd struct {
	macros  Macros
	lookups *Lookups
}

func newCorpusFrontEnd(tb testing.TB) *corpusFrontEnd {
	ms, errs := LoadMacros(filepath.Join(corpusDir, "macros"))
	if len(errs) > 0 {
		tb.Fatal(errs)
	}
	return &corpusFrontEnd{macros: ms, lookups: &Lookups{Dir: filepath.Join(corpusDir, "lookups")}}
}

func (fe *corpusFrontEnd) parse(s corpusSearch) (ast.Expr, []ast.Command, ast.ErrorList) {
	return parseSource(&Source{File: s.File, At: ast.Pos{Line: s.Line, Col: 1}, Text: s.Text}, fe.macros, fe.lookups, nil)
}

func renderSearch(s corpusSearch, match ast.Expr, pipeline []ast.Command, errs ast.ErrorList) string {
	var b strings.Builder
	fmt.Fprintf(&b, "=== %s:%d", s.File, s.Line)
	if s.Comment != "" {
		b.WriteString(" " + s.Comment)
	}
	b.WriteString("\n" + s.Text + "\n")
	b.WriteString("--- match\n" + ast.Dump(match))
	for i, c := range pipeline {
		fmt.Fprintf(&b, "--- command %d\n%s", i+1, ast.Dump(c))
	}
	if len(errs) > 0 {
		b.WriteString("--- errors\n")
		for _, e := range errs {
			fmt.Fprintf(&b, "%s %s: %s\n", e.Code, e.Pos, e.Msg)
		}
	}
	return b.String()
}

// TestGolden lowers every corpus search and compares the AST and errors with
// testdata/searches/*.golden; -update rewrites them.
func TestGolden(t *testing.T) {
	fe := newCorpusFrontEnd(t)
	corpus := readCorpus(t)
	total := 0
	for name, searches := range corpus {
		total += len(searches)
		t.Run(name, func(t *testing.T) {
			var b strings.Builder
			for i, s := range searches {
				match, pipeline, errs := fe.parse(s)
				checkInvariants(t, s, match, pipeline, errs)
				if i > 0 {
					b.WriteString("\n")
				}
				b.WriteString(renderSearch(s, match, pipeline, errs))
			}
			golden := filepath.Join(corpusDir, strings.TrimSuffix(name, ".spl")+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./spl -run Golden -update)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("%s differs from the lowering; first difference:\n%s\n(run go test ./spl -run Golden -update and review the diff)", golden, firstDiff(string(want), got))
			}
		})
	}
	goldens, _ := filepath.Glob(filepath.Join(corpusDir, "*.golden"))
	for _, g := range goldens {
		if _, ok := corpus[strings.TrimSuffix(filepath.Base(g), ".golden")+".spl"]; !ok {
			t.Errorf("%s has no .spl file; remove it", g)
		}
	}
	// The issue asks for at least 200 searches; fewer means a file was lost.
	if total < 200 {
		t.Errorf("corpus has %d searches, want at least 200", total)
	}
}

// checkInvariants holds for every search whatever its golden says: errors
// point into the search, and no command is dropped without an error saying so.
func checkInvariants(t *testing.T, s corpusSearch, match ast.Expr, pipeline []ast.Command, errs ast.ErrorList) {
	t.Helper()
	lines := strings.Count(s.Text, "\n") + 1
	for _, e := range errs {
		if e.Pos.File != s.File || e.Pos.Line < s.Line || e.Pos.Line >= s.Line+lines || e.Pos.Col < 1 {
			t.Errorf("%s:%d: error outside the search: %v", s.File, s.Line, e)
		}
	}
	if match == nil {
		t.Errorf("%s:%d: nil match", s.File, s.Line)
	}
	var unsupported func(cs []ast.Command) int
	unsupported = func(cs []ast.Command) int {
		n := 0
		for _, c := range cs {
			switch c := c.(type) {
			case *ast.UnsupportedCmd:
				n++
			case *ast.JoinCmd:
				if c.Sub != nil {
					n += unsupported(c.Sub.Pipeline)
				}
			case *ast.AppendCmd:
				if c.Sub != nil {
					n += unsupported(c.Sub.Pipeline)
				}
			}
		}
		return n
	}
	if n := unsupported(pipeline); n > 0 && !errs.Has(ast.CodeUnsupported) && !errs.Has(ast.CodeParse) {
		t.Errorf("%s:%d: %d unsupported command(s) without an unsupported or parse error", s.File, s.Line, n)
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d\nwant: %s\ngot:  %s", i+1, w, g)
		}
	}
	return "(none)"
}
