package plan_test

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/concordsec/concord/plan"
)

func TestZZDebug(t *testing.T) {
	rules := loadFixtures(t)
	var plans []*plan.Plan
	for _, r := range rules {
		if bytes.Contains([]byte(r.rule.File), []byte("github")) || bytes.Contains([]byte(r.rule.File), []byte("vpc")) {
			continue
		}
		plans = append(plans, r.plan)
	}
	data, _ := os.ReadFile("/tmp/ct50k.ndjson")
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	fmt.Println(plan.NewSet(plans).GateDebug(lines))
}
