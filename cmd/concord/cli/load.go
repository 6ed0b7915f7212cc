package cli

import (
	"runtime/debug"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/harness"
)

// loaded is one rule file after loading and compiling.
type loaded struct {
	file     string
	rule     *ast.Rule // nil when the file could not be read as a rule
	compiled *harness.Compiled
	errs     ast.ErrorList
}

// status is the parse contract's status: ok, unsupported, error or skipped.
func (l *loaded) status() string {
	switch {
	case l.rule != nil && l.rule.Skip != "" && len(l.errs) == 0:
		return "skipped"
	case l.compiled != nil:
		return "ok"
	case l.rule != nil && !l.errs.Has(ast.CodeParse) && !l.errs.Has(ast.CodeSchema) && !l.errs.Has(ast.CodeMacro):
		return "unsupported"
	}
	return "error"
}

func (l *loaded) message() string {
	if len(l.errs) == 0 {
		if l.rule != nil && l.rule.Skip != "" {
			return l.rule.Skip
		}
		return ""
	}
	return l.errs[0].Error()
}

// warnings are the rule's non-fatal problems, as text.
func (l *loaded) warnings() []string {
	if l.rule == nil {
		return nil
	}
	var out []string
	for _, w := range l.rule.Warnings {
		out = append(out, w.Error())
	}
	return out
}

func loadRules(paths []string, opts harness.Options) ([]*loaded, error) {
	defer loadingGC()()
	files, err := harness.FindRules(paths)
	if err != nil {
		return nil, err
	}
	out := make([]*loaded, 0, len(files))
	for _, f := range files {
		out = append(out, loadOne(f, opts))
	}
	return out, nil
}

// loadingGC gives the collector more headroom while rules load, and returns
// what restores it: parsing makes much short-lived garbage over a live heap
// of a few megabytes, which the default GOGC=100 collects every few
// megabytes allocated (a sixth of the loading time on the fixtures). A
// GOGC set higher, or off, is left alone.
func loadingGC() (restore func()) {
	const loadingGOGC = 400
	old := debug.SetGCPercent(loadingGOGC)
	if old < 0 || old >= loadingGOGC {
		debug.SetGCPercent(old)
		return func() {}
	}
	return func() { debug.SetGCPercent(old) }
}

func loadOne(file string, opts harness.Options) *loaded {
	l := &loaded{file: file}
	var errs ast.ErrorList
	l.rule, errs = harness.LoadRule(file, opts)
	l.errs.Append(errs)
	if l.rule != nil && l.rule.Skip == "" && !errs.Has(ast.CodeParse) && !errs.Has(ast.CodeSchema) && !errs.Has(ast.CodeMacro) {
		l.compiled, errs = harness.Compile(l.rule)
		l.errs.Append(errs)
	}
	return l
}

func ruleID(l *loaded) (id, name, platform string) {
	if l.rule == nil {
		return "", "", ""
	}
	return l.rule.ID, l.rule.Name, string(l.rule.Platform)
}
