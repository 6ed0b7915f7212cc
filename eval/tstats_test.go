package eval_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/datamodel"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/spl"
)

// A tstats search over a loaded data model runs over every event of the run:
// only events in the dataset count, fields carry their dataset path, and each
// result row keeps the events it came from.
func TestTstatsRunsOverDerivedDataModel(t *testing.T) {
	file := filepath.Join("..", "spl", "testdata", "datamodels", "Change.json")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m, err := datamodel.Parse(file, data)
	if err != nil {
		t.Fatal(err)
	}
	models := &datamodel.Registry{}
	models.Add(m)
	_, pipe, errs := spl.ParseSearchWith("d.yml", ast.Pos{Line: 1, Col: 1},
		`| tstats count values(All_Changes.Instance_Changes.instance_type) as types from datamodel=Change.Instance_Changes where All_Changes.status=unknown by All_Changes.user`,
		spl.LoadOptions{DataModels: models})
	if errs != nil {
		t.Fatal(errs)
	}
	p, cerrs := eval.CompilePipeline(pipe)
	if cerrs != nil {
		t.Fatal(cerrs)
	}
	var all []eval.Row
	for i, js := range []string{
		`{"tag":["change","instance"],"object_category":"instance","user":"alice","instance_type":"t3.micro","_time":3}`,
		`{"tag":["change"],"object_category":"instance","user":"alice","instance_type":"p4d.24xlarge","status":"","_time":2}`,
		`{"tag":["change"],"object_category":"user","user":"bob","_time":1}`,
		`{"object_category":"instance","user":"carol","instance_type":"t3.micro","_time":0}`,
	} {
		v, err := ast.ParseJSON([]byte(js))
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, eval.Row{Fields: v.AsObject(), Src: []int{i}})
	}
	out, _, err := p.RunAll(all, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 {
		t.Fatalf("%d rows", len(out))
	}
	if got := ast.JSON(ast.ObjectOf(out[0].Fields)); got != `{"All_Changes.user":"alice","count":2,"types":["p4d.24xlarge","t3.micro"]}` {
		t.Errorf("row %s", got)
	}
	if len(out[0].Src) != 2 || out[0].Src[0] != 0 || out[0].Src[1] != 1 {
		t.Errorf("sources %v", out[0].Src)
	}
}

// foreach runs its eval template once per matching field, in name order, on
// each row (Search Reference, foreach); this is the shape of
// security_content's linux_auditd_normalized_execve_process macro.
func TestForeach(t *testing.T) {
	_, pipe, errs := spl.ParseSearch("d.yml", ast.Pos{Line: 1, Col: 1},
		`| eval relevant_fields="" | foreach a* [eval relevant_fields=mvappend(relevant_fields, '<<FIELD>>')] | eval process_exec=trim(mvjoin(relevant_fields, " ")) | foreach stdev_* [eval z_<<MATCHSTR>>=<<FIELD>>*2]`, nil)
	if errs != nil {
		t.Fatal(errs)
	}
	p, cerrs := eval.CompilePipeline(pipe)
	if cerrs != nil {
		t.Fatal(cerrs)
	}
	v, err := ast.ParseJSON([]byte(`{"a1":"-la","a0":"ls","a2":"/root","b0":"x","stdev_cpu":2,"stdev_mem":5}`))
	if err != nil {
		t.Fatal(err)
	}
	out, _, err := p.Run([]eval.Row{{Fields: v.AsObject(), Src: []int{0}}})
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"process_exec": `"ls -la /root"`, "z_cpu": "4", "z_mem": "10"} {
		if got, _ := out[0].Fields.Get(k); ast.JSON(got) != want {
			t.Errorf("%s = %s, want %s", k, ast.JSON(got), want)
		}
	}
}
