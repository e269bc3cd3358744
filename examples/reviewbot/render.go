package main

import (
	"fmt"
	"strings"

	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// marker identifies the bot's own comment, to update it in place.
const marker = "<!-- hallmark-reviewbot -->"

// maxFiles bounds the per-file table; the rest is summed in one row.
const maxFiles = 30

// render writes the comment. Everything in it is sorted as the library
// returns it, so the same pull request always gets the same comment.
func render(r *reviewResult) string {
	var b strings.Builder
	b.WriteString(marker + "\n")
	v := r.Verify
	if v.Pass {
		fmt.Fprintf(&b, "### hallmark: ✅ %d commits verified\n\n", len(v.Commits))
	} else {
		fmt.Fprintf(&b, "### hallmark: ❌ the policy at `%.12s` fails\n\n", r.Base)
	}
	fmt.Fprintf(&b, "`%.12s..%.12s`", r.Base, r.Head)
	if len(v.Commits) > 0 {
		counts := map[string]int{}
		for _, c := range v.Commits {
			counts[c.Status]++
		}
		var parts []string
		for _, s := range []string{repo.StatusVerified, repo.StatusUnsigned, repo.StatusUntrusted, repo.StatusMissing, repo.StatusInvalid} {
			if counts[s] > 0 {
				parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
			}
		}
		fmt.Fprintf(&b, ": %s", strings.Join(parts, ", "))
	}
	b.WriteString("\n\n")
	if len(v.Violations) > 0 {
		for _, x := range v.Violations {
			fmt.Fprintf(&b, "- %s\n", escape(x.Error()))
		}
		b.WriteString("\n")
	}
	s := r.Surviving
	if s == nil || s.Lines.Total() == 0 {
		b.WriteString("No lines added by this pull request survive at its head.\n")
		return b.String()
	}
	fmt.Fprintf(&b, "Of the **%d lines** this pull request adds that are still at its head, models wrote **%s** (%d by a model, %d by a model then edited by a person, %d by people, %d unknown).\n\n",
		s.Lines.Total(), pct(s.Lines.AIShare()), s.Lines.AI, s.Lines.Mixed, s.Lines.Human, s.Lines.Unknown)
	if len(s.Evidence) > 0 {
		var parts []string
		for _, e := range s.Evidence {
			parts = append(parts, fmt.Sprintf("%s %d", e.Key, e.Lines.Total()))
		}
		fmt.Fprintf(&b, "Evidence: %s.\n\n", strings.Join(parts, ", "))
	}
	table(&b, "By model", "model", r.ByModel, len(r.ByModel))
	table(&b, "By file", "file", r.ByFile, maxFiles)
	return b.String()
}

func table(b *strings.Builder, title, key string, rows []provenance.Row, limit int) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(b, "<details><summary>%s</summary>\n\n| %s | lines | ai | mixed | human | AI share |\n| --- | ---: | ---: | ---: | ---: | ---: |\n", title, key)
	var rest provenance.Count
	for i, r := range rows {
		if i >= limit {
			rest.Merge(r.Lines)
			continue
		}
		fmt.Fprintf(b, "| `%s` | %d | %d | %d | %d | %s |\n", escape(r.Key), r.Lines.Total(), r.Lines.AI, r.Lines.Mixed, r.Lines.Human, pct(r.Lines.AIShare()))
	}
	if n := len(rows) - limit; n > 0 {
		fmt.Fprintf(b, "| %d more | %d | %d | %d | %d | %s |\n", n, rest.Total(), rest.AI, rest.Mixed, rest.Human, pct(rest.AIShare()))
	}
	b.WriteString("\n</details>\n\n")
}

func pct(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

// escape keeps a path or a message from breaking the table or the markup:
// file names are the pull request author's to choose.
func escape(s string) string {
	r := strings.NewReplacer("|", `\|`, "`", "'", "<", "&lt;", ">", "&gt;", "\n", " ", "\r", " ")
	return r.Replace(s)
}
