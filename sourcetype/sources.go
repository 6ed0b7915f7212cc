package sourcetype

import (
	"slices"
	"strings"
)

// Origin is where a search-time field comes from in the raw JSON event.
type Origin struct {
	Raw []string // raw fields (dotted paths, as KV_MODE=json names them) it is computed from
	// Consts are the string constants the computation compares raw values
	// with (a calculated field's `'userIdentity.type' = "AssumedRole"`).
	Consts []string
	// Computed: a calculated field or a lookup output, not the raw value
	// under another name.
	Computed bool
	// ByClass: the field's value depends on the raw fields only through
	// their nullness and their equality with Consts (no lookup table, no
	// function such as replace or lower on the way).
	ByClass bool
	// Formatted: a regex extraction's FORMAT builds the value from its
	// groups and constant text, so the value need not occur in the event as
	// written (a named group's value always does).
	Formatted bool
	// OK is false when the field depends on the event's whole text (_raw, a
	// regex extraction from _raw, tags and eventtypes) or on a text event's
	// layout.
	OK bool
}

// Sources follows View's stages backwards (automatic lookups, calculated
// fields, aliases, extractions, JSON extraction) to the raw fields a
// search-time field is computed from. It lets a reasoner treat an add-on
// field as a function of the event as written.
func (st *SourceType) Sources(field string) Origin {
	if st == nil {
		return Origin{Raw: []string{field}, OK: true, ByClass: true}
	}
	o := Origin{ByClass: true}
	seen := map[string]bool{}
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			o.Raw = append(o.Raw, f)
		}
	}
	o.OK = st.lookupSources(field, add, &o)
	slices.Sort(o.Raw)
	slices.Sort(o.Consts)
	o.Consts = slices.Compact(o.Consts)
	return o
}

func (st *SourceType) lookupSources(field string, add func(string), o *Origin) bool {
	if isTagging(field) {
		return st.tagging == nil
	}
	ok := st.calcSources(field, add, o)
	for _, lk := range st.lookups {
		for _, out := range lk.output {
			if out.Field != field {
				continue
			}
			o.Computed, o.ByClass = true, false
			for _, m := range lk.match {
				ok = st.calcSources(m.Field, add, o) && ok
			}
		}
	}
	return ok
}

// isTagging says whether eventtypes and tags make field.
func isTagging(field string) bool {
	return field == "tag" || field == "eventtype" || strings.HasPrefix(field, "tag::")
}

func (st *SourceType) calcSources(field string, add func(string), o *Origin) bool {
	computed, ok := false, true
	for _, c := range st.calc {
		if c.Field != field {
			continue
		}
		// A calculated field replaces the field, even with null (View deletes it).
		computed = true
		o.Computed = true
		o.ByClass = o.ByClass && c.byClass
		o.Consts = append(o.Consts, c.consts...)
		for _, r := range c.reads {
			ok = st.aliasSources(r, add, o) && ok
		}
	}
	if computed {
		return ok
	}
	return st.aliasSources(field, add, o)
}

func (st *SourceType) aliasSources(field string, add func(string), o *Origin) bool {
	ok := true
	if st.Known {
		for _, a := range st.aliases {
			if a.To == field {
				ok = st.extractSources(a.From, add, o) && ok
			}
		}
	}
	// An alias whose source is absent leaves the field as extracted.
	return st.extractSources(field, add, o) && ok
}

func (st *SourceType) extractSources(field string, add func(string), o *Origin) bool {
	for _, x := range st.extracts {
		if x.Format != "" && strings.Contains(x.Format, "$") {
			return false // names taken from the text: any field may come from it
		}
		if !slices.Contains(x.re.SubexpNames(), field) && !strings.Contains(" "+x.Format, " "+field+"::") {
			continue
		}
		if x.Field == "_raw" {
			return false
		}
		o.Formatted = o.Formatted || x.Format != ""
		add(x.Field)
	}
	switch field {
	case "_raw":
		return false
	case "sourcetype", "source", "host", "index", "linecount", "splunk_server":
		return true // Splunk's own metadata, not the event's
	case "_time":
		if st.TimeField == "" {
			return false
		}
		add(st.TimeField)
		return true
	}
	if !st.kvJSON {
		return false
	}
	add(field)
	return true
}

// AliasOf returns the extracted field a search-time field is a plain copy of
// (one FIELDALIAS, no calculated field or lookup output over it): the field
// reads that raw field under another name.
func (st *SourceType) AliasOf(field string) (from string, ok bool) {
	o := st.Sources(field)
	if o.Computed || !o.OK || len(o.Raw) != 2 || !slices.Contains(o.Raw, field) {
		return "", false
	}
	if o.Raw[0] == field {
		return o.Raw[1], true
	}
	return o.Raw[0], true
}

// Narrow returns st with only the aliases, calculated fields and automatic
// lookups that make one of fields or a field they read, and without
// eventtypes and tags unless fields holds one: for a search that reads
// nothing but fields, its View gives the same values for less work.
//
// A calculated field or eventtype that fails on an event fails the whole
// view, whichever fields a search reads, so this is only for a sourcetype
// whose computations cannot fail (what package plan works out).
func (st *SourceType) Narrow(fields []string) *SourceType {
	if st == nil || !st.Known {
		return st
	}
	need := map[string]bool{}
	for _, f := range fields {
		need[f] = true
	}
	n := *st
	if !slices.ContainsFunc(fields, isTagging) {
		n.tagging = nil
	}
	// Backwards through View's steps: lookups read what the calculated
	// fields leave (and each lookup what the ones before it output), the
	// calculated fields what the aliases leave, the aliases what extraction
	// gives.
	n.lookups = nil
	for _, lk := range slices.Backward(st.lookups) {
		if slices.ContainsFunc(lk.output, func(o colField) bool { return need[o.Field] }) {
			n.lookups = append(n.lookups, lk)
			for _, m := range lk.match {
				need[m.Field] = true
			}
		}
	}
	slices.Reverse(n.lookups)
	n.calc = nil
	var reads []string
	for _, c := range st.calc {
		if need[c.Field] {
			n.calc = append(n.calc, c)
			reads = append(reads, c.reads...)
		}
	}
	for _, r := range reads {
		need[r] = true
	}
	n.aliases = nil
	for _, a := range st.aliases {
		if need[a.To] {
			n.aliases = append(n.aliases, a)
		}
	}
	for _, a := range n.aliases {
		need[a.From] = true
	}
	// _raw is kept when something reads it: a field, an extraction (which
	// may read _raw, or a field that is _raw's copy), the time prefix, an
	// eventtype search.
	n.dropRaw = !need["_raw"] && len(st.extracts) == 0 && st.timePrefix == nil && n.tagging == nil
	return &n
}

// ReadsRaw says whether View reads Meta.Raw: a narrowed sourcetype whose
// fields do not come from the text does not, which spares the caller a copy.
func (st *SourceType) ReadsRaw() bool {
	return st == nil || !st.dropRaw
}
