package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/harness"
)

func newRunCmd(io *streams) *cobra.Command {
	var format string
	var eventFiles []string
	cmd := &cobra.Command{
		Use:   "run RULE [--events FILE]...",
		Short: "Run one rule over events and print its result rows and hits",
		Long:  "Run one rule over the given event files (one JSON event per line), or over its own test events when none are given.",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			l := loadOne(args[0], harness.Options{})
			if l.compiled == nil {
				l.errs.Print(io.err)
				return exitError{ExitFailed}
			}
			events, errs := gatherEvents(l.rule, eventFiles)
			errs.Print(io.err)
			res, err := l.compiled.Run(events, nil)
			if err != nil {
				return err
			}
			rows := make([]*ast.Object, 0, len(res.Rows))
			for _, r := range res.Rows {
				rows = append(rows, r.Fields)
			}
			hits := []string{}
			for _, i := range res.Hits() {
				hits = append(hits, events[i].Source)
			}
			if format == "json" {
				return writeJSON(io, map[string]any{
					"rule": map[string]string{"id": l.rule.ID, "name": l.rule.Name, "file": l.rule.File, "platform": string(l.rule.Platform)},
					"rows": objectsJSON(rows),
					"hits": hits,
				})
			}
			fmt.Fprintf(io.out, "%s (%s) on %d events: %d rows, %d hits\n", l.rule.Name, l.rule.Platform, len(events), len(rows), len(hits))
			for i, r := range rows {
				fmt.Fprintf(io.out, "row %d: %s\n", i+1, ast.JSON(ast.ObjectOf(r)))
			}
			for _, h := range hits {
				fmt.Fprintf(io.out, "hit: %s\n", h)
			}
			for i, v := range res.Verdicts {
				if v.Err != nil {
					fmt.Fprintf(io.out, "error: %s: %v\n", events[i].Source, v.Err)
				}
			}
			if len(errs) > 0 {
				return exitError{ExitFailed}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().StringArrayVar(&eventFiles, "events", nil, "file of JSON events, one per line (repeatable)")
	return cmd
}

// gatherEvents reads event files as the rule's log type, or falls back to the
// rule's own test events.
func gatherEvents(r *ast.Rule, files []string) ([]harness.Event, ast.ErrorList) {
	var events []harness.Event
	var errs ast.ErrorList
	if len(files) == 0 {
		return harness.RuleEvents(r)
	}
	for _, f := range files {
		evs, e := harness.LoadEvents(f, "")
		errs.Append(e)
		events = append(events, evs...)
	}
	return events, errs
}

func objectsJSON(rows []*ast.Object) []ast.Value {
	out := make([]ast.Value, len(rows))
	for i, r := range rows {
		out[i] = ast.ObjectOf(r)
	}
	return out
}
