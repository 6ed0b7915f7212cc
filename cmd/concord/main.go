// Command concord runs Splunk and Panther detection rules natively on log events,
// runs their tests, and compares rules across the two platforms.
package main

import (
	"os"

	"github.com/concordsec/concord/cmd/concord/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr))
}
