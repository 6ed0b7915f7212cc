package spl

import (
	"bytes"
	"cmp"
	"crypto/sha1"
	"fmt"
	"net/netip"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/internal/ascii"
	"github.com/concordsec/concord/portable"
)

// PrintOptions configure PrintDetection.
type PrintOptions struct {
	// BaseName is the file base name of the detection and of its filter macro;
	// default: the snake case of the rule's name.
	BaseName string
}

// Printed is a detection written as files of a security_content tree.
type Printed struct {
	// Files are keyed by their path relative to the output root (slash
	// separated): detections/<category>/NAME.yml, macros/NAME_filter.yml, the
	// log type's macro, macros/security_content_ctime.yml and, when the rule
	// has test events it matches, attack_data/datasets/.../<file>.json (which
	// LoadDetection finds under ROOT/attack_data).
	Files map[string][]byte
	// Detection is the key of the detection in Files.
	Detection string
	// Lossy are the printer's own inexact points: where the printed search
	// does not say exactly what the portable rule says.
	Lossy []portable.Lossy
}

// Mutation kinds (see package mutate) that the printer's lossy points name.
const (
	kindValueCase      = "value-case"
	kindNull           = "null"
	kindArray          = "array"
	kindStringAsNumber = "string-as-number"
	// kindAssignment: a counterexample of the exact decision, which sets a
	// field to a value no mutation makes (the string "false" for a boolean).
	kindAssignment = "assignment"
)

// splunkLogType is what the printer knows of a portable log type on the
// Splunk side. Field knowledge follows concord's view of the sourcetype
// (sourcetype/data/*.yml), which TestPrintKnowledgeMatchesSourcetype checks.
type splunkLogType struct {
	category   string // detections/<category>/
	assetType  string // tags.asset_type
	source     string // tests' attack_data source
	dataFile   string // the attack data file's base name
	story      string // analytic story when the rule names none
	implement  string // how_to_implement when the rule says nothing
	nameField  string // the raw field whose required values name data sources
	errorField string // the fields whose emptiness is Success
	msgField   string
	// overridden are names that a search reads as the add-on's (or Splunk's)
	// own field, not the raw key: alias targets, calculated fields, lookup
	// outputs and Splunk's default fields. A raw key with one of these names
	// is read with spath.
	overridden map[string]bool
	// aliases are raw fields the add-on copies unchanged to a readable name,
	// in the order the stats by-clause lists them.
	aliases []fieldAlias
	// display are raw fields shown under a field the add-on derives from them
	// (not a plain copy, so never a by-field).
	display map[string]shown
	// standard are the fields every printed stats keeps (user is the risk
	// object, src the threat object).
	standard []string
	// userFallback fills user where the add-on derives none (its user is a
	// user name, an assumed role's session name or the invoking service: a
	// root call has none), so that every matching event carries a risk object.
	userFallback string
	// risk is the rba risk object's field and type (default user, user).
	risk, riskType string
}

type shown struct{ field, name string }

// fieldAlias is a FIELDALIAS: the add-on copies raw field From to To.
type fieldAlias struct{ From, To string }

func stringSet(ss []string) map[string]bool {
	m := make(map[string]bool, len(ss))
	for _, s := range ss {
		m[s] = true
	}
	return m
}

// splunkDefaultFields are set by Splunk itself on every event.
var splunkDefaultFields = []string{
	"_raw", "_time", "host", "index", "source", "sourcetype", "splunk_server", "linecount", "punct",
	"eventtype", "tag", "timestartpos", "timeendpos", "date_hour", "date_mday", "date_minute",
	"date_month", "date_second", "date_wday", "date_year", "date_zone",
}

var splunkLogTypes = map[string]*splunkLogType{
	"AWS.CloudTrail": {
		category: "cloud", assetType: "AWS Account", source: "aws_cloudtrail", dataFile: "cloudtrail.json",
		story: "Suspicious Cloud User Activities",
		implement: "The Splunk Add-on for AWS is required, with AWS CloudTrail logs (sourcetype aws:cloudtrail) from " +
			"every account and region in scope. The where clause compares values exactly as CloudTrail writes them, " +
			"so a search term's case-insensitive match only narrows the events read.",
		nameField: "eventName", errorField: "errorCode", msgField: "errorMessage",
		// sourcetype/data/aws_cloudtrail.yml: aliases, calculated fields and the
		// action lookup's output.
		overridden: stringSet(append([]string{
			"src", "src_ip", "signature", "command", "vendor_region", "user_agent", "user_arn", "user_type", "user_id", "dest",
			"vendor_account", "user_name", "user", "errorCode", "status", "action", "vendor_product", "vendor", "product",
		}, splunkDefaultFields...)),
		aliases: []fieldAlias{
			{From: "eventSource", To: "dest"}, {From: "eventName", To: "signature"},
			{From: "sourceIPAddress", To: "src"}, {From: "userAgent", To: "user_agent"}, {From: "awsRegion", To: "vendor_region"},
			{From: "userIdentity.arn", To: "user_arn"}, {From: "userIdentity.type", To: "user_type"},
			{From: "userIdentity.principalId", To: "user_id"},
		},
		display: map[string]shown{
			"recipientAccountId": {"vendor_account", "vendor_account"},
			"errorCode":          {"errorCode", "error_code"}, // the add-on's: "success" when the call succeeded
		},
		standard:     []string{"src", "user", "user_agent", "vendor_account", "vendor_region"},
		userFallback: "user_arn",
	},
	// GitHub's audit log as the Splunk Add-on for GitHub indexes it
	// (github:cloud:audit, JSON): concord knows no add-on field of it
	// (sourcetype/data/github_cloud_audit.yml), so every raw key is read
	// under its own name. The risk object is the actor.
	"GitHub.Audit": {
		category: "cloud", assetType: "GitHub", source: "github", dataFile: "github.json",
		story: "GitHub Malicious Activity",
		implement: "The Splunk Add-on for GitHub is required, with the organization's audit log (sourcetype github:cloud:audit). " +
			"The where clause compares values exactly as GitHub writes them, so a search term's case-insensitive match only narrows the events read.",
		overridden:   stringSet(splunkDefaultFields),
		standard:     []string{"user"},
		userFallback: "actor",
	},
	// VPC flow logs as the Splunk Add-on for AWS indexes them
	// (aws:cloudwatchlogs:vpcflow): text records whose fields the add-on
	// extracts by position (see print_record.go). The risk object is the
	// destination (the add-on's dest, a copy of dest_ip), the threat object
	// the source address.
	"AWS.VPCFlow": {
		category: "network", assetType: "AWS VPC", source: "aws_cloudwatchlogs_vpcflow", dataFile: "vpcflow.log",
		story: "Suspicious AWS Traffic",
		implement: "The Splunk Add-on for AWS is required, with VPC flow logs in the default format (version 2) from CloudWatch Logs " +
			"(sourcetype aws:cloudwatchlogs:vpcflow), which the add-on extracts as src_ip, dest_ip, dest_port, vpcflow_action and the other record fields.",
		overridden: stringSet(append([]string{"src", "dest", "vendor_account", "dvc", "action", "vendor_product"}, splunkDefaultFields...)),
		aliases: []fieldAlias{
			{From: "srcAddr", To: "src_ip"}, {From: "dstAddr", To: "dest_ip"}, {From: "dstPort", To: "dest_port"},
		},
		standard: []string{"src", "dest"},
		risk:     "dest", riskType: "system",
	},
}

