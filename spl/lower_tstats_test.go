package spl

import (
	"reflect"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

// Shapes from security_content's data-model searches; the syntax follows the
// tstats page of Splunk's Search Reference (FROM datamodel=..., WHERE, BY with
// span=).
func TestParseSearch_tstats(t *testing.T) {
	tests := []struct {
		note, search string
		opts         []string
		aggs         []string // Fn(Arg)=As
		model, set   string
		where        string
		by           []string
		span         string
		unsupported  string
	}{
		{
			note:   "process model with macro options",
			search: "| tstats `summariesonly` count min(_time) as firstTime from datamodel=Endpoint.Processes where Processes.process_name=cmd.exe by Processes.dest Processes.user | `drop_dm_object_name(Processes)`",
			opts:   []string{"summariesonly=true"},
			aggs:   []string{"count()=count", "min(_time)=firstTime"},
			model:  "Endpoint", set: "Processes",
			where:       `exactis(Processes.process_name "cmd.exe")`,
			by:          []string{"Processes.dest", "Processes.user"},
			unsupported: "needs data model Endpoint.Processes",
		},
		{
			note:   "root dataset, IN list, quoted by field and span",
			search: `| tstats count from datamodel=Web where Web.url IN ("/a*","/b") Web.status=200 by _time span=1h "Web.src", Web.dest`,
			aggs:   []string{"count()=count"},
			model:  "Web",
			where:  `and(or(wildcardis(Web.url "/a*"), exactis(Web.url "/b")), exactis(Web.status "200"))`,
			by:     []string{"_time", "Web.src", "Web.dest"}, span: "1h",
			unsupported: "needs data model Web",
		},
		{
			note:        "indexed fields only",
			search:      "| tstats count where index=main by sourcetype",
			aggs:        []string{"count()=count"},
			where:       `exactis(index "main")`,
			by:          []string{"sourcetype"},
			unsupported: "tstats over indexed fields",
		},
	}
	macros := Macros{}
	macros.Add(&Macro{Name: "summariesonly", Definition: "summariesonly=true"})
	for _, tc := range tests {
		t.Run(tc.note, func(t *testing.T) {
			_, pipe, errs := ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, tc.search, macros)
			var unsupported []string
			for _, e := range errs {
				if e.Code != ast.CodeUnsupported {
					t.Fatalf("error: %v", e)
				}
				unsupported = append(unsupported, e.Msg)
			}
			if len(unsupported) != 1 || !strings.Contains(unsupported[0], tc.unsupported) {
				t.Errorf("unsupported %q, want %q", unsupported, tc.unsupported)
			}
			ts, ok := pipe[0].(*ast.TstatsCmd)
			if !ok {
				t.Fatalf("first command %T", pipe[0])
			}
			var opts, aggs []string
			for _, o := range ts.Options {
				opts = append(opts, o.Name+"="+o.Value)
			}
			for _, a := range ts.Aggs {
				aggs = append(aggs, a.Fn+"("+a.Arg+")="+a.As)
			}
			if !reflect.DeepEqual(opts, tc.opts) || !reflect.DeepEqual(aggs, tc.aggs) {
				t.Errorf("options %q aggs %q", opts, aggs)
			}
			if ts.DataModel != tc.model || ts.Dataset != tc.set || ts.TimeSpan != tc.span || !reflect.DeepEqual(ts.By, tc.by) {
				t.Errorf("model %q.%q span %q by %q", ts.DataModel, ts.Dataset, ts.TimeSpan, ts.By)
			}
			if got := show(ts.Where); got != tc.where {
				t.Errorf("where %s\nwant  %s", got, tc.where)
			}
		})
	}
}

func TestParseSearch_tstatsErrors(t *testing.T) {
	_, _, errs := ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1}, "| tstats from datamodel=Web by x", nil)
	if !errs.Has(ast.CodeParse) || !strings.Contains(errs.Error(), "expected an aggregation") {
		t.Errorf("got %v", errs)
	}
}
