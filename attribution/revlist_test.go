package attribution

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/internal/histgen"
	"github.com/hallmark-dev/hallmark/repo"
)

func TestParseRevList(t *testing.T) {
	// b and c are children of a; d merges them; x is outside the range.
	r := parseRevList([]byte("a x\nb a\nc a\nd b c\n\n"))
	if want := []string{"a", "b", "c", "d"}; !slices.Equal(r.order, want) {
		t.Errorf("order %v, want %v", r.order, want)
	}
	for _, c := range []struct {
		id       string
		in       bool
		children int
		parents  []string
	}{
		{"a", true, 2, []string{"x"}},
		{"b", true, 1, []string{"a"}},
		{"d", true, 0, []string{"b", "c"}},
		{"x", false, 1, nil},
		{"unknown", false, 0, nil},
	} {
		if got := r.inRange(c.id); got != c.in {
			t.Errorf("inRange(%s) = %v", c.id, got)
		}
		if got := r.children(c.id); got != c.children {
			t.Errorf("children(%s) = %d, want %d", c.id, got, c.children)
		}
		if got := r.parentsOf(c.id); !slices.Equal(got, c.parents) {
			t.Errorf("parentsOf(%s) = %v, want %v", c.id, got, c.parents)
		}
	}
}

// TestMergeBatches: the merges' diffs computed a few at a time, as the
// replay reaches them, give every line the origin they give computed all
// at once, for the whole tree and for paths.
func TestMergeBatches(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	if _, err := histgen.Generate(g.Dir, histgen.Options{Commits: 150, Files: 30, MergeEvery: 4, RenameEvery: 11, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	rp, err := repo.Open(ctx, g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Close()
	lines := func(o *Options) map[string][]Line {
		a, err := Analyze(ctx, rp, o)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string][]Line{}
		for _, p := range a.Files() {
			if out[p], err = a.File(p); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	defer func(n int) { mergeBatch = n }(mergeBatch)
	for _, paths := range [][]string{nil, {"pkg03", "pkg07"}} {
		o := &Options{NoCache: true, Paths: paths}
		mergeBatch = 1 << 20
		all := lines(o)
		for _, n := range []int{1, 3} {
			mergeBatch = n
			if diff := cmp.Diff(all, lines(o)); diff != "" {
				t.Errorf("paths %v, batches of %d merges (-all at once +batches):\n%s", paths, n, diff)
			}
		}
	}
}

// TestScratchTreesAcrossBatches: a tree written for an earlier batch of
// merges, and forgotten since, is written again without error and stays
// the object it was.
func TestScratchTreesAcrossBatches(t *testing.T) {
	var trees scratchTrees
	defer trees.close()
	entries := []treeEntry{{"0.txt", strings.Repeat("ab", 20)}}
	var ids []string
	for range 2 {
		trees.newBatch()
		tw, err := trees.writer(40)
		if err != nil {
			t.Fatal(err)
		}
		id, err := tw.write(entries)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if ids[0] != ids[1] {
		t.Fatalf("the same tree got ids %v", ids)
	}
	bare := t.TempDir()
	if out, err := exec.Command("git", "init", "-q", "--bare", bare).CombinedOutput(); err != nil {
		t.Fatalf("git init: %v: %s", err, out)
	}
	cmd := exec.Command("git", "--git-dir", bare, "cat-file", "-t", ids[0])
	cmd.Env = append(os.Environ(), "GIT_OBJECT_DIRECTORY="+trees.dir)
	if out, err := cmd.CombinedOutput(); err != nil || strings.TrimSpace(string(out)) != "tree" {
		t.Errorf("git cat-file -t %s: %v: %s", ids[0], err, out)
	}
	trees.close()
	if _, err := os.Stat(trees.dir); !os.IsNotExist(err) {
		t.Errorf("close left %s: %v", trees.dir, err)
	}
}
