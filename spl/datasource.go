package spl

import (
	"os"
	"path/filepath"
	"sync"

	"gopkg.in/yaml.v3"
)

// DataSource is one data_sources/*.yml of a content tree: what a detection's
// `data_source:` names refer to.
type DataSource struct {
	Name       string `yaml:"name"`
	SourceType string `yaml:"sourcetype"`
	Source     string `yaml:"source"`
	ExampleLog string `yaml:"example_log"`
}

// DataSources reads a tree's data_sources/ once, on first use.
type DataSources struct {
	Dir    string
	once   sync.Once
	byName map[string]*DataSource
}

// Get returns the data source with the given name, or nil. Files that do not
// decode are skipped here: they are content of another kind, reported by the
// tools that own them.
func (ds *DataSources) Get(name string) *DataSource {
	if ds == nil {
		return nil
	}
	ds.once.Do(func() {
		ds.byName = map[string]*DataSource{}
		paths, _ := filepath.Glob(filepath.Join(ds.Dir, "*.yml"))
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				continue
			}
			var d DataSource
			if yaml.Unmarshal(data, &d) == nil && d.Name != "" {
				ds.byName[d.Name] = &d
			}
		}
	})
	return ds.byName[name]
}
