package attribution

import (
	"context"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/internal/histgen"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// gitBlame returns, for each line of path at rev, the commit git blame
// names (default options), or with since the boundary as "".
func gitBlame(t testing.TB, dir, rev, since, path string) []string {
	args := []string{"-C", dir, "blame", "--porcelain"}
	if since != "" {
		args = append(args, since+".."+rev)
	} else {
		args = append(args, rev)
	}
	out, err := exec.Command("git", append(args, "--", path)...).CombinedOutput()
	if err != nil {
		t.Fatalf("git blame %s: %v: %s", path, err, out)
	}
	var commits []string
	boundaryCommits := map[string]bool{}
	lines := strings.Split(string(out), "\n")
	for i := 0; i < len(lines); i++ {
		f := strings.Fields(lines[i])
		if len(f) >= 3 && len(f[0]) == 40 {
			if _, err := strconv.Atoi(f[2]); err == nil {
				// A header line: the commit, then metadata, then the line.
				c := f[0]
				j := i + 1
				for ; j < len(lines) && !strings.HasPrefix(lines[j], "\t"); j++ {
					if lines[j] == "boundary" {
						boundaryCommits[c] = true
					}
				}
				if boundaryCommits[c] && since != "" {
					c = "" // older than the range (without a range, the root commit is marked boundary)
				}
				commits = append(commits, c)
				i = j
			}
		}
	}
	return commits
}

type exactness struct {
	lines, agree int
	ours, theirs provenance.Count
}

// compare checks every line of every text file against git blame.
func compare(t *testing.T, dir string, a *Analysis, since string) exactness {
	var ex exactness
	for _, p := range a.Files() {
		lines, err := a.File(p)
		if err != nil {
			t.Fatal(err)
		}
		want := gitBlame(t, dir, a.Commit, since, p)
		if len(want) != len(lines) {
			t.Errorf("%s: %d lines, git blame %d", p, len(lines), len(want))
			continue
		}
		for i, l := range lines {
			if since != "" && want[i] == "" && l.Commit == "" {
				ex.agree++
				ex.lines++
				continue
			}
			ex.lines++
			if l.Commit == want[i] {
				ex.agree++
			} else if testing.Verbose() && ex.lines-ex.agree < 10 {
				t.Logf("%s:%d ours %.8s git blame %.8s", p, i+1, l.Commit, want[i])
			}
			if l.Commit != "" {
				ex.ours.Add(l.Class, 1)
			}
			if want[i] != "" {
				// git blame's commit, attributed the way we attribute it.
				ci, ok := indexOf(a.blame, want[i])
				if ok {
					at := a.attrOf(int32(ci))
					ex.theirs.Add(at.defClass, 1)
				}
			}
		}
	}
	return ex
}

func TestExactAgainstGitBlame(t *testing.T) {
	ctx := context.Background()
	for _, o := range []histgen.Options{
		{Commits: 120, Files: 40, MergeEvery: 9, RenameEvery: 13, Seed: 1},
		{Commits: 200, Files: 25, MergeEvery: 5, RenameEvery: 7, Seed: 2, LinesPerEdit: 8, FilesPerCommit: 3},
		{Commits: 150, Files: 60, Seed: 3},
	} {
		g := gittest.New(t)
		if _, err := histgen.Generate(g.Dir, o); err != nil {
			t.Fatal(err)
		}
		rp, err := repo.Open(ctx, g.Dir)
		if err != nil {
			t.Fatal(err)
		}
		defer rp.Close()
		for _, since := range []string{"", "HEAD~40"} {
			a, err := Analyze(ctx, rp, &Options{Since: since, NoCache: true})
			if err != nil {
				t.Fatal(err)
			}
			sinceID := ""
			if since != "" {
				sinceID = a.Since
			}
			ex := compare(t, g.Dir, a, sinceID)
			pct := 100 * float64(ex.agree) / float64(ex.lines)
			share := 100 * (ex.ours.AIShare() - ex.theirs.AIShare())
			t.Logf("seed %d since %q: %d lines, %.2f%% agree with git blame, ai share %.2f%% vs %.2f%%", o.Seed, since, ex.lines, pct, 100*ex.ours.AIShare(), 100*ex.theirs.AIShare())
			if pct < 99.5 {
				t.Errorf("seed %d since %q: only %.2f%% of lines agree with git blame", o.Seed, since, pct)
			}
			if share > 0.5 || share < -0.5 {
				t.Errorf("seed %d since %q: ai share differs by %.2f points", o.Seed, since, share)
			}
		}
	}
}

// TestExactMergeKinds covers merges git log -m shows badly: one identical
// to a parent (-s ours), an octopus, and a conflict resolved by hand.
func TestExactMergeKinds(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("a", gittest.Lines("a", 10))
	g.Commit("one", "")
	for _, b := range []string{"x", "y", "z"} {
		g.Git("checkout", "-q", "-b", b, "main")
		g.Write(b, gittest.Lines(b, 3))
		g.Write("a", strings.Replace(gittest.Lines("a", 10), "a 5\n", "a 5 "+b+"\n", 1))
		g.Commit("branch "+b, "")
	}
	g.Git("checkout", "-q", "main")
	g.Git("merge", "-q", "-s", "ours", "-m", "ours merge", "x")
	g.Git("merge", "-q", "-m", "octopus", "y")
	if _, err := g.TryGit("merge", "-q", "-m", "conflict", "z"); err == nil {
		t.Fatal("expected a conflict")
	}
	g.Write("a", strings.Replace(gittest.Lines("a", 10), "a 5\n", "a 5 resolved\nplus\n", 1))
	g.Git("add", "-A")
	g.Git("commit", "-q", "--no-edit")
	rp, _ := repo.Open(ctx, g.Dir)
	defer rp.Close()
	a, err := Analyze(ctx, rp, &Options{NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	ex := compare(t, g.Dir, a, "")
	if ex.agree != ex.lines {
		t.Errorf("%d of %d lines agree with git blame", ex.agree, ex.lines)
	}
}
