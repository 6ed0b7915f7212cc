package panther

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

func TestZZSmokeLoad(t *testing.T) {
	var files []string
	filepath.WalkDir("/tmp/pa/rules", func(p string, d fs.DirEntry, err error) error {
		if strings.HasSuffix(p, ".yml") {
			files = append(files, p)
		}
		return nil
	})
	clean, unsup, bad, panics := 0, 0, 0, 0
	reasons := map[string]int{}
	codes := map[string]int{}
	re := regexp.MustCompile(` at \d+:\d+$|"[^"]*"`)
	for _, f := range files {
		func() {
			defer func() {
				if r := recover(); r != nil {
					panics++
					t.Log("PANIC", f, r)
				}
			}()
			rule, errs := LoadRule(f)
			if len(errs) > 0 {
				bad++
				for _, e := range errs {
					codes[e.Code]++
				}
				if os.Getenv("V") != "" {
					t.Log(errs)
				}
				return
			}
			if len(rule.Unsupported) > 0 {
				unsup++
				seen := map[string]bool{}
				for _, e := range rule.Unsupported {
					r := re.ReplaceAllString(e.Msg, `"…"`)
					if !seen[r] {
						seen[r] = true
						reasons[r]++
					}
				}
				return
			}
			clean++
		}()
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
		if i < 25 {
			t.Logf("%4d %s", x.v, x.k)
		}
	}
	t.Logf("codes %v", codes)
	t.Logf("%d yml, clean %d, unsupported %d, with errors %d, panics %d", len(files), clean, unsup, bad, panics)
}
