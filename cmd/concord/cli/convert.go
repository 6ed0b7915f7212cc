package cli

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/convert"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/portable"
	"github.com/concordsec/concord/sigma"
)

// conversion is one rule converted (or why not), for the report.
type conversion struct {
	Source string      `json:"source"`
	To     string      `json:"to"`
	Files  []string    `json:"files"`
	Lossy  []lossyJSON `json:"lossy"`
	Verify *verifyJSON `json:"verify,omitempty"`
	Error  string      `json:"error,omitempty"`
	// Skipped says why a rule was not converted: it is in the target's format.
	Skipped string `json:"skipped,omitempty"`
	// Refused says why a file is not converted: it is a Panther analysis
	// file that is not a rule (a policy), with no form in the target.
	Refused string          `json:"refused,omitempty"`
	result  *convert.Result // nil on error
	pair    *pairResult     // the verification, when run
	errs    ast.ErrorList
}

type lossyJSON struct {
	Fields    []string `json:"fields"`
	Kinds     []string `json:"kinds"`
	Direction string   `json:"direction"` // source, conversion or either: which one matches where they differ
	Reason    string   `json:"reason"`
}

type verifyJSON struct {
	Verdict    string `json:"verdict"`
	Events     int    `json:"events"`
	Disagree   int    `json:"disagree"`
	Unaccepted int    `json:"unaccepted"`
	Proof      string `json:"proof,omitempty"`
}

