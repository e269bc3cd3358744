package main

import (
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestManualCoversCommands holds doc.go, the manual, to the program: every
// command cobra knows (hidden ones aside) has its section (or is named in
// its parent's), and every flag of a command, long name and shorthand, is
// named in that section; the root's flags in "Global flags". A command or
// a flag added without a word in the manual fails here.
func TestManualCoversCommands(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "doc.go", nil, parser.ParseComments|parser.PackageClauseOnly)
	if err != nil || f.Doc == nil {
		t.Fatalf("doc.go: %v (no package comment?)", err)
	}
	sections := map[string]string{}
	heading := ""
	for _, line := range strings.Split(f.Doc.Text(), "\n") {
		if h, ok := strings.CutPrefix(line, "# "); ok {
			heading = h
			continue
		}
		sections[heading] += line + "\n"
	}
	root := newRoot()
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	root.InitDefaultHelpFlag()
	root.InitDefaultVersionFlag()
	checkFlags := func(what, sec string, flags *pflag.FlagSet) {
		flags.VisitAll(func(fl *pflag.Flag) {
			if fl.Hidden {
				return
			}
			if !strings.Contains(sec, "--"+fl.Name) {
				t.Errorf("%s: the manual does not name --%s", what, fl.Name)
			}
			if fl.Shorthand != "" && !strings.Contains(sec, "-"+fl.Shorthand+" ") && !strings.Contains(sec, "-"+fl.Shorthand+",") && !strings.Contains(sec, "(-"+fl.Shorthand+")") {
				t.Errorf("%s: the manual does not name -%s, the shorthand of --%s", what, fl.Shorthand, fl.Name)
			}
		})
	}
	checkFlags("global flags", sections["Global flags"], root.LocalFlags())
	n := 0
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for _, sub := range c.Commands() {
			if sub.Hidden || sub.Name() == "help" {
				continue
			}
			n++
			// Its own section, else the nearest ancestor's that names it.
			sec, ok := "", false
			for p := sub; p != root && !ok; p = p.Parent() {
				sec, ok = sections[p.CommandPath()]
			}
			switch {
			case !ok && sub.HasSubCommands():
				if !strings.Contains(f.Doc.Text(), sub.CommandPath()) {
					t.Errorf("the manual does not name %q", sub.CommandPath())
				}
			case !ok:
				t.Errorf("the manual has no section %q", "# "+sub.CommandPath())
			case !strings.Contains(sec, sub.Name()):
				t.Errorf("%s: its section does not name it", sub.CommandPath())
			}
			sub.InitDefaultHelpFlag()
			flags := sub.LocalNonPersistentFlags()
			flags.VisitAll(func(fl *pflag.Flag) {
				if fl.Name == "help" {
					fl.Hidden = true // every command's, named once in Global flags
				}
			})
			checkFlags(sub.CommandPath(), sec, flags)
			walk(sub)
		}
	}
	walk(root)
	if n < 20 {
		t.Fatalf("walked %d commands: the command tree is not what this test expects", n)
	}
}
