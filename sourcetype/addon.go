package sourcetype

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/concordsec/concord/ast"
)

// Addon is what LoadAddon read from one installed Splunk add-on (app) directory.
type Addon struct {
	Dir         string
	Name        string         // app.conf [package] id, else the directory name
	Version     string         // app.conf [launcher] version, if given
	SourceTypes []string       // the sourcetypes its props.conf defines or extends, sorted
	Ignored     map[string]int // props.conf stanzas that name no sourcetype, by kind ("source::", "host::", ...)
	// Warnings are settings concord read but cannot apply (a regex RE2 rejects,
	// an EVAL the eval package cannot compile, a KV store lookup, ...), each at
	// its line. The rest of the sourcetype's knowledge still applies.
	Warnings ast.ErrorList

	transforms *confFile
}

// Notes describes what was loaded and what was passed over, one line each.
func (a *Addon) Notes() []string {
	label := a.Name
	if a.Version != "" {
		label += " " + a.Version
	}
	notes := []string{fmt.Sprintf("%s: %d sourcetypes (%s)", label, len(a.SourceTypes), strings.Join(a.SourceTypes, ", "))}
	kinds := make([]string, 0, len(a.Ignored))
	for k := range a.Ignored {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		notes = append(notes, fmt.Sprintf("%s: ignored %d [%s...] stanzas (only sourcetype stanzas are modelled)", label, a.Ignored[k], k))
	}
	if n := len(a.Warnings); n > 0 {
		notes = append(notes, fmt.Sprintf("%s: %d settings not applied (see warnings)", label, n))
	}
	return notes
}

// setting is one props.conf setting of a sourcetype and the add-on it came from.
type setting struct {
	confValue
	addon *Addon
}

// mergedStanza is a sourcetype's props.conf settings across the add-ons loaded,
// a later add-on's setting replacing an earlier one of the same name.
type mergedStanza struct {
	keys   map[string]setting
	addons []*Addon
}

// ignoredPrefixes are the props.conf stanza kinds that apply by source, host
// or rule rather than by sourcetype.
var ignoredPrefixes = []string{"source::", "host::", "rule::", "delayedrule::"}

// LoadAddon loads an add-on into the Default registry (see Registry.LoadAddon).
func LoadAddon(dir string) (*Addon, ast.ErrorList) {
	r, err := Default()
	if err != nil {
		var errs ast.ErrorList
		errs.Add(ast.Pos{File: dir}, ast.CodeIO, err.Error())
		return nil, errs
	}
	return r.LoadAddon(dir)
}

// LoadAddon reads the search-time knowledge of an installed Splunk add-on: the
// directory holding default/ (and local/, whose settings override default's
// key by key, as Splunk layers them), with props.conf, transforms.conf and the
// lookups/*.csv tables its lookups name. Every sourcetype stanza is registered:
// it replaces concord's built-in knowledge of that sourcetype (keeping only the
// built-in's time field and KV mode where the add-on sets none), and extends
// what earlier add-ons defined for it, setting by setting.
//
// errs holds unreadable files and malformed lines; when it is not empty nothing
// is registered. Settings that are well formed but beyond the engine are in the
// returned Addon's Warnings instead.
func (r *Registry) LoadAddon(dir string) (*Addon, ast.ErrorList) {
	var errs ast.ErrorList
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		if err == nil {
			err = errors.New("not a directory")
		}
		errs.Add(ast.Pos{File: dir}, ast.CodeIO, err.Error())
		return nil, errs
	}
	props, transforms, app, eventtypes, tags := newConfFile(), newConfFile(), newConfFile(), newConfFile(), newConfFile()
	found := false
	for _, layer := range []string{"default", "local"} {
		for _, c := range []struct {
			name string
			into *confFile
		}{{"props.conf", props}, {"transforms.conf", transforms}, {"app.conf", app}, {"eventtypes.conf", eventtypes}, {"tags.conf", tags}} {
			file := filepath.Join(dir, layer, c.name)
			src, err := os.ReadFile(file)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				errs.Add(ast.Pos{File: file}, ast.CodeIO, err.Error())
				continue
			}
			if c.name == "props.conf" {
				found = true
			}
			errs.Append(parseConf(c.into, file, src))
		}
	}
	if !found && len(errs) == 0 {
		errs.Add(ast.Pos{File: dir}, ast.CodeIO, "no default/props.conf or local/props.conf: not a Splunk add-on directory")
	}
	if len(errs) > 0 {
		errs.Sort()
		return nil, errs
	}
	a := &Addon{Dir: dir, Name: filepath.Base(filepath.Clean(dir)), Ignored: map[string]int{}, transforms: transforms}
	if v, ok := app.get("package", "id"); ok && v.Value != "" {
		a.Name = v.Value
	}
	if v, ok := app.get("launcher", "version"); ok {
		a.Version = v.Value
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, name := range props.Order {
		stz := props.Stanzas[name]
		if kind := ignoredKind(name); kind != "" {
			if kind != "default" || len(stz.Keys) > 0 {
				a.Ignored[kind]++
			}
			continue
		}
		a.SourceTypes = append(a.SourceTypes, name)
		ms := r.props[name]
		if ms == nil {
			ms = &mergedStanza{keys: map[string]setting{}}
			r.props[name] = ms
		}
		ms.addons = append(ms.addons, a)
		for k, v := range stz.Keys {
			ms.keys[k] = setting{v, a}
		}
		st, warns := r.compile(name, ms)
		for _, w := range warns {
			if w.addon == a {
				a.Warnings = append(a.Warnings, w.err)
			}
		}
		r.types[name] = st
	}
	r.tagging.load(a, eventtypes, tags)
	sort.Strings(a.SourceTypes)
	a.Warnings.Sort()
	r.addons = append(r.addons, a)
	return a, nil
}

