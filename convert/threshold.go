package convert

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/equiv"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/notation"
	"github.com/concordsec/concord/portable"
	"github.com/concordsec/concord/sourcetype"
)

// pantherThreshold reads a Panther rule's aggregation: Threshold events with
// the same dedup string within DedupPeriodMinutes (60 when unset). The dedup
// string is dedup()'s, else title()'s, else the rule ID (Panther's order:
// https://help.panther.com/articles/9981434414-what-fields-are-used-for-deduplicating-repeated-alerts-in-panther);
// conversion groups by the event fields it is made of (CloudTrail's
// actor_user approximated by the caller's ARN, a lossy point), and refuses
// one made of anything else (another data model value, a branch).
func pantherThreshold(r *ast.Rule) (*portable.Threshold, []portable.Lossy, error) {
	th := &portable.Threshold{Count: r.Threshold, WindowMinutes: r.DedupPeriodMinutes}
	if th.WindowMinutes <= 0 {
		th.WindowMinutes = portable.DefaultWindowMinutes
	}
	for _, name := range []string{"dedup", "title"} {
		i := slices.IndexFunc(r.Outputs, func(o ast.Output) bool { return o.Name == name })
		if i < 0 {
			continue
		}
		x := r.Outputs[i].X
		var lossy []portable.Lossy
		actor := ast.Contains(x, actorUser)
		if actor {
			lossy = append(lossy, actorUserLossy)
		}
		fields, err := dedupFields(x)
		if actor && !slices.Contains(r.LogTypes, "AWS.CloudTrail") {
			err = fmt.Errorf("the data model's actor_user")
		}
		if err != nil {
			pos := x.Pos()
			if pos.File == "" {
				pos.File = r.File
			}
			return nil, nil, &Error{Pos: pos, Reason: fmt.Sprintf("Threshold %d counts events by the dedup string, here %s(), which reads %s: conversion groups by fields of the event",
				r.Threshold, name, err)}
		}
		th.GroupBy = fields
		return th, lossy, nil
	}
	return th, nil, nil // the rule ID: one group
}

// actorUser: x reads the data model's actor_user.
func actorUser(x ast.Expr) bool {
	c, ok := x.(*ast.Call)
	if !ok || c.Fn != "panther.udm" || len(c.Args) != 1 {
		return false
	}
	name, ok := str(c.Args[0])
	return ok && name == "actor_user"
}

// actorUserLossy: CloudTrail's actor_user (panther-analysis's
// data_models/aws_cloudtrail_data_model.py get_actor_user) is the user name,
// the role of an assumed-role session or the invoking service, read from
// these fields by userIdentity.type; the conversion groups by the caller's ARN,
// which splits a role's sessions and misses callers without one.
var actorUserLossy = portable.Lossy{
	Fields: []string{"userIdentity.arn", "userIdentity.type", "userIdentity.userName", "userIdentity.accountId",
		"userIdentity.principalId", "userIdentity.sessionContext.sessionIssuer.userName", "userIdentity.invokedBy",
		"additionalEventData.UserName", "sourceIdentity", "eventType"},
	Either: true,
	Reason: "The Panther rule counts by the data model's actor_user (a user name, an assumed role's name, or the invoking service, by userIdentity.type); the conversion counts by userIdentity.arn, which splits one role's sessions into groups and has no group for a caller without an ARN.",
}

// dedupFields are the event fields a dedup string is made of: a field (with
// a default for when it is missing), an f-string or concatenation of fields
// and text, str() of one; text is the same for every event and groups
// nothing.
func dedupFields(x ast.Expr) ([][]string, error) {
	switch n := x.(type) {
	case *ast.Field:
		return [][]string{n.Path}, nil
	case *ast.Default:
		if len(ast.Fields(n.Else)) == 0 { // a placeholder for a missing field
			return dedupFields(n.X)
		}
	case *ast.Lit:
		if n.Val.Kind() == ast.KindString {
			return nil, nil
		}
	case *ast.Helper:
		return dedupFields(n.Body)
	case *ast.Concat:
		var out [][]string
		for _, p := range n.Parts {
			fs, err := dedupFields(p)
			if err != nil {
				return nil, err
			}
			for _, f := range fs {
				if !slices.ContainsFunc(out, func(g []string) bool { return slices.Equal(f, g) }) {
					out = append(out, f)
				}
			}
		}
		return out, nil
	case *ast.Call:
		if actorUser(n) {
			// CloudTrail's actor_user, approximated (actorUserLossy).
			return [][]string{{"userIdentity", "arn"}}, nil
		}
		if n.Fn == "py.str" && len(n.Args) == 1 {
			return dedupFields(n.Args[0])
		}
		// event.get("a", {}).get("b", "x"): the field a.b.
		if n.Fn == "py.dict.get" && len(n.Args) >= 2 {
			key, ok := str(n.Args[1])
			outer, err := dedupFields(n.Args[0])
			if ok && err == nil && len(outer) == 1 {
				return [][]string{append(slices.Clone(outer[0]), key)}, nil
			}
		}
	}
	s := notation.PrintInline(x)
	if len(s) > 100 {
		s = s[:97] + "..."
	}
	return nil, fmt.Errorf("%s", s)
}

