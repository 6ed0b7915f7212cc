package sourcetype

import (
	"strings"
	"testing"

	"github.com/concordsec/concord/ast"
)

// eventtypes.conf searches give an event its eventtype field, tags.conf turns
// eventtypes and field values into its tag field (Knowledge Manager Manual,
// "About event types" and "About tags and aliases"); data model constraints
// such as tag=change read them.
func TestEventtypesAndTags(t *testing.T) {
	r, addons := loadAddons(t, "TA-acme-tags")
	if len(addons[0].Warnings) != 1 || !strings.Contains(addons[0].Warnings[0].Error(), "eventtype acme_broken") {
		t.Errorf("warnings %v", addons[0].Warnings)
	}
	st := r.Lookup("acme:audit")
	for _, tc := range []struct{ raw, eventtype, tag string }{
		{`{"action":"DELETE","actor":"root"}`, `"acme_change"`, `["audit","change","privileged"]`},
		{`{"action":"login","actor":"bob"}`, `"acme_login"`, `"authentication"`},
		{`{"action":"read","actor":"bob"}`, `missing`, `missing`},
	} {
		v, err := ast.ParseJSON([]byte(tc.raw))
		if err != nil {
			t.Fatal(err)
		}
		o, err := st.View(v, Meta{})
		if err != nil {
			t.Fatal(err)
		}
		et, _ := o.Get("eventtype")
		tag, _ := o.Get("tag")
		if got := jsonOrMissing(et); got != tc.eventtype {
			t.Errorf("%s: eventtype %s, want %s", tc.raw, got, tc.eventtype)
		}
		if got := jsonOrMissing(tag); got != tc.tag {
			t.Errorf("%s: tag %s, want %s", tc.raw, got, tc.tag)
		}
	}
}

func jsonOrMissing(v ast.Value) string {
	if v.IsMissing() {
		return "missing"
	}
	return ast.JSON(v)
}
