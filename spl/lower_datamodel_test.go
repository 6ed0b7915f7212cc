package spl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/datamodel"
)

func testModels(t *testing.T) *datamodel.Registry {
	t.Helper()
	file := filepath.Join("testdata", "datamodels", "Change.json")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m, err := datamodel.Parse(file, data)
	if err != nil {
		t.Fatal(err)
	}
	r := &datamodel.Registry{}
	r.Add(m)
	return r
}

// With the data model loaded, tstats runs as the search over raw events that
// the data model describes: constraints of the dataset and its parents, the
// calculations, the model's fields named by dataset path, then where, bin and
// stats (Search Reference, tstats; Knowledge Manager Manual, data models).
func TestTstatsDerivedFromDataModel(t *testing.T) {
	src := "| tstats summariesonly=false fillnull_value=null count values(All_Changes.Instance_Changes.instance_type) as types from datamodel=Change.Instance_Changes where All_Changes.status=success by All_Changes.user _time span=1h"
	_, pipe, errs := parseSource(&Source{File: "d.yml", At: ast.Pos{Line: 1, Col: 1}, Text: src}, nil, nil, testModels(t))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	ts := pipe[0].(*ast.TstatsCmd)
	var got []string
	for _, c := range ts.Derived {
		got = append(got, FormatCommand(c, show))
	}
	want := []string{
		`search and(exactis(tag "change"), exactis(object_category "instance"))`,
		`eval status=cond(or(isnull(status), cmp(status == string:"")), string:"unknown", status)`,
		`rex field=user "^[^@]+@(?P<user_domain>.+)$"`,
		`table _time host source sourcetype action user object_category status user_domain instance_type`,
		`rename action AS All_Changes.action, user AS All_Changes.user, object_category AS All_Changes.object_category, status AS All_Changes.status, user_domain AS All_Changes.user_domain, instance_type AS All_Changes.Instance_Changes.instance_type`,
		`search exactis(All_Changes.status "success")`,
		`bin span=1h _time`,
		`fillnull value="null" All_Changes.user _time`,
		`stats count AS count values(All_Changes.Instance_Changes.instance_type) AS types by All_Changes.user _time`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("derived pipeline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestTstatsUnderivable(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"| tstats count from datamodel=Endpoint.Processes by Processes.dest", "needs data model Endpoint.Processes"},
		{"| tstats count from datamodel=Change.Nope", "data model Change has no dataset Nope"},
		{"| tstats prestats=t count from datamodel=Change", "tstats prestats=true"},
		{"| tstats count from datamodel=Change where nodename=All_Changes.Nope", "data model Change has no dataset All_Changes.Nope"},
		{"| tstats count from datamodel=Change where nodename=a OR nodename=b", "tstats where nodename"},
		// A calculation concord cannot run matters only when the search reads it.
		{"| tstats count from datamodel=Change by All_Changes.src_city", "All_Changes.src_city is a GeoIP calculation (All_Changes_geo)"},
	} {
		_, pipe, errs := parseSource(&Source{File: "d.yml", At: ast.Pos{Line: 1, Col: 1}, Text: tc.src}, nil, nil, testModels(t))
		if len(errs) != 1 || errs[0].Code != ast.CodeUnsupported || !strings.Contains(errs[0].Msg, tc.want) {
			t.Errorf("%s: %v", tc.src, errs)
		}
		if ts, ok := pipe[0].(*ast.TstatsCmd); !ok || ts.Derived != nil {
			t.Errorf("%s: %T derived", tc.src, pipe[0])
		}
	}
}

// where nodename=Model.Child selects the child dataset, as from
// datamodel=Model.Child does (tstats, Search Reference).
func TestTstatsNodename(t *testing.T) {
	src := "| tstats count from datamodel=Change where nodename=All_Changes.Instance_Changes All_Changes.user=bob by All_Changes.user"
	_, pipe, errs := parseSource(&Source{File: "d.yml", At: ast.Pos{Line: 1, Col: 1}, Text: src}, nil, nil, testModels(t))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	d := pipe[0].(*ast.TstatsCmd).Derived
	if got := FormatCommand(d[0], show); got != `search and(exactis(tag "change"), exactis(object_category "instance"))` {
		t.Errorf("constraints %s", got)
	}
	if got := FormatCommand(d[len(d)-2], show); got != `search exactis(All_Changes.user "bob")` {
		t.Errorf("where %s", got)
	}
}
