package datamodel

import (
	"os"
	"path/filepath"
	"testing"
)

// The model format is Splunk's data model JSON (objects with parentName,
// constraints, fields, calculations); spl/testdata/datamodels holds one
// written for concord's tests.
func TestParse(t *testing.T) {
	file := filepath.Join("..", "spl", "testdata", "datamodels", "Change.json")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(file, data)
	if err != nil {
		t.Fatal(err)
	}
	if roots := m.Roots(); len(roots) != 1 || roots[0] != "All_Changes" {
		t.Errorf("roots %v", roots)
	}
	if p := m.Path("Instance_Changes"); p != "All_Changes.Instance_Changes" {
		t.Errorf("path %s", p)
	}
	root := m.Datasets["All_Changes"]
	// _time is BaseEvent's, not the dataset's; the Eval output is a field.
	if got := root.Fields; len(got) != 5 || got[0] != "action" || got[3] != "status" || got[4] != "user_domain" {
		t.Errorf("fields %v", got)
	}
	if len(root.Calcs) != 2 || root.Calcs[0].Outputs[0] != "status" || root.Calcs[1].Type != "Rex" || root.Calcs[1].Input != "user" {
		t.Errorf("calculations %+v", root.Calcs)
	}
	if len(root.Skipped) != 1 || root.Skipped[0].ID != "All_Changes_geo" || root.Skipped[0].Outputs[0] != "src_city" {
		t.Errorf("skipped %v", root.Skipped)
	}
	if _, err := m.Chain("Nope"); err == nil {
		t.Error("a missing dataset has a chain")
	}
}

func TestParseErrors(t *testing.T) {
	for _, src := range []string{`{`, `{"objects": []}`} {
		if _, err := Parse("x.json", []byte(src)); err == nil {
			t.Errorf("%s: no error", src)
		}
	}
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	models := filepath.Join(dir, "default", "data", "models")
	if err := os.MkdirAll(models, 0o755); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join("..", "spl", "testdata", "datamodels", "Change.json"))
	os.WriteFile(filepath.Join(models, "Change.json"), data, 0o644)
	os.WriteFile(filepath.Join(models, "Broken.json"), []byte("{"), 0o644)
	r := &Registry{}
	names, errs := r.LoadDir(dir)
	if len(names) != 1 || names[0] != "Change" || len(errs) != 1 || r.Get("Change") == nil {
		t.Errorf("names %v errs %v", names, errs)
	}
	if (*Registry)(nil).Get("Change") != nil {
		t.Error("a nil registry has models")
	}
}

func FuzzParse(f *testing.F) {
	data, _ := os.ReadFile(filepath.Join("..", "spl", "testdata", "datamodels", "Change.json"))
	f.Add(data)
	f.Add([]byte(`{"modelName":"M","objects":[{"objectName":"A","parentName":"A"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("f.json", data)
		if err != nil {
			return
		}
		for name := range m.Datasets {
			m.Chain(name)
			m.Path(name)
		}
	})
}
