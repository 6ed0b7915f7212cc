package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/harness"
)

func newCompareCmd(io *streams) *cobra.Command {
	var format, attackData, pairsFile string
	var eventFiles []string
	var all, noMutants bool
	cmd := &cobra.Command{
		Use:   "compare SPLUNK_DETECTION PANTHER_RULE [--events FILE]...",
		Short: "Run a Splunk detection and a Panther rule on the same events and explain where they disagree",
		Long: "Run a Splunk detection and a Panther rule on their test events, the --events files and mutants of " +
			"all of them (each changing one thing the platforms may treat differently), and report the classes " +
			"of disagreement with an example each.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json", "junit", "markdown"); err != nil {
				return err
			}
			var pair *harness.Pair
			if pairsFile != "" {
				pairs, err := harness.LoadPairsFile(pairsFile)
				if err != nil {
					return usageError{fmt.Errorf("--pairs: %w", err)}
				}
				if pair = harness.FindPair(pairs, args[0], args[1]); pair == nil {
					return usageError{fmt.Errorf("--pairs: %s does not pair %s with %s", pairsFile, args[0], args[1])}
				}
			}
			opts := harness.Options{AttackDataDir: attackData}
			cmp, errs, err := compareFiles(args[0], args[1], eventFiles, opts, harness.CompareOptions{NoMutants: noMutants})
			errs.Print(io.err)
			if err != nil {
				return err
			}
			res := newPairResult(cmp, pair)
			if err := writeComparison(io, format, res, all); err != nil {
				return err
			}
			if _, unaccepted := res.counts(); unaccepted > 0 || len(errs) > 0 {
				return exitError{ExitFailed}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json, junit or markdown")
	cmd.Flags().StringArrayVar(&eventFiles, "events", nil, "extra file of JSON events of the rules' log type (repeatable)")
	cmd.Flags().StringVar(&attackData, "attack-data", "", "local copy of splunk/attack_data")
	cmd.Flags().StringVar(&pairsFile, "pairs", "", "pairs file (as check reads DIR/pairs.yml) whose note and accepted differences for this pair apply")
	cmd.Flags().BoolVarP(&all, "events-all", "v", false, "text: list every mutant, not only the events as given")
	cmd.Flags().BoolVar(&noMutants, "no-mutants", false, "compare the events as given only")
	return cmd
}

func compareFiles(splunkFile, pantherFile string, eventFiles []string, opts harness.Options, copts harness.CompareOptions) (*harness.Comparison, ast.ErrorList, error) {
	s, p := loadOne(splunkFile, opts), loadOne(pantherFile, opts)
	for _, l := range []*loaded{s, p} {
		if l.compiled == nil {
			return nil, l.errs, fmt.Errorf("%s cannot be compared: %s", l.file, l.status())
		}
	}
	if s.rule.Platform != ast.Splunk || p.rule.Platform != ast.Panther {
		return nil, nil, usageError{fmt.Errorf("compare takes a Splunk detection, then a Panther rule")}
	}
	var extra []harness.Event
	var errs ast.ErrorList
	for _, f := range eventFiles {
		evs, e := harness.LoadEvents(f, "")
		errs.Append(e)
		extra = append(extra, evs...)
	}
	events, e := harness.CompareEvents(s.rule, p.rule, extra)
	errs.Append(e)
	cmp, err := harness.CompareWith(s.compiled, p.compiled, events, copts)
	return cmp, errs, err
}

func ruleRef(r *ast.Rule) map[string]string {
	return map[string]string{"id": r.ID, "name": r.Name, "file": r.File}
}

func writeComparison(io *streams, format string, r *pairResult, all bool) error {
	switch format {
	case "json":
		return writeJSON(io, map[string]any{
			"splunk":  ruleRef(r.cmp.Splunk),
			"panther": ruleRef(r.cmp.Panther),
			"events":  r.cmp.Events,
			"summary": r.summaryJSON(),
		})
	case "junit":
		return writeJUnit(io, "concord compare", junitPairCases(r))
	case "markdown":
		writeMarkdown(io.out, r)
		return nil
	}
	printComparison(io, r, all)
	return nil
}
