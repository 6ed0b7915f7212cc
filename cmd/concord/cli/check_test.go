package cli

import "testing"

// With the accept entries of fixtures/pairs.yml, check passes in every format,
// and still reports each class of the seed pair's differences.
func TestCheckFormats(t *testing.T) {
	for _, c := range []struct{ name, format string }{
		{"check", "text"}, {"check_markdown", "markdown"}, {"check_junit", "junit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			out, errs, code := concord(t, "check", fixtures, "--format", c.format)
			if code != 0 {
				t.Fatalf("exit %d\n%s\n%s", code, out, errs)
			}
			golden(t, c.name, out)
		})
	}
}
