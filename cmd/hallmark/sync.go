package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/hallmark-dev/hallmark/repo"
	"github.com/spf13/cobra"
)

func newSync() *cobra.Command {
	var (
		noPush, asJSON bool
		budget         time.Duration
	)
	cmd := &cobra.Command{
		Use:   "sync [REMOTE]",
		Short: "Share refs/notes/hallmark with a remote: fetch, merge by union, push",
		Long: `Fetch the remote's notes (default origin), merge them into yours by union,
and push the union back.

The union is computed from both sides' envelope lines, commit by commit:
every envelope either side has is kept, once, whatever either history says.
A note (or one line of it) deleted on the remote, or a remote notes ref
rewritten to another history, is not merged as a deletion: your copy stays,
and the push gives it back to the remote. Your notes are never dropped or
overwritten, and the push never removes an envelope from the remote: it is
made only onto the remote tip that was fetched and merged, and it is never
forced. When another clone pushed in between, sync starts again after a
random wait that doubles each time, until --budget is spent.

  hallmark sync
  hallmark sync upstream --no-push
  hallmark sync --json`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			remote := "origin"
			if len(args) == 1 {
				remote = args[0]
			}
			r, err := repo.Open(ctx, ".")
			if err != nil {
				return err
			}
			defer r.Close()
			prog := newProgress(cmd)
			res, err := r.Sync(ctx, remote, &repo.SyncOptions{NoPush: noPush, Budget: budget, Progress: prog.step("sync " + remote + ": %s")})
			prog.clear()
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
			printSync(cmd.OutOrStdout(), res, noPush)
			return nil
		},
	}
	cmd.Flags().BoolVar(&noPush, "no-push", false, "only fetch and merge")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	cmd.Flags().DurationVar(&budget, "budget", repo.DefaultSyncBudget, "how long to keep trying while other clones keep pushing")
	return cmd
}

// printSync says in one sentence what the sync did.
func printSync(w io.Writer, res *repo.SyncResult, noPush bool) {
	got := "the remote has no hallmark notes"
	if res.RemoteHasNotes {
		got = "received envelopes for " + commits(res.Received)
	}
	sent := "sent envelopes for " + commits(res.Sent)
	switch {
	case noPush:
		sent = "pushed nothing (--no-push)"
	case !res.Pushed:
		sent = "nothing to push"
	}
	tries := ""
	if res.Attempts > 1 {
		tries = fmt.Sprintf(" (%d attempts: other clones pushed meanwhile)", res.Attempts)
	}
	fmt.Fprintf(w, "sync %s: %s; %s%s\n", res.Remote, got, sent, tries)
}

func commits(n int) string {
	if n == 1 {
		return "1 commit"
	}
	return fmt.Sprintf("%d commits", n)
}

// warnUnmergedNotes says on standard error which remotes have notes that
// were fetched but not merged, so a reader knows it sees less than it
// could; the answer itself is unchanged.
func warnUnmergedNotes(cmd *cobra.Command, r *repo.Repo) {
	names, err := r.UnmergedRemoteNotes(cmd.Context())
	if err != nil {
		return
	}
	for _, n := range names {
		run := "'hallmark sync " + n + "'"
		if strings.HasPrefix(n, "url-") { // a remote given by URL: its mirror is named by the URL's hash
			run = "'hallmark sync URL' with that remote's URL"
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "hallmark: remote %s has hallmark notes that are not merged here: run %s\n", n, run)
	}
}
