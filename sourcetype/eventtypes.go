package sourcetype

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/spl"
)

// tagging is the add-ons' eventtypes.conf and tags.conf: after the other
// search-time knowledge, an event gets the eventtypes whose search it matches
// (field eventtype) and the tags of those eventtypes and of its field values
// (field tag). Data model constraints such as the CIM's `tag=change` read them.
type tagging struct {
	eventtypes []*eventtype
	byValue    map[string][]string // "field=value" -> tags
}

type eventtype struct {
	name string
	prog *eval.Program
	tags []string
}

// loadTagging adds an add-on's eventtypes and tags; what cannot be compiled is
// a warning of the add-on.
func (t *tagging) load(a *Addon, eventtypes, tags *confFile) {
	tagsOf := func(stanza string) []string {
		var out []string
		if s := tags.Stanzas[stanza]; s != nil {
			for k, v := range s.Keys {
				if strings.EqualFold(v.Value, "enabled") {
					out = append(out, k)
				}
			}
		}
		sort.Strings(out)
		return out
	}
	for _, name := range eventtypes.Order {
		s := eventtypes.Stanzas[name]
		search, ok := s.Keys["search"]
		if !ok || name == "default" {
			continue
		}
		match, pipe, errs := spl.ParseSearch(search.Pos.File, search.Pos, search.Value, nil)
		if errs != nil || len(pipe) > 0 {
			a.Warnings = append(a.Warnings, ast.Errorf(search.Pos, ast.CodeUnsupported, "unsupported: eventtype %s: search %q: %v", name, quoteShort(search.Value), errs))
			continue
		}
		prog, cerrs := eval.Compile(match, ast.KeysExact)
		if cerrs != nil {
			a.Warnings = append(a.Warnings, ast.Errorf(search.Pos, ast.CodeUnsupported, "unsupported: eventtype %s: %v", name, cerrs))
			continue
		}
		t.eventtypes = append(t.eventtypes, &eventtype{name: name, prog: prog, tags: tagsOf("eventtype=" + name)})
	}
	for _, stanza := range tags.Order {
		field, value, ok := strings.Cut(stanza, "=")
		if !ok || field == "eventtype" {
			continue
		}
		if t.byValue == nil {
			t.byValue = map[string][]string{}
		}
		key := field + "=" + strings.Trim(value, `"`)
		t.byValue[key] = append(t.byValue[key], tagsOf(stanza)...)
	}
}

// apply sets eventtype and tag on a viewed event.
func (t *tagging) apply(o *ast.Object) error {
	if t == nil || (len(t.eventtypes) == 0 && len(t.byValue) == 0) {
		return nil
	}
	var types, tags []string
	add := func(list *[]string, xs ...string) {
		for _, x := range xs {
			if !slices.Contains(*list, x) {
				*list = append(*list, x)
			}
		}
	}
	rec := ast.ObjectOf(o)
	for _, et := range t.eventtypes {
		v, err := et.prog.Eval(&eval.Env{Record: rec})
		if err != nil {
			return fmt.Errorf("eventtype %s: %w", et.name, err)
		}
		if v.Truth() {
			add(&types, et.name)
			add(&tags, et.tags...)
		}
	}
	for i, k := range o.Keys {
		for _, v := range values(o.Vals[i]) {
			add(&tags, t.byValue[k+"="+v.Text()]...)
		}
	}
	setMulti(o, "eventtype", types)
	setMulti(o, "tag", tags)
	return nil
}

func setMulti(o *ast.Object, field string, xs []string) {
	if len(xs) == 0 {
		return
	}
	vals := make([]ast.Value, len(xs))
	for i, x := range xs {
		vals[i] = ast.String(x)
	}
	o.Set(field, mvOf(vals))
}
