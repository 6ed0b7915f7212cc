package harness

import (
	"fmt"
	"slices"
	"testing"

	"github.com/concordsec/concord/ast"
)

// Panther counts a Threshold within dedup periods that open at a group's
// first match (https://help.panther.com/Alerts_and_Destinations/Alerts/Will_specifying_a_dedup_period_delay_a_Panther_alert_for_the_duration_of_the_set_period%3F):
// 10:07 opens one, 11:07 is outside it and opens the next.
func TestPeriods(t *testing.T) {
	at := func(times ...string) []Event {
		var out []Event
		for _, tm := range times {
			o := &ast.Object{}
			if tm != "" {
				o.Set("eventTime", ast.String("2026-11-20T"+tm+"Z"))
			}
			out = append(out, Event{Value: ast.ObjectOf(o)})
		}
		return out
	}
	rule := func(minutes int) *ast.Rule {
		return &ast.Rule{LogTypes: []string{"AWS.CloudTrail"}, DedupPeriodMinutes: minutes}
	}
	cases := []struct {
		name string
		set  []Event
		r    *ast.Rule
		want string
	}{
		{"one period", at("10:07:00", "10:36:00", "11:06:59"), rule(60), "[[0 1 2]]"},
		{"the next opens at the first match outside", at("10:07:00", "10:36:00", "11:07:00", "11:12:00"), rule(60), "[[0 1] [2 3]]"},
		{"the default is 60 minutes", at("10:00:00", "11:00:00"), rule(0), "[[0] [1]]"},
		{"matches in any order", at("11:12:00", "10:07:00", "11:07:00"), rule(60), "[[1] [2 0]]"},
		{"a period of 15", at("10:00:00", "10:14:59", "10:15:00"), rule(15), "[[0 1] [2]]"},
		{"no readable time: the first period", at("", "10:00:00", "12:00:00"), rule(60), "[[0 1] [2]]"},
		{"another log type: one period", at("10:00:00", "12:00:00"), &ast.Rule{LogTypes: []string{"Okta.SystemLog"}}, "[[0 1]]"},
	}
	for _, c := range cases {
		idx := make([]int, len(c.set))
		for i := range idx {
			idx[i] = i
		}
		got := periods(idx, c.set, c.r)
		if s := fmt.Sprint(got); s != c.want {
			t.Errorf("%s: %s, want %s", c.name, s, c.want)
		}
		if n := len(slices.Concat(got...)); n != len(c.set) {
			t.Errorf("%s: %d events in periods, want %d", c.name, n, len(c.set))
		}
	}
}
