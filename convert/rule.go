package convert

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/equiv"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/portable"
	"github.com/concordsec/concord/sourcetype"
)

// Lift turns a loaded, compiled rule into portable form: its condition, what
// it shows, its title, and test events with the verdicts the rule itself
// gives them (the rule's own tests, or for a Splunk detection its attack
// data, plus negatives made from its true positives).
func Lift(c *harness.Compiled) (*portable.Rule, ast.ErrorList, error) {
	r := c.Rule
	th, perEvent, thLossy, err := threshold(c)
	if err != nil {
		return nil, nil, err
	}
	cond, lossy, err := Condition(perEvent.Rule)
	if err != nil {
		return nil, nil, err
	}
	lossy = append(lossy, thLossy...)
	out := &portable.Rule{Name: r.Name, ID: r.ID, Meta: r.Meta, Cond: cond, Lossy: lossy, Threshold: th}
	for _, lt := range r.LogTypes {
		if l, ok := portable.LogTypeOf(lt); ok {
			out.LogType = l.Panther
			break
		}
	}
	if out.LogType == "" {
		return nil, nil, &Error{Pos: ast.Pos{File: r.File}, Reason: fmt.Sprintf("log types %v: conversion knows %s", r.LogTypes, knownLogTypes())}
	}
	switch r.Platform {
	case ast.Splunk:
		out.Output, out.Title = splunkOutputs(perEvent.Rule)
	case ast.Panther:
		out.Output, out.Title = pantherOutputs(r)
	}
	if th != nil {
		out.Lossy = append(out.Lossy, thresholdLossy(th, cond, out.LogType, r.Platform)...)
		out.Title = countText(out.Title, perEvent.Rule, th)
	}
	tests, errs, err := tests(perEvent, cond)
	if err != nil {
		return nil, errs, err
	}
	out.Tests = tests
	return out, errs, nil
}

func knownLogTypes() string {
	var names []string
	for _, l := range portable.LogTypes {
		names = append(names, l.Panther+" ("+l.SourceType+")")
	}
	return strings.Join(names, ", ")
}

// rawPath is the raw JSON path a Splunk field stands for: itself, or the raw
// field the add-on aliases or computes it from (an arn for an identity, else
// the first), "" when it comes from nothing in the event.
func rawPath(st *sourcetype.SourceType, name string) string {
	if st == nil {
		return name
	}
	o := st.Sources(name)
	switch {
	case len(o.Raw) == 0:
		return ""
	case len(o.Raw) == 1:
		return o.Raw[0]
	}
	for _, r := range o.Raw {
		if strings.HasSuffix(r, ".arn") {
			return r
		}
	}
	return o.Raw[0]
}

var placeholder = regexp.MustCompile(`\$([A-Za-z0-9_.{}]+)\$`)

// splunkOutputs: the fields a search's stats keeps (values() and by-fields)
// and its rba message, both traced to raw fields.
func splunkOutputs(r *ast.Rule) ([][]string, []portable.TitlePart) {
	var st *sourcetype.SourceType
	if len(r.LogTypes) > 0 {
		st, _ = sourcetype.Lookup(r.LogTypes[0])
	}
	form, _ := equiv.Split(r)
	raw := func(name string) string {
		if x, ok := form.Values[name]; ok {
			if fs := ast.Fields(x); len(fs) > 0 {
				name = strings.Join(fs[0], ".")
			}
		}
		return rawPath(st, name)
	}
	var output [][]string
	seen := map[string]bool{}
	for _, name := range slices.Sorted(maps.Keys(form.Values)) {
		if p := raw(name); p != "" && !seen[p] && !strings.HasPrefix(p, "_") && !strings.Contains(p, "{}") {
			seen[p] = true
			output = append(output, strings.Split(p, "."))
		}
	}
	var title []portable.TitlePart
	msg := r.Meta.Message
	for msg != "" {
		loc := placeholder.FindStringSubmatchIndex(msg)
		if loc == nil {
			title = append(title, portable.TitlePart{Text: msg})
			break
		}
		if loc[0] > 0 {
			title = append(title, portable.TitlePart{Text: msg[:loc[0]]})
		}
		if p := raw(msg[loc[2]:loc[3]]); p != "" {
			title = append(title, portable.TitlePart{Field: strings.Split(p, ".")})
		} else {
			title = append(title, portable.TitlePart{Text: msg[loc[0]:loc[1]]})
		}
		msg = msg[loc[1]:]
	}
	if len(title) == 0 {
		title = []portable.TitlePart{{Text: r.Name}}
	}
	return output, title
}