// PrintDetection writes r as an ESCU detection (the 2025+ schema, with rba)
// with the files it needs. The search is the log type's macro, search terms
// that only narrow the events read, a where clause with the exact condition,
// then stats, the ctime macros and the filter macro. The output depends on r
// alone: the same rule gives the same bytes.
func PrintDetection(r *portable.Rule, opts PrintOptions) (*Printed, error) {
	if r == nil || r.Cond == nil {
		return nil, fmt.Errorf("print detection: the rule has no condition")
	}
	lt, ok := portable.LogTypeOf(r.LogType)
	if !ok {
		return nil, fmt.Errorf("print detection %s: unknown log type %q", r.Name, r.LogType)
	}
	slt := splunkLogTypes[lt.Panther]
	if slt == nil {
		return nil, fmt.Errorf("print detection %s: no Splunk knowledge of log type %s", r.Name, lt.Panther)
	}
	name := strings.TrimSpace(r.Name)
	if name == "" {
		name = r.ID
	}
	base := opts.BaseName
	if base == "" {
		base = fileName(name)
	}
	// The base name is also the filter macro's: letters, digits, underscores.
	if !macroName.MatchString(base) {
		return nil, fmt.Errorf("print detection %s: bad base name %q (want letters, digits and underscores)", r.Name, base)
	}
	p := &printer{rule: r, lt: lt, slt: slt, base: base, spathOf: map[string]string{}, lossSeen: map[string]bool{}}
	if fs, ok := portable.Records[lt.Panther]; ok {
		p.record = fs
		p.rule = p.recordRule()
		p.recordLoss()
	}
	if err := p.checkFields(); err != nil {
		return nil, err
	}
	search, err := p.search()
	if err != nil {
		return nil, err
	}
	out := &Printed{Files: map[string][]byte{}}
	out.Detection = path.Join("detections", slt.category, base+".yml")

	var positives []portable.Test
	for _, t := range r.Tests {
		if t.Expected {
			positives = append(positives, t)
		}
	}
	var dataURL, dataPath string
	if len(positives) > 0 {
		dir := "datasets/concord/" + base
		if ts := techniques(r.Meta.MITRE); len(ts) > 0 {
			dir = "datasets/attack_techniques/" + ts[0] + "/" + base
		}
		rel := dir + "/" + slt.dataFile
		dataURL = "https://media.githubusercontent.com/media/splunk/" + attackDataMarker + rel
		dataPath = "attack_data/" + rel
		var b bytes.Buffer
		if th := r.Threshold; th != nil {
			// Enough copies of the first to reach the threshold in one group
			// and one span.
			for range th.Count - 1 {
				b.WriteString(p.attackLine(positives[0].Event))
				b.WriteByte('\n')
			}
		}
		for _, t := range positives {
			b.WriteString(p.attackLine(t.Event))
			b.WriteByte('\n')
		}
		out.Files[dataPath] = b.Bytes()
	}
	out.Files[out.Detection] = p.detectionYAML(name, search, dataURL)
	out.Files["macros/"+base+"_filter.yml"] = []byte(
		"definition: search *\n" +
			"description: " + yamlScalar("Exceptions for "+name+": replace search * with a search that drops the results you trust.") + "\n" +
			"name: " + base + "_filter\n")
	out.Files["macros/"+lt.Macro+".yml"] = []byte(
		"definition: " + yamlScalar("sourcetype="+lt.SourceType) + "\n" +
			"description: " + yamlScalar("Selects "+lt.DataSource+" events; set the index, source or sourcetype of your environment.") + "\n" +
			"name: " + lt.Macro + "\n")
	out.Files["macros/security_content_ctime.yml"] = []byte(
		"arguments:\n  - field\n" +
			"definition: 'convert timeformat=\"%Y-%m-%dT%H:%M:%S\" ctime($field$)'\n" +
			"description: Formats epoch time as text.\n" +
			"name: security_content_ctime\n")
	out.Lossy = p.lossy
	return out, nil
}

type printer struct {
	rule *portable.Rule
	lt   portable.LogType
	slt  *splunkLogType
	base string

	spaths  []string          // spath lines, in first-use order
	spathOf map[string]string // raw dotted path → spath output field

	stats   string   // the stats command
	by      []string // its by-fields
	outputs []output // its values() columns
	evals   []string // eval lines copying fields stats cannot name

	lossy    []portable.Lossy
	lossSeen map[string]bool

	// elem is the mvmap variable holding a list element's JSON text while
	// its test prints (print_any.go), elemList the list's path (a.b{}).
	elem, elemList string
	// doc is the field holding JSON text while a test of what it spells
	// prints (print_json.go); elem is then doc, outside its lists.
	doc string
	// record is the log type's text record, when its events are records
	// (print_record.go).
	record []portable.RecordField
}

type output struct {
	raw   string // the raw dotted path it shows ("" for a standard field)
	field string // the field stats reads
	name  string // the column
}

// checkFields rejects keys no SPL can address and lists the ones that read
// ambiguously.
func (p *printer) checkFields() error {
	for _, f := range portable.Fields(p.rule.Cond) {
		for _, k := range f {
			if k == "" || !addressable(k) {
				return fmt.Errorf("print detection %s: field %q: a key with quotes, braces, backslashes, backticks or control characters cannot be named in SPL", p.rule.Name, strings.Join(f, "."))
			}
		}
		if slices.ContainsFunc(f, func(k string) bool { return strings.Contains(k, ".") }) {
			dotted := strings.Join(f, ".")
			p.lose([]string{dotted}, nil, false, true, false,
				fmt.Sprintf("%s: Splunk joins nested keys with \".\", so a key that contains a dot reads the same as nested keys", dotted))
		}
	}
	return nil
}

func addressable(k string) bool {
	for _, r := range k {
		if unicode.IsControl(r) || strings.ContainsRune("{}'\"\\`", r) {
			return false
		}
	}
	return true
}

// search builds the search, one command a line.
func (p *printer) search() ([]string, error) {
	cond, err := p.where()
	if err != nil {
		return nil, err
	}
	if err := p.buildStats(); err != nil {
		return nil, err
	}
	first := "`" + p.lt.Macro + "`"
	if terms := p.prefilter(); len(terms) > 0 {
		first += " " + strings.Join(terms, " ")
	}
	lines := []string{first}
	lines = append(lines, p.spaths...)
	lines = append(lines, "| where "+cond)
	lines = append(lines, p.evals...)
	if f := p.slt.userFallback; f != "" {
		lines = append(lines, "| eval user=coalesce(user, "+f+")")
	}
	if th := p.rule.Threshold; th != nil {
		lines = append(lines, "| bin _time span="+spanText(th.WindowMinutes), p.stats, fmt.Sprintf("| where count >= %d", th.Count))
	} else {
		lines = append(lines, p.stats)
	}
	lines = append(lines,
		"| `security_content_ctime(firstTime)`",
		"| `security_content_ctime(lastTime)`",
		"| `"+p.base+"_filter`")
	return lines, nil
}

// lose records a lossy point. convHits: at this atom the printed search
// matches where the portable rule does not; neg: the atom is under an odd
// number of Nots, which turns the rule-level direction round.
func (p *printer) lose(fields, kinds []string, convHits, either, neg bool, reason string) {
	if p.elemList != "" {
		fields = p.elemFields(fields)
	}
	l := portable.Lossy{Fields: fields, Kinds: kinds, Either: either, Reason: reason}
	if !either {
		l.SourceHits = convHits == neg
	}
	key := fmt.Sprintf("%q %q %v %v %s", fields, kinds, l.SourceHits, l.Either, reason)
	if p.lossSeen[key] {
		return
	}
	p.lossSeen[key] = true
	p.lossy = append(p.lossy, l)
}

