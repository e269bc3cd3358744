package main

import (
	"os/exec"
	"strings"

	"github.com/hallmark-dev/hallmark/agenthook"
	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/attribution"
	"github.com/spf13/cobra"
)

// flagValues are the values shell completion offers for a flag, whatever
// command has it.
var flagValues = map[string][]string{
	"by":      append(append([]string{}, attribution.Breakdowns...), "package", "module"),
	"hook":    agenthook.Agents,
	"verdict": {attest.Approved, attest.Rejected},
}

// revisionFlags take a revision; completion offers the repository's refs.
var revisionFlags = []string{"rev", "since", "until", "onto", "commit"}

// revisionArgs are the commands whose arguments are revisions or ranges.
var revisionArgs = map[string]bool{"show": true, "record": true, "verify": true, "review": true, "stamp": true, "carry": true}

// registerCompletions walks the command tree once, after every command is
// added, so that each command's file need not know about completion.
func registerCompletions(c *cobra.Command) {
	for name, values := range flagValues {
		if c.Flags().Lookup(name) != nil {
			_ = c.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
		}
	}
	for _, name := range revisionFlags {
		if c.Flags().Lookup(name) != nil {
			_ = c.RegisterFlagCompletionFunc(name, completeRevisions)
		}
	}
	if revisionArgs[c.Name()] && c.ValidArgsFunction == nil && c.Parent() != nil && c.Parent().Parent() == nil {
		c.ValidArgsFunction = completeRevisions
	}
	for _, sub := range c.Commands() {
		registerCompletions(sub)
	}
}

// completeRevisions offers HEAD and the branches, tags and remote branches
// of the repository the shell stands in; after "A.." it completes the
// other end of a range.
func completeRevisions(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	prefix := ""
	if i := strings.LastIndex(toComplete, ".."); i >= 0 {
		prefix = toComplete[:i+2]
		if strings.HasPrefix(toComplete[i+2:], ".") {
			prefix += "."
		}
	}
	gitArgs := []string{"for-each-ref", "--format=%(refname:short)", "refs/heads", "refs/tags", "refs/remotes"}
	if globals.dir != "" {
		gitArgs = append([]string{"-C", globals.dir}, gitArgs...)
	}
	out, err := exec.CommandContext(cmd.Context(), "git", gitArgs...).Output()
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	revs := []string{prefix + "HEAD"}
	for _, ref := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if ref != "" {
			revs = append(revs, prefix+ref)
		}
	}
	return revs, cobra.ShellCompDirectiveNoFileComp
}