func ignoredKind(stanza string) string {
	if stanza == "default" {
		return "default"
	}
	for _, p := range ignoredPrefixes {
		if strings.HasPrefix(stanza, p) {
			return p
		}
	}
	return ""
}

type warning struct {
	addon *Addon
	err   *ast.Error
}

// compile builds a sourcetype from its layered props.conf settings, in
// Splunk's search-time order: EXTRACT- then REPORT- (each in ASCII order of
// class name), FIELDALIAS-, EVAL-, then LOOKUP- (ASCII order). A setting that
// cannot be applied is left out with a warning naming it.
func (r *Registry) compile(name string, ms *mergedStanza) (*SourceType, []warning) {
	var warns []warning
	warn := func(s setting, key, format string, args ...any) {
		warns = append(warns, warning{s.addon, ast.Errorf(s.Pos, ast.CodeUnsupported, "unsupported: %s: %s", key, fmt.Sprintf(format, args...))})
	}
	st := &SourceType{Name: name, Source: name, Known: true, kvJSON: true, tagging: r.tagging}
	if base := r.builtin[name]; base != nil {
		st.Source, st.kvJSON = base.Source, base.kvJSON
		st.TimeField, st.epochTime, st.epochDiv = base.TimeField, base.epochTime, base.epochDiv
	}
	var labels []string
	for _, a := range ms.addons {
		l := a.Name
		if a.Version != "" {
			l += " " + a.Version
		}
		if len(labels) == 0 || labels[len(labels)-1] != l {
			labels = append(labels, l)
		}
	}
	st.Addon = strings.Join(labels, ", ")

	if s, ok := ms.keys["KV_MODE"]; ok {
		switch mode := strings.ToLower(s.Value); mode {
		case "json":
			st.kvJSON = true
		case "none":
			st.kvJSON = false
		default:
			warn(s, "KV_MODE", "%s extraction is not modelled; JSON events still show their keys", s.Value)
			st.kvJSON = true
		}
	}
	if s, ok := ms.keys["INDEXED_EXTRACTIONS"]; ok {
		if strings.EqualFold(s.Value, "json") {
			st.kvJSON = true
		} else {
			warn(s, "INDEXED_EXTRACTIONS", "%s is not modelled", s.Value)
		}
	}
	r.compileTime(st, ms, warn)

	for _, key := range classes(ms, "EXTRACT-") {
		s := ms.keys[key]
		x := extraction{Regex: s.Value, Field: "_raw", cleanKeys: true}
		if m := extractIn.FindStringSubmatch(s.Value); m != nil {
			x.Regex, x.Field = m[1], m[2]
		}
		re, err := regexp.Compile(x.Regex)
		if err != nil {
			warn(s, key, "regex: %v", err)
			continue
		}
		x.re = re
		st.extracts = append(st.extracts, x)
	}
	for _, key := range classes(ms, "REPORT-") {
		s := ms.keys[key]
		for _, tname := range splitList(s.Value) {
			tr, _ := r.transform(s.addon, tname)
			if tr == nil {
				warn(s, key, "no transforms.conf stanza [%s]", tname)
				continue
			}
			if x, msg := reportExtraction(tr); msg != "" {
				warn(s, key, "[%s] %s", tname, msg)
			} else {
				st.extracts = append(st.extracts, x)
			}
		}
	}
	for _, key := range classes(ms, "FIELDALIAS-") {
		s := ms.keys[key]
		as, err := parseAliases(s.Value)
		if err != nil {
			warn(s, key, "%v", err)
			continue
		}
		st.aliases = append(st.aliases, as...)
	}
	for _, key := range classes(ms, "EVAL-") {
		s := ms.keys[key]
		calc, errs := compileEval(strings.TrimPrefix(key, "EVAL-"), s.ValuePos, s.Value)
		if errs != nil {
			warn(s, key, "%s", strings.TrimPrefix(errs[0].Msg, ast.CodeUnsupported+": "))
			continue
		}
		st.calc = append(st.calc, calc)
	}
	for _, key := range classes(ms, "LOOKUP-") {
		s := ms.keys[key]
		lk, msg := r.automaticLookup(s)
		if msg != "" {
			warn(s, key, "%s", msg)
			continue
		}
		st.lookups = append(st.lookups, lk)
	}
	return st, warns
}

