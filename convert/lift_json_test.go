package convert

import (
	"testing"

	"github.com/concordsec/concord/harness"
)

// pythonRun runs a Panther rule on one event and gives the error it raised.
func pythonRun(t *testing.T, c *harness.Compiled, raw string) (bool, error) {
	t.Helper()
	v := mustJSON(t, raw)
	res, err := c.Run([]harness.Event{{Source: "t", Raw: raw, Value: v}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res.Verdicts[0].Hit, res.Verdicts[0].Err
}
