package harness

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/plan"
	"github.com/concordsec/concord/portable"
	"github.com/concordsec/concord/sourcetype"
)

// Compiled is a rule ready to run: every expression compiled once.
type Compiled struct {
	Rule    *ast.Rule
	match   *eval.Program
	pipe    *eval.Pipeline
	outputs []*eval.Program
	models  *DataModels // Panther: the repository's data models, for event.udm()

	planOnce sync.Once
	plan     *plan.Plan
}

// Compile compiles a rule's logic; constructs concord cannot run come back as
// errors with code unsupported.
func Compile(r *ast.Rule) (*Compiled, ast.ErrorList) {
	errs := append(ast.ErrorList(nil), r.Unsupported...)
	c := &Compiled{Rule: r}
	if r.Platform == ast.Panther && !r.Scheduled {
		c.models = DataModelsFor(r.File)
	}
	if r.Match == nil {
		if len(r.Unsupported) == 0 { // else they say why (a derived detection, ...)
			errs.Add(ast.Pos{File: r.File}, ast.CodeSchema, "rule has no detection logic")
		}
		return nil, errs
	}
	var e ast.ErrorList
	c.match, e = eval.Compile(r.Match, r.Keys)
	errs.Append(e)
	if r.Platform == ast.Splunk {
		c.pipe, e = eval.CompilePipeline(r.Pipeline)
		errs.Append(e)
	}
	for _, o := range r.Outputs {
		p, e := eval.Compile(o.X, r.Keys)
		errs.Append(e)
		c.outputs = append(c.outputs, p)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// Row is one result row.
type Row struct {
	Fields *ast.Object
	Src    []int // indexes into the events given to Run
}

// Verdict is the per-event outcome.
type Verdict struct {
	Hit    bool
	Err    error  // the rule raised on this event (Panther) or could not build it
	Reason string // why the event is not a hit, when a stage dropped it
	Drop   *eval.Drop
}

// Result of running a rule over events.
type Result struct {
	Rows     []Row
	Verdicts []Verdict // one per input event
}

// Hits lists the indexes of events that are hits.
func (r *Result) Hits() []int {
	var out []int
	for i, v := range r.Verdicts {
		if v.Hit {
			out = append(out, i)
		}
	}
	return out
}

// pantherEnv is the evaluation environment for a Panther event.
func pantherEnv(ev Event, mocks map[string]ast.Value) *eval.Env {
	return &eval.Env{Record: ev.Value, Mocks: mocks}
}

// SplunkView is the record a Splunk search sees for an event.
func SplunkView(r *ast.Rule, ev Event) (*ast.Object, error) {
	return newViewer(r).view(ev)
}

// sourceTypeName is the sourcetype an event is read with: its own, else the
// rule's first log type, a Panther log type named as Splunk's sourcetype.
func sourceTypeName(r *ast.Rule, eventSourceType string) string {
	st := eventSourceType
	if st == "" && len(r.LogTypes) > 0 {
		st = r.LogTypes[0]
	}
	if mapped, ok := LogTypeSourceTypes[st]; ok {
		st = mapped
	}
	return st
}

// viewer resolves each sourcetype's knowledge once for a run of one rule:
// events of a run share one or two sourcetypes, and resolving takes locks.
type viewer struct {
	rule  *ast.Rule
	known map[string]*sourcetype.SourceType
	// narrow, when set, says which fields are read of views of which
	// sourcetype (plan.Plan.ViewFields): those views are built with only
	// what makes them.
	narrow *plan.Plan
	// raw caches readsRaw: 0 unknown, 1 no, 2 yes.
	raw uint8
}

func newViewer(r *ast.Rule) *viewer {
	return &viewer{rule: r, known: map[string]*sourcetype.SourceType{}}
}

func (v *viewer) view(ev Event) (*ast.Object, error) {
	if ev.view != nil {
		return ev.view, nil
	}
	kt, err := v.sourceType(ev.SourceType)
	if err != nil {
		return nil, err
	}
	if ev.Value.Kind() == ast.KindObject && kt.TextEvents() {
		// A JSON event (a Panther test's, a mutant) of a log type Splunk
		// reads as text: the record it spells.
		if fields, ok := portable.RecordOf(kt.Name); ok {
			text := portable.RenderRecord(fields, ev.Value)
			return kt.View(ast.String(text), sourcetype.Meta{Raw: text})
		}
	}
	return kt.View(ev.Value, sourcetype.Meta{Raw: ev.Raw})
}

// readsRaw says whether views of events without a sourcetype of their own
// read the event text (Event.Raw).
func (v *viewer) readsRaw() bool {
	if v.raw == 0 {
		v.raw = 1
		if kt, err := v.sourceType(""); err != nil || kt.ReadsRaw() {
			v.raw = 2
		}
	}
	return v.raw == 2
}

// sourceType is the knowledge events of the given sourcetype ("" for none
// of their own) are viewed with; the first time it is unknown, a warning.
func (v *viewer) sourceType(eventSourceType string) (*sourcetype.SourceType, error) {
	st := sourceTypeName(v.rule, eventSourceType)
	if kt := v.known[st]; kt != nil {
		return kt, nil
	}
	kt, err := sourcetype.Lookup(st)
	if err != nil {
		return nil, err
	}
	if p := v.narrow; p != nil && p.HasViewFields && kt.Name == p.ViewSourceType {
		kt = kt.Narrow(p.ViewFields)
	}
	v.known[st] = kt
	if msg, first := unknownSourceTypes.Check(st); first {
		warningsMu.Lock()
		warnings = append(warnings, msg)
		warningsMu.Unlock()
	}
	return kt, nil
}

var (
	unknownSourceTypes sourcetype.Warnings
	warningsMu         sync.Mutex
	warnings           []string
)

// ResetWarnings forgets which unknown sourcetypes were already warned about.
func ResetWarnings() {
	warningsMu.Lock()
	defer warningsMu.Unlock()
	unknownSourceTypes = sourcetype.Warnings{}
	warnings = nil
}

// TakeWarnings returns the run-wide warnings gathered so far (an unknown
// sourcetype, once each) and forgets them; the CLI prints them on stderr.
func TakeWarnings() []string {
	warningsMu.Lock()
	defer warningsMu.Unlock()
	out := warnings
	warnings = nil
	return out
}

// Run evaluates the rule over events. Splunk searches run over the whole set (an
// aggregation needs every event); Panther rules run per event.
func (c *Compiled) Run(events []Event, mocks map[string]ast.Value) (*Result, error) {
	res := &Result{Verdicts: make([]Verdict, len(events))}
	if c.Rule.Platform == ast.Panther {
		for i, ev := range events {
			env := pantherEnv(ev, mocks)
			env.UDM = c.models.For(c.Rule, ev.Value)
			hit, err := c.pantherMatch(env)
			res.Verdicts[i] = Verdict{Hit: hit, Err: err}
			if !hit || err != nil {
				res.Verdicts[i].Hit = false
				continue
			}
			o, err := c.rowOf(env)
			res.Verdicts[i].Err = err
			res.Rows = append(res.Rows, Row{Fields: o, Src: []int{i}})
		}
		return res, nil
	}
	var rows, all []eval.Row
	subsearches := c.pipe.Subsearches()
	views := newViewer(c.Rule)
	for i, ev := range events {
		view, err := views.view(ev)
		if err != nil {
			res.Verdicts[i] = Verdict{Err: err}
			continue
		}
		if subsearches {
			all = append(all, eval.Row{Fields: view, Src: []int{i}})
		}
		if ev.view == nil {
			v, err := c.match.Eval(&eval.Env{Record: ast.ObjectOf(view)})
			if err != nil {
				res.Verdicts[i] = Verdict{Err: err}
				continue
			}
			if !v.Truth() {
				res.Verdicts[i] = Verdict{Reason: "base search does not match"}
				continue
			}
		}
		if subsearches {
			// Stages change rows in place; subsearches must see the events
			// unchanged.
			view = view.Clone()
		}
		rows = append(rows, eval.Row{Fields: view, Src: []int{i}})
	}
	// now() is the search's start, the same on every row, as in Splunk.
	out, drops, err := c.pipe.RunAt(time.Now(), all, rows)
	if err != nil {
		return nil, err
	}
	for _, d := range drops {
		res.Verdicts[d.Event] = Verdict{Reason: d.Reason, Drop: &d}
	}
	for _, r := range out {
		res.Rows = append(res.Rows, Row{Fields: r.Fields, Src: r.Src})
		for _, e := range r.Src {
			res.Verdicts[e] = Verdict{Hit: true}
		}
	}
	return res, nil
}

// rowOf is a Panther alert's fields (title(), dedup(), ...); an output that
// raises is null in the row and its error is returned.
func (c *Compiled) rowOf(env *eval.Env) (*ast.Object, error) {
	o := &ast.Object{}
	var first error
	for j, out := range c.outputs {
		v, err := out.Eval(env)
		if err != nil {
			if first == nil {
				first = fmt.Errorf("%s(): %w", c.Rule.Outputs[j].Name, err)
			}
			v = ast.Null
		}
		o.Set(c.Rule.Outputs[j].Name, v)
	}
	return o, first
}

// pantherMatch runs rule(): Panther requires a real bool.
func (c *Compiled) pantherMatch(env *eval.Env) (bool, error) {
	v, err := c.match.Eval(env)
	if err != nil {
		return false, err
	}
	if v.Kind() != ast.KindBool {
		return false, fmt.Errorf("rule() returned %s, expected bool", v.Repr())
	}
	return v.AsBool(), nil
}

// IsUnsupported reports whether err means concord lacks something (as opposed to
// the rule itself raising).
func IsUnsupported(err error) bool {
	var re *eval.RuntimeError
	return errors.As(err, &re) && re.Code == ast.CodeUnsupported
}