// pantherOutputs: SummaryAttributes (userIdentity:arn is a nested key) and
// title(), whose string parts and field reads make the title.
func pantherOutputs(r *ast.Rule) ([][]string, []portable.TitlePart) {
	var output [][]string
	for _, a := range r.Meta.SummaryAttributes {
		if strings.HasPrefix(a, "p_") {
			continue // Panther's own enrichment fields
		}
		output = append(output, strings.Split(a, ":"))
	}
	var title []portable.TitlePart
	for _, o := range r.Outputs {
		if o.Name == "title" {
			title = titleParts(r, o.X)
		}
	}
	if len(title) == 0 {
		title = []portable.TitlePart{{Text: r.Name}}
	}
	return output, title
}

func titleParts(r *ast.Rule, x ast.Expr) []portable.TitlePart {
	switch n := x.(type) {
	case *ast.Concat:
		var out []portable.TitlePart
		for _, p := range n.Parts {
			out = append(out, titleParts(r, p)...)
		}
		return out
	case *ast.Lit:
		if n.Val.Kind() == ast.KindString {
			return []portable.TitlePart{{Text: n.Val.AsString()}}
		}
	case *ast.Default:
		return titleParts(r, n.X)
	case *ast.Field:
		return []portable.TitlePart{{Field: n.Path}}
	case *ast.Call:
		if p, ok := udmTitle(r, n); ok {
			return []portable.TitlePart{{Field: p}}
		}
	case *ast.Helper:
		return titleParts(r, n.Body)
	case *ast.Let:
		return titleParts(r, n.Body)
	}
	return []portable.TitlePart{{Text: "?"}}
}

// tests are the rule's test events with the rule's own verdicts, then a
// negative made from the first true positive for each value the condition
// requires of a field at its top level (eventName DeleteTrail becomes
// DescribeTrail), kept when the rule indeed rejects it.
func tests(c *harness.Compiled, cond portable.Expr) ([]portable.Test, ast.ErrorList, error) {
	r := c.Rule
	events, errs := harness.RuleEvents(r)
	var objects []harness.Event
	for _, ev := range events {
		if ev.Value.Kind() == ast.KindObject {
			objects = append(objects, ev)
		}
	}
	objects = withLogType(r, objects)
	res, err := c.Run(objects, nil)
	if err != nil {
		return nil, errs, fmt.Errorf("running %s on its test events: %w", r.File, err)
	}
	var out []portable.Test
	var firstHit *ast.Object
	for i, ev := range objects {
		name := ev.Source
		if _, after, ok := strings.Cut(ev.Source, "#"); ok {
			name = after
		} else if _, line, ok := strings.Cut(ev.Source, ".json:"); ok {
			name = "Attack data event " + line
		}
		hit := res.Verdicts[i].Hit
		out = append(out, portable.Test{Name: name, Expected: hit, Event: ev.Value})
		if hit && firstHit == nil {
			firstHit = ev.Value.AsObject()
		}
	}
	if firstHit == nil {
		return out, errs, nil
	}
	var negatives []harness.Event
	var names []string
	for _, a := range topAtoms(cond) {
		if a.Op != portable.Eq || len(a.Field) != 1 {
			continue
		}
		v, ok := firstHit.Get(a.Field[0])
		if !ok || v.Kind() != ast.KindString {
			continue
		}
		other := sibling(v.AsString())
		if other == "" {
			continue
		}
		o := firstHit.Clone()
		o.Set(a.Field[0], ast.String(other))
		negatives = append(negatives, harness.Event{Source: "negative", Value: ast.ObjectOf(o)})
		names = append(names, fmt.Sprintf("%s %s, not %s", a.Path(), other, v.AsString()))
	}
	if len(negatives) > 0 {
		res, err := c.Run(negatives, nil)
		if err != nil {
			return nil, errs, err
		}
		for i, ev := range negatives {
			if !res.Verdicts[i].Hit {
				out = append(out, portable.Test{Name: names[i], Expected: false, Event: ev.Value})
			}
		}
	}
	return out, errs, nil
}

func topAtoms(x portable.Expr) []*portable.Atom {
	switch x := x.(type) {
	case *portable.Atom:
		return []*portable.Atom{x}
	case *portable.And:
		var out []*portable.Atom
		for _, y := range x.Xs {
			if a, ok := y.(*portable.Atom); ok {
				out = append(out, a)
			}
		}
		return out
	}
	return nil
}

// verbs pair an API action with a harmless one on the same resource.
var verbs = [][2]string{
	{"Delete", "Describe"}, {"Put", "Get"}, {"Create", "List"}, {"Stop", "Start"}, {"Disable", "Enable"},
	{"Update", "Get"}, {"Schedule", "Cancel"}, {"Remove", "List"}, {"Authorize", "Describe"}, {"Attach", "List"},
}

// sibling is a value of the same family that means something harmless: an
// API call's read-only sibling, else "" (no negative is made).
func sibling(v string) string {
	for _, p := range verbs {
		if rest, ok := strings.CutPrefix(v, p[0]); ok && rest != "" {
			return p[1] + rest
		}
	}
	return ""
}
