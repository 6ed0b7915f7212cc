package sigma

import (
	"regexp"
	"strings"

	"github.com/concordsec/concord/ast"
)

// tactics are the 14 tactics of the ATT&CK Enterprise matrix, by id, with
// the names the spec's tag appendix uses (attack.<name>).
var tactics = map[string]string{
	"TA0043": "reconnaissance",
	"TA0042": "resource-development",
	"TA0001": "initial-access",
	"TA0002": "execution",
	"TA0003": "persistence",
	"TA0004": "privilege-escalation",
	"TA0005": "defense-evasion",
	"TA0006": "credential-access",
	"TA0007": "discovery",
	"TA0008": "lateral-movement",
	"TA0009": "collection",
	"TA0011": "command-and-control",
	"TA0010": "exfiltration",
	"TA0040": "impact",
}

var (
	tacticID    = regexp.MustCompile(`^(?i)TA\d{4}$`)
	techniqueID = regexp.MustCompile(`^(?i)T\d{4}(\.\d{3})?$`)
	// tacticTag is attack.<tactic name>: a name, where techniques, groups,
	// software, data sources and mitigations are a letter and digits.
	tacticTag = regexp.MustCompile(`^attack\.[a-z]+(-[a-z]+)*$`)
)

// sigmaTags are the rule's tags as SigmaHQ orders them: tactics, then
// techniques (from MITRE ids: Panther's "TA0005:T1562.001", Splunk's
// "T1562.001"), then the other tags that are Sigma tags already.
func sigmaTags(m ast.Meta) []string {
	var tacticTags, techTags, others []string
	seen := map[string]bool{}
	add := func(list *[]string, t string) {
		if !seen[t] {
			seen[t] = true
			*list = append(*list, t)
		}
	}
	for _, id := range m.MITRE {
		for _, part := range strings.Split(id, ":") {
			part = strings.TrimSpace(part)
			switch {
			case tacticID.MatchString(part):
				if name, ok := tactics[strings.ToUpper(part)]; ok {
					add(&tacticTags, "attack."+name)
				}
			case techniqueID.MatchString(part):
				add(&techTags, "attack."+strings.ToLower(part))
			}
		}
	}
	for _, t := range m.Tags {
		switch {
		case !tagPattern.MatchString(t):
		case techniqueTag.MatchString(t):
			add(&techTags, t)
		case tacticTag.MatchString(t):
			add(&tacticTags, t)
		default:
			add(&others, t)
		}
	}
	return append(append(tacticTags, techTags...), others...)
}
