package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
	"github.com/spf13/cobra"
)

func newVersion() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of hallmark and of the libraries it signs with",
		Args:  maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), versionLine())
			return err
		},
	}
}

// recorder is how the records this program makes name it.
func recorder() provenance.Recorder {
	return provenance.Recorder{Name: "hallmark", Version: repo.Version}
}

// versionLine is what `hallmark version` and `hallmark --version` print:
// hallmark's version and Go's, then the sigstore library it signs with.
func versionLine() string {
	s := fmt.Sprintf("hallmark %s (%s)", repo.Version, runtime.Version())
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/sigstore/sigstore" {
				s += "\nsigstore " + d.Version
			}
		}
	}
	return s
}