// Expression levels, for parentheses: an atom, an AND, an OR.
const (
	levelAtom = iota
	levelAnd
	levelOr
)

func (p *printer) where() (string, error) {
	if a, ok := p.rule.Cond.(*portable.And); ok && len(a.Xs) > 0 {
		// The top-level conjuncts, as a where clause lists them.
		var parts []string
		for _, x := range a.Xs {
			s, lvl, err := p.expr(x, false, false)
			if err != nil {
				return "", err
			}
			parts = append(parts, paren(s, lvl >= levelOr))
		}
		return strings.Join(parts, " AND "), nil
	}
	s, _, err := p.expr(p.rule.Cond, false, false)
	return s, err
}

func paren(s string, wrap bool) string {
	if wrap {
		return "(" + s + ")"
	}
	return s
}

// expr prints x for a where clause. guard: x is under a Not, where a null
// must not reach NOT (what eval's NOT makes of a null is not documented;
// concord's is true, three-valued logic's null); a guarded test is true or
// false, never null. neg: under an odd number of Nots.
func (p *printer) expr(x portable.Expr, guard, neg bool) (string, int, error) {
	switch x := x.(type) {
	case *portable.And:
		if len(x.Xs) == 0 {
			return "true()", levelAtom, nil
		}
		return p.join(x.Xs, " AND ", levelAnd, guard, neg)
	case *portable.Or:
		if len(x.Xs) == 0 {
			return "false()", levelAtom, nil
		}
		return p.join(x.Xs, " OR ", levelOr, guard, neg)
	case *portable.Not:
		s, _, err := p.expr(x.X, true, !neg)
		if err != nil {
			return "", 0, err
		}
		return "NOT (" + s + ")", levelAtom, nil
	case *portable.Atom:
		return p.atom(x, guard, neg)
	case *portable.Any:
		return p.anyTest(x, neg)
	case *portable.Parse:
		return p.parseTest(x, neg)
	case nil:
		return "", 0, fmt.Errorf("print detection %s: empty condition", p.rule.Name)
	}
	return "", 0, fmt.Errorf("print detection %s: unknown condition %T", p.rule.Name, x)
}

func (p *printer) join(xs []portable.Expr, sep string, level int, guard, neg bool) (string, int, error) {
	if len(xs) == 1 {
		return p.expr(xs[0], guard, neg)
	}
	parts := make([]string, len(xs))
	for i, y := range xs {
		s, lvl, err := p.expr(y, guard, neg)
		if err != nil {
			return "", 0, err
		}
		// AND binds tighter than OR in where (Search Manual, "Boolean
		// expressions"); an AND inside an OR is parenthesized for readers.
		parts[i] = paren(s, lvl != levelAtom && lvl != level)
	}
	return strings.Join(parts, sep), level, nil
}

// ref is how the where clause names the raw field: its flattened name, or,
// when the add-on sets a field of that name, the raw value read with spath.
func (p *printer) ref(f []string) (string, error) {
	if p.elem != "" {
		return p.elemRef(f), nil
	}
	if p.record != nil {
		return whereField(p.recordRef(f)), nil
	}
	dotted := strings.Join(f, ".")
	if p.slt.overridden[dotted] {
		return p.spath(f)
	}
	return whereField(dotted), nil
}

// spath reads the raw value at f into a field of its own: a string, a
// number, the text "true", "false" or "null" for those JSON literals, and a
// list or an object as its JSON text (Search Reference, spath: a path to a
// subtree extracts the subtree; concord's eval/cmd_fields.go).
func (p *printer) spath(f []string) (string, error) {
	if p.elem != "" {
		return p.elemRef(f), nil
	}
	if p.record != nil {
		return whereField(p.recordRef(f)), nil
	}
	dotted := strings.Join(f, ".")
	if name, ok := p.spathOf[dotted]; ok {
		return name, nil
	}
	for _, k := range f {
		if strings.Contains(k, ".") {
			return "", fmt.Errorf("print detection %s: field %q: spath cannot address a key that contains a dot", p.rule.Name, dotted)
		}
	}
	name := "raw_" + identOf(strings.Join(f, "_"))
	name = p.freshName(name)
	p.spathOf[dotted] = name
	pathArg := dotted
	if !plainPath(dotted) {
		pathArg = splString(dotted)
	}
	p.spaths = append(p.spaths, "| spath output="+name+" path="+pathArg)
	return name, nil
}

