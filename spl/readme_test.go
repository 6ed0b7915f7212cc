package spl

import (
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
)

var updateREADME = flag.Bool("update-readme", false, "rewrite the generated tables of spl/README.md")

const (
	tablesBegin = "<!-- BEGIN GENERATED TABLES (go test ./spl -run README -update-readme) -->"
	tablesEnd   = "<!-- END GENERATED TABLES -->"
)

// TestCommandsTableIsTrue: a command the table calls supported or partial
// lowers to a command node; any other is reported unsupported by name.
func TestCommandsTableIsTrue(t *testing.T) {
	for _, c := range Commands {
		_, pipe, errs := ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, "| "+c.Name, nil)
		_, unsupported := pipe[0].(*ast.UnsupportedCmd)
		if c.Support == Unsupported {
			if !unsupported || !strings.Contains(errs.Error(), "unsupported: "+c.Name) {
				t.Errorf("%s: table says not supported, lowering gave %T %v", c.Name, pipe[0], errs)
			}
			continue
		}
		if unsupported && !errs.Has(ast.CodeParse) {
			// A bare command may lack required arguments (a parse error), but a
			// supported one is never "unsupported" merely for its name.
			if strings.Contains(errs.Error(), "unsupported: "+c.Name+" at") {
				t.Errorf("%s: table says %s, lowering reports it unsupported", c.Name, c.Support)
			}
		}
	}
}

func generatedTables() string {
	var b strings.Builder
	b.WriteString("### Commands\n\n| command | support | notes |\n|---|---|---|\n")
	for _, c := range Commands {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", c.Name, c.Support, c.Notes)
	}
	b.WriteString("\n### Eval functions\n\n| function | support | notes |\n|---|---|---|\n")
	rows := map[string]string{}
	for name, bi := range eval.Builtins {
		fn, ok := strings.CutPrefix(name, "spl.")
		if !ok || strings.ContainsAny(fn, "+-*/%") || fn == "xor" {
			continue // operators are in the notes below
		}
		rows[fn] = fmt.Sprintf("| `%s` | supported | %s |", fn, bi.Doc)
	}
	for fn, note := range loweredFunctions {
		rows[fn] = fmt.Sprintf("| `%s` | supported | %s |", fn, note)
	}
	for _, fn := range UnsupportedFunctions {
		rows[fn] = fmt.Sprintf("| `%s` | not supported | |", fn)
	}
	names := make([]string, 0, len(rows))
	for n := range rows {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		b.WriteString(rows[n] + "\n")
	}
	b.WriteString("\n### Stats functions\n\n")
	var aggs []string
	for _, n := range eval.AggregateNames() {
		aggs = append(aggs, "`"+n+"`")
	}
	b.WriteString("Supported by stats, eventstats and streamstats: " + strings.Join(aggs, ", ") +
		", and the percentiles `perc<N>`, `p<N>`, `exactperc<N>`, `upperperc<N>` (0 ≤ N ≤ 100). " +
		"Any of them takes a field or `eval(expression)`. Not supported: `sparkline`, `estdc_error`.\n")
	return b.String()
}

func TestREADMETables(t *testing.T) {
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i, j := strings.Index(text, tablesBegin), strings.Index(text, tablesEnd)
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the markers %q and %q", tablesBegin, tablesEnd)
	}
	want := text[:i+len(tablesBegin)] + "\n" + generatedTables() + text[j:]
	if *updateREADME {
		if err := os.WriteFile("README.md", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want != text {
		t.Errorf("spl/README.md tables are out of date: run go test ./spl -run README -update-readme")
	}
}