// classes lists the settings with a prefix in ASCII order of their names, the
// order Splunk applies them in.
func classes(ms *mergedStanza, prefix string) []string {
	var out []string
	for k := range ms.keys {
		if strings.HasPrefix(k, prefix) && len(k) > len(prefix) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// extractIn splits "EXTRACT-x = <regex> in <field>".
var extractIn = regexp.MustCompile(`(?s)^(.*\S)\s+in\s+([A-Za-z0-9_.{}@-]+)$`)

// A TIME_PREFIX naming a JSON key, as add-ons write it for JSON events:
// "eventTime":\s*" or \"eventTime\"\s*\:\s*\" (the key's opening quote optional).
var jsonTimePrefix = regexp.MustCompile(`^(?:\\?")?([A-Za-z_][A-Za-z0-9_]*)\\?"(?:\\s\*|\s|\\?:)*(?:\\?")?$`)

// compileTime derives where _time comes from. Splunk finds the timestamp in
// the raw text at index time, after TIME_PREFIX, in TIME_FORMAT. concord reads
// it from the JSON key a TIME_PREFIX (or TIMESTAMP_FIELDS) names, or else
// after the TIME_PREFIX regex in _raw.
func (r *Registry) compileTime(st *SourceType, ms *mergedStanza, warn func(setting, string, string, ...any)) {
	field, prefix := "", (*regexp.Regexp)(nil)
	if s, ok := ms.keys["TIMESTAMP_FIELDS"]; ok {
		field = strings.Trim(splitList(s.Value)[0], `"`)
	} else if s, ok := ms.keys["TIME_PREFIX"]; ok {
		if m := jsonTimePrefix.FindStringSubmatch(s.Value); m != nil {
			field = m[1]
		} else if re, err := regexp.Compile(strings.ReplaceAll(s.Value, "(?>", "(?:")); err == nil {
			// An atomic group only limits backtracking; for finding where a
			// prefix ends, a plain group finds the same place in practice.
			prefix = re
		} else {
			warn(s, "TIME_PREFIX", "%v; _time is not set", err)
			st.TimeField, st.timePrefix = "", nil
			return
		}
	}
	if field == "" && prefix == nil {
		return
	}
	st.TimeField, st.timePrefix, st.epochTime, st.epochDiv = field, prefix, false, 0
	if s, ok := ms.keys["TIME_FORMAT"]; ok {
		switch {
		case s.Value == "%s":
			st.epochTime = true
		case s.Value == "%s%3N":
			st.epochTime, st.epochDiv = true, 1000
		case strings.HasPrefix(s.Value, "%Y-%m-%d"):
		default:
			warn(s, "TIME_FORMAT", "%s: only epoch (%%s, %%s%%3N) and ISO 8601 (%%Y-%%m-%%d...) times are read; _time is not set", s.Value)
			st.TimeField, st.timePrefix = "", nil
		}
	}
}

// transform finds a transforms.conf stanza: the add-on's own first, then
// those of the add-ons loaded before it, latest first (transforms are global
// across apps in Splunk).
func (r *Registry) transform(own *Addon, name string) (*confStanza, *Addon) {
	if s := own.transforms.Stanzas[name]; s != nil {
		return s, own
	}
	for i := len(r.addons) - 1; i >= 0; i-- {
		if s := r.addons[i].transforms.Stanzas[name]; s != nil {
			return s, r.addons[i]
		}
	}
	return nil, nil
}

// reportExtraction builds a REPORT- extraction from its transform; msg says
// why it cannot be applied.
func reportExtraction(tr *confStanza) (extraction, string) {
	get := func(k string) string { return tr.Keys[k].Value }
	if _, ok := tr.Keys["DELIMS"]; ok {
		return extraction{}, "DELIMS/FIELDS extraction is not modelled"
	}
	if _, ok := tr.Keys["DEST_KEY"]; ok {
		return extraction{}, "DEST_KEY: an index-time transform, not a search-time extraction"
	}
	if get("REGEX") == "" {
		return extraction{}, "no REGEX"
	}
	re, err := regexp.Compile(get("REGEX"))
	if err != nil {
		return extraction{}, fmt.Sprintf("REGEX: %v", err)
	}
	x := extraction{Regex: get("REGEX"), Format: get("FORMAT"), Field: "_raw", re: re, cleanKeys: true}
	if x.Format == "" {
		named := false
		for _, n := range re.SubexpNames() {
			named = named || n != ""
		}
		if !named {
			return extraction{}, "no FORMAT and no named groups: nothing to extract"
		}
	}
	if k := get("SOURCE_KEY"); k != "" {
		switch strings.ToLower(k) {
		case "metadata:source":
			k = "source"
		case "metadata:sourcetype":
			k = "sourcetype"
		case "metadata:host":
			k = "host"
		}
		x.Field = strings.TrimPrefix(k, "field:")
	}
	var bad []string
	for _, b := range []struct {
		key string
		v   *bool
	}{{"MV_ADD", &x.MVAdd}, {"CLEAN_KEYS", &x.cleanKeys}, {"KEEP_EMPTY_VALS", &x.keepEmpty}} {
		if v, ok := tr.Keys[b.key]; ok {
			if bv, ok := confBool(v.Value); ok {
				*b.v = bv
			} else {
				bad = append(bad, b.key+" "+quoteShort(v.Value))
			}
		}
	}
	if len(bad) > 0 {
		return extraction{}, "not a boolean: " + strings.Join(bad, ", ")
	}
	return x, ""
}

func confBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "t", "yes", "y":
		return true, true
	case "0", "false", "f", "no", "n":
		return false, true
	}
	return false, false
}

