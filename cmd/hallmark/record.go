package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
	"github.com/spf13/cobra"
)

func newRecord() *cobra.Command {
	var canonical bool
	var format string
	cmd := &cobra.Command{
		Use:   "record [COMMIT]",
		Short: "Print the unsigned authorship record of a commit (default HEAD)",
		Long: `Print the record of a commit as JSON: every line the commit added, and who
wrote it. Lines of a commit that carries an AI marker (Claude Code, Codex,
Cursor, aider, Copilot, Assisted-by:, ...) are attributed to that model as
"ai"; all other added lines to the commit's author as "human".

With --format agent-trace the record is printed as an Agent Trace v0.1
record (github.com/cursor/agent-trace), valid against that spec's schema:
its id a UUID made from the record's digest, its timestamp the commit's.

  hallmark record HEAD~3
  hallmark record --canonical | hallmark attest sign --key k.key --record -
  hallmark record --format agent-trace HEAD`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rev := argOr(args, "HEAD")
			r, err := repo.Open(cmd.Context(), ".")
			if err != nil {
				return err
			}
			defer r.Close()
			rec, err := r.Record(cmd.Context(), rev)
			if err != nil {
				return err
			}
			switch format {
			case "hallmark":
				return printRecord(cmd.OutOrStdout(), rec, canonical)
			case "agent-trace":
				c, err := r.CommitObject(cmd.Context(), rec.Commit)
				if err != nil {
					return err
				}
				t, err := provenance.ExportAgentTrace(rec, &provenance.ExportOptions{Timestamp: c.CommitTime})
				if err != nil {
					return err
				}
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetEscapeHTML(false)
				if !canonical {
					enc.SetIndent("", "  ")
				}
				return enc.Encode(t)
			}
			return usagef("unknown --format %q: hallmark or agent-trace", format)
		},
	}
	cmd.Flags().BoolVar(&canonical, "canonical", false, "print the canonical bytes that get signed, on one line")
	cmd.Flags().StringVar(&format, "format", "hallmark", "hallmark, or agent-trace")
	return cmd
}

func printRecord(w io.Writer, rec *provenance.Record, canonical bool) error {
	b, err := rec.Encode()
	if err != nil {
		return err
	}
	if !canonical {
		var buf bytes.Buffer
		if err := json.Indent(&buf, b, "", "  "); err != nil {
			return err
		}
		b = buf.Bytes()
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// readInput reads a file, or standard input for "-".
func readInput(cmd *cobra.Command, path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(io.LimitReader(cmd.InOrStdin(), provenance.MaxRecordSize+1))
	}
	return os.ReadFile(path)
}
