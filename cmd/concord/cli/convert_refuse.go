package cli

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/concordsec/concord/convert"
	"github.com/concordsec/concord/harness"
)

// Panther analysis files that are not rules are not converted: the reason
// is said at the file's AnalysisType, and the summary counts them apart
// from the rules.
//
// A policy (AnalysisType: policy) is a Python policy(resource) run on
// snapshots of cloud resources of its ResourceTypes, returning True for a
// compliant resource; its failures are compliance findings, not alerts on
// log events (https://docs.panther.com/detections/policies). A Splunk ESCU
// detection is a search over indexed events, and a Sigma rule matches log
// events: neither reads a resource snapshot, so a policy has no form in
// either.

// refusedTypes are the analysis types refused when met in a folder; the
// others (data models, globals, packs, ...) serve rules and are passed
// over silently, as the rule commands do.
var refusedTypes = map[string]bool{"policy": true}

// analysisType reads a YAML file's top-level AnalysisType and where it is.
func analysisType(file string) (string, int, int) {
	data, err := os.ReadFile(file)
	if err != nil {
		return "", 0, 0
	}
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return "", 0, 0
	}
	m := doc.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Value == "AnalysisType" && m.Content[i+1].Kind == yaml.ScalarNode {
			return m.Content[i+1].Value, k.Line, k.Column
		}
	}
	return "", 0, 0
}

// refusal says why a Panther analysis file that is not a rule is not
// converted to the target ("" for a rule, or a file that is no Panther
// analysis file).
func refusal(file string, to convert.Target) string {
	t, line, col := analysisType(file)
	if t == "" || t == "rule" || t == "scheduled_rule" {
		return ""
	}
	at := fmt.Sprintf("%s:%d:%d", file, line, col)
	if t == "policy" {
		var target string
		switch to {
		case convert.ToSplunk:
			target = "a Splunk ESCU detection searches indexed events and reads no resource snapshots"
		case convert.ToSigma:
			target = "a Sigma rule matches log events and reads no resource snapshots"
		default:
			target = "concord converts rules, which test log events"
		}
		return fmt.Sprintf("%s: not convertible: a Panther policy (AnalysisType: policy) evaluates snapshots of cloud resources (policy(resource), True when compliant), not log events; %s", at, target)
	}
	return fmt.Sprintf("%s: not convertible: a Panther %s file (AnalysisType: %s) is not a detection rule; only rules and scheduled rules convert", at, t, t)
}

// refusedSummary counts the refused files by analysis type: "Panther
// analysis files that are not rules: 1 policy".
func refusedSummary(convs []*conversion) string {
	count := map[string]int{}
	var types []string
	for _, c := range convs {
		if c.Refused == "" {
			continue
		}
		t, _, _ := analysisType(c.Source)
		if count[t] == 0 {
			types = append(types, t)
		}
		count[t]++
	}
	var parts []string
	for _, t := range types {
		name := t
		if count[t] > 1 {
			name += "s"
			if t == "policy" {
				name = "policies"
			}
		}
		parts = append(parts, fmt.Sprintf("%d %s", count[t], name))
	}
	return "Panther analysis files that are not rules: " + strings.Join(parts, ", ")
}

// convertFiles lists the conversions to make of the paths: each rule file
// converted (or why not), and each refused analysis file met.
func convertFiles(paths []string, opts convert.Options, outDir string, verify bool) ([]*conversion, error) {
	files, skipped, err := harness.FindAnalysis(paths)
	if err != nil {
		return nil, err
	}
	var convs []*conversion
	for _, s := range skipped {
		// A policy met in a folder is already Panther's: passed over when
		// converting to Panther, as the data models are.
		if refusedTypes[s.AnalysisType] && opts.To != convert.ToPanther {
			files = append(files, s.File)
		}
	}
	slices.Sort(files)
	for _, f := range files {
		if why := refusal(f, opts.To); why != "" {
			c := &conversion{Source: f, To: string(opts.To), Files: []string{}, Lossy: []lossyJSON{}, Refused: why}
			if opts.To == convert.ToPanther {
				// Already Panther's: nothing to convert.
				c.Refused, c.Skipped = "", "already a panther analysis file, not a rule"
			}
			convs = append(convs, c)
			continue
		}
		convs = append(convs, convertOne(loadOne(f, harness.Options{}), opts, outDir, verify))
	}
	return convs, nil
}