// splitList splits a comma- or space-separated list of names.
func splitList(s string) []string {
	out := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' })
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

// tokens splits a setting into words, commas separating too; a double-quoted
// word may hold spaces or commas.
func tokens(s string) []string {
	var out []string
	var cur strings.Builder
	inQuote, have := false, false
	flush := func() {
		if have {
			out = append(out, cur.String())
		}
		cur.Reset()
		have = false
	}
	for _, c := range s {
		switch {
		case c == '"':
			inQuote, have = !inQuote, true
		case !inQuote && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			flush()
		default:
			cur.WriteRune(c)
			have = true
		}
	}
	flush()
	return out
}

// parseAliases reads "a AS b [c AS d ...]", ASNEW keeping an existing field.
func parseAliases(s string) ([]alias, error) {
	t := tokens(s)
	if len(t) == 0 || len(t)%3 != 0 {
		return nil, fmt.Errorf("want <field> AS|ASNEW <alias> ..., got %s", quoteShort(s))
	}
	var out []alias
	for i := 0; i < len(t); i += 3 {
		switch strings.ToUpper(t[i+1]) {
		case "AS":
			out = append(out, alias{From: t[i], To: t[i+2]})
		case "ASNEW":
			out = append(out, alias{From: t[i], To: t[i+2], Keep: true})
		default:
			return nil, fmt.Errorf("want AS or ASNEW after %s, got %s", t[i], t[i+1])
		}
	}
	return out, nil
}

// automaticLookup reads "LOOKUP-x = <lookup> <col> [AS <field>] ... [OUTPUT|
// OUTPUTNEW <col> [AS <field>] ...]" and the transforms.conf stanza it names.
func (r *Registry) automaticLookup(s setting) (*lookup, string) {
	t := tokens(s.Value)
	if len(t) < 2 {
		return nil, "want <lookup> <input field> ... [OUTPUT|OUTPUTNEW <field> ...]"
	}
	lk := &lookup{maxMatches: 100, wildcard: map[string]bool{}, cidr: map[string]bool{}}
	list := &lk.match
	for i := 1; i < len(t); i++ {
		switch strings.ToUpper(t[i]) {
		case "OUTPUT", "OUTPUTNEW":
			if list == &lk.output {
				return nil, "a second OUTPUT clause"
			}
			lk.outputNew = strings.EqualFold(t[i], "OUTPUTNEW")
			list = &lk.output
			continue
		case "AS":
			if len(*list) == 0 || i+1 >= len(t) {
				return nil, "AS without a field on both sides"
			}
			(*list)[len(*list)-1].Field = t[i+1]
			i++
			continue
		}
		*list = append(*list, colField{t[i], t[i]})
	}
	if len(lk.match) == 0 {
		return nil, "no input field"
	}
	tr, owner := r.transform(s.addon, t[0])
	if tr == nil {
		return nil, fmt.Sprintf("no transforms.conf stanza [%s]", t[0])
	}
	get := func(k string) (string, bool) { v, ok := tr.Keys[k]; return strings.TrimSpace(v.Value), ok }
	for _, k := range []string{"external_cmd", "collection"} {
		if _, ok := get(k); ok {
			return nil, fmt.Sprintf("[%s] %s: only CSV file lookups are modelled", t[0], k)
		}
	}
	if _, ok := get("time_field"); ok {
		return nil, fmt.Sprintf("[%s] time_field: time-bounded lookups are not modelled", t[0])
	}
	file, ok := get("filename")
	if !ok || file == "" {
		return nil, fmt.Sprintf("[%s] no filename", t[0])
	}
	if v, ok := get("match_type"); ok {
		for _, m := range matchType.FindAllStringSubmatch(v, -1) {
			for _, col := range splitList(m[2]) {
				switch strings.ToUpper(m[1]) {
				case "WILDCARD":
					lk.wildcard[col] = true
				case "CIDR":
					lk.cidr[col] = true
				case "EXACT":
				default:
					return nil, fmt.Sprintf("[%s] match_type %s is not modelled", t[0], m[1])
				}
			}
		}
	}
	if v, ok := get("case_sensitive_match"); ok {
		b, ok := confBool(v)
		if !ok {
			return nil, fmt.Sprintf("[%s] case_sensitive_match %s: not a boolean", t[0], quoteShort(v))
		}
		lk.fold = !b
	}
	for _, n := range []struct {
		key string
		to  *int
	}{{"max_matches", &lk.maxMatches}, {"min_matches", &lk.minMatches}} {
		if v, ok := get(n.key); ok {
			i, err := strconv.Atoi(v)
			if err != nil || i < 0 {
				return nil, fmt.Sprintf("[%s] %s %s: not a count", t[0], n.key, quoteShort(v))
			}
			*n.to = i
		}
	}
	if lk.maxMatches < 1 {
		lk.maxMatches = 1
	}
	lk.def, _ = get("default_match")
	path := filepath.Join(owner.Dir, "lookups", filepath.Base(file))
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Sprintf("[%s] %v", t[0], err)
	}
	if err := lk.read(path, data, 0); err != nil {
		return nil, fmt.Sprintf("[%s] %v", t[0], err)
	}
	return lk, ""
}

var matchType = regexp.MustCompile(`(?i)(\w+)\s*\(([^)]*)\)`)
