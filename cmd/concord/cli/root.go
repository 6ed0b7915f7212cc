// Package cli wires the concord subcommands to the library packages. Logic lives
// in harness and below; this package parses flags and renders reports.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/concordsec/concord/datamodel"
	"github.com/concordsec/concord/geoip"
	"github.com/concordsec/concord/harness"
	"github.com/concordsec/concord/sourcetype"
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
	for _, w := range harness.TakeWarnings() {
		fmt.Fprintln(stderr, w)
	}
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
	var addons []string
	root.PersistentFlags().StringArrayVar(&addons, "addons", nil,
		"directory of an installed Splunk add-on (e.g. Splunk_TA_aws) whose props.conf, transforms.conf and lookups replace concord's built-in knowledge of its sourcetypes (repeatable; also $CONCORD_ADDONS, a path list)")
	var geoipFile string
	root.PersistentFlags().StringVar(&geoipFile, "geoip", os.Getenv("CONCORD_GEOIP"),
		"MaxMind DB file (e.g. GeoLite2-City.mmdb) for iplocation (also $CONCORD_GEOIP)")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		// Each invocation starts from concord's own knowledge only.
		sourcetype.ResetDefault()
		datamodel.Default = &datamodel.Registry{}
		harness.ResetWarnings()
		geoip.SetDefault(nil)
		if geoipFile != "" {
			db, err := geoip.Open(geoipFile)
			if err != nil {
				return fmt.Errorf("--geoip: %w", err)
			}
			geoip.SetDefault(db)
		}
		return loadAddons(io, append(filepath.SplitList(os.Getenv("CONCORD_ADDONS")), addons...))
	}
	root.AddCommand(newParseCmd(io), newRunCmd(io), newTestCmd(io), newCompareCmd(io), newCheckCmd(io), newPairsCmd(io), newConvertCmd(io))
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

// loadAddons reads installed Splunk add-ons before any search runs. A broken
// add-on fails the run (its knowledge would be half there); settings concord
// cannot apply are warnings.
func loadAddons(io *streams, dirs []string) error {
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		models, errs := datamodel.Default.LoadDir(dir)
		if len(errs) > 0 {
			errs.Print(io.err)
			return fmt.Errorf("add-on %s: its data models could not be loaded", dir)
		}
		if len(models) > 0 {
			fmt.Fprintf(io.err, "add-on: %s: data models %s\n", filepath.Base(dir), strings.Join(models, ", "))
			if !hasProps(dir) {
				continue // an app of data models only, such as Splunk_SA_CIM's data/models
			}
		}
		a, errs := sourcetype.LoadAddon(dir)
		if len(errs) > 0 {
			errs.Print(io.err)
			return fmt.Errorf("add-on %s could not be loaded", dir)
		}
		for _, n := range a.Notes() {
			fmt.Fprintln(io.err, "add-on:", n)
		}
		for _, w := range a.Warnings {
			fmt.Fprintln(io.err, "warning:", w)
		}
	}
	return nil
}

func hasProps(dir string) bool {
	for _, layer := range []string{"default", "local"} {
		if _, err := os.Stat(filepath.Join(dir, layer, "props.conf")); err == nil {
			return true
		}
	}
	return false
}
