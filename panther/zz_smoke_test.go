package panther

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"
)

func TestZZSmokeParse(t *testing.T) {
	files, _ := filepath.Glob("/tmp/pa/rules/*/*.py")
	bad, unsup, ok := 0, 0, 0
	reasons := map[string]int{}
	re := regexp.MustCompile(` at \d+:\d+$`)
	for _, f := range files {
		src, _ := os.ReadFile(f)
		p, errs := ParsePython(f, src)
		if len(errs) > 0 {
			bad++
			t.Log(errs)
			continue
		}
		if len(p.Unsupported) > 0 {
			unsup++
			seen := map[string]bool{}
			for _, e := range p.Unsupported {
				r := re.ReplaceAllString(e.Msg, "")
				if !seen[r] {
					seen[r] = true
					reasons[r]++
				}
			}
		} else {
			ok++
		}
	}
	type kv struct {
		k string
		v int
	}
	var kvs []kv
	for k, v := range reasons {
		kvs = append(kvs, kv{k, v})
	}
	sort.Slice(kvs, func(i, j int) bool { return kvs[i].v > kvs[j].v })
	for i, x := range kvs {
		if i < 40 {
			t.Logf("%4d %s", x.v, x.k)
		}
	}
	t.Logf("%d files, ok %d, unsupported %d, errors %d", len(files), ok, unsup, bad)
}
