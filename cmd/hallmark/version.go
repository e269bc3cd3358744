package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/hallmark-dev/hallmark/repo"
	"github.com/spf13/cobra"
)

func newVersion() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of hallmark and of the libraries it signs with",
		Args:  maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			out := cmd.OutOrStdout()
			fmt.Fprintf(out, "hallmark %s (%s)\n", repo.Recorder.Version, runtime.Version())
			if bi, ok := debug.ReadBuildInfo(); ok {
				for _, d := range bi.Deps {
					if d.Path == "github.com/sigstore/sigstore" {
						fmt.Fprintf(out, "sigstore %s\n", d.Version)
					}
				}
			}
			return nil
		},
	}
}
