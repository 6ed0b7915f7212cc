package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/harness"
)

func newPairsCmd(io *streams) *cobra.Command {
	var format string
	var minScore float64
	cmd := &cobra.Command{
		Use:   "pairs DIR...",
		Short: "List Splunk/Panther rule pairs that require the same values, best first",
		Long: "Load every rule under the DIRs and list the Splunk detection / Panther rule pairs that require the same " +
			"(field, value), compared case-insensitively (Splunk fields that are plain aliases of their sourcetype, such " +
			"as signature for eventName, under the field they copy). A pair must share a value of an operation field " +
			"(eventName, protoPayload.methodName, operationName).\n\n" +
			"Score: the sum, over the shared values, of 2/n, where n is how many of the loaded rules (either platform) " +
			"require that value: a value exactly one rule on each side requires counts 1, a value many rules require " +
			fmt.Sprintf("(such as an eventSource) little. check compares the pairs scoring at least %g in addition to those in pairs.yml.", harness.AutoPairThreshold),
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			loaded, err := loadRules(args, harness.Options{})
			if err != nil {
				return err
			}
			var rules []*ast.Rule
			notHandled := 0
			for _, l := range loaded {
				if l.compiled == nil {
					notHandled++
					continue
				}
				rules = append(rules, l.rule)
			}
			cands := []harness.Candidate{}
			for _, c := range harness.Candidates(rules) {
				if c.Score >= minScore {
					cands = append(cands, c)
				}
			}
			if format == "json" {
				return writeJSON(io, map[string]any{"pairs": cands, "not_handled": notHandled})
			}
			for _, c := range cands {
				shared := make([]string, len(c.Shared))
				for i, a := range c.Shared {
					shared[i] = a.String()
				}
				fmt.Fprintf(io.out, "%-7g splunk:  %s\n        panther: %s\n        shared:  %s\n", c.Score, c.Splunk, c.Panther, strings.Join(shared, "; "))
			}
			fmt.Fprintf(io.out, "%d candidate pairs from %d rules; %d rules could not be handled\n", len(cands), len(rules), notHandled)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().Float64Var(&minScore, "min-score", 0, "list only the pairs scoring at least this")
	return cmd
}