func (p *printer) atom(a *portable.Atom, guard, neg bool) (string, int, error) {
	dotted := a.Path()
	fail := func(format string, args ...any) (string, int, error) {
		return "", 0, fmt.Errorf("print detection %s: %s: %s", p.rule.Name, portable.String(a), fmt.Sprintf(format, args...))
	}
	switch a.Op {
	case portable.Success:
		code, err := p.spath([]string{p.slt.errorField})
		if err != nil {
			return "", 0, err
		}
		msg, err := p.spath([]string{p.slt.msgField})
		if err != nil {
			return "", 0, err
		}
		empty := func(f string) string { return fmt.Sprintf(`(isnull(%s) OR %s=="" OR %s=="null")`, f, f, f) }
		fields := []string{p.slt.errorField, p.slt.msgField}
		p.lose(fields, nil, true, false, neg,
			"success: Splunk extracts a JSON null as the text \"null\", so the search takes an error field with the text \"null\" for an absent one, which the source calls a failure")
		p.lose(fields, nil, false, false, neg,
			"success: an error field holding an empty list or object, 0 or false is empty to the source; spath gives it as the text [], {}, 0 or false, which the search calls a failure")
		return empty(code) + " AND " + empty(msg), levelAnd, nil

	case portable.Exists:
		if len(a.Field) == 0 {
			return fail("no field")
		}
		f, err := p.spath(a.Field)
		if err != nil {
			return "", 0, err
		}
		if p.record != nil {
			p.lose([]string{dotted}, nil, false, false, neg,
				fmt.Sprintf("%s exists: a record writes a missing value as \"-\", so the search takes the text \"-\" for an absent one", dotted))
			return fmt.Sprintf(`isnotnull(%s) AND %s!="-"`, f, f), levelAnd, nil
		}
		p.lose([]string{dotted}, nil, false, false, neg,
			fmt.Sprintf("%s exists: Splunk extracts a JSON null as the text \"null\", so the search cannot tell a JSON null from the string \"null\" and takes both as absent", dotted))
		return fmt.Sprintf(`isnotnull(%s) AND %s!="null"`, f, f), levelAnd, nil

	case portable.Bool:
		if len(a.Field) == 0 || len(a.Values) != 1 || a.Values[0] != "true" && a.Values[0] != "false" {
			return fail("a boolean test takes a field and true or false")
		}
		f, err := p.ref(a.Field)
		if err != nil {
			return "", 0, err
		}
		p.lose([]string{dotted}, []string{kindStringAsNumber, kindAssignment}, true, false, neg,
			fmt.Sprintf("%s is %s: Splunk extracts a JSON boolean as its text, so the string %q passes the test too", dotted, a.Values[0], a.Values[0]))
		s := f + "==" + splString(a.Values[0])
		if guard {
			return fmt.Sprintf("isnotnull(%s) AND %s", f, s), levelAnd, nil
		}
		return s, levelAtom, nil

	case portable.Lt, portable.Le, portable.Gt, portable.Ge:
		if len(a.Field) == 0 || len(a.Values) != 1 {
			return fail("a numeric comparison takes a field and one value")
		}
		n, err := strconv.ParseFloat(strings.TrimSpace(a.Values[0]), 64)
		if err != nil || n != n || n > 1e300 || n < -1e300 {
			return fail("%q is not a number", a.Values[0])
		}
		f, err := p.ref(a.Field)
		if err != nil {
			return "", 0, err
		}
		op := map[portable.Op]string{portable.Lt: "<", portable.Le: "<=", portable.Gt: ">", portable.Ge: ">="}[a.Op]
		p.lose([]string{dotted}, nil, false, true, neg,
			fmt.Sprintf("%s %s: isnum decides which text is a number (concord's trims spaces and reads exponents, not hex or inf; a JSON boolean is the text true or false, not a number), which may differ from the source at the edges", dotted, a.Op))
		// isnum guards the comparison: eval compares a text that is not a
		// number with a number as text (README.md, Semantics; eval/ops.go
		// compareSPL), and isnum of a null is false, not null.
		return fmt.Sprintf("isnum(%s) AND %s%s%s", f, f, op, strconv.FormatFloat(n, 'f', -1, 64)), levelAnd, nil

	case portable.CIDR:
		if len(a.Field) == 0 || len(a.Values) == 0 {
			return fail("cidr takes a field and at least one prefix")
		}
		f, err := p.ref(a.Field)
		if err != nil {
			return "", 0, err
		}
		var parts []string
		for _, v := range a.Values {
			pfx, err := netip.ParsePrefix(strings.TrimSpace(v))
			if err != nil {
				return fail("%q is not a CIDR prefix", v)
			}
			parts = append(parts, fmt.Sprintf("cidrmatch(%s, %s)", splString(pfx.String()), f))
		}
		p.lose([]string{dotted}, nil, false, true, neg,
			fmt.Sprintf("%s cidr: cidrmatch reads the address its own way (concord's trims spaces and maps an IPv4-mapped IPv6 address to IPv4), which may differ from the source at the edges", dotted))
		s := strings.Join(parts, " OR ")
		lvl := levelAtom
		if len(parts) > 1 {
			lvl = levelOr
		}
		if guard {
			return fmt.Sprintf("isnotnull(%s) AND %s", f, paren(s, lvl == levelOr)), levelAnd, nil
		}
		return s, lvl, nil

	case portable.Same:
		if len(a.Field) == 0 || len(a.Ref) == 0 {
			return fail("a comparison of two fields takes two fields")
		}
		f, err := p.ref(a.Field)
		if err != nil {
			return "", 0, err
		}
		g, err := p.ref(a.Ref)
		if err != nil {
			return "", 0, err
		}
		ref := strings.Join(a.Ref, ".")
		fields := []string{dotted, ref}
		// eval's == is null when either side is null (so the isnotnulls keep
		// the test true or false under NOT), compares two values that both
		// read as numbers numerically, and sees JSON numbers, booleans and
		// null by their text (README.md, Semantics; eval/ops.go compareSPL).
		p.lose(fields, []string{kindStringAsNumber, "number-as-string", kindNull, kindArray, "assignment"}, true, false, neg,
			fmt.Sprintf("%s same %s: Splunk's == compares two values that read as numbers numerically (\"1.0\" equals \"1\") and JSON numbers, booleans and null by their text, so such values may be equal to the search; the source compares strings only", dotted, ref))
		subject, other := f, g
		if a.Fold {
			subject, other = "lower("+f+")", "lower("+g+")"
			p.lose(fields, []string{kindValueCase}, false, true, neg,
				fmt.Sprintf("%s same %s: lower() is not Unicode simple folding, so some values equal ignoring case differ once lowered, and the reverse", dotted, ref))
		}
		return fmt.Sprintf("isnotnull(%s) AND isnotnull(%s) AND %s==%s", f, g, subject, other), levelAnd, nil

	case portable.Eq, portable.Wildcard, portable.Prefix, portable.Suffix, portable.Contains, portable.Regex:
		if len(a.Field) == 0 || len(a.Values) == 0 {
			return fail("a value test takes a field and at least one value")
		}
		f, err := p.ref(a.Field)
		if err != nil {
			return "", 0, err
		}
		s, err := p.valueTest(a, f, neg)
		if err != nil {
			return fail("%v", err)
		}
		if guard {
			// isnotnull(f) is false for a null f, and false AND null is
			// false: the test is never null under NOT.
			return fmt.Sprintf("isnotnull(%s) AND %s", f, s), levelAnd, nil
		}
		return s, levelAtom, nil
	}
	return fail("unknown op %q", a.Op)
}

// valueTest prints a test of f's value against a's values.
func (p *printer) valueTest(a *portable.Atom, f string, neg bool) (string, error) {
	dotted := a.Path()
	fields := []string{dotted}
	spathed := p.spathOf[dotted] == f || p.elem != ""
	vals := a.Values
	subject := f

	if a.Op == portable.Regex {
		var alts []string
		for _, v := range vals {
			if _, err := regexp.Compile(v); err != nil {
				return "", fmt.Errorf("bad regex %q: %v", v, err)
			}
			alts = append(alts, v)
		}
		pat := alts[0]
		if len(alts) > 1 {
			pat = "(?:" + strings.Join(alts, ")|(?:") + ")"
		}
		if a.Fold {
			pat = "(?i)" + pat
		}
		kinds := []string{kindStringAsNumber, kindNull}
		if spathed {
			kinds = append(kinds, kindArray)
		}
		p.lose(fields, kinds, false, true, neg,
			fmt.Sprintf("%s regex: Splunk runs the RE2 pattern as PCRE, which differs at the edges ($ also matches before a final newline, \\s also matches a vertical tab), and matches numbers, booleans and JSON null by their text", dotted))
		return "match(" + subject + ", " + splString(escapeControls(pat)) + ")", nil
	}

	fold := a.Fold && slices.ContainsFunc(vals, hasCase)
	if fold {
		subject = "lower(" + f + ")"
		lowered := make([]string, len(vals))
		for i, v := range vals {
			lowered[i] = strings.ToLower(v)
		}
		srcOnly, convOnly := foldGaps(vals)
		if srcOnly != "" {
			p.lose(fields, []string{kindValueCase}, false, false, neg,
				fmt.Sprintf("%s %s: lower() is not Unicode simple folding: a value with %s is equal ignoring case to the constant but does not lower to it", dotted, a.Op, srcOnly))
		}
		if convOnly != "" {
			p.lose(fields, []string{kindValueCase}, true, false, neg,
				fmt.Sprintf("%s %s: lower() is not Unicode simple folding: a value with %s lowers to the constant's letters without being equal to them ignoring case", dotted, a.Op, convOnly))
		}
		vals = lowered
	}
	p.scalarText(a, fields, vals, fold, spathed, neg)

	if a.Op == portable.Eq && !slices.ContainsFunc(vals, needsRegex) {
		if len(vals) == 1 {
			return subject + "==" + splString(vals[0]), nil
		}
		quoted := make([]string, len(vals))
		for i, v := range vals {
			quoted[i] = splString(v)
		}
		return subject + " IN (" + strings.Join(quoted, ", ") + ")", nil
	}
	return "match(" + subject + ", " + splString(stringPattern(a.Op, vals)) + ")", nil
}

// stringPattern is a regex holding exactly for the string tests op makes
// with vals (eq, wildcard, prefix, suffix, contains; case-sensitive).
func stringPattern(op portable.Op, vals []string) string {
	alts := make([]string, len(vals))
	dotAll := false
	for i, v := range vals {
		if op == portable.Wildcard {
			parts := strings.Split(v, "*")
			for j, part := range parts {
				parts[j] = quoteLiteral(part)
			}
			alts[i] = strings.Join(parts, ".*")
			dotAll = dotAll || len(parts) > 1
		} else {
			alts[i] = quoteLiteral(v)
		}
	}
	pat := alts[0]
	if len(alts) > 1 {
		pat = "(?:" + strings.Join(alts, "|") + ")"
	}
	switch op {
	case portable.Eq, portable.Wildcard:
		pat = `^` + pat + `\z`
	case portable.Prefix:
		pat = `^` + pat
	case portable.Suffix:
		pat = pat + `\z`
	}
	if dotAll {
		pat = "(?s)" + pat
	}
	return pat
}

