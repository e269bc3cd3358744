package main

import (
	"encoding/json"
	"fmt"
	"github.com/hallmark-dev/hallmark/internal/words"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hallmark-dev/hallmark/attribution"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
	"github.com/spf13/cobra"
)

// analysisFlags are the flags report and blame share.
type analysisFlags struct {
	rev, since, policy string
	keys               []string
	noCache            bool
}

func (f *analysisFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.rev, "rev", "HEAD", "the revision whose tree to attribute")
	cmd.Flags().StringArrayVar(&f.keys, "key", nil, "trusted public key: records it signed count as \"signed\" evidence (repeatable)")
	cmd.Flags().StringVar(&f.policy, "policy", "", "policy whose keys are trusted (default "+defaultPolicy+" if it exists)")
	cmd.Flags().BoolVar(&f.noCache, "no-cache", false, "recompute everything, and write no cache")
}

// reportTrustFor builds the trust of report and blame (none is fine): its keys
// and, when a policy gives them, what each may sign, so that "signed"
// evidence is what verify would accept.
func reportTrustFor(r *repo.Repo, f *analysisFlags) (*repo.Trust, error) {
	return reportTrust(r, &repo.TrustSource{Keys: f.keys, PolicyFile: f.policy})
}

func newReport() *cobra.Command {
	var af analysisFlags
	var by, htmlPath string
	var asJSON, deps, all bool
	cmd := &cobra.Command{
		Use:   "report [--rev REV] [--since REV] [--by KIND] [--all] [--json] [--html FILE] [-- PATHSPEC...]",
		Short: "Who wrote the lines of a tree: totals and breakdowns, by people and by models",
		Long: `Attribute every line of the tree at REV (default HEAD) to the commit that last
changed it (as git blame does) and to that commit's author, model and
evidence, and add it up. ai_share = (ai + mixed) / total lines.

--since REV counts only the lines added after REV that are still there: "the
model wrote 72% of the code in this release". --by breaks the totals down by
file, dir, author, model, evidence or class; --by month or quarter gives, per
period, the lines added and merged into REV's history and the share models
wrote. --html writes one self-contained page of charts.

Left out, as people leave them out of a count of code, and said so in the
text, the JSON ("excluded") and the page: files marked linguist-generated
or linguist-vendored in .gitattributes (git's own attribute rules, at REV),
package managers' lock files (go.sum, package-lock.json, yarn.lock,
Cargo.lock, ...; not one marked -linguist-generated), and the exclude: list
of .hallmark/config.yaml at REV (glob pathspecs: "testdata/",
"**/*.pb.go"). --all counts everything. Tag shares and --by month or
quarter count every file. verify never leaves anything out.

Evidence: signed (a record whose signature verifies against --key or the
policy's keys), unsigned (a record without), inferred (commit conventions),
none. The history is read once; the result is cached in the git directory
(the 8 most recently used trees), so a second report at the same commit is
immediate, and a report after new commits replays only those (when the
commits they start from were reported). Works in bare repositories.

Given Go package patterns (./..., --by package or module, --deps), it
reports per package (own lines and import closure), per module, and with
--deps the dependencies too: from their signed bundles (hallmark bundle),
or "unknown".

  hallmark report
  hallmark report --since v1.2.0 --rev v1.3.0 --by model
  hallmark report --by quarter --json
  hallmark report --html report.html -- internal/
  hallmark report --deps --by module ./...`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if packageMode(by, deps, args) {
				if af.since != "" || af.rev != "HEAD" {
					return usagef("--since and --rev are for the tree report; package reports attribute HEAD")
				}
				return runPackageReport(cmd, &af, by, deps, asJSON, htmlPath, args)
			}
			if by != "" && !contains(attribution.Breakdowns, by) {
				return usagef("--by %q: want one of %s, package, module", by, strings.Join(attribution.Breakdowns, ", "))
			}
			r, err := repo.Open(ctx, ".")
			if err != nil {
				return err
			}
			defer r.Close()
			warnUnmergedNotes(cmd, r)
			trust, err := reportTrustFor(r, &af)
			if err != nil {
				return err
			}
			if err := sinceBeforeRev(ctx, r, af.since, af.rev); err != nil {
				return err
			}
			prog := newProgress(cmd)
			a, err := attribution.Analyze(ctx, r, &attribution.Options{Rev: af.rev, Since: af.since, Paths: args,
				Keyring: trust.Keyring, Policy: trust.Policy, NoCache: af.noCache, Progress: prog.counter("reading history"), Tags: htmlPath != "", All: all})
			prog.clear()
			if err != nil {
				return err
			}
			rep, err := a.Report(ctx, by)
			if err != nil {
				return err
			}
			if htmlPath != "" {
				if err := writeHTML(cmd, r, a, rep, htmlPath); err != nil {
					return err
				}
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), rep)
			}
			printReport(cmd.OutOrStdout(), rep, af.since)
			return nil
		},
	}
	af.register(cmd)
	cmd.Flags().StringVar(&af.since, "since", "", "only the lines added after this revision")
	cmd.Flags().StringVar(&by, "by", "", "breakdown: "+strings.Join(attribution.Breakdowns, ", ")+", package, module")
	cmd.Flags().BoolVar(&deps, "deps", false, "with package patterns: include the dependencies")
	cmd.Flags().BoolVar(&all, "all", false, "count every file: none left out as generated, vendored, a lock file or by "+attribution.ConfigFile)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().StringVar(&htmlPath, "html", "", "write a self-contained HTML page of charts to this file")
	return cmd
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func writeHTML(cmd *cobra.Command, r *repo.Repo, a *attribution.Analysis, rep *attribution.Report, path string) error {
	c := cmd.Context()
	dirs, err := a.Report(c, "dir")
	if err != nil {
		return err
	}
	models, err := a.Report(c, "model")
	if err != nil {
		return err
	}
	quarters, err := a.Report(c, "quarter")
	if err != nil {
		return err
	}
	name := repoName(r)
	title := fmt.Sprintf("Who wrote %s: %s (%s)", name, rep.Rev, rep.Commit[:12])
	var b strings.Builder
	if err := attribution.WriteHTML(&b, &attribution.HTMLData{Report: rep, ByDir: dirs.Breakdown, ByModel: models.Breakdown, Periods: quarters.Breakdown, Title: title, Repo: name}); err != nil {
		return err
	}
	if err := writeFileAtomic(path, []byte(b.String()), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "hallmark: wrote %s\n", path)
	return nil
}