func newConvertCmd(io *streams) *cobra.Command {
	var to, from, outDir, format string
	var verify, yamlDetection bool
	cmd := &cobra.Command{
		Use:   "convert --to panther|splunk|sigma RULE... [-o DIR] [--verify]",
		Short: "Convert rules to another platform's format, listing what cannot be said exactly, and verify the result",
		Long: "Convert each rule (a Splunk detection or a Panther rule, or a folder of them) through concord's shared AST. " +
			"Without -o the files are printed; -o DIR writes a tree the target's tools (and concord) run as it is " +
			"(Panther: DIR/rules/NAME.yml and NAME.py; Splunk: DIR/detections/<category>/NAME.yml with its macros and attack data). " +
			"Every point where the target cannot say exactly what the source says is listed. --verify cross-checks each " +
			"conversion with its source (tests, attack data, mutants, the exact decision) and fails on any difference " +
			"the lossy points do not name.",
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkFormat(format, "text", "json"); err != nil {
				return err
			}
			target := convert.Target(to)
			if !slices.Contains(convert.Targets, target) {
				return usageError{fmt.Errorf("--to %q: expected one of %v", to, convert.Targets)}
			}
			opts := convert.Options{To: target, YAMLDetection: yamlDetection}
			var convs []*conversion
			switch from {
			case "":
				var err error
				if convs, err = convertFiles(args, opts, outDir, verify); err != nil {
					return err
				}
			case "sigma":
				files, err := sigmaFiles(args)
				if err != nil {
					return err
				}
				for _, f := range files {
					convs = append(convs, convertSigma(f, opts, outDir, verify))
				}
			default:
				return usageError{fmt.Errorf("--from %q: only sigma is read this way (Splunk and Panther rules are recognised by their files)", from)}
			}
			failed, skipped, refused := 0, 0, 0
			for _, c := range convs {
				switch {
				case c.Skipped != "":
					skipped++
				case c.Refused != "":
					refused++
				case c.Error != "" || (c.Verify != nil && c.Verify.Unaccepted > 0):
					failed++
				}
			}
			for _, c := range convs {
				c.errs.Print(io.err)
			}
			if format == "json" {
				if err := writeJSON(io, map[string]any{"conversions": convs, "summary": map[string]int{"rules": len(convs) - refused, "failed": failed, "skipped": skipped, "refused": refused}}); err != nil {
					return err
				}
			} else {
				writeConversions(io, convs, outDir == "")
				rules := len(convs) - refused
				fmt.Fprintf(io.out, "%d rules, %d converted%s, %d not, %d skipped (already in the target's format)", rules, rules-failed-skipped, map[bool]string{true: " and verified", false: ""}[verify], failed, skipped)
				if refused > 0 {
					fmt.Fprintf(io.out, "; %d refused (%s)", refused, refusedSummary(convs))
				}
				fmt.Fprintln(io.out)
			}
			if failed > 0 {
				return exitError{ExitFailed}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "target format: panther, splunk or sigma")
	cmd.Flags().StringVar(&from, "from", "", "read the RULEs as sigma rules (files or folders of .yml)")
	cmd.Flags().StringVarP(&outDir, "output", "o", "", "write the converted tree under DIR (else print the files)")
	cmd.Flags().BoolVar(&verify, "verify", false, "cross-check each conversion with its source; fail on a difference no lossy point names")
	cmd.Flags().BoolVar(&yamlDetection, "yaml-detection", false, "panther: write a YAML simple detection when the logic fits one")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	_ = cmd.MarkFlagRequired("to")
	return cmd
}

// convertOne converts one loaded rule, writes it (under dir, or a temporary
// folder to verify it) and verifies it when asked.
func convertOne(l *loaded, opts convert.Options, dir string, verify bool) *conversion {
	c := &conversion{Source: l.file, To: string(opts.To), Files: []string{}, Lossy: []lossyJSON{}, errs: l.errs}
	if l.compiled == nil {
		c.Error = fmt.Sprintf("cannot be converted: %s: %s", l.status(), l.message())
		return c
	}
	if string(l.compiled.Rule.Platform) == string(opts.To) {
		c.Skipped = "already a " + string(opts.To) + " rule"
		return c
	}
	opts.BaseName = strings.TrimSuffix(filepath.Base(l.file), filepath.Ext(l.file))
	res, errs, err := convert.Convert(l.compiled, opts)
	c.errs.Append(errs)
	if err != nil {
		c.Error = err.Error()
		return c
	}
	c.setResult(res, dir)
	root := dir
	if root == "" && verify {
		tmp, err := os.MkdirTemp("", "concord-convert-")
		if err != nil {
			c.Error = err.Error()
			return c
		}
		defer os.RemoveAll(tmp)
		root = tmp
	}
	if root == "" {
		return c
	}
	if err := res.Write(root); err != nil {
		c.Error = err.Error()
		return c
	}
	if !verify {
		return c
	}
	if opts.To == convert.ToSigma {
		c.Error = "verify: concord does not run Sigma rules; verify a conversion to splunk or panther"
		return c
	}
	dst, err := loadBack(res, root)
	if err != nil {
		c.Error = err.Error()
		return c
	}
	c.verify(l.compiled, dst, res.Lossy, append(append(convert.ThresholdSets(res.Rule), convert.SameEvents(res.Rule)...), convert.ParseEvents(res.Rule)...))
	return c
}

// loadBack loads a conversion written under root, as the target's tools
// would find it.
func loadBack(res *convert.Result, root string) (*harness.Compiled, error) {
	l := loadOne(filepath.Join(root, res.Main), harness.Options{})
	if l.compiled == nil {
		return nil, fmt.Errorf("verify: the %s conversion does not load: %s: %s", res.To, l.status(), l.message())
	}
	return l.compiled, nil
}

// setResult records a conversion's files (under dir) and lossy points.
func (c *conversion) setResult(res *convert.Result, dir string) {
	c.result = res
	for _, name := range slices.Sorted(maps.Keys(res.Files)) {
		c.Files = append(c.Files, filepath.Join(dir, name))
	}
	for _, p := range res.Lossy {
		dir := "conversion"
		switch {
		case p.Either:
			dir = "either"
		case p.SourceHits:
			dir = "source"
		}
		c.Lossy = append(c.Lossy, lossyJSON{Fields: nonNil(p.Fields), Kinds: nonNil(p.Kinds), Direction: dir, Reason: p.Reason})
	}
}

// verify cross-checks two rules with the lossy points as accepted
// differences, on their test events and the extra ones.
func (c *conversion) verify(src, dst *harness.Compiled, lossy []portable.Lossy, extra []harness.Event) {
	v, errs, err := convert.Verify(src, dst, lossy, extra, harness.CompareOptions{})
	c.errs.Append(errs)
	if err != nil {
		c.Error = err.Error()
		return
	}
	c.pair = newPairResult(v.Comparison, &v.Pair)
	c.Verify = &verifyJSON{Verdict: c.pair.rep.Verdict, Events: len(v.Comparison.Events), Disagree: v.Comparison.Disagreements(), Unaccepted: v.Unaccepted}
	if p := v.Comparison.Proof; p != nil {
		c.Verify.Proof = p.Note
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// writeConversions prints each conversion: its files (their text when
// printing), its lossy points, and its verification.
func writeConversions(io *streams, convs []*conversion, printFiles bool) {
	for _, c := range convs {
		if c.Skipped != "" {
			fmt.Fprintf(io.out, "%s: skipped: %s\n", c.Source, c.Skipped)
			continue
		}
		if c.Refused != "" {
			fmt.Fprintln(io.out, c.Refused)
			continue
		}
		if c.Error != "" && c.result == nil {
			fmt.Fprintf(io.out, "%s: %s\n", c.Source, c.Error)
			continue
		}
		fmt.Fprintf(io.out, "%s -> %s\n", c.Source, c.To)
		if !printFiles {
			for _, f := range c.Files {
				fmt.Fprintf(io.out, "  wrote %s\n", f)
			}
		} else {
			for _, name := range slices.Sorted(maps.Keys(c.result.Files)) {
				fmt.Fprintf(io.out, "==> %s <==\n%s", name, c.result.Files[name])
				if data := c.result.Files[name]; len(data) > 0 && data[len(data)-1] != '\n' {
					fmt.Fprintln(io.out)
				}
			}
		}
		for _, l := range c.Lossy {
			what := strings.Join(append(append([]string(nil), l.Fields...), l.Kinds...), ", ")
			fmt.Fprintf(io.out, "  lossy (%s matches; %s): %s\n", l.Direction, what, l.Reason)
		}
		if c.Verify != nil {
			fmt.Fprintf(io.out, "  verify: %s, %d events, %d differ, %d outside the lossy points\n", c.Verify.Verdict, c.Verify.Events, c.Verify.Disagree, c.Verify.Unaccepted)
			if c.Verify.Unaccepted > 0 {
				printComparison(io, c.pair, false)
			}
		}
		if c.Error != "" {
			fmt.Fprintf(io.out, "  error: %s\n", c.Error)
		}
	}
}

// sigmaFiles lists the .yml files of the paths (folders walked).
func sigmaFiles(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		err := filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(path, ".yml") || strings.HasSuffix(path, ".yaml")) {
				out = append(out, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// convertSigma prints a Sigma rule for the target. concord does not run
// Sigma rules, so --verify cross-checks what they mean on the two platforms
// it runs: the rule converted to Splunk against the rule converted to Panther.
func convertSigma(file string, opts convert.Options, dir string, verify bool) *conversion {
	c := &conversion{Source: file, To: string(opts.To), Files: []string{}, Lossy: []lossyJSON{}}
	r, errs := sigma.Load(file)
	c.errs = errs
	if r == nil || len(errs) > 0 {
		c.Error = "cannot be converted: " + errs.Error()
		return c
	}
	opts.BaseName = strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
	res, _, err := convert.Print(r, opts, nil)
	if err != nil {
		c.Error = err.Error()
		return c
	}
	c.setResult(res, dir)
	if dir != "" {
		if err := res.Write(dir); err != nil {
			c.Error = err.Error()
			return c
		}
	}
	if !verify {
		return c
	}
	if opts.To == convert.ToSigma {
		c.Error = "verify: a Sigma rule converted to Sigma; verify a conversion to splunk or panther"
		return c
	}
	other := convert.ToSplunk
	if opts.To == convert.ToSplunk {
		other = convert.ToPanther
	}
	res2, _, err := convert.Print(r, convert.Options{To: other, BaseName: opts.BaseName}, nil)
	if err != nil {
		c.Error = fmt.Sprintf("verify: converting to %s too: %v", other, err)
		return c
	}
	tmp, err := os.MkdirTemp("", "concord-convert-")
	if err != nil {
		c.Error = err.Error()
		return c
	}
	defer os.RemoveAll(tmp)
	var compiled []*harness.Compiled
	for i, rr := range []*convert.Result{res, res2} {
		root := filepath.Join(tmp, fmt.Sprint(i))
		if err := rr.Write(root); err != nil {
			c.Error = err.Error()
			return c
		}
		l, err := loadBack(rr, root)
		if err != nil {
			c.Error = err.Error()
			return c
		}
		compiled = append(compiled, l)
	}
	// Both come from one rule: the lossy points of either may separate them,
	// in either direction (each was stated against the Sigma rule).
	var lossy []portable.Lossy
	for _, l := range append(append([]portable.Lossy(nil), res.Lossy...), res2.Lossy...) {
		l.Either = true
		lossy = append(lossy, l)
	}
	c.verify(compiled[0], compiled[1], lossy, nil)
	return c
}