// anyAlternatives splits a test of a list's elements at the ors inside it.
func anyAlternatives(x *portable.Any) []*portable.Any {
	var out []*portable.Any
	switch inner := x.X.(type) {
	case *portable.Or:
		for _, y := range inner.Xs {
			out = append(out, anyAlternatives(&portable.Any{Path: x.Path, X: y})...)
		}
	case *portable.Any:
		for _, y := range anyAlternatives(inner) {
			out = append(out, &portable.Any{Path: x.Path, X: y})
		}
	default:
		out = append(out, x)
	}
	return out
}

// anyTest prints a test of the elements of a JSON array. Splunk extracts
// a{}.b as a multivalue field holding every element's b (Search Reference,
// spath: "{}" names an array's elements); mvfind finds the first value a
// regex matches, null when none does, so the test holds when some element
// passes and is never null. Only a chain of lists down to one test of one
// field has that form: tests of two fields of one element would be
// decorrelated by the multivalue fields.
func (p *printer) anyTest(x *portable.Any, neg bool) (string, int, error) {
	if alts := anyAlternatives(x); len(alts) > 1 {
		// Some element passes a or b: some element passes a, or some b.
		parts := make([]string, len(alts))
		for i, a := range alts {
			s, _, err := p.anyTest(a, neg)
			if err != nil {
				return "", 0, err
			}
			parts[i] = s
		}
		return strings.Join(parts, " OR "), levelOr, nil
	}
	fail := func(format string, args ...any) (string, int, error) {
		return "", 0, fmt.Errorf("print detection %s: %s: %s", p.rule.Name, portable.String(x), fmt.Sprintf(format, args...))
	}
	path := strings.Join(x.Path, ".") + "{}"
	inner := x.X
	for {
		next, ok := inner.(*portable.Any)
		if !ok {
			break
		}
		path += "." + strings.Join(next.Path, ".") + "{}"
		inner = next.X
	}
	a, ok := inner.(*portable.Atom)
	if !ok {
		if p.elem == "" || p.elem == p.doc {
			return p.anyMap(x, neg)
		}
		return fail("a test of more than one field of an element of a list inside another list's element has no multivalue form")
	}
	if len(a.Field) > 0 {
		path += "." + a.Path()
	}
	f := whereField(path)
	if p.elem != "" {
		f = "spath(" + p.elem + ", " + splString(path) + ")"
	}
	fields := []string{path}
	switch a.Op {
	case portable.Exists:
		p.lose(fields, []string{kindNull}, true, false, neg,
			fmt.Sprintf("%s exists: Splunk extracts a JSON null element as the text \"null\", a value the source does not count", path))
		return "isnotnull(" + f + ")", levelAtom, nil
	case portable.Eq, portable.Wildcard, portable.Prefix, portable.Suffix, portable.Contains, portable.Regex:
	default:
		return fail("a %s test of a list's elements has no multivalue form", a.Op)
	}
	if len(a.Values) == 0 {
		return fail("a value test takes at least one value")
	}
	var pat string
	if a.Op == portable.Regex {
		for _, v := range a.Values {
			if _, err := regexp.Compile(v); err != nil {
				return fail("bad regex %q: %v", v, err)
			}
		}
		pat = a.Values[0]
		if len(a.Values) > 1 {
			pat = "(?:" + strings.Join(a.Values, ")|(?:") + ")"
		}
	} else {
		pat = stringPattern(a.Op, a.Values)
	}
	if a.Fold && slices.ContainsFunc(a.Values, hasCase) {
		pat = "(?i)" + pat
		if slices.ContainsFunc(a.Values, func(v string) bool { return !ascii.Is(v) }) {
			p.lose(fields, []string{kindValueCase}, false, true, neg,
				fmt.Sprintf("%s %s: (?i) folds case PCRE's way, which may differ from Unicode simple folding for letters outside ASCII", path, a.Op))
		}
	}
	p.scalarText(&portable.Atom{Field: strings.Split(path, "."), Op: a.Op, Values: a.Values, Fold: a.Fold}, fields, a.Values, a.Fold, false, neg)
	return "isnotnull(mvfind(" + f + ", " + splString(escapeControls(pat)) + "))", levelAtom, nil
}

// scalarText lists a value test that Splunk may pass on a value that is not a
// string: Splunk reads numbers by their text and extracts JSON true, false
// and null as the text "true", "false" and "null"; spath gives a list or an
// object as its JSON text.
func (p *printer) scalarText(a *portable.Atom, fields, vals []string, fold, spathed, neg bool) {
	dotted := a.Path()
	number, word, jsonText := false, "", false
	for _, v := range vals {
		switch a.Op {
		case portable.Eq:
			number = number || isNumberText(v)
			for _, w := range []string{"true", "false", "null"} {
				if v == w || fold && strings.EqualFold(v, w) {
					word = w
				}
			}
			jsonText = jsonText || strings.HasPrefix(v, "[") || strings.HasPrefix(v, "{")
		default:
			lit := strings.ReplaceAll(v, "*", "")
			number = number || strings.Trim(lit, "0123456789+-.eE") == ""
			for _, w := range []string{"true", "false", "null"} {
				if literalMatches(a.Op, v, w, fold) {
					word = w
				}
			}
			switch a.Op {
			case portable.Prefix:
				jsonText = jsonText || v == "" || strings.HasPrefix(v, "[") || strings.HasPrefix(v, "{")
			default:
				jsonText = true
			}
		}
	}
	if number {
		p.lose(fields, []string{kindStringAsNumber}, true, false, neg,
			fmt.Sprintf("%s %s: Splunk reads a number by its text, so a JSON number that reads as the constant passes the test, which the source gives only to a string", dotted, a.Op))
	}
	if word != "" {
		kinds := []string(nil)
		if word == "null" {
			kinds = []string{kindNull}
		}
		p.lose(fields, kinds, true, false, neg,
			fmt.Sprintf("%s %s: Splunk extracts JSON %s as the text %q, which passes the test; the source gives it only to a string", dotted, a.Op, word, word))
	}
	if spathed && jsonText {
		p.lose(fields, []string{kindArray}, true, false, neg,
			fmt.Sprintf("%s %s: the add-on sets a field of this name, so the search reads the raw value with spath, which gives a list or an object as its JSON text; that text may pass the test", dotted, a.Op))
	}
}

// literalMatches applies a pattern op to s the way the portable semantics do.
func literalMatches(op portable.Op, pattern, s string, fold bool) bool {
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	switch op {
	case portable.Prefix:
		return strings.HasPrefix(s, pattern)
	case portable.Suffix:
		return strings.HasSuffix(s, pattern)
	case portable.Contains:
		return strings.Contains(s, pattern)
	case portable.Wildcard:
		parts := strings.Split(pattern, "*")
		for i, part := range parts {
			parts[i] = regexp.QuoteMeta(part)
		}
		return regexp.MustCompile(`^(?s)` + strings.Join(parts, ".*") + `$`).MatchString(s)
	}
	return s == pattern
}