// splunkThreshold reads a search of the shape
//
//	<base search> [| bin _time span=W] | stats count [aggs] by F... | where count >= N [| commands that keep every row]
//
// as a threshold: the search with the stats kept and the where (and what
// follows it) cut is its per-event part. A search without a where on an
// aggregate right after its stats is not one (nil, r); a where on another
// aggregate (dc(src_ip) > 1) is refused: it counts values, not events.
func splunkThreshold(r *ast.Rule) (*portable.Threshold, *ast.Rule, []portable.Lossy, error) {
	si := slices.IndexFunc(r.Pipeline, func(c ast.Command) bool { _, ok := c.(*ast.StatsCmd); return ok })
	if si < 0 || si+1 >= len(r.Pipeline) {
		return nil, r, nil, nil
	}
	stats := r.Pipeline[si].(*ast.StatsCmd)
	where, ok := r.Pipeline[si+1].(*ast.WhereCmd)
	if !ok || !readsAggregate(where.Cond, stats) {
		return nil, r, nil, nil
	}
	fail := func(pos ast.Pos, format string, args ...any) error {
		if pos.File == "" {
			pos.File = r.File
		}
		return &Error{Pos: pos, Reason: fmt.Sprintf(format, args...)}
	}
	name, n, ok := countAtLeast(where.Cond)
	if !ok {
		return nil, nil, nil, fail(where.Pos(), "where %s after stats: conversion turns a threshold on a count of events (where count >= N) into Panther's Threshold, not other conditions on aggregates", notation.PrintInline(where.Cond))
	}
	var lossy []portable.Lossy
	i := slices.IndexFunc(stats.Aggs, func(a ast.Agg) bool { return a.As == name })
	switch a := stats.Aggs[i]; {
	case a.Fn == "count" && a.Arg == "" && a.X == nil:
	case a.Fn == "dc" && a.Arg == "_raw":
		lossy = append(lossy, portable.Lossy{Either: true,
			Reason: "The search counts distinct raw events (dc(_raw)), so identical copies of an event count once; Panther's Threshold counts every matching event."})
	default:
		return nil, nil, nil, fail(where.Pos(), "where %s: %s is %s(%s), not a count of events, which Panther's Threshold cannot say", notation.PrintInline(where.Cond), name, a.Fn, a.Arg)
	}
	for _, c := range r.Pipeline[si+2:] {
		switch c := c.(type) {
		case *ast.LookupCmd, *ast.ConvertCmd, *ast.EvalCmd, *ast.TableCmd, *ast.FieldsCmd, *ast.RenameCmd:
			// They add or shape columns; every row stays.
		case *ast.SortCmd:
			if c.Limit > 0 {
				return nil, nil, nil, fail(c.Pos(), "sort %d after the threshold keeps only some groups", c.Limit)
			}
		case *ast.SearchCmd:
			if l, ok := c.Cond.(*ast.Lit); !ok || !l.Val.Truth() {
				return nil, nil, nil, fail(c.Pos(), "a search after the threshold filters groups (search %s)", notation.PrintInline(c.Cond))
			}
		default:
			return nil, nil, nil, fail(c.Pos(), "%s after the threshold", strings.TrimSuffix(strings.TrimPrefix(fmt.Sprintf("%T", c), "*ast."), "Cmd"))
		}
	}
	th := &portable.Threshold{Count: n, WindowMinutes: portable.DefaultWindowMinutes}
	binned := false
	for _, c := range r.Pipeline[:si] {
		b, ok := c.(*ast.BinCmd)
		if !ok || b.Field != "_time" || (b.As != "" && b.As != "_time") || !slices.Contains(stats.By, "_time") {
			continue
		}
		if !b.Time || b.Size < 60 || math.Mod(b.Size, 60) != 0 {
			return nil, nil, nil, fail(b.Pos(), "bin span=%s: Panther's dedup period is a whole number of minutes", b.SpanText)
		}
		th.WindowMinutes, binned = int(b.Size/60), true
	}
	if !binned {
		if slices.Contains(stats.By, "_time") {
			return nil, nil, nil, fail(stats.Pos(), "stats by _time without bin _time: a group per second")
		}
		lossy = append(lossy, portable.Lossy{Either: true,
			Reason: fmt.Sprintf("The search counts over its whole time range (its schedule's earliest and latest); the conversion counts within Panther's default dedup period of %d minutes.", portable.DefaultWindowMinutes)})
	}
	perEvent := *r
	perEvent.Pipeline = slices.Clone(r.Pipeline[:si+1])
	form, reason := equiv.Split(&perEvent)
	if reason != "" {
		return nil, nil, nil, fail(ast.Pos{}, "the search has no per-event form before its threshold: %s", reason)
	}
	var st *sourcetype.SourceType
	if len(r.LogTypes) > 0 {
		st, _ = sourcetype.Lookup(r.LogTypes[0])
	}
	for _, b := range stats.By {
		if b == "_time" {
			continue
		}
		f, ok := form.Values[b].(*ast.Field)
		if !ok {
			return nil, nil, nil, fail(stats.Pos(), "stats by %s, which the search computes (%s): Panther's dedup string reads fields of the event", b, notation.PrintInline(form.Values[b]))
		}
		name := strings.Join(f.Path, ".")
		raw := name
		if st != nil {
			// An alias lists the raw field it copies and its own name (a raw
			// key so named would do too): the former is meant.
			o := st.Sources(name)
			others := slices.DeleteFunc(slices.Clone(o.Raw), func(s string) bool { return s == name && len(o.Raw) > 1 })
			if !o.OK || o.Computed || len(others) != 1 {
				return nil, nil, nil, fail(stats.Pos(), "stats by %s, which the Splunk add-on computes from %s: Panther's dedup string reads fields of the raw event", b, strings.Join(o.Raw, ", "))
			}
			raw = others[0]
		}
		if strings.Contains(raw, "{}") {
			return nil, nil, nil, fail(stats.Pos(), "stats by %s, a value of each element of a list: Splunk counts the event in a group per value", b)
		}
		th.GroupBy = append(th.GroupBy, strings.Split(raw, "."))
	}
	return th, &perEvent, lossy, nil
}

