// Package cli wires the concord subcommands to the library packages. Logic lives
// in harness and below; this package parses flags and renders reports.
package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Exit codes, mapped in one place.
const (
	ExitOK     = 0
	ExitFailed = 1 // a test failed or errored, rules disagree, or input was bad
	ExitUsage  = 2
)

// exitError carries an exit code out of a command without printing anything more.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

// Main runs the CLI and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	var ee exitError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ee):
		return ee.code
	}
	fmt.Fprintln(stderr, "concord:", err)
	if isUsage(err) {
		return ExitUsage
	}
	return ExitFailed
}

type usageError struct{ error }

func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:           "concord",
		Short:         "Run Splunk and Panther detections natively, test them, and compare them",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	io := &streams{out: stdout, err: stderr}
	root.AddCommand(newParseCmd(io), newRunCmd(io), newTestCmd(io), newCompareCmd(io), newCheckCmd(io))
	return root
}

type streams struct {
	out, err io.Writer
}

func checkFormat(format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return usageError{fmt.Errorf("--format %q: expected one of %v", format, allowed)}
}