// isNumberText: eval compares two values that both read as numbers
// numerically ("1.0"=="1"), so an Eq constant that reads as one is compared
// by a regex instead; and a JSON number whose text it is passes it. The rule
// is concord's (eval/ops.go, splNum): spaces trimmed, hex and "inf"/"nan"
// are text.
func isNumberText(s string) bool {
	t := strings.TrimSpace(s)
	if t == "" || strings.ContainsAny(t, "xXnN") {
		return false
	}
	f, err := strconv.ParseFloat(t, 64)
	return err == nil && f-f == 0
}

// needsRegex: a constant that == cannot compare as text, or that cannot be
// written in a string on one line of the YAML block.
func needsRegex(s string) bool {
	return isNumberText(s) || strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) || r == utf8.RuneError }) >= 0
}

// quoteLiteral is a regex matching s literally, in syntax RE2 and PCRE read
// alike: metacharacters escaped, control characters as \x{...}. (Backticks
// stay: Splunk expands no macro inside a quoted string, see README.md.)
func quoteLiteral(s string) string {
	return escapeControls(regexp.QuoteMeta(s))
}

func escapeControls(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			fmt.Fprintf(&b, `\x{%x}`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hasCase reports whether folding can change how s compares.
func hasCase(s string) bool {
	for _, r := range s {
		if unicode.SimpleFold(r) != r || len(lowerPreimage()[unicode.ToLower(r)]) > 0 {
			return true
		}
	}
	return false
}

// lowerPreimage maps a rune to the other runes that lower to it.
var lowerPreimage = sync.OnceValue(func() map[rune][]rune {
	m := map[rune][]rune{}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if l := unicode.ToLower(r); l != r {
			m[l] = append(m[l], r)
		}
	}
	return m
})

// foldGaps compares lower(x)==lower(v) with strings.EqualFold(x, v) for the
// runes of the constants: srcOnly names runes equal ignoring case to one of
// them that lower to something else (ſ and s), convOnly runes that lower to
// one of them without folding to it (İ and i).
func foldGaps(vals []string) (srcOnly, convOnly string) {
	var src, conv []string
	seen := map[rune]bool{}
	for _, v := range vals {
		for _, c := range v {
			if seen[c] {
				continue
			}
			seen[c] = true
			l := unicode.ToLower(c)
			orbit := map[rune]bool{c: true}
			for o := unicode.SimpleFold(c); o != c; o = unicode.SimpleFold(o) {
				orbit[o] = true
				if unicode.ToLower(o) != l {
					src = append(src, fmt.Sprintf("%q (for %q)", o, c))
				}
			}
			for _, x := range lowerPreimage()[l] {
				if !orbit[x] && x != l {
					conv = append(conv, fmt.Sprintf("%q (for %q)", x, c))
				}
			}
		}
	}
	return strings.Join(src, ", "), strings.Join(conv, ", ")
}

// prefilter lists search terms that narrow the events cheaply: the top-level
// eq tests. A search term compares case-insensitively and reads numbers by
// their text (Search Manual, "Use CASE() and TERM() to match phrases": "By
// default, searches are case-insensitive"), so it is only a prefilter: every
// event the where clause keeps passes it.
func (p *printer) prefilter() []string {
	xs := []portable.Expr{p.rule.Cond}
	if a, ok := p.rule.Cond.(*portable.And); ok {
		xs = a.Xs
	}
	var terms []string
	for _, x := range xs {
		a, ok := x.(*portable.Atom)
		if !ok || a.Op != portable.Eq || len(a.Values) == 0 || len(a.Field) == 0 {
			continue
		}
		dotted := a.Path()
		if p.slt.overridden[dotted] || !plainPath(dotted) {
			continue
		}
		ok = true
		for _, v := range a.Values {
			// Folded constants only in ASCII: concord lowers both sides of a
			// search term as lower() does; Splunk's folding of other
			// letters is not documented. (The one gap left: a value with
			// the Kelvin sign, which folds and lowers to k, if Splunk's
			// terms did not fold it.)
			ok = ok && termValue.MatchString(v) && (!a.Fold || ascii.Is(v))
		}
		if !ok {
			continue
		}
		if len(a.Values) == 1 {
			v := a.Values[0]
			if isKeyword(v) {
				v = splString(v)
			}
			terms = append(terms, p.termField(dotted)+"="+v)
			continue
		}
		quoted := make([]string, len(a.Values))
		for i, v := range a.Values {
			quoted[i] = splString(v)
		}
		terms = append(terms, p.termField(dotted)+" IN ("+strings.Join(quoted, ", ")+")")
	}
	return terms
}

var termValue = regexp.MustCompile(`^[A-Za-z0-9._:/@-]+$`)

// guaranteed lists the raw fields that are non-null in Splunk's view of every
// event x accepts: a value test passes only a present field.
func (p *printer) guaranteed(x portable.Expr) map[string]bool {
	switch x := x.(type) {
	case *portable.Atom:
		switch x.Op {
		case portable.Exists, portable.Success:
			return nil
		}
		if d := x.Path(); len(x.Field) > 0 && !p.slt.overridden[d] {
			return map[string]bool{d: true}
		}
	case *portable.And:
		out := map[string]bool{}
		for _, y := range x.Xs {
			for k := range p.guaranteed(y) {
				out[k] = true
			}
		}
		return out
	case *portable.Or:
		var out map[string]bool
		for i, y := range x.Xs {
			g := p.guaranteed(y)
			if i == 0 {
				out = g
				continue
			}
			for k := range out {
				if !g[k] {
					delete(out, k)
				}
			}
		}
		return out
	}
	return nil
}

// required lists the values of field that x accepts, when it accepts only a
// known set of them.
func required(x portable.Expr, field string) ([]string, bool) {
	switch x := x.(type) {
	case *portable.Atom:
		if x.Op == portable.Eq && x.Path() == field {
			return x.Values, true
		}
	case *portable.And:
		var out []string
		found := false
		for _, y := range x.Xs {
			vs, ok := required(y, field)
			if !ok {
				continue
			}
			if !found {
				out, found = slices.Clone(vs), true
				continue
			}
			out = slices.DeleteFunc(out, func(v string) bool { return !slices.Contains(vs, v) })
		}
		return out, found
	case *portable.Or:
		var out []string
		for _, y := range x.Xs {
			vs, ok := required(y, field)
			if !ok {
				return nil, false
			}
			for _, v := range vs {
				if !slices.Contains(out, v) {
					out = append(out, v)
				}
			}
		}
		return out, len(x.Xs) > 0
	}
	return nil, false
}

// buildStats groups by the readable copies of fields the condition makes
// non-null (stats drops an event whose by-field is null), and keeps every
// other field to show in values(). When no field is sure, it groups by
// sourcetype, which every event has: a stats without a by-clause returns a
// row (count 0) even when no event matched.
//
// A Threshold groups by the bin of _time and the readable copies of its
// fields instead, as security_content's own aggregate detections do.
func (p *printer) buildStats() error {
	if th := p.rule.Threshold; th != nil {
		p.by = []string{"_time"}
		for _, f := range th.GroupBy {
			name, err := p.groupField(f)
			if err != nil {
				return err
			}
			p.by = append(p.by, name)
		}
	} else {
		g := p.guaranteed(p.rule.Cond)
		for _, al := range p.slt.aliases {
			if g[al.From] {
				p.by = append(p.by, al.To)
			}
		}
	}
	if len(p.by) == 0 {
		p.by = []string{"sourcetype"}
	}
	for _, f := range p.rule.Output {
		p.show(f)
	}
	for _, part := range p.rule.Title {
		if len(part.Field) > 0 {
			p.show(part.Field)
		}
	}
	for _, s := range p.slt.standard {
		p.addOutput(output{field: s, name: s})
	}
	var b strings.Builder
	b.WriteString("| stats count min(_time) as firstTime max(_time) as lastTime")
	for _, o := range p.outputs {
		if slices.Contains(p.by, o.name) {
			continue
		}
		fmt.Fprintf(&b, " values(%s) as %s", o.field, o.name)
	}
	b.WriteString(" by " + strings.Join(p.by, " "))
	p.stats = b.String()
	return nil
}

// groupField is the field a stats by-clause reads for raw field f: the
// add-on's plain copy of it, the field itself, or its spath output where the
// add-on gives its name another meaning. Each is null exactly where f is.
func (p *printer) groupField(f []string) (string, error) {
	if p.record != nil {
		return p.recordRef(f), nil
	}
	dotted := strings.Join(f, ".")
	for _, al := range p.slt.aliases {
		if al.From == dotted {
			return al.To, nil
		}
	}
	if !p.slt.overridden[dotted] && statsField(dotted) {
		return dotted, nil
	}
	return p.spath(f)
}

// spanText writes a window for bin's span: in hours or days when whole.
func spanText(minutes int) string {
	switch {
	case minutes%1440 == 0:
		return fmt.Sprintf("%dd", minutes/1440)
	case minutes%60 == 0:
		return fmt.Sprintf("%dh", minutes/60)
	}
	return fmt.Sprintf("%dm", minutes)
}

// show adds the column that shows raw field f, and returns its name ("" when
// the field cannot be shown: Panther's own p_ fields are not in the events).
func (p *printer) show(f []string) string {
	if len(f) == 0 || strings.HasPrefix(f[0], "p_") {
		return ""
	}
	for _, k := range f {
		if k == "" || !addressable(k) {
			return ""
		}
	}
	dotted := strings.Join(f, ".")
	for _, o := range p.outputs {
		if o.raw == dotted {
			return o.name
		}
	}
	for _, al := range p.slt.aliases {
		if strings.EqualFold(al.From, dotted) {
			return p.addOutput(output{raw: dotted, field: al.To, name: al.To})
		}
	}
	for raw, s := range p.slt.display {
		if strings.EqualFold(raw, dotted) {
			return p.addOutput(output{raw: dotted, field: s.field, name: s.name})
		}
	}
	field := dotted
	if p.record != nil {
		field = p.recordRef(f)
	} else if p.slt.overridden[dotted] {
		var err error
		if field, err = p.spath(f); err != nil {
			return ""
		}
	}
	// The key's own name, else with its parents' names before it.
	name := ""
	for i := len(f) - 1; i >= 0 && p.taken(name); i-- {
		name = snakeCase(strings.Join(f[i:], "_"))
	}
	for p.taken(name) {
		name += "_"
	}
	if !statsField(field) {
		p.evals = append(p.evals, "| eval "+name+"="+whereField(field))
		field = name
	}
	return p.addOutput(output{raw: dotted, field: field, name: name})
}

func (p *printer) taken(name string) bool {
	if name == "" || name == "count" || name == "firstTime" || name == "lastTime" || slices.Contains(p.by, name) ||
		p.slt.overridden[name] || slices.Contains(p.slt.standard, name) {
		return true
	}
	return slices.ContainsFunc(p.outputs, func(o output) bool { return o.name == name })
}

func (p *printer) addOutput(o output) string {
	for _, have := range p.outputs {
		if have.name == o.name {
			return have.name
		}
	}
	p.outputs = append(p.outputs, o)
	return o.name
}

// message is the rba message: the title with $field$ for its fields.
func (p *printer) message(name string) string {
	var b strings.Builder
	for _, part := range p.rule.Title {
		if len(part.Field) == 0 {
			b.WriteString(strings.ReplaceAll(part.Text, "$", ""))
			continue
		}
		if col := p.show(part.Field); col != "" {
			b.WriteString("$" + col + "$")
		} else {
			b.WriteString(strings.Join(part.Field, "."))
		}
	}
	msg := strings.Join(strings.Fields(b.String()), " ")
	if msg == "" {
		msg = strings.ReplaceAll(name, "$", "") + " by $user$ from $src$"
	}
	return msg
}

// riskScore is concord's choice: the rule's RiskScore, else its Panther
// severity on a scale of its own (Info 10, Low 25, Medium 50, High 75,
// Critical 90), else 50.
func riskScore(m ast.Meta) int {
	if m.RiskScore > 0 {
		return min(m.RiskScore, 100)
	}
	switch strings.ToLower(strings.TrimSpace(m.Severity)) {
	case "info":
		return 10
	case "low":
		return 25
	case "high":
		return 75
	case "critical":
		return 90
	}
	return 50
}

// techniques are the ATT&CK technique ids of MITRE entries, Panther's
// "TA0005:T1562.001" written as "T1562.001".
func techniques(mitre []string) []string {
	var out []string
	for _, m := range mitre {
		m = strings.TrimSpace(m)
		if i := strings.LastIndexByte(m, ':'); i >= 0 {
			m = strings.TrimSpace(m[i+1:])
		}
		if techniqueID.MatchString(m) && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

var techniqueID = regexp.MustCompile(`^T\d{4}(\.\d{3})?$`)

// detectionTypes are the ESCU detection types.
var detectionTypes = []string{"TTP", "Anomaly", "Hunting", "Correlation", "Baseline", "Investigation"}

// detectionDate is the rule's date, else the day of its latest test event,
// else 1970-01-01: never the day of the run, so the output stays the same.
func detectionDate(r *portable.Rule) string {
	if d := strings.TrimSpace(r.Meta.Date); len(d) >= 10 {
		if _, err := time.Parse("2006-01-02", d[:10]); err == nil {
			return d[:10]
		}
	}
	latest := ""
	for _, t := range r.Tests {
		if t.Event.Kind() != ast.KindObject {
			continue
		}
		v, ok := t.Event.AsObject().Get("eventTime")
		if !ok || v.Kind() != ast.KindString || len(v.AsString()) < 10 {
			continue
		}
		if d := v.AsString()[:10]; d > latest {
			if _, err := time.Parse("2006-01-02", d); err == nil {
				latest = d
			}
		}
	}
	if latest != "" {
		return latest
	}
	return "1970-01-01"
}

// detectionID is a UUID (version 5, RFC 9562) of the source rule's id in a
// namespace of concord's, so that a rule always converts to the same id.
func detectionID(r *portable.Rule) string {
	name := r.ID
	if name == "" {
		name = r.Name
	}
	ns := [16]byte{0x3b, 0x6f, 0x1c, 0x52, 0x8e, 0x0d, 0x4a, 0x77, 0x9c, 0x15, 0x2e, 0x61, 0xd0, 0x4b, 0x8a, 0x93}
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	u := h.Sum(nil)[:16]
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func (p *printer) detectionYAML(name string, search []string, dataURL string) []byte {
	r, m := p.rule, p.rule.Meta
	var b bytes.Buffer
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	list := func(key string, items []string, indent string) {
		if len(items) == 0 {
			line("%s%s: []", indent, key)
			return
		}
		line("%s%s:", indent, key)
		for _, it := range items {
			line("%s  - %s", indent, yamlScalar(it))
		}
	}
	text := func(s, def string) string {
		if s = strings.Join(strings.Fields(s), " "); s == "" {
			s = def
		}
		return yamlScalar(s)
	}
	author := strings.TrimSpace(m.Author)
	if author == "" {
		author = "concord convert"
	}
	typ := "TTP"
	for _, t := range detectionTypes {
		if strings.EqualFold(strings.TrimSpace(m.Type), t) {
			typ = t
		}
	}
	var dataSources []string
	if names, ok := required(r.Cond, p.slt.nameField); ok && len(names) > 0 {
		for _, n := range names {
			n = p.spelling(p.slt.nameField, n)
			if s := p.lt.DataSource + " " + n; !slices.Contains(dataSources, s) {
				dataSources = append(dataSources, s)
			}
		}
	} else {
		dataSources = []string{p.lt.DataSource}
	}

	line("name: %s", yamlScalar(name))
	line("id: %s", detectionID(r))
	line("version: 1")
	line("date: '%s'", detectionDate(r))
	line("author: %s", yamlScalar(author))
	line("status: production")
	line("type: %s", typ)
	source := r.ID
	if source == "" {
		source = name
	}
	line("description: %s", text(m.Description, fmt.Sprintf("%s. Converted by concord convert from rule %s.", name, source)))
	list("data_source", dataSources, "")
	line("search: >-")
	for _, l := range search {
		line("  %s", l)
	}
	line("how_to_implement: %s", text(m.HowToImplement, p.slt.implement))
	line("known_false_positives: %s", text(m.KnownFalsePositives,
		"None are known. Add the activity you trust to the "+p.base+"_filter macro."))
	list("references", m.References, "")
	line("drilldown_searches:")
	risk, riskType := cmp.Or(p.slt.risk, "user"), cmp.Or(p.slt.riskType, "user")
	line("  - name: %s", yamlScalar(`View the detection results for - "$`+risk+`$"`))
	line("    search: %s", yamlScalar(`%original_detection_search% | search `+risk+` = "$`+risk+`$"`))
	line("    earliest_offset: $info_min_time$")
	line("    latest_offset: $info_max_time$")
	line("  - name: %s", yamlScalar(`View risk events for the last 7 days for - "$`+risk+`$"`))
	line("    search: %s", yamlScalar(`| from datamodel Risk.All_Risk | search normalized_risk_object IN ("$`+risk+`$") starthoursago=168 | stats count min(_time) as firstTime max(_time) as lastTime values(search_name) as "Search Name" values(risk_message) as "Risk Message" values(analyticstories) as "Analytic Stories" values(annotations._all) as "Annotations" values(annotations.mitre_attack.mitre_tactic) as "ATT&CK Tactics" by normalized_risk_object | `+"`security_content_ctime(firstTime)` | `security_content_ctime(lastTime)`"))
	line("    earliest_offset: $info_min_time$")
	line("    latest_offset: $info_max_time$")
	line("rba:")
	line("  message: %s", yamlScalar(p.message(name)))
	line("  risk_objects:")
	line("    - field: %s", risk)
	line("      type: %s", riskType)
	line("      score: %d", riskScore(m))
	line("  threat_objects:")
	line("    - field: src")
	line("      type: ip_address")
	line("tags:")
	stories := m.Tags
	if len(stories) == 0 {
		stories = []string{p.slt.story}
	}
	list("analytic_story", stories, "  ")
	line("  asset_type: %s", yamlScalar(p.slt.assetType))
	if dataURL == "" {
		line("  manual_test: %s", yamlScalar("concord convert: the source rule has no test event that it matches, so there is no attack data to test with."))
	}
	list("mitre_attack_id", techniques(m.MITRE), "  ")
	list("product", []string{"Splunk Enterprise", "Splunk Enterprise Security", "Splunk Cloud"}, "  ")
	line("  security_domain: threat")
	if dataURL != "" {
		line("tests:")
		line("  - name: True Positive Test")
		line("    attack_data:")
		line("      - data: %s", dataURL)
		line("        sourcetype: %s", p.lt.SourceType)
		line("        source: %s", p.slt.source)
	}
	return b.Bytes()
}

// spelling is how the rule's matching test events spell value v of a
// top-level field (a folded constant may be written in lower case): the
// first spelling in mixed case, else the first, else v.
func (p *printer) spelling(field, v string) string {
	best := ""
	for _, t := range p.rule.Tests {
		if !t.Expected || t.Event.Kind() != ast.KindObject {
			continue
		}
		e, ok := t.Event.AsObject().Get(field)
		if !ok || e.Kind() != ast.KindString || !strings.EqualFold(e.AsString(), v) {
			continue
		}
		s := e.AsString()
		if s != strings.ToLower(s) && s != strings.ToUpper(s) {
			return s
		}
		if best == "" {
			best = s
		}
	}
	if best == "" || v != strings.ToLower(v) && v != strings.ToUpper(v) {
		return v
	}
	return best
}

// yamlScalar is s as a one-line YAML scalar, quoted only when it must be.
func yamlScalar(s string) string {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	out, err := yaml.Marshal(n)
	text := strings.TrimSuffix(string(out), "\n")
	if err != nil || strings.Contains(text, "\n") {
		n.Style = yaml.DoubleQuotedStyle
		out, _ = yaml.Marshal(n)
		text = strings.TrimSuffix(string(out), "\n")
	}
	return text
}

// splString is s as an SPL string literal: \ and " escaped (the two escapes
// eval strings have; a backslash before another character would be kept by
// concord but may be read as an escape by Splunk, as \t is).
func splString(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

var (
	identRE   = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	macroName = regexp.MustCompile(`^[A-Za-z0-9_]+$`)
)

// plainPath: dotted identifiers, which search terms, stats and spath take
// unquoted.
func plainPath(s string) bool {
	for _, seg := range strings.Split(s, ".") {
		if !identRE.MatchString(seg) {
			return false
		}
	}
	return true
}

func statsField(s string) bool { return plainPath(s) }

func isKeyword(s string) bool {
	switch strings.ToUpper(s) {
	case "AND", "OR", "NOT", "XOR", "IN", "LIKE", "TRUE", "FALSE", "NULL", "AS", "BY":
		return true
	}
	return false
}

// whereField names a field in an eval expression: single-quoted unless it is
// a plain name (Search Reference, eval: a field name with characters other
// than letters, digits and underscores is enclosed in single quotes).
func whereField(name string) string {
	if identRE.MatchString(name) && !isKeyword(name) {
		return name
	}
	return "'" + name + "'"
}

// identOf keeps letters, digits and underscores.
func identOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

// fileName is a detection's name as security_content names its file:
// "AWS CloudTrail Trail Deleted" → "aws_cloudtrail_trail_deleted".
func fileName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
		} else if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
			b.WriteByte('_')
		}
	}
	return strings.Trim(b.String(), "_")
}

// snakeCase is a raw key as a column name: "bucketName" → "bucket_name",
// "userARN" → "user_arn", "VersioningConfiguration.Status" →
// "versioning_configuration_status".
func snakeCase(s string) string {
	rs := []rune(s)
	var b strings.Builder
	under := true // at the start, or after an underscore
	for i, r := range rs {
		if r >= utf8.RuneSelf || !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if !under {
				b.WriteByte('_')
				under = true
			}
			continue
		}
		if unicode.IsUpper(r) && i > 0 && !under {
			prev := rs[i-1]
			nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
			if unicode.IsLower(prev) || unicode.IsDigit(prev) || unicode.IsUpper(prev) && nextLower {
				b.WriteByte('_')
			}
		}
		b.WriteRune(unicode.ToLower(r))
		under = false
	}
	return strings.Trim(b.String(), "_")
}

// freshName is name, with underscores added until no spath output has it.
func (p *printer) freshName(name string) string {
	for taken := true; taken; {
		taken = false
		for _, n := range p.spathOf {
			if n == name {
				name += "_"
				taken = true
			}
		}
	}
	return name
}
