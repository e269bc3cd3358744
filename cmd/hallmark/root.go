package main

import (
	"os"

	"github.com/spf13/cobra"
)

// globals are the flags every command takes.
var globals struct {
	dir     string // -C: run as if started in this directory
	verbose bool   // --verbose: git's own command lines and messages in errors
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "hallmark",
		Short: "Record, sign, verify and sum who wrote each line: people or models",
		Long: `hallmark records which lines of a change were written by a person and which
by an AI model, signs that record as an in-toto attestation that cosign can
verify, and adds it up across commits.

Start with a report on the repository you stand in:

  hallmark report

Sign and verify the record of a commit:

  hallmark keys generate --output mykey          # writes mykey.key, mykey.pub
  hallmark attest sign --key mykey.key > att.json
  hallmark attest verify --key mykey.pub att.json

Private keys are encrypted with the password in HALLMARK_PASSWORD (asked
for on a terminal when it is unset). -C DIR runs as if started in DIR;
--verbose (or HALLMARK_TRACE=1) shows the git command behind an error.
Shell completion: hallmark completion bash|zsh|fish|powershell.
Exit status: 0 success, 1 a verification failure, 2 a usage or operational error.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usagef("%v", err) })
	root.Version = versionLine()
	root.SetVersionTemplate("{{.Version}}\n")
	pf := root.PersistentFlags()
	pf.StringVarP(&globals.dir, "directory", "C", "", "run as if hallmark was started in this directory (as git -C)")
	pf.BoolVar(&globals.verbose, "verbose", false, "show the git commands behind an error (also HALLMARK_TRACE=1)")
	root.PersistentPreRunE = func(_ *cobra.Command, _ []string) error {
		if globals.dir != "" {
			if err := os.Chdir(globals.dir); err != nil {
				return usagef("-C %s: no such directory", globals.dir)
			}
		}
		return nil
	}
	_ = root.RegisterFlagCompletionFunc("directory", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return nil, cobra.ShellCompDirectiveFilterDirs
	})
	root.AddCommand(newVersion(), newInit(), newCheckpoint(), newStamp(), newCarry(), newVerify(), newReview(), newSync(), newKeys(), newRecord(), newAttest(), newReport(), newBlame(), newBundle(), newImport(), newHook(), newInstallAgent(), newShow())
	registerCompletions(root)
	return root
}

// exactArgs and maxArgs wrap cobra's checks so that they count as usage errors.
func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MaximumNArgs(n)(cmd, args); err != nil {
			return usagef("%v", err)
		}
		return nil
	}
}
