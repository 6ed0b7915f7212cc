package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/stream"
)

func newRunCmd(io *streams) *cobra.Command {
	var format string
	var eventFiles []string
	var cpus int
	var exhaustive bool
	var logType string
	cmd := &cobra.Command{
		Use:   "run RULE... [--events PATH]...",
		Short: "Run rules over events and print their result rows and hits",
		Long: "Run rules (files or folders) over the given events, or one rule over its own test events when none are given. " +
			"An events PATH is a file, a folder (its .json, .jsonl, .ndjson, .log and .txt files, gzipped or not) or - for stdin; " +
			"a file holds NDJSON, a JSON array or CloudTrail's {\"Records\": [...]}, gzipped or not. " +
			"Events are streamed: each is read once for all rules, on every CPU, and skipped early when no rule can match it. " +
			"Output is in input order whatever the number of CPUs. A progress line goes to stderr when it is a terminal.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			if len(eventFiles) == 0 {
				return runOwnTests(io, args, format)
			}
			// The rules' own test events are not run here.
			ls, err := loadRules(args, harness.Options{SkipTests: true})
			if err != nil {
				return err
			}
			var rules []*harness.Compiled
			var loadErrs ast.ErrorList
			var skipped []*ast.Rule
			for _, l := range ls {
				switch {
				case l.compiled == nil:
					loadErrs.Append(l.errs)
				case logType != "" && !harness.ReadsLogType(l.rule, logType):
					skipped = append(skipped, l.rule)
				default:
					rules = append(rules, l.compiled)
				}
			}
			loadErrs.Print(io.err)
			unhandled := len(ls) - len(rules) - len(skipped)
			for _, r := range skipped {
				fmt.Fprintf(io.err, "%s: skipped: the rule reads %s, not %s\n", r.File, strings.Join(r.LogTypes, ", "), logType)
			}
			if logType != "" && len(rules) == 0 && len(skipped) > 0 {
				return fmt.Errorf("run: no rule reads log type %s", logType)
			}
			r := stream.Open(eventFiles, os.Stdin)
			defer r.Close()
			var read atomic.Int64
			stop := progress(io.err, r, &read)
			results, stats, err := harness.Scan(rules, r, harness.ScanOptions{Workers: cpus, Exhaustive: exhaustive, Read: &read})
			stop()
			if err != nil {
				return err
			}
			stats.Errors.Print(io.err)
			if format == "json" {
				runs := make([]map[string]any, len(results))
				for i, res := range results {
					runs[i] = runJSON(res.Rule.Rule, res, stats.Events)
				}
				if len(runs) == 1 && len(ls) == 1 {
					err = writeJSON(io, runs[0])
				} else {
					skips := []map[string]any{}
					for _, r := range skipped {
						skips = append(skips, map[string]any{"rule": ruleJSON(r), "log_types": r.LogTypes})
					}
					err = writeJSON(io, map[string]any{"runs": runs, "events": stats.Events, "decoded": stats.Decoded, "unhandled": unhandled, "malformed": len(stats.Errors), "skipped": skips})
				}
				if err != nil {
					return err
				}
			} else {
				for _, res := range results {
					printRun(io.out, res.Rule.Rule, stats.Events, res)
				}
				if len(ls) > 1 || len(rules) == 0 {
					fmt.Fprintf(io.out, "%d rules over %d events (%d decoded, the others no rule could match; %d malformed); %d rules could not be run",
						len(rules), stats.Events, stats.Decoded, len(stats.Errors), unhandled)
					if len(skipped) > 0 {
						fmt.Fprintf(io.out, "; %d skipped (not %s)", len(skipped), logType)
					}
					fmt.Fprintln(io.out)
				}
			}
			if len(loadErrs) > 0 || len(stats.Errors) > 0 {
				return exitError{ExitFailed}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().StringArrayVar(&eventFiles, "events", nil, "events: a file, a folder or - for stdin (repeatable)")
	cmd.Flags().IntVar(&cpus, "cpus", 0, "CPUs to evaluate on (0: all)")
	cmd.Flags().StringVar(&logType, "log-type", "", "the events' log type (a Panther log type such as AWS.CloudTrail, or a Splunk sourcetype): rules of other log types are skipped, as Panther routes events by log type and a Splunk search selects its sourcetype")
	cmd.Flags().BoolVar(&exhaustive, "exhaustive", false, "decode every event in full for every rule (no prefilter, no projection): the reference the fast path is checked against")
	return cmd
}

// runOwnTests runs one rule over its own test events, held in memory.
func runOwnTests(io *streams, args []string, format string) error {
	if len(args) != 1 {
		return fmt.Errorf("run: without --events, give one rule (it runs over its own test events)")
	}
	l := loadOne(args[0], harness.Options{})
	if l.compiled == nil {
		l.errs.Print(io.err)
		return exitError{ExitFailed}
	}
	events, errs := harness.RuleEvents(l.rule)
	errs.Print(io.err)
	res, err := l.compiled.Run(events, nil)
	if err != nil {
		return err
	}
	out := &harness.ScanResult{Rule: l.compiled}
	for _, r := range res.Rows {
		row := harness.ScanRow{Fields: r.Fields}
		for _, i := range r.Src {
			row.Sources = append(row.Sources, events[i].Source)
		}
		out.Rows = append(out.Rows, row)
	}
	for i, v := range res.Verdicts {
		if v.Hit {
			out.Hits = append(out.Hits, events[i].Source)
		}
		if v.Err != nil {
			out.Errors = append(out.Errors, harness.EventError{Source: events[i].Source, Err: v.Err})
		}
	}
	if format == "json" {
		if err := writeJSON(io, runJSON(l.rule, out, int64(len(events)))); err != nil {
			return err
		}
	} else {
		printRun(io.out, l.rule, int64(len(events)), out)
	}
	if len(errs) > 0 {
		return exitError{ExitFailed}
	}
	return nil
}

// runJSON is one rule's run in the JSON contract (README.md).
func runJSON(r *ast.Rule, res *harness.ScanResult, events int64) map[string]any {
	rows := make([]ast.Value, 0, len(res.Rows))
	for _, row := range res.Rows {
		rows = append(rows, ast.ObjectOf(row.Fields))
	}
	hits := append([]string{}, res.Hits...)
	errs := []map[string]string{}
	for _, e := range res.Errors {
		errs = append(errs, map[string]string{"event": e.Source, "error": e.Err.Error()})
	}
	return map[string]any{
		"rule":   ruleJSON(r),
		"rows":   rows,
		"hits":   hits,
		"errors": errs,
		"events": events,
	}
}

func ruleJSON(r *ast.Rule) map[string]string {
	return map[string]string{"id": r.ID, "name": r.Name, "file": r.File, "platform": string(r.Platform)}
}

func printRun(w io.Writer, r *ast.Rule, events int64, res *harness.ScanResult) {
	fmt.Fprintf(w, "%s (%s) on %d events: %d rows, %d hits\n", r.Name, r.Platform, events, len(res.Rows), len(res.Hits))
	for i, row := range res.Rows {
		fmt.Fprintf(w, "row %d: %s\n", i+1, ast.JSON(ast.ObjectOf(row.Fields)))
	}
	for _, h := range res.Hits {
		fmt.Fprintf(w, "hit: %s\n", h)
	}
	for _, e := range res.Errors {
		fmt.Fprintf(w, "error: %s: %v\n", e.Source, e.Err)
	}
}

// progress shows events and bytes read on w while a scan runs, when w is a
// terminal; it returns the function that stops it and clears the line.
func progress(w io.Writer, r *stream.Reader, events *atomic.Int64) func() {
	f, ok := w.(*os.File)
	if !ok {
		return func() {}
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return func() {}
	}
	start := time.Now()
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				fmt.Fprint(f, "\r\033[K")
				return
			case <-tick.C:
				p := r.Progress()
				secs := time.Since(start).Seconds()
				n := events.Load()
				line := fmt.Sprintf("\r\033[K%d events, %s, %.0f events/s, %.0f MB/s", n, mb(p.Scanned), float64(n)/secs, float64(p.Scanned)/1e6/secs)
				if p.Total > 0 {
					line += fmt.Sprintf(", %.0f%% of %s", 100*float64(p.Read)/float64(p.Total), mb(p.Total))
				}
				fmt.Fprint(f, line)
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}

func mb(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
