package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/indicator"
	"github.com/concordsec/concord/notation"
	"github.com/concordsec/concord/spl"
)

type parseJSON struct {
	File     string   `json:"file"`
	Platform string   `json:"platform"`
	ID       string   `json:"id"`
	Name     string   `json:"name"`
	Status   string   `json:"status"`
	Message  string   `json:"message"`
	Warnings []string `json:"warnings,omitempty"`
	AST      string   `json:"ast,omitempty"`
	// Indicators, with --indicators, for rules that parsed OK.
	Indicators *indicatorsJSON `json:"indicators,omitempty"`
}

type indicatorsJSON struct {
	Required      []indicator.Atom `json:"required"`
	Exclusions    []indicator.Atom `json:"exclusions"`
	Output        []string         `json:"output"`
	OutputUnknown string           `json:"output_unknown,omitempty"`
}

func indicatorsOf(r *ast.Rule) *indicatorsJSON {
	ind := indicator.Extract(r)
	return &indicatorsJSON{Required: ind.Required, Exclusions: ind.Exclusions, Output: ind.Output, OutputUnknown: ind.OutputUnknown}
}

func newParseCmd(io *streams) *cobra.Command {
	var format string
	var showAST, showIndicators bool
	cmd := &cobra.Command{
		Use:   "parse PATH...",
		Short: "Parse rules and report which ones concord can run",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			rules, err := loadRules(args, harness.Options{})
			if err != nil {
				return err
			}
			var out []parseJSON
			counts := map[string]int{}
			for _, l := range rules {
				id, name, platform := ruleID(l)
				p := parseJSON{File: l.file, Platform: platform, ID: id, Name: name, Status: l.status(), Message: l.message(), Warnings: l.warnings()}
				if showAST && l.rule != nil && l.rule.Match != nil {
					p.AST = describeLogic(l.rule)
				}
				if showIndicators && p.Status == "ok" {
					p.Indicators = indicatorsOf(l.rule)
				}
				counts[p.Status]++
				out = append(out, p)
			}
			if format == "json" {
				if out == nil {
					out = []parseJSON{}
				}
				return writeJSON(io, map[string]any{"rules": out})
			}
			for _, p := range out {
				fmt.Fprintf(io.out, "%-11s %s  %s\n", strings.ToUpper(p.Status), p.File, p.Name)
				if p.Message != "" {
					fmt.Fprintf(io.out, "            %s\n", p.Message)
				}
				for _, w := range p.Warnings {
					fmt.Fprintf(io.out, "            warning: %s\n", w)
				}
				if p.AST != "" {
					fmt.Fprintln(io.out, indent(p.AST, "    "))
				}
				if p.Indicators != nil {
					writeIndicators(io, p.Indicators)
				}
			}
			fmt.Fprintf(io.out, "%d rules: %d ok, %d unsupported, %d error, %d skipped\n", len(out), counts["ok"], counts["unsupported"], counts["error"], counts["skipped"])
			if counts["error"] > 0 {
				return exitError{ExitFailed}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().BoolVar(&showAST, "ast", false, "show each rule's logic in concord's condition notation")
	cmd.Flags().BoolVar(&showIndicators, "indicators", false,
		"show, for each rule parsed OK, the field predicates it requires, those it excludes, and the fields it outputs")
	return cmd
}

// describeLogic renders a rule's logic: the per-event condition in the notation,
// then Splunk's remaining commands and Panther's outputs.
func describeLogic(r *ast.Rule) string {
	var b strings.Builder
	b.WriteString(notation.Print(r.Match))
	for _, c := range r.Pipeline {
		b.WriteString("\n| " + describeCommand(c))
	}
	for _, o := range r.Outputs {
		fmt.Fprintf(&b, "\n%s = %s", o.Name, notation.PrintInline(o.X))
	}
	return b.String()
}

// writeIndicators prints one rule's indicators as an indented block.
func writeIndicators(io *streams, ind *indicatorsJSON) {
	atoms := func(label string, as []indicator.Atom) {
		if len(as) == 0 {
			fmt.Fprintf(io.out, "    %-11s (none)\n", label)
			return
		}
		for i, a := range as {
			if i > 0 {
				label = ""
			}
			fmt.Fprintf(io.out, "    %-11s %s\n", label, a)
		}
	}
	atoms("required:", ind.Required)
	atoms("exclusions:", ind.Exclusions)
	out := strings.Join(ind.Output, ", ")
	switch {
	case ind.OutputUnknown != "" && out == "":
		out = "unknown (" + ind.OutputUnknown + ")"
	case ind.OutputUnknown != "":
		out += " (incomplete: " + ind.OutputUnknown + ")"
	case out == "":
		out = "(none)"
	}
	fmt.Fprintf(io.out, "    %-11s %s\n", "output:", out)
}

func describeCommand(c ast.Command) string {
	return spl.FormatCommand(c, notation.PrintInline)
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}

func writeJSON(io *streams, v any) error {
	enc := json.NewEncoder(io.out)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
