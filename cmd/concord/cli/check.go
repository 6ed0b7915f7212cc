package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/harness"
)

func newCheckCmd(io *streams) *cobra.Command {
	var format, attackData string
	var all, noMutants bool
	cmd := &cobra.Command{
		Use:   "check DIR",
		Short: "Test every rule under DIR and compare every Splunk/Panther pair found there",
		Long: "Test every rule under DIR and compare every Splunk/Panther pair: the pairs listed in DIR/pairs.yml, " +
			"and the automatic pairs (as `concord pairs` finds them) scoring at least 0.5 that it does not list.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json", "markdown", "junit"); err != nil {
				return err
			}
			dir := args[0]
			opts := harness.Options{AttackDataDir: attackData}
			rules, err := loadRules([]string{dir}, opts)
			if err != nil {
				return err
			}
			results := runAllTests(rules)
			var rs []*ast.Rule
			for _, l := range rules {
				if l.compiled != nil {
					rs = append(rs, l.rule)
				}
			}
			pairs, err := harness.PairsFor(dir, rs)
			if err != nil {
				return err
			}
			failed := false
			var reports []pairReport
			unaccepted := 0
			for i := range pairs {
				p := &pairs[i]
				cmp, errs, err := compareFiles(p.Splunk, p.Panther, nil, opts, harness.CompareOptions{NoMutants: noMutants})
				if err == nil && len(errs) > 0 {
					err = errs
				}
				rep := pairReport{err: err}
				if err != nil {
					failed = true
				} else {
					rep.res = newPairResult(cmp, p)
					_, n := rep.res.counts()
					unaccepted += n
				}
				reports = append(reports, rep)
			}
			s := summarize(results)
			notHandled := 0
			for _, l := range rules {
				if l.compiled == nil {
					notHandled++
				}
			}
			switch format {
			case "json":
				var cmps []map[string]any
				for i, r := range reports {
					m := map[string]any{"splunk": pairs[i].Splunk, "panther": pairs[i].Panther}
					if r.err != nil {
						m["error"] = r.err.Error()
					} else {
						accepted, _ := r.res.counts()
						m["events"] = r.res.cmp.Events
						m["disagree"] = r.res.cmp.Disagreements()
						m["accepted"] = accepted
						m["summary"] = r.res.summaryJSON()
					}
					cmps = append(cmps, m)
				}
				if err := writeJSON(io, map[string]any{"tests": results, "summary": s, "pairs": cmps, "not_handled": notHandled}); err != nil {
					return err
				}
			case "junit":
				cases := junitCases(results)
				for i, r := range reports {
					if r.err != nil {
						cases = append(cases, junitCase{Classname: pairs[i].Splunk + " vs " + pairs[i].Panther, Name: "compare", Error: &junitMessage{r.err.Error()}})
						continue
					}
					cases = append(cases, junitPairCases(r.res)...)
				}
				if err := writeJUnit(io, "concord check", cases); err != nil {
					return err
				}
			case "markdown":
				fmt.Fprintf(io.out, "# concord check\n\n%d rules (%d could not be handled), %d tests: %d pass, %d fail, %d unsupported, %d error; %d pairs%s, %d unaccepted disagreements\n\n",
					len(rules), notHandled, len(results), s.Pass, s.Fail, s.Unsupported, s.Error, len(pairs), verdictCounts(reports), unaccepted)
				for i, r := range reports {
					if r.err != nil {
						fmt.Fprintf(io.out, "## %s vs %s\n\nerror: %s\n\n", pairs[i].Splunk, pairs[i].Panther, mdEscape(r.err.Error()))
						continue
					}
					writeMarkdown(io.out, r.res)
				}
			default:
				fmt.Fprintf(io.out, "== tests\n")
				if err := writeTests(io, "text", results); err != nil {
					return err
				}
				fmt.Fprintf(io.out, "\n== pairs\n")
				for i, r := range reports {
					if r.err != nil {
						fmt.Fprintf(io.out, "%s vs %s: %v\n", pairs[i].Splunk, pairs[i].Panther, r.err)
						continue
					}
					if pairs[i].Note != "" {
						fmt.Fprintf(io.out, "# %s\n", pairs[i].Note)
					}
					printComparison(io, r.res, all)
				}
				fmt.Fprintf(io.out, "\n%d rules (%d could not be handled), %d tests: %d pass, %d fail, %d unsupported, %d error; %d pairs%s, %d unaccepted disagreements\n",
					len(rules), notHandled, len(results), s.Pass, s.Fail, s.Unsupported, s.Error, len(pairs), verdictCounts(reports), unaccepted)
			}
			if failed || unaccepted > 0 || s.Fail > 0 || s.Error > 0 {
				return exitError{ExitFailed}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json, markdown or junit")
	cmd.Flags().BoolVarP(&all, "events-all", "v", false, "text: list every mutant, not only the events as given")
	cmd.Flags().BoolVar(&noMutants, "no-mutants", false, "compare the events as given only")
	cmd.Flags().StringVar(&attackData, "attack-data", "", "local copy of splunk/attack_data")
	return cmd
}

// pairReport is one pair compared, or why it could not be.
type pairReport struct {
	res *pairResult
	err error
}

// verdictCounts says how many pairs got each verdict, as " (1 equivalent,
// 9 disagree)"; pairs that could not be compared count as "error".
func verdictCounts(reports []pairReport) string {
	n := map[string]int{}
	for _, r := range reports {
		if r.err != nil {
			n["error"]++
			continue
		}
		n[r.res.rep.Verdict]++
	}
	var parts []string
	for _, v := range []string{harness.VerdictEquivalent, harness.VerdictAgreeOnEvidence, harness.VerdictDisagree, "error"} {
		if n[v] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[v], v))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}