// readsAggregate: the condition reads a field the stats computes.
func readsAggregate(x ast.Expr, s *ast.StatsCmd) bool {
	for _, f := range ast.Fields(x) {
		name := strings.Join(f, ".")
		if slices.ContainsFunc(s.Aggs, func(a ast.Agg) bool { return a.As == name }) {
			return true
		}
	}
	return false
}

// countAtLeast reads `where F >= N`, `F > N` (N+1), and the same written
// the other way round, F being a field and N a whole number.
func countAtLeast(x ast.Expr) (string, int, bool) {
	c, ok := x.(*ast.Compare)
	if !ok {
		return "", 0, false
	}
	f, lit, op := c.X, c.Y, c.Op
	if _, isLit := f.(*ast.Lit); isLit {
		f, lit = lit, f
		op = map[ast.CmpOp]ast.CmpOp{ast.Le: ast.Ge, ast.Lt: ast.Gt}[op]
	}
	fld, ok1 := f.(*ast.Field)
	l, ok2 := lit.(*ast.Lit)
	if !ok1 || !ok2 || len(fld.Path) != 1 || l.Val.Kind() != ast.KindInt {
		return "", 0, false
	}
	n := int(l.Val.AsInt())
	switch op {
	case ast.Ge:
	case ast.Gt:
		n++
	default:
		return "", 0, false
	}
	return fld.Path[0], max(n, 1), true
}

