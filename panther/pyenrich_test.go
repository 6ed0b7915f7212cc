package panther

import (
	"strings"
	"testing"
)

// TestEnrichmentObjects runs the OTX and GreyNoise V3 helper objects on one
// event; each want is what the panther-analysis helper sources printed under
// CPython 3.11.7 (dateutil 2.9.0) for the same calls.
func TestEnrichmentObjects(t *testing.T) {
	ev := `{"p_enrichment": {"x_otx": {"1.2.3.4": {"indicator_type": "IPv4", "id": "p1", "adversary": "A", "malware_families": "M",
	    "created": "2024-01-02T03:04:05", "modified": ["2024-01-02T03:04:05", "2024-03-02T00:00:00"]},
	  "5.6.7.8": [{"indicator_type": "IPv4", "id": "p2", "adversary": "", "malware_families": ["F"]}, null]},
	"y_noise": {"9.9.9.9": {"ip": "9.9.9.9", "internet_scanner_intelligence": {"classification": "malicious",
	    "tags": [{"name": "T1"}, {"x": 1}, "raw"], "metadata": {"rdns": "h.example"}},
	  "business_service_intelligence": {"found": true, "name": "Svc", "trust_level": "1"}}}}}`
	tests := []struct{ expr, want string }{
		{"get_otx_object(event).indicator_type('1.2.3.4')", "'IPv4'"},
		// A list of matches gives a list, None for a falsy match.
		{"get_otx_object(event).indicator_type('5.6.7.8')", "['IPv4', None]"},
		{"get_otx_object(event).tags('1.2.3.4')", "[]"},
		{"get_otx_object(event).malware_families('1.2.3.4')", "['M']"},
		{"get_otx_object(event).url('5.6.7.8')", "['https://otx.alienvault.com/pulse/p2', 'https://otx.alienvault.com/pulse/None']"},
		{"get_otx_object(event).indicator_type('nope')", "None"},
		{"get_greynoise_v3_business_service_object(event).classification('x')", "raise AttributeError"},
		{"otx_severity(event, '1.2.3.4')", "'CRITICAL'"},
		{"otx_severity(event, '5.6.7.8')", "'HIGH'"},
		{"otx_severity(event, 'nope', 'LOW')", "'LOW'"},
		{"otx_alert_context(event, '1.2.3.4')", "{'Indicator': None, 'IndicatorType': 'IPv4', 'PulseName': None, 'Adversary': 'A', 'MalwareFamilies': ['M'], 'Tags': [], 'Industries': [], 'TargetCountries': [], 'AttackIDs': [], 'TLP': None, 'OTX_URL': 'https://otx.alienvault.com/pulse/p1', 'PulseID': 'p1', 'Description': None, 'References': [], 'IndicatorCreated': None, 'IndicatorExpiration': None, 'PulseCreated': '2024-01-02 03:04:05', 'PulseModified': '2024-03-02 00:00:00'}"},
		{"get_greynoise_v3_object(event).classification('9.9.9.9')", "'malicious'"},
		{"get_greynoise_v3_object(event).found('9.9.9.9')", "False"},
		{"get_greynoise_v3_business_service_object(event).found('9.9.9.9')", "True"},
		{"get_greynoise_v3_object(event).tag_names('9.9.9.9')", "['T1', '', 'raw']"},
		{"get_greynoise_v3_object(event).rev_dns('9.9.9.9')", "'h.example'"},
		{"greynoise_v3_alert_context(event, '9.9.9.9')", "{'IP': '9.9.9.9', 'Classification': 'malicious', 'Actor': None, 'GreyNoise_URL': 'https://www.greynoise.io/viz/ip/9.9.9.9', 'VPN': None, 'Tor': False, 'Bot': False, 'Metadata': {'rdns': 'h.example'}, 'Tags': ['T1', '', 'raw'], 'CVEs': [], 'FirstSeen': None, 'LastSeen': None, 'Spoofable': False, 'Organization': None, 'SourceCountry': None, 'ASN': None, 'OperatingSystem': None, 'ReverseDNS': 'h.example', 'BusinessService': {'Found': True, 'IP': '9.9.9.9', 'Name': 'Svc', 'Category': None, 'TrustLevel': '1', 'GreyNoise_URL': 'https://www.greynoise.io/viz/ip/9.9.9.9'}}"},
		{"severity_greater_than('HIGH', 'bogus')", "True"},
		{"greynoise_severity_decode('benign', 'D')", "'LOW'"},
	}
	imports := "from panther_otx_helpers import get_otx_object, otx_severity, otx_alert_context\n" +
		"from panther_greynoise_helpers import get_greynoise_v3_object, get_greynoise_v3_business_service_object, greynoise_v3_alert_context, greynoise_severity_decode\n" +
		"from panther_base_helpers import severity_greater_than\n\n"
	for _, tt := range tests {
		got, _ := runPy(t, imports+"def rule(event):\n    return "+tt.expr+"\n", ev, nil)
		if got != tt.want {
			t.Errorf("%s: got %s, want %s", tt.expr, got, tt.want)
		}
	}
	// No OTX table (no value with an indicator_type) gives None.
	if got, _ := runPy(t, imports+"def rule(event):\n    return get_otx_object(event)\n", `{"p_enrichment": {"x_otx": {"1.2.3.4": {"id": "no type"}}}}`, nil); got != "None" {
		t.Errorf("no OTX data: got %s", got)
	}
	// A date concord cannot parse as dateutil would stays unsupported.
	got, _ := runPy(t, imports+"def rule(event):\n    return otx_alert_context(event, 'a')\n", `{"p_enrichment": {"x_otx": {"a": {"indicator_type": "x", "created": "Jan 2 2024"}}}}`, nil)
	if !strings.HasPrefix(got, "unsupported") {
		t.Errorf("dateutil date: got %s", got)
	}
}

// TestIPInfoConstructors: IPInfoLocation(event) is an object even without the
// table, and its lookups then give None (LookupTableMatches._lookup).
func TestIPInfoConstructors(t *testing.T) {
	src := "from panther_ipinfo_helpers import IPInfoLocation\n\ndef rule(event):\n    loc = IPInfoLocation(event)\n    return [loc.city('ip'), loc.country('ip')]\n"
	for ev, want := range map[string]string{
		`{"p_enrichment": {"ipinfo_location": {"ip": {"city": "Paris", "country": "FR"}}}}`: "['Paris', 'FR']",
		`{}`: "[None, None]",
	} {
		if got, _ := runPy(t, src, ev, nil); got != want {
			t.Errorf("%s: got %s, want %s", ev, got, want)
		}
	}
}
