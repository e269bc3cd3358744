package attribution

import (
	"context"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/repo"
)

// TestMergesAndRenamesAsGitBlameDecides replays merges (and renames) of the kinds that made the
// engine disagree with git blame on real repositories, each reduced to a
// small history, and holds every line of every file to git blame.
//
// git blame's order at a merge (git's blame.c, pass_blame): first, in
// parent order, a parent whose blob at the same path is the merge's takes
// the whole file (pass_whole_blame); then the same through renames, for
// the parents without that path; only then are the lines diffed against
// each parent in turn. The engine used to diff against every parent at
// once, so a line common to both parents went to the first parent's
// history even when the merge took the second parent's file as it was.
func TestMergesAndRenamesAsGitBlameDecides(t *testing.T) {
	cases := []struct {
		name, reason string
		build        func(g *gittest.Repo)
	}{
		{
			name: "second parent's file taken whole",
			reason: "charmbracelet/bubbletea at 73b6d91, tutorials/go.mod line 4 (and 85 files more, 5.8% of the " +
				"lines): the merge's file is the second parent's, whose history removed and re-added a blank " +
				"line that the diff against the first parent keeps; git blame names the second parent's commit " +
				"(325865a0), the engine named the file's first commit (e4243bde)",
			build: func(g *gittest.Repo) {
				g.Write("go.mod", "module tutorial\n\ngo 1.18\n\nrequire x v1\n")
				g.Commit("add tutorial", "")
				g.Git("checkout", "-q", "-b", "v2-exp")
				g.Write("go.mod", "module tutorial\ngo 1.18\n\nrequire x v1\n")
				g.Commit("tidy", "")
				g.Write("go.mod", "module tutorial\n\ngo 1.23.0\n\ntoolchain go1.23.7\n\nrequire x v2\n")
				g.Commit("chore(deps): update", "")
				g.Git("checkout", "-q", "main")
				g.Write("other.go", "package main\n")
				g.Commit("unrelated work on main", "")
				g.Git("merge", "-q", "--no-ff", "-m", "chore: merge branch 'v2-exp'", "v2-exp")
			},
		},
		{
			name: "identical at the same path in the second parent, renamed in the first",
			reason: "a file renamed on the first parent's side and reached by path on the second: git blame's " +
				"first pass looks at the same path in every parent before any rename (find_origin before " +
				"find_rename); the engine followed the first parent's rename",
			build: func(g *gittest.Repo) {
				g.Write("old.txt", gittest.Lines("l", 6))
				g.Commit("base", "")
				g.Git("checkout", "-q", "-b", "side")
				g.Git("mv", "old.txt", "new.txt")
				g.Write("new.txt", strings.Replace(gittest.Lines("l", 6), "l 3\n", "changed\n", 1))
				g.Commit("rename and change", "")
				g.Write("new.txt", gittest.Lines("l", 6))
				g.Commit("change back", "")
				g.Git("checkout", "-q", "main")
				g.Write("keep.txt", "k\n")
				g.Commit("main work", "")
				g.Git("merge", "-q", "--no-ff", "-m", "merge side", "side")
			},
		},
		{
			name:   "a file differs from every parent",
			reason: "both sides changed the file and the merge combined them: lines are diffed against each parent in parent order",
			build: func(g *gittest.Repo) {
				g.Write("f.txt", gittest.Lines("f", 12))
				g.Commit("base", "")
				g.Git("checkout", "-q", "-b", "topic")
				g.Write("f.txt", strings.Replace(gittest.Lines("f", 12), "f 10\n", "topic 10\n", 1))
				g.Commit("topic edit", "")
				g.Git("checkout", "-q", "main")
				g.Write("f.txt", strings.Replace(gittest.Lines("f", 12), "f 2\n", "main 2\n", 1))
				g.Commit("main edit", "")
				g.Git("merge", "-q", "--no-ff", "-m", "merge topic", "topic")
			},
		},
		{
			name: "renamed by the merge, identical to the second parent's file",
			reason: "no parent has the path: the second pass follows renames in parent order and takes the " +
				"second parent's file whole, whose history dropped and restored a line",
			build: func(g *gittest.Repo) {
				g.Write("a.txt", gittest.Lines("a", 5))
				g.Write("b.txt", gittest.Lines("b", 5))
				g.Commit("base", "")
				g.Git("checkout", "-q", "-b", "side")
				g.Write("a.txt", "a 1\na 3\na 4\na 5\n")
				g.Commit("side drops a line", "")
				g.Write("a.txt", "a 1\na 2\na 3\nside 4\na 5\n")
				g.Commit("side restores it and edits", "")
				g.Git("checkout", "-q", "main")
				g.Write("b.txt", gittest.Lines("b", 6))
				g.Commit("main edit", "")
				g.Git("merge", "-q", "--no-ff", "--no-commit", "side")
				g.Git("mv", "a.txt", "c.txt")
				g.Git("commit", "-q", "-m", "merge side, renaming a.txt")
			},
		},
		{
			name: "a file new to the first parent, different from the second's",
			reason: "charmbracelet/bubbletea 35ecfdd6 (\"merge branch 'main' into v2-exp\"), testdata golden files: " +
				"the merge's file is in no parent as it is, and the first parent has none; its lines must still " +
				"be counted (the replay failed at a later commit)",
			build: func(g *gittest.Repo) {
				g.Write("t.txt", "t\n")
				g.Commit("base", "")
				g.Git("checkout", "-q", "-b", "main2")
				g.Write("golden", gittest.Lines("g", 5))
				g.Commit("golden on main", "")
				g.Git("checkout", "-q", "main")
				g.Write("t.txt", "t\nu\n")
				g.Commit("v2 work", "")
				g.Git("merge", "-q", "--no-ff", "--no-commit", "main2")
				g.Write("golden", gittest.Lines("g", 7))
				g.Git("add", "-A")
				g.Git("commit", "-q", "-m", "merge main, golden updated")
				g.Write("golden", gittest.Lines("g", 6))
				g.Commit("update golden files", "")
			},
		},
		{
			name:   "octopus: the third parent's file",
			reason: "parent order past the second parent",
			build: func(g *gittest.Repo) {
				g.Write("o.txt", gittest.Lines("o", 4))
				g.Commit("base", "")
				for _, b := range []string{"x", "y"} {
					g.Git("checkout", "-q", "-b", b, "main")
					g.Write(b+".txt", b+"\n")
					if b == "y" {
						g.Write("o.txt", "o 1\no 3\n")
						g.Commit("y drops lines", "")
						g.Write("o.txt", gittest.Lines("o", 4)+"y\n")
					}
					g.Commit("branch "+b, "")
				}
				g.Git("checkout", "-q", "main")
				g.Git("merge", "-q", "-m", "octopus", "x", "y")
			},
		},
		{
			name: "one file moved to two places",
			reason: "Aider-AI/aider 64a8d567 (\"reorg scm files\"): queries/tree-sitter-javascript-tags.scm moved " +
				"to tree-sitter-language-pack/ unchanged and, edited, to tree-sitter-languages/; git log -M pairs " +
				"the source with one destination only, git blame looks for each file's source alone (find_rename, " +
				"single_follow) and follows both",
			build: func(g *gittest.Repo) {
				g.Write("queries/js-tags.scm", gittest.Lines("query", 20))
				g.Commit("Added tags queries", "")
				g.Write("queries/pack/js-tags.scm", gittest.Lines("query", 20))
				g.Write("queries/langs/js-tags.scm", strings.Replace(gittest.Lines("query", 20), "query 7\n", "function 7\n", 1))
				g.Git("rm", "-q", "queries/js-tags.scm")
				g.Commit("reorg scm files", "")
				g.Git("mv", "queries/langs/js-tags.scm", "queries/langs/javascript-tags.scm")
				g.Commit("reorg again", "")
			},
		},
		{
			name: "two files renamed into two, paired differently",
			reason: "ghostty-org/ghostty 5877913a (\"Split out terminal tabs for ventura vs tahoe\"): git log -M pairs all " +
				"renames at once, best score first; git blame finds the best source of one file alone, here the " +
				"other file's source",
			build: func(g *gittest.Repo) {
				common := gittest.Lines("common", 20)
				g.Write("s1.xib", common)
				g.Write("s2.xib", gittest.Lines("common", 16)+gittest.Lines("other", 4))
				g.Commit("base", "")
				g.Git("rm", "-q", "s1.xib", "s2.xib")
				g.Write("y.xib", strings.Replace(common, "common 3\n", "y 3\n", 1))
				x := common
				for _, n := range []string{"2", "6", "9", "15"} {
					x = strings.Replace(x, "common "+n+"\n", "x "+n+"\n", 1)
				}
				g.Write("x.xib", x)
				g.Commit("split", "")
			},
		},
		{
			name:   "a binary file renamed",
			reason: "Aider-AI/aider's website images, moved unchanged: the rename's diff has no \"Binary files differ\" line, and the file stayed binary",
			build: func(g *gittest.Repo) {
				g.Write("assets/logo.jpg", "\xff\xd8\xff\x00\x10JFIF\n\x00\x01\n")
				g.Write("t.txt", "t\n")
				g.Commit("add image", "")
				g.Write("website/.keep", "")
				g.Git("mv", "assets/logo.jpg", "website/logo.jpg")
				g.Commit("move image", "")
			},
		},
		{
			name:   "a binary file at a merge",
			reason: "a binary file taken whole from a parent, and one changed on both sides: neither fails the replay",
			build: func(g *gittest.Repo) {
				g.Write("img.bin", "\x00\x01base")
				g.Write("both.bin", "\x00both")
				g.Write("t.txt", "t\n")
				g.Commit("base", "")
				g.Git("checkout", "-q", "-b", "side")
				g.Write("img.bin", "\x00\x01side")
				g.Write("both.bin", "\x00side")
				g.Commit("side binary", "")
				g.Git("checkout", "-q", "main")
				g.Write("both.bin", "\x00main")
				g.Write("t.txt", "t\nu\n")
				g.Commit("main", "")
				if _, err := g.TryGit("merge", "-q", "-m", "merge side", "side"); err == nil {
					t.Fatal("expected a conflict on both.bin")
				}
				g.Write("both.bin", "\x00resolved")
				g.Git("add", "-A")
				g.Git("commit", "-q", "--no-edit")
			},
		},
	}
	ctx := context.Background()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := gittest.New(t)
			c.build(g)
			rp, err := repo.Open(ctx, g.Dir)
			if err != nil {
				t.Fatal(err)
			}
			defer rp.Close()
			a, err := Analyze(ctx, rp, &Options{NoCache: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(a.Files()) == 0 {
				t.Fatal("no files")
			}
			ex := compare(t, g.Dir, a, "")
			if ex.agree != ex.lines {
				t.Errorf("%d of %d lines agree with git blame (%s)", ex.agree, ex.lines, c.reason)
			}
		})
	}
}
