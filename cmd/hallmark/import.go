package main

import (
	"context"
	"fmt"
	"github.com/hallmark-dev/hallmark/internal/words"
	"strings"

	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
	"github.com/spf13/cobra"
)

func newImport() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "import",
		Short: "Turn another tool's records (Agent Trace, git-ai notes) into hallmark records",
		Long: `Read the attribution another tool recorded and store it as hallmark records
of method "imported": evidence below a captured record and above the commit
conventions. Every line a commit added is covered: by what the other tool
says of it, or else as "unknown", the commit's author's.`,
	}
	cmd.AddCommand(newImportAgentTrace(), newImportGitAI())
	return cmd
}

// importFlags are the flags both importers take, and what they did.
type importFlags struct {
	print, force, json, quiet bool
	key                       string

	prog *progressLine
	done []importJSON // with --json, printed at the end
}

// importJSON is one commit of what import --json prints.
type importJSON struct {
	stampJSON
	// Outside counts the claimed lines that are not among the lines the
	// commit added, left out.
	Outside int `json:"outside"`
}

func (f *importFlags) register(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.print, "print", false, "print the hallmark records as JSON and store nothing")
	cmd.Flags().StringVar(&f.key, "key", "", "sign the stored records with this private key or KMS reference (default: unsigned)")
	cmd.Flags().BoolVar(&f.force, "force", false, "add the imported record to a commit that has a hallmark record already")
	cmd.Flags().BoolVar(&f.json, "json", false, "print what was stored as JSON (a list, one object a commit)")
	cmd.Flags().BoolVarP(&f.quiet, "quiet", "q", false, "print only the count of commits imported, no line per commit")
}

// start begins an import: its progress line.
func (f *importFlags) start(cmd *cobra.Command) func(done, total int) {
	f.prog = newProgress(cmd)
	f.done = []importJSON{}
	return f.prog.counter("importing")
}

// finish prints what --json and --quiet print, after every record.
func (f *importFlags) finish(cmd *cobra.Command) error {
	f.prog.clear()
	switch {
	case f.print:
	case f.json:
		return encodeJSON(cmd.OutOrStdout(), f.done)
	case f.quiet:
		fmt.Fprintf(cmd.OutOrStdout(), "imported records for %s\n", words.Count(len(f.done), "commit"))
	}
	return nil
}

// emit prints or stores one imported record.
func (f *importFlags) emit(cmd *cobra.Command, r *repo.Repo, rec *provenance.Record, st repo.ImportStats) error {
	ctx := cmd.Context()
	f.prog.clear()
	if f.print {
		return printRecord(cmd.OutOrStdout(), rec, false)
	}
	opts := &repo.StoreImportedOptions{Force: f.force}
	if f.key != "" {
		s, err := loadSigner(ctx, f.key)
		if err != nil {
			return err
		}
		opts.Signer = s
	}
	res, err := r.StoreImported(ctx, rec, opts)
	if err != nil {
		return err
	}
	f.done = append(f.done, importJSON{newStampJSON(res, "imported"), st.Outside})
	if !f.json && !f.quiet {
		printStamp(cmd, res, "imported")
	}
	if st.Outside > 0 {
		fmt.Fprintf(cmd.ErrOrStderr(), "hallmark: %s: %s not among the lines the commit added; left out\n", rec.Commit[:12], claimedLines(st.Outside))
	}
	return nil
}

