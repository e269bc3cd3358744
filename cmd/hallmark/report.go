package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/hallmark-dev/hallmark/repo"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

func newReport() *cobra.Command {
	var rev string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "report [--rev REV] [--json]",
		Short: "Sum who wrote the lines added over the history of a revision",
		Long: `Walk every commit reachable from REV (default HEAD) and sum the lines each
added, by class (ai, mixed, human, unknown), author and model, as
'hallmark record' attributes them. ai_share = (ai + mixed) / total.

  hallmark report
  hallmark report --rev v1.2.0 --json`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			r, err := repo.Open(ctx, ".")
			if err != nil {
				return err
			}
			defer r.Close()
			opts := &repo.SummaryOptions{}
			if f, ok := cmd.ErrOrStderr().(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				opts.Progress = func(n int) {
					if n%500 == 0 {
						fmt.Fprintf(f, "\r%d commits...", n)
					}
				}
				defer fmt.Fprint(f, "\r\033[K")
			}
			s, err := r.Summarize(ctx, rev, opts)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				return enc.Encode(s)
			}
			printSummary(cmd.OutOrStdout(), s)
			return nil
		},
	}
	cmd.Flags().StringVar(&rev, "rev", "HEAD", "revision whose history to sum")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func printSummary(w io.Writer, s *repo.Summary) {
	short := s.Commit
	if len(short) > 12 {
		short = short[:12]
	}
	fmt.Fprintf(w, "%s (%s): %d commits, %d of them marked as AI-assisted\n", s.Rev, short, s.Commits, s.AICommits)
	fmt.Fprintf(w, "lines added: %d   ai %d   mixed %d   human %d   unknown %d   ai share %.1f%%\n",
		s.TotalLines, s.AILines, s.MixedLines, s.HumanLines, s.UnknownLines, 100*s.AIShare)
	if s.BinaryFiles > 0 {
		fmt.Fprintf(w, "(%d binary file changes not counted as lines)\n", s.BinaryFiles)
	}
	section := func(title string, rows []repo.Row, limit int) {
		fmt.Fprintf(w, "\n%s\n%10s  %8s  %s\n", title, "lines", "ai share", "")
		for i, r := range rows {
			if i == limit {
				fmt.Fprintf(w, "%10s  %8s  ... %d more (see --json)\n", "", "", len(rows)-limit)
				break
			}
			fmt.Fprintf(w, "%10d  %7.1f%%  %s\n", r.TotalLines, 100*r.AIShare, r.Key)
		}
	}
	section("by class", s.ByClass, 10)
	section("by model", s.ByModel, 10)
	section("by author", s.ByAuthor, 15)
	fmt.Fprintln(w, "\nattribution is inferred from commit conventions (no signed records yet)")
}
