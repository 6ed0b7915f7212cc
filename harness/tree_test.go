package harness

import (
	"os"
	"path/filepath"
	"testing"
)

// A content tree's macros are read once, and again when a macro file has
// been added since: convert -o writes each conversion's macros into one
// tree and loads each detection back from it in the same process.
func TestLoadTreeSeesNewMacros(t *testing.T) {
	root := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		path := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	detection := func(name, macro string) string {
		write("detections/cloud/"+name+".yml", "name: "+name+"\nid: 6c0d6d8c-0000-4000-8000-00000000000"+name[len(name)-1:]+
			"\nversion: 1\ndate: '2024-01-01'\nauthor: test\ntype: TTP\nstatus: production\ndescription: d\n"+
			"data_source: []\nsearch: '`"+macro+"` eventName=X | stats count by eventName'\n"+
			"how_to_implement: h\nknown_false_positives: k\nreferences: []\n"+
			"tags:\n  analytic_story: [s]\n  asset_type: AWS Account\n  mitre_attack_id: [T1078]\n  product: [Splunk Enterprise]\n  security_domain: threat\n")
		return filepath.Join(root, "detections/cloud/"+name+".yml")
	}
	write("macros/first.yml", "definition: sourcetype=aws:cloudtrail\ndescription: d\nname: first\n")
	if r, errs := LoadRule(detection("rule1", "first"), Options{}); r == nil || errs.Err() != nil {
		t.Fatalf("rule1: %v", errs)
	}
	write("macros/second.yml", "definition: sourcetype=aws:cloudtrail\ndescription: d\nname: second\n")
	if r, errs := LoadRule(detection("rule2", "second"), Options{}); r == nil || errs.Err() != nil {
		t.Fatalf("rule2, its macro written after rule1 loaded: %v", errs)
	}
}