func newImportAgentTrace() *cobra.Command {
	var f importFlags
	var commit string
	cmd := &cobra.Command{
		Use:   "agent-trace FILE... [--commit REV] [--print] [--key KEY]",
		Short: "Import Agent Trace records (JSON, or JSONL such as .agent-trace/traces.jsonl)",
		Long: `Read Agent Trace v0.1 records (github.com/cursor/agent-trace) and store, for
each commit they name, one hallmark record of method "imported". A record's
vcs.revision names its commit; without one, --commit (default HEAD). A
range's contributor overrides its conversation's; a conversation without one
is "unknown". When several records speak of one line, the last one read wins.
The spec's reference hook (reference/trace-store.ts) writes the HEAD of the
moment of the edit, the parent of the commit that will hold it: for traces
written that way, name the commit with --commit (it overrides vcs).

  hallmark import agent-trace .agent-trace/traces.jsonl --commit HEAD
  hallmark import agent-trace trace.json --print`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef("need at least one FILE")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			r, err := repo.Open(ctx, ".")
			if err != nil {
				return err
			}
			defer r.Close()
			def := commit
			if def == "" {
				def = "HEAD"
			}
			claims := map[string][]provenance.Claim{}
			var order []string
			for _, name := range args {
				data, err := readInput(cmd, name)
				if err != nil {
					return err
				}
				traces, err := provenance.ParseAgentTraces(data)
				if err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				for _, t := range traces {
					rev := def
					if commit == "" && t.VCS != nil && t.VCS.Revision != "" {
						rev = t.VCS.Revision
					}
					id, err := resolveCommit(ctx, r, rev)
					if err != nil {
						return fmt.Errorf("%s: %w", name, err)
					}
					cl, err := t.Claims(nil)
					if err != nil {
						return fmt.Errorf("%s: %w", name, err)
					}
					if _, ok := claims[id]; !ok {
						order = append(order, id)
					}
					claims[id] = append(claims[id], cl...)
				}
			}
			count := f.start(cmd)
			for i, id := range order {
				if count != nil {
					count(i+1, len(order))
				}
				rec, st, err := r.ImportedRecord(ctx, id, claims[id])
				if err != nil {
					return err
				}
				if err := f.emit(cmd, r, rec, st); err != nil {
					return err
				}
			}
			return f.finish(cmd)
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&commit, "commit", "", "the commit the ranges refer to (default: each record's vcs.revision, else HEAD)")
	return cmd
}

func resolveCommit(ctx context.Context, r *repo.Repo, rev string) (string, error) {
	c, err := r.CommitObject(ctx, rev)
	if err != nil {
		return "", err
	}
	return c.ID, nil
}

func newImportGitAI() *cobra.Command {
	var f importFlags
	cmd := &cobra.Command{
		Use:   "git-ai [RANGE] [--print] [--key KEY]",
		Short: "Import git-ai's notes (refs/notes/ai, authorship/3.0.0)",
		Long: `Turn each git-ai authorship log in refs/notes/ai ("Git AI Standard v3.0.0",
sessions, known humans and the legacy prompt keys) on the commits of RANGE
(default: every commit reachable from HEAD) into a hallmark record of method
"imported": session and prompt lines to their model and tool, known humans'
lines to them, lines git-ai has no data on "unknown". Fetch git-ai's notes
first where they are on a remote: git fetch origin refs/notes/ai:refs/notes/ai

  hallmark import git-ai
  hallmark import git-ai v1.2.0..HEAD --key ci.key
  hallmark import git-ai HEAD~1..HEAD --print`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			r, err := repo.Open(ctx, ".")
			if err != nil {
				return err
			}
			defer r.Close()
			notes, err := r.GitAINotes(ctx)
			if err != nil {
				return err
			}
			if len(notes) == 0 {
				return fmt.Errorf("no git-ai notes here (%s is empty); fetch them: git fetch origin %s:%s", repo.GitAINotesRef, repo.GitAINotesRef, repo.GitAINotesRef)
			}
			rng := argOr(args, "HEAD")
			if strings.HasPrefix(rng, "-") {
				return usagef("bad range %q", rng)
			}
			ids, err := r.RevList(ctx, rng)
			if err != nil {
				return err
			}
			n := 0
			count := f.start(cmd)
			for i, id := range ids {
				if count != nil {
					count(i+1, len(ids))
				}
				blob, ok := notes[id]
				if !ok {
					continue
				}
				rec, st, err := r.GitAIRecord(ctx, id, blob)
				if err != nil {
					return err
				}
				if err := f.emit(cmd, r, rec, st); err != nil {
					return err
				}
				n++
			}
			if err := f.finish(cmd); err != nil {
				return err
			}
			if n == 0 {
				fmt.Fprintf(cmd.ErrOrStderr(), "hallmark: no commit of %s has a git-ai note\n", rng)
			}
			return nil
		},
	}
	f.register(cmd)
	return cmd
}

func claimedLines(n int) string {
	if n == 1 {
		return "1 claimed line is"
	}
	return words.Count(n, "claimed line") + " are"
}
