package convert

import (
	"path/filepath"
	"strings"

	"github.com/concordsec/concord/panther"
	"github.com/concordsec/concord/portable"
	"github.com/concordsec/concord/sigma"
	"github.com/concordsec/concord/spl"
)

// printers are the targets' printers.
var printers = map[Target]printer{
	ToPanther: func(r *portable.Rule, opts Options) (*Printed, error) {
		p, err := panther.PrintRule(r, panther.PrintOptions{BaseName: opts.BaseName, YAMLDetection: opts.YAMLDetection})
		if err != nil {
			return nil, err
		}
		out := &Printed{Files: map[string][]byte{"rules/" + p.YAMLName: p.YAML}, Main: "rules/" + p.YAMLName, Lossy: p.Lossy}
		if p.PyName != "" {
			out.Files["rules/"+p.PyName] = p.Py
		}
		return out, nil
	},
	ToSplunk: func(r *portable.Rule, opts Options) (*Printed, error) {
		p, err := spl.PrintDetection(r, spl.PrintOptions{BaseName: opts.BaseName})
		if err != nil {
			return nil, err
		}
		return &Printed{Files: p.Files, Main: p.Detection, Lossy: p.Lossy}, nil
	},
	ToSigma: func(r *portable.Rule, opts Options) (*Printed, error) {
		data, lossy, err := sigma.Print(r)
		if err != nil {
			return nil, err
		}
		name := opts.BaseName
		if name == "" {
			name = strings.ToLower(strings.Join(strings.Fields(r.Name), "_"))
		}
		main := filepath.ToSlash(filepath.Join("rules", "cloud", "aws", "cloudtrail", name+".yml"))
		return &Printed{Files: map[string][]byte{main: data}, Main: main, Lossy: lossy}, nil
	},
}
