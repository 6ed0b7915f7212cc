package eval_test

import (
	"testing"

	"github.com/concordsec/concord/ast"
	"github.com/concordsec/concord/eval"
	"github.com/concordsec/concord/geoip"
	"github.com/concordsec/concord/geoip/geoiptest"
)

// iplocation (Search Reference): City, Country, Region, lat, lon, and with
// allfields Continent, MetroCode, Timezone; prefix= before each name; an
// address without a location (or not an address) adds nothing.
func TestIplocation(t *testing.T) {
	db, err := geoip.New(geoiptest.Build(map[string]map[string]any{
		"198.51.100.0/24": geoiptest.City("Springfield", "Illinois", "United States", 39.8, -89.6),
	}))
	if err != nil {
		t.Fatal(err)
	}
	geoip.SetDefault(db)
	defer geoip.SetDefault(nil)
	for _, tc := range []struct {
		cmd       *ast.IplocationCmd
		src, want string
	}{
		{&ast.IplocationCmd{Field: "src", Lang: "en"}, "198.51.100.7",
			`{"src":"198.51.100.7","City":"Springfield","Country":"United States","Region":"Illinois","lat":39.8,"lon":-89.6}`},
		{&ast.IplocationCmd{Field: "src", Lang: "en", Prefix: "src_", AllFields: true}, "198.51.100.0/24",
			`{"src":"198.51.100.0/24","src_City":"Springfield","src_Country":"United States","src_Region":"Illinois","src_lat":39.8,"src_lon":-89.6,"src_Continent":"Testland","src_MetroCode":7,"src_Timezone":"Etc/UTC"}`},
		{&ast.IplocationCmd{Field: "src", Lang: "fr"}, "198.51.100.7",
			`{"src":"198.51.100.7","City":"","Country":"","Region":"","lat":39.8,"lon":-89.6}`},
		{&ast.IplocationCmd{Field: "src", Lang: "en"}, "10.0.0.1", `{"src":"10.0.0.1"}`},
		{&ast.IplocationCmd{Field: "src", Lang: "en"}, "not an address", `{"src":"not an address"}`},
	} {
		p, errs := eval.CompilePipeline([]ast.Command{tc.cmd})
		if errs != nil {
			t.Fatal(errs)
		}
		o := &ast.Object{}
		o.Set("src", ast.String(tc.src))
		out, _, err := p.Run([]eval.Row{{Fields: o, Src: []int{0}}})
		if err != nil {
			t.Fatal(err)
		}
		if got := ast.JSON(ast.ObjectOf(out[0].Fields)); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.src, got, tc.want)
		}
	}
	geoip.SetDefault(nil)
	if _, errs := eval.CompilePipeline([]ast.Command{&ast.IplocationCmd{Field: "src"}}); errs == nil || errs[0].Code != ast.CodeUnsupported {
		t.Errorf("without a database: %v", errs)
	}
}

func TestXmlkv(t *testing.T) {
	p, errs := eval.CompilePipeline([]ast.Command{&ast.XmlkvCmd{Field: "Message"}})
	if errs != nil {
		t.Fatal(errs)
	}
	o := &ast.Object{}
	o.Set("Message", ast.String(`<Task version="1.2"><RegistrationInfo><Author>CORP\bob</Author></RegistrationInfo>`+
		`<Actions><Exec><Command>rundll32.exe</Command><Arguments>a.dll,Run</Arguments></Exec><Exec><Command>cmd.exe</Command></Exec></Actions><Hidden>true</Hidden><Bad>x</Other></Task>`))
	out, _, err := p.Run([]eval.Row{{Fields: o, Src: []int{0}}})
	if err != nil {
		t.Fatal(err)
	}
	got := out[0].Fields
	for k, want := range map[string]string{"Author": `"CORP\\bob"`, "Command": `["rundll32.exe","cmd.exe"]`, "Arguments": `"a.dll,Run"`, "Hidden": `"true"`} {
		if v, _ := got.Get(k); ast.JSON(v) != want {
			t.Errorf("%s = %s, want %s", k, ast.JSON(v), want)
		}
	}
	for _, k := range []string{"Bad", "Task", "Exec"} {
		if _, ok := got.Get(k); ok {
			t.Errorf("%s extracted", k)
		}
	}
}
