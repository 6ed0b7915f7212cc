package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/harness"
)

func newCompareCmd(io *streams) *cobra.Command {
	var format, attackData string
	var eventFiles []string
	cmd := &cobra.Command{
		Use:   "compare SPLUNK_DETECTION PANTHER_RULE [--events FILE]...",
		Short: "Run a Splunk detection and a Panther rule on the same events and explain where they disagree",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json", "junit"); err != nil {
				return err
			}
			opts := harness.Options{AttackDataDir: attackData}
			cmp, errs, err := compareFiles(args[0], args[1], eventFiles, opts)
			errs.Print(io.err)
			if err != nil {
				return err
			}
			if err := writeComparison(io, format, cmp); err != nil {
				return err
			}
			if cmp.Disagreements() > 0 || len(errs) > 0 {
				return exitError{ExitFailed}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json or junit")
	cmd.Flags().StringArrayVar(&eventFiles, "events", nil, "extra file of JSON events of the rules' log type (repeatable)")
	cmd.Flags().StringVar(&attackData, "attack-data", "", "local copy of splunk/attack_data")
	return cmd
}

func compareFiles(splunkFile, pantherFile string, eventFiles []string, opts harness.Options) (*harness.Comparison, ast.ErrorList, error) {
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
	cmp, err := harness.Compare(s.compiled, p.compiled, events)
	return cmp, errs, err
}

func ruleRef(r *ast.Rule) map[string]string {
	return map[string]string{"id": r.ID, "name": r.Name, "file": r.File}
}

func writeComparison(io *streams, format string, cmp *harness.Comparison) error {
	n := cmp.Disagreements()
	switch format {
	case "json":
		return writeJSON(io, map[string]any{
			"splunk":  ruleRef(cmp.Splunk),
			"panther": ruleRef(cmp.Panther),
			"events":  cmp.Events,
			"summary": map[string]int{"events": len(cmp.Events), "agree": len(cmp.Events) - n, "disagree": n},
		})
	case "junit":
		var cases []junitCase
		for _, e := range cmp.Events {
			c := junitCase{Classname: cmp.Splunk.File + " vs " + cmp.Panther.File, Name: e.Source}
			if !e.Agree {
				c.Failure = &junitMessage{e.Why}
			}
			cases = append(cases, c)
		}
		return writeJUnit(io, "concord compare", cases)
	}
	printComparison(io, cmp, nil)
	return nil
}

func verdictWord(hit bool) string {
	if hit {
		return "match"
	}
	return "no match"
}

// printComparison writes the text report; accepted maps an event index to the
// reason its disagreement is accepted.
func printComparison(io *streams, cmp *harness.Comparison, accepted map[int]string) {
	fmt.Fprintf(io.out, "splunk:  %s (%s)\npanther: %s (%s)\n", cmp.Splunk.Name, cmp.Splunk.File, cmp.Panther.Name, cmp.Panther.File)
	for i, e := range cmp.Events {
		mark := "agree   "
		if !e.Agree {
			mark = "DISAGREE"
			if _, ok := accepted[i]; ok {
				mark = "accepted"
			}
		}
		fmt.Fprintf(io.out, "  %s  splunk=%-8s panther=%-8s %s\n", mark, verdictWord(e.Splunk), verdictWord(e.Panther), e.Source)
		if !e.Agree {
			fmt.Fprintf(io.out, "            why: %s\n", e.Why)
			if r, ok := accepted[i]; ok {
				fmt.Fprintf(io.out, "            accepted: %s\n", r)
			}
		}
	}
	n := cmp.Disagreements()
	fmt.Fprintf(io.out, "  %d events: %d agree, %d disagree\n", len(cmp.Events), len(cmp.Events)-n, n)
}