// thresholdLossy are the points where Panther's Threshold and Splunk's
// binned stats count differently, whichever is the source.
//
// Sources: Panther's dedup period opens at a group's first match and lasts
// DedupPeriodMinutes (https://help.panther.com/Alerts_and_Destinations/Alerts/Will_specifying_a_dedup_period_delay_a_Panther_alert_for_the_duration_of_the_set_period%3F);
// Splunk's bin puts _time into spans aligned to the clock, and stats drops an
// event whose by-field is null and counts an event once per value of a
// multivalue by-field (https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/stats).
func thresholdLossy(th *portable.Threshold, cond portable.Expr, logType string, source ast.Platform) []portable.Lossy {
	out := []portable.Lossy{{Either: true,
		Reason: fmt.Sprintf("Panther's dedup period opens at a group's first matching event and lasts %d minutes; Splunk's bin _time spans are aligned to the clock, so a burst across a span boundary is counted in two groups.", th.WindowMinutes)}}
	if f := timeFields[logType]; f != "" {
		out = append(out, portable.Lossy{Fields: []string{f, "_time"}, Either: true,
			Reason: fmt.Sprintf("Both platforms place an event in time by its %s; one without a readable %s is placed when it arrives (Splunk's index time, Panther's parse time), which concord's run does not model: its Splunk search drops such an event from its time bins.", f, f)})
	}
	var fields []string
	for _, f := range th.GroupBy {
		fields = append(fields, strings.Join(f, "."))
	}
	if len(fields) == 0 {
		return out
	}
	out = append(out, portable.Lossy{Fields: fields, Kinds: []string{"array"}, Either: true,
		Reason: "Splunk's stats counts an event once in each group of a multivalue by-field (a JSON list); Panther's dedup string holds the list's text."})
	if len(fields) > 1 {
		out = append(out, portable.Lossy{Fields: fields, SourceHits: source == ast.Panther,
			Reason: "Panther's dedup string joins the group's fields with \":\", so values that contain \":\" can join two of Splunk's groups into one."})
	}
	if source == ast.Panther {
		// From Splunk, the stats by-field drop is already a lossy point of the
		// per-event condition.
		var missing []string
		for i, f := range th.GroupBy {
			if !requires(cond, f) {
				missing = append(missing, fields[i])
			}
		}
		if len(missing) > 0 {
			out = append(out, portable.Lossy{Fields: missing, Kinds: []string{"missing", "null"}, SourceHits: true,
				Reason: "Panther's dedup string holds a placeholder for a missing field, so such events make a group of their own; Splunk's stats drops an event whose by-field is null."})
		}
	}
	return out
}

// timeFields are the raw fields that give a log type's events their time.
var timeFields = map[string]string{"AWS.CloudTrail": "eventTime"}

// threshold reads a rule's aggregation, if it has one, and the rule that
// gives its per-event verdicts: the rule itself, or for a Splunk search the
// search cut before its threshold.
func threshold(c *harness.Compiled) (*portable.Threshold, *harness.Compiled, []portable.Lossy, error) {
	r := c.Rule
	switch r.Platform {
	case ast.Panther:
		if r.Threshold <= 1 {
			return nil, c, nil, nil
		}
		th, lossy, err := pantherThreshold(r)
		return th, c, lossy, err
	case ast.Splunk:
		th, perEvent, lossy, err := splunkThreshold(r)
		if err != nil || th == nil {
			return nil, c, nil, err
		}
		pc, errs := harness.Compile(perEvent)
		if len(errs) > 0 {
			return nil, nil, nil, fmt.Errorf("compiling the per-event part of %s: %w", r.File, errs)
		}
		return th, pc, lossy, nil
	}
	return nil, c, nil, nil
}

// countText writes a title's reads of the search's aggregates as text: the
// count as "N or more", others as the search's $name$.
func countText(title []portable.TitlePart, r *ast.Rule, th *portable.Threshold) []portable.TitlePart {
	var stats *ast.StatsCmd
	for _, c := range r.Pipeline {
		if s, ok := c.(*ast.StatsCmd); ok {
			stats = s
		}
	}
	if stats == nil {
		return title
	}
	out := slices.Clone(title)
	for i, p := range out {
		if len(p.Field) != 1 {
			continue
		}
		j := slices.IndexFunc(stats.Aggs, func(a ast.Agg) bool { return a.As == p.Field[0] })
		switch {
		case j < 0 || stats.Aggs[j].Fn == "values":
		case stats.Aggs[j].Fn == "count" || (stats.Aggs[j].Fn == "dc" && stats.Aggs[j].Arg == "_raw"):
			out[i] = portable.TitlePart{Text: fmt.Sprintf("%d or more", th.Count)}
		default:
			out[i] = portable.TitlePart{Text: "$" + p.Field[0] + "$"}
		}
	}
	return out
}
