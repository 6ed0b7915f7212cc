package spl

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

func TestExpand(t *testing.T) {
	tests := []struct {
		note, text, want string
	}{
		{"plain", "`cloudtrail` a=1", "sourcetype=aws:cloudtrail a=1"},
		{"arguments", "`security_content_ctime(firstTime)`", `convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(firstTime)`},
		{"quoted argument with comma", "`pair(f, \"a, b\")`", `f="a, b"`},
		{"nested with comment", "`outer`", "sourcetype=aws:cloudtrail  eventName=X"},
		{"missing filter macro", "a | `my_detection_filter`", "a | search *"},
		{"comment removed", "a ```why``` b", "a  b"},
		{"textual, no padding", "index=`cloudtrail`x", "index=sourcetype=aws:cloudtrailx"},
		// Splunk leaves backticks in quoted strings alone; security_content's macro
		// potentially_malicious_code_on_cmdline_tokenize_score depends on it.
		{"backtick in a string", "eval p=replace(p, \"`\", \"\") | `cloudtrail`", "eval p=replace(p, \"`\", \"\") | sourcetype=aws:cloudtrail"},
		{"macro quoted for map", `map search="search ` + "`cloudtrail`" + ` x=\"$v$\""`, `map search="search ` + "`cloudtrail`" + ` x=\"$v$\""`},
		// Splunk_SA_CIM's drop_dm_object_name, not defined in the tree (data/cim_macros.yml).
		{"CIM macro", "`drop_dm_object_name(\"Web\")`", `rename "Web.*" as *`},
	}
	for _, tc := range tests {
		t.Run(tc.note, func(t *testing.T) {
			got, _, errs := Expand(&Source{File: "d.yml", At: ast.Pos{Line: 1, Col: 1}, Text: tc.text}, testMacros())
			if len(errs) > 0 {
				t.Fatal(errs)
			}
			if got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestExpand_sourceMap(t *testing.T) {
	src := &Source{File: "d.yml", At: ast.Pos{Line: 2, Col: 9}, Text: "`cloudtrail` b=1"}
	text, sm, errs := Expand(src, testMacros())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	// Inside the expansion: the call's position and the macro's name.
	if p, m := sm.Origin(strings.Index(text, "aws")); p.String() != "d.yml:2:9" || m != "cloudtrail" {
		t.Errorf("macro text maps to %s in %q", p, m)
	}
	// After it: the original column of b.
	if p, m := sm.Origin(strings.Index(text, "b=1")); p.String() != "d.yml:2:22" || m != "" {
		t.Errorf("literal text maps to %s in %q", p, m)
	}
}

func TestExpand_externalMacroIsUnsupported(t *testing.T) {
	_, _, errs := Expand(&Source{File: "d.yml", At: ast.Pos{Line: 1, Col: 1}, Text: "a | `get_asset(src)`"}, testMacros())
	if len(errs) != 1 || errs[0].Code != ast.CodeUnsupported || !strings.Contains(errs[0].Msg, "needs macro `get_asset(1)` from Splunk Enterprise Security") {
		t.Errorf("got %v", errs)
	}
}

func TestMacroKey(t *testing.T) {
	if got := MacroKey("security_content_ctime", 1); got != "security_content_ctime(1)" {
		t.Errorf("got %s", got)
	}
	if got := MacroKey("cloudtrail", 0); got != "cloudtrail" {
		t.Errorf("got %s", got)
	}
}

func TestLoadMacros(t *testing.T) {
	ms, errs := LoadMacros(filepath.Join("testdata", "security_content", "macros"))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	m := ms["security_content_ctime(1)"]
	if m == nil || len(m.Args) != 1 || m.Args[0] != "field" || !strings.HasPrefix(m.Definition, "convert") || m.Line != 1 {
		t.Fatalf("got %+v", m)
	}
	if ms["cloudtrail"] == nil {
		t.Fatal("cloudtrail not loaded")
	}
}