// repoName names the repository as people do: its work tree's directory,
// or a bare repository's without ".git".
func repoName(r *repo.Repo) string {
	dir := r.WorkTree()
	if dir == "" {
		dir = r.GitDir()
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	return strings.TrimSuffix(filepath.Base(dir), ".git")
}

func printReport(w io.Writer, rep *attribution.Report, since string) {
	what := "the tree"
	if rep.Since != "" {
		what = "lines added since " + or(since, rep.Since[:12])
		if since != "" && !strings.HasPrefix(rep.Since, since) {
			what += " (" + rep.Since[:12] + ")"
		}
	}
	fmt.Fprintf(w, "%s (%s): %s, %s\n", rep.Rev, rep.Commit[:12], what, words.Count(rep.Files, "file"))
	fmt.Fprintf(w, "lines: %d   ai %d   mixed %d   human %d   unknown %d   ai share %.1f%%\n",
		rep.Lines.Total(), rep.Lines.AI, rep.Lines.Mixed, rep.Lines.Human, rep.Lines.Unknown, 100*rep.Lines.AIShare())
	if rep.HistoryIncomplete {
		fmt.Fprintln(w, "history incomplete: a shallow clone; lines its oldest commits seem to add are not truly known (git fetch --unshallow)")
	}
	if rep.BinaryFilesSkipped > 0 {
		fmt.Fprintf(w, "(%s not counted as lines)\n", words.Count(rep.BinaryFilesSkipped, "binary file"))
	}
	if len(rep.Excluded) > 0 {
		files, lines := 0, 0
		for _, e := range rep.Excluded {
			files += e.Files
			lines += e.Lines
		}
		fmt.Fprintf(w, "left out: %s, %s (--all counts them)\n", words.Count(files, "file"), words.Count(lines, "line"))
		for _, e := range rep.Excluded {
			fmt.Fprintf(w, "  %s, %s: %s\n", words.Count(e.Files, "file"), words.Count(e.Lines, "line"), e.Why)
		}
	}
	section := func(title string, rows []provenance.Row, limit int) {
		fmt.Fprintf(w, "\n%s\n%10s  %8s  %s\n", title, "lines", "ai share", "")
		for i, r := range rows {
			if i == limit {
				fmt.Fprintf(w, "%10s  %8s  ... %d more (see --json)\n", "", "", len(rows)-limit)
				break
			}
			fmt.Fprintf(w, "%10d  %7.1f%%  %s\n", r.Lines.Total(), 100*r.Lines.AIShare(), r.Key)
		}
	}
	evidence := slices.Clone(rep.Evidence)
	for i := range evidence {
		evidence[i].Key = evidenceWords(attribution.Evidence(evidence[i].Key))
	}
	section("by evidence", evidence, 10)
	if rep.By != "" {
		limit := 25
		if rep.By == "month" || rep.By == "quarter" {
			limit = 1000
		}
		section("by "+rep.By, rep.Breakdown, limit)
	}
}

// blameJSON is what blame --json prints.
type blameJSON struct {
	File   string             `json:"file"`
	Rev    string             `json:"rev"`
	Commit string             `json:"commit"`
	Binary bool               `json:"binary,omitempty"`
	Lines  []attribution.Line `json:"lines"`
}

// printJSON writes v indented, with HTML characters as they are.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func newBlame() *cobra.Command {
	var af analysisFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "blame FILE [--rev REV] [--json]",
		Short: "Who wrote each line of a file: commit, author, class, model and evidence",
		Long: `For each line of FILE at REV: the commit that last changed it (the one git
blame names), its author, its class (human, ai, mixed, unknown), the model
and tool, and the evidence (strongest first: signed, unsigned, imported from
git-ai or Agent Trace, inferred, none).

  hallmark blame internal/parser.go
  hallmark blame --rev v1.2.0 --json main.go`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("need exactly one FILE")
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
			warnUnmergedNotes(cmd, r)
			trust, err := reportTrustFor(r, &af)
			if err != nil {
				return err
			}
			file := filepath.ToSlash(filepath.Clean(args[0]))
			if wt := r.WorkTree(); wt != "" {
				if abs, err := filepath.Abs(args[0]); err == nil {
					if rel, err := filepath.Rel(wt, abs); err == nil && !strings.HasPrefix(rel, "..") {
						file = filepath.ToSlash(rel)
					}
				}
			}
			prog := newProgress(cmd)
			a, err := attribution.Analyze(ctx, r, &attribution.Options{Rev: af.rev, Keyring: trust.Keyring, Policy: trust.Policy, NoCache: af.noCache, Progress: prog.counter("reading history")})
			prog.clear()
			if err != nil {
				return err
			}
			if a.IsBinary(file) {
				// git blame attributes a binary file by its "lines"; git's
				// diff, which the engine follows, shows none.
				if asJSON {
					return printJSON(cmd.OutOrStdout(), blameJSON{file, af.rev, a.Commit, true, []attribution.Line{}})
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s: binary file, no lines to attribute\n", file)
				return nil
			}
			lines, err := a.File(file)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(cmd.OutOrStdout(), blameJSON{File: file, Rev: af.rev, Commit: a.Commit, Lines: lines})
			}
			content, err := r.ReadFile(ctx, a.Commit, file)
			if err != nil {
				return err
			}
			text := strings.Split(string(content), "\n")
			out := cmd.OutOrStdout()
			// The author column is as wide as its widest name, as git
			// blame pads its own: a model id is never cut.
			width, evWidth := 0, 8
			for _, l := range lines {
				width = max(width, len(l.Author.String()))
				evWidth = max(evWidth, len(evidenceWords(l.Evidence)))
			}
			for _, l := range lines {
				who := l.Author.String()
				src := ""
				if l.Line-1 < len(text) {
					src = strings.TrimRight(text[l.Line-1], "\r")
				}
				fmt.Fprintf(out, "%.8s %-6s %-*s %-*s %5d  %s\n", l.Commit, l.Class, evWidth, evidenceWords(l.Evidence), width, who, l.Line, src)
			}
			return nil
		},
	}
	af.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
