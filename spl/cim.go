package spl

import (
	_ "embed"
	"fmt"

	"gopkg.in/yaml.v3"
)

//go:embed data/cim_macros.yml
var cimMacrosYAML []byte

// cimMacros are the Splunk_SA_CIM macros that detections call without the
// content tree defining them (drop_dm_object_name above all). Expand consults
// them after the tree's own macros, as Splunk resolves a macro from any app.
var cimMacros = mustLoadCIMMacros()

func mustLoadCIMMacros() Macros {
	var files []macroFile
	if err := yaml.Unmarshal(cimMacrosYAML, &files); err != nil {
		panic(fmt.Sprintf("spl: embedded CIM macros: %v", err)) // a build-time data error
	}
	ms := Macros{}
	for _, f := range files {
		ms.Add(&Macro{Name: f.Name, Definition: f.Definition, Args: f.Arguments, File: "Splunk_SA_CIM macros.conf"})
	}
	return ms
}
