package cli

import (
	"encoding/xml"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/concordsec/concord/harness"
)

func newTestCmd(io *streams) *cobra.Command {
	var format, attackData string
	var filterArgs []string
	var minimumTests int
	var failuresOnly bool
	cmd := &cobra.Command{
		Use:   "test PATH...",
		Short: "Run every rule's own tests, as each platform's test tool decides pass or fail",
		Long: "Run every rule's own tests, as each platform's test tool decides pass or fail.\n\n" +
			"--filter, --minimum-tests and --show-failures-only work as in panther_analysis_tool: " +
			"--filter KEY=V1,V2 (or KEY!=V1,V2, repeatable, ANDed) keeps the rule files whose top-level KEY " +
			"has one of the values; --minimum-tests N fails Panther rules with fewer than N tests (and, for N > 1, " +
			"without both a positive and a negative test); --show-failures-only prints only tests that did not pass " +
			"(text output; json and junit list every test). Panther files that are not rules (policies, data models, " +
			"global helpers, correlation rules, ...) are counted as skipped.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json", "junit"); err != nil {
				return err
			}
			filters, err := harness.ParseFilters(filterArgs)
			if err != nil {
				return usageError{fmt.Errorf("--filter: %w", err)}
			}
			if minimumTests < 0 {
				return usageError{fmt.Errorf("--minimum-tests %d: expected a number of tests, 0 or more", minimumTests)}
			}
			files, skipped, err := harness.FindAnalysis(args)
			if err != nil {
				return err
			}
			files, skipped = applyFilters(files, skipped, filters)
			if len(filters) > 0 && len(files) == 0 {
				return fmt.Errorf("no rule in %s matched the filters %s", strings.Join(args, ", "), strings.Join(filterArgs, " "))
			}
			opts := harness.Options{AttackDataDir: attackData}
			rules := make([]*loaded, 0, len(files))
			for _, f := range files {
				rules = append(rules, loadOne(f, opts))
			}
			results := []harness.TestResult{}
			for _, l := range rules {
				// Each rule's coverage shortfalls follow its own tests.
				results = append(results, runAllTests([]*loaded{l})...)
				results = append(results, harness.MinimumTests(l.rule, minimumTests)...)
			}
			if err := writeTestReport(io, format, results, skipped, failuresOnly); err != nil {
				return err
			}
			s := summarize(results)
			if s.Fail > 0 || s.Error > 0 || invalidCount(skipped) > 0 {
				return exitError{ExitFailed}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json or junit")
	cmd.Flags().StringVar(&attackData, "attack-data", "", "local copy of splunk/attack_data (default: attack_data beside the content tree)")
	cmd.Flags().StringArrayVar(&filterArgs, "filter", nil, "KEY=V1,V2 or KEY!=V1,V2: keep rule files whose YAML KEY has (or has none of) the values; repeat to AND")
	cmd.Flags().IntVar(&minimumTests, "minimum-tests", 0, "fail Panther rules with fewer tests (above 1, also without both a positive and a negative test)")
	cmd.Flags().BoolVar(&failuresOnly, "show-failures-only", false, "text output: print only the tests that did not pass")
	return cmd
}

// applyFilters keeps the files that pass the filters. Data models and global
// helpers are always kept, as panther_analysis_tool keeps them for the rules.
func applyFilters(files []string, skipped []harness.Skipped, filters []harness.Filter) ([]string, []harness.Skipped) {
	if len(filters) == 0 {
		return files, skipped
	}
	var fs []string
	for _, f := range files {
		if harness.MatchFilters(f, filters) {
			fs = append(fs, f)
		}
	}
	var ss []harness.Skipped
	for _, s := range skipped {
		if s.AnalysisType == "datamodel" || s.AnalysisType == "global" || harness.MatchFilters(s.File, filters) {
			ss = append(ss, s)
		}
	}
	return fs, ss
}

func invalidCount(skipped []harness.Skipped) int {
	n := 0
	for _, s := range skipped {
		if s.Message != "" {
			n++
		}
	}
	return n
}

func runAllTests(rules []*loaded) []harness.TestResult {
	out := []harness.TestResult{}
	for _, l := range rules {
		if l.rule == nil {
			out = append(out, harness.TestResult{File: l.file, Result: harness.Errored, Message: l.message()})
			continue
		}
		out = append(out, harness.RunTests(l.rule, l.compiled, l.errs)...)
	}
	return out
}

type testSummary struct {
	Pass        int `json:"pass"`
	Fail        int `json:"fail"`
	Unsupported int `json:"unsupported"`
	Error       int `json:"error"`
	NoData      int `json:"no_data"`
	// SkippedTests are tests the platform's tool would skip (deprecated,
	// manual_test, non-production, Correlation).
	SkippedTests int `json:"skipped_tests"`
	// Skipped counts Panther files that are not rules (test only; omitted by check).
	Skipped *int `json:"skipped,omitempty"`
}

func summarize(rs []harness.TestResult) testSummary {
	var s testSummary
	for _, r := range rs {
		switch r.Result {
		case harness.Pass:
			s.Pass++
		case harness.Fail:
			s.Fail++
		case harness.Unsupported:
			s.Unsupported++
		case harness.NoData:
			s.NoData++
		case harness.SkippedTest:
			s.SkippedTests++
		default:
			s.Error++
		}
	}
	return s
}

// writeTests renders test results without the test command's extras (check).
func writeTests(io *streams, format string, rs []harness.TestResult) error {
	return writeTestReport(io, format, rs, nil, false)
}

// writeTestReport renders test results, the skipped non-rule files and the summary.
func writeTestReport(io *streams, format string, rs []harness.TestResult, skipped []harness.Skipped, failuresOnly bool) error {
	s := summarize(rs)
	n := len(skipped)
	s.Skipped = &n
	if skipped == nil {
		skipped = []harness.Skipped{}
	}
	switch format {
	case "json":
		return writeJSON(io, map[string]any{"tests": rs, "summary": s, "skipped": skipped})
	case "junit":
		return writeJUnit(io, "concord test", junitCases(rs))
	}
	rule := ""
	for _, r := range rs {
		if failuresOnly && r.Result == harness.Pass {
			continue
		}
		if r.File != rule {
			rule = r.File
			fmt.Fprintf(io.out, "%s (%s)\n", r.File, r.Rule)
		}
		fmt.Fprintf(io.out, "\t[%s] %s\n", strings.ToUpper(r.Result), r.Name)
		if r.Message != "" && r.Result != harness.Pass {
			fmt.Fprintf(io.out, "\t\t%s\n", r.Message)
		}
	}
	if len(skipped) > 0 {
		byType := map[string]int{}
		var types []string
		for _, k := range skipped {
			if byType[k.AnalysisType] == 0 {
				types = append(types, k.AnalysisType)
			}
			byType[k.AnalysisType]++
			if k.Message != "" {
				fmt.Fprintf(io.out, "%s (%s)\n\t[INVALID] %s\n", k.File, k.AnalysisType, k.Message)
			}
		}
		sort.Strings(types)
		parts := make([]string, len(types))
		for i, t := range types {
			parts[i] = fmt.Sprintf("%d %s", byType[t], t)
		}
		fmt.Fprintf(io.out, "skipped (not rules): %s\n", strings.Join(parts, ", "))
	}
	fmt.Fprintf(io.out, "tests: %d pass, %d fail, %d unsupported, %d error", s.Pass, s.Fail, s.Unsupported, s.Error)
	if s.NoData > 0 || s.SkippedTests > 0 {
		fmt.Fprintf(io.out, ", %d no data, %d skipped", s.NoData, s.SkippedTests)
	}
	fmt.Fprintln(io.out)
	return nil
}

type junitCase struct {
	XMLName   xml.Name      `xml:"testcase"`
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Error     *junitMessage `xml:"error,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
}

func junitCases(rs []harness.TestResult) []junitCase {
	var out []junitCase
	for _, r := range rs {
		c := junitCase{Classname: r.File, Name: r.Name}
		switch r.Result {
		case harness.Fail:
			c.Failure = &junitMessage{r.Message}
		case harness.Errored:
			c.Error = &junitMessage{r.Message}
		case harness.Unsupported, harness.NoData, harness.SkippedTest:
			c.Skipped = &junitMessage{r.Result + ": " + r.Message}
		}
		out = append(out, c)
	}
	return out
}

func writeJUnit(io *streams, suite string, cases []junitCase) error {
	var failures, errors, skipped int
	for _, c := range cases {
		if c.Failure != nil {
			failures++
		}
		if c.Error != nil {
			errors++
		}
		if c.Skipped != nil {
			skipped++
		}
	}
	doc := struct {
		XMLName  xml.Name    `xml:"testsuite"`
		Name     string      `xml:"name,attr"`
		Tests    int         `xml:"tests,attr"`
		Failures int         `xml:"failures,attr"`
		Errors   int         `xml:"errors,attr"`
		Skipped  int         `xml:"skipped,attr"`
		Cases    []junitCase `xml:"testcase"`
	}{Name: suite, Tests: len(cases), Failures: failures, Errors: errors, Skipped: skipped, Cases: cases}
	fmt.Fprint(io.out, xml.Header)
	enc := xml.NewEncoder(io.out)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	fmt.Fprintln(io.out)
	return nil
}
