package attribution

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/internal/histgen"
	"github.com/hallmark-dev/hallmark/internal/repolink"
	"github.com/hallmark-dev/hallmark/repo"
)

// TestPathsReplayOnlyWhatReachesThem: a report limited to some paths
// diffs only the paths that can reach them, and gives every line of those
// files as the whole-tree report and git blame do: through renames (one
// into the paths asked for, from a file outside them), merges, and a
// file created from another that its commit deletes.
func TestPathsReplayOnlyWhatReachesThem(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	if _, err := histgen.Generate(g.Dir, histgen.Options{Commits: 80, Files: 16, MergeEvery: 6, RenameEvery: 5, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	g.Git("checkout", "-q", "-f", "main")
	g.Git("clean", "-fdxq")
	// A file moved into a directory from outside it, then edited there,
	// and one whose content reappears under a new name in the commit
	// that deletes the old one, with an edit.
	files := strings.Fields(g.Git("ls-files"))
	moved, copied := files[0], files[1]
	if err := os.MkdirAll(filepath.Join(g.Dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	g.Git("mv", moved, "sub/"+filepath.Base(moved))
	g.Commit("move into sub", "")
	g.Write("sub/"+filepath.Base(moved), readFile(t, filepath.Join(g.Dir, "sub", filepath.Base(moved)))+"edited in sub\n")
	g.Commit("edit in sub", "")
	data := readFile(t, filepath.Join(g.Dir, copied))
	g.Git("rm", "-q", copied)
	g.Write("sub/new.txt", data+"new line\n")
	g.Commit("recreate under sub", "")
	rp, err := repo.Open(ctx, g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Close()
	whole, err := Analyze(ctx, rp, &Options{NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		reason string
		paths  []string
	}{
		{"a directory, with a file moved into it and one recreated in it", []string{"sub"}},
		{"one file", []string{files[2]}},
		{"a glob", []string{"pkg0[2-9]/*"}},
	} {
		a, err := Analyze(ctx, rp, &Options{Paths: c.paths, NoCache: true, Progress: func(int, int) {}})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Files()) == 0 {
			t.Fatalf("%s: no files of %v", c.reason, files)
		}
		for _, p := range a.Files() {
			want, _ := whole.File(p)
			got, err := a.File(p)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: %s (-whole tree +paths)\n%s", c.reason, p, diff)
			}
		}
		if len(a.blame.Files) != len(a.Files())+len(a.Binary) {
			t.Errorf("%s: the result holds %d files, %d asked for", c.reason, len(a.blame.Files), len(a.Files()))
		}
		if ex := compare(t, g.Dir, a, ""); ex.agree != ex.lines {
			t.Errorf("%s: %d of %d lines agree with git blame", c.reason, ex.agree, ex.lines)
		}
	}
	// What a directory's replay diffs is what can reach it: its files,
	// the file moved into it from outside, the file deleted where one of
	// its files was created; not every path of the history.
	gr := repolink.Of(rp).Git()
	var order []string
	parents := map[string][]string{}
	for _, l := range strings.Split(strings.TrimSpace(g.Git("rev-list", "--topo-order", "--reverse", "--parents", "HEAD")), "\n") {
		f := strings.Fields(l)
		order = append(order, f[0])
		parents[f[0]] = f[1:]
	}
	sel := &Analysis{paths: []string{"sub"}}
	keep, err := selectedFiles(ctx, gr, whole.Commit, sel.selected)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for p := range keep {
		want = append(want, p)
	}
	reach, err := reachingPaths(ctx, gr, order, func(id string) []string { return parents[id] }, want)
	if err != nil {
		t.Fatal(err)
	}
	ever := map[string]bool{}
	for _, p := range strings.Fields(g.Git("log", "--format=", "--name-only", "--no-renames", "HEAD")) {
		ever[p] = true
	}
	for _, p := range []string{moved, copied, "sub/new.txt", "sub/" + filepath.Base(moved)} {
		if !slices.Contains(reach, p) {
			t.Errorf("%s cannot reach sub, says reachingPaths: %v", p, reach)
		}
	}
	if len(reach) >= len(ever)/2 {
		t.Errorf("%d of the %d paths of the history reach sub: %v", len(reach), len(ever), reach)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
