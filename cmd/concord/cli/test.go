package cli

import (
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/concordsec/concord/harness"
)

func newTestCmd(io *streams) *cobra.Command {
	var format, attackData string
	cmd := &cobra.Command{
		Use:   "test PATH...",
		Short: "Run every rule's own tests, as each platform's test tool decides pass or fail",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json", "junit"); err != nil {
				return err
			}
			rules, err := loadRules(args, harness.Options{AttackDataDir: attackData})
			if err != nil {
				return err
			}
			results := runAllTests(rules)
			if err := writeTests(io, format, results); err != nil {
				return err
			}
			if s := summarize(results); s.Fail > 0 || s.Error > 0 {
				return exitError{ExitFailed}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text, json or junit")
	cmd.Flags().StringVar(&attackData, "attack-data", "", "local copy of splunk/attack_data (default: attack_data beside the content tree)")
	return cmd
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
		default:
			s.Error++
		}
	}
	return s
}

func writeTests(io *streams, format string, rs []harness.TestResult) error {
	s := summarize(rs)
	switch format {
	case "json":
		return writeJSON(io, map[string]any{"tests": rs, "summary": s})
	case "junit":
		return writeJUnit(io, "concord test", junitCases(rs))
	}
	rule := ""
	for _, r := range rs {
		if r.File != rule {
			rule = r.File
			fmt.Fprintf(io.out, "%s (%s)\n", r.File, r.Rule)
		}
		fmt.Fprintf(io.out, "\t[%s] %s\n", strings.ToUpper(r.Result), r.Name)
		if r.Message != "" && r.Result != harness.Pass {
			fmt.Fprintf(io.out, "\t\t%s\n", r.Message)
		}
	}
	fmt.Fprintf(io.out, "tests: %d pass, %d fail, %d unsupported, %d error\n", s.Pass, s.Fail, s.Unsupported, s.Error)
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
		case harness.Unsupported:
			c.Skipped = &junitMessage{r.Message}
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
