package convert

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/portable"
)

// Target is a format conversion writes.
type Target string

const (
	ToPanther Target = "panther"
	ToSplunk  Target = "splunk"
	ToSigma   Target = "sigma"
)

// Targets lists the formats conversion writes.
var Targets = []Target{ToPanther, ToSplunk, ToSigma}

// Options tune a conversion.
type Options struct {
	To Target
	// YAMLDetection: a Panther simple detection (YAML only) rather than Python.
	YAMLDetection bool
	// BaseName names the written files (no extension); by default the
	// printer derives it from the rule's name.
	BaseName string
}

// Printed is what a target's printer makes of a portable rule: files by path
// relative to an output root, the rule's own file among them, and the
// printer's inexact points.
type Printed struct {
	Files map[string][]byte
	Main  string
	Lossy []portable.Lossy
}

// printer writes a portable rule in a target's format.
type printer func(r *portable.Rule, opts Options) (*Printed, error)

// Result is a converted rule.
type Result struct {
	Rule *portable.Rule
	To   Target
	Printed
}

// Convert lifts a compiled rule and writes it for the target. Every lossy
// point is listed: the lift's, the printer's, and key case between Splunk
// and Panther.
func Convert(c *harness.Compiled, opts Options) (*Result, ast.ErrorList, error) {
	if string(c.Rule.Platform) == string(opts.To) {
		return nil, nil, fmt.Errorf("convert: %s is already a %s rule", c.Rule.File, opts.To)
	}
	r, errs, err := Lift(c)
	if err != nil {
		return nil, errs, err
	}
	return Print(r, opts, errs)
}

// Print writes a portable rule (lifted, or read from Sigma) for the target.
func Print(r *portable.Rule, opts Options, errs ast.ErrorList) (*Result, ast.ErrorList, error) {
	p, ok := printers[opts.To]
	if !ok {
		return nil, errs, fmt.Errorf("convert: unknown target %q (expected one of %v)", opts.To, Targets)
	}
	out, err := p(r, opts)
	if err != nil {
		return nil, errs, fmt.Errorf("convert %s to %s: %w", r.Name, opts.To, err)
	}
	res := &Result{Rule: r, To: opts.To, Printed: *out}
	res.Lossy = append(slices.Clone(r.Lossy), out.Lossy...)
	if opts.To != ToSigma {
		res.Lossy = append(res.Lossy, KeyCase)
	}
	return res, errs, nil
}

// Write writes the files under dir, creating folders as needed.
func (r *Result) Write(dir string) error {
	for _, name := range slices.Sorted(maps.Keys(r.Files)) {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(path, r.Files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}
