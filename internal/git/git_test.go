package git

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// TestOpenAgreesWithGit compares what Open finds without git (the plain
// layout hooks run in) with what `git rev-parse` says, and checks that
// every other layout is left to git.
func TestOpenAgreesWithGit(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("sub/f.txt", "x\n")
	g.Commit("first", "")
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(g.Dir, link); err != nil {
		t.Fatal(err)
	}
	wt := filepath.Join(t.TempDir(), "wt")
	g.Git("worktree", "add", "-q", wt)
	bare := filepath.Join(t.TempDir(), "bare.git")
	g.Git("clone", "-q", "--bare", g.Dir, bare)
	moved := gittest.New(t)
	moved.Git("config", "core.worktree", g.Dir)

	for _, c := range []struct {
		name, dir string
		standard  bool
	}{
		{"work tree", g.Dir, true},
		{"through a symlink", link, true},
		{"subdirectory", filepath.Join(g.Dir, "sub"), false},
		{"linked work tree", wt, false},
		{"bare", bare, false},
		{"core.worktree", moved.Dir, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			fast := &Repo{Dir: c.dir}
			if got := openStandard(fast); got != c.standard {
				t.Fatalf("openStandard = %v, want %v", got, c.standard)
			}
			byGit := &Repo{Dir: c.dir}
			if err := askGit(ctx, byGit); err != nil {
				t.Fatal(err)
			}
			got, err := Open(ctx, c.dir)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(byGit, got); diff != "" {
				t.Errorf("Open differs from git rev-parse (-git +Open)\n%s", diff)
			}
		})
	}
	t.Run("GIT_DIR set", func(t *testing.T) {
		t.Setenv("GIT_DIR", filepath.Join(g.Dir, ".git"))
		if openStandard(&Repo{Dir: g.Dir}) {
			t.Error("the environment was not left to git")
		}
	})
	if _, err := Open(ctx, t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a git repository") {
		t.Errorf("outside a repository: %v", err)
	}
}

// TestParseDiffBlobIDs checks the blob ids --full-index gives against
// git's own answer for each path.
func TestParseDiffBlobIDs(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("keep.txt", "same\ncontent\nhere\nfor\nrename\n")
	g.Write("edit.txt", "one\n")
	g.Commit("first", "")
	g.Git("mv", "keep.txt", "moved.txt")
	g.Write("edit.txt", "one\ntwo\n")
	g.Write("new.txt", "new\n")
	second := g.Commit("second", "")
	r, err := Open(ctx, g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Output(ctx, "diff-tree", "-p", "-U0", "-M", "--full-index", second+"^", second)
	if err != nil {
		t.Fatal(err)
	}
	files, err := ParseDiff(strings.NewReader(string(out)))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range files {
		got[f.Path] = f.Blob
	}
	want := map[string]string{
		"edit.txt":  strings.TrimSpace(g.Git("rev-parse", second+":edit.txt")),
		"new.txt":   strings.TrimSpace(g.Git("rev-parse", second+":new.txt")),
		"moved.txt": "", // a rename without change has no index line
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("blob ids (-want +got)\n%s", diff)
	}
}

// TestBlobIDAgreesWithGit compares BlobID with `git hash-object`, in a
// SHA-1 and a SHA-256 repository.
func TestBlobIDAgreesWithGit(t *testing.T) {
	for _, format := range []string{"sha1", "sha256"} {
		g := gittest.New(t)
		dir := filepath.Join(t.TempDir(), format)
		g.Git("init", "-q", "--object-format="+format, dir)
		for _, content := range []string{"", "one line\n", "crlf\r\nno final newline", strings.Repeat("x", 70000)} {
			p := filepath.Join(t.TempDir(), "f")
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
			want := strings.TrimSpace(g.Git("-C", dir, "hash-object", "--no-filters", p))
			if got := BlobID([]byte(content), len(want)); got != want {
				t.Errorf("%s, %d bytes: BlobID = %s, git says %s", format, len(content), got, want)
			}
		}
	}
	if BlobID([]byte("x"), 12) != "" {
		t.Error("an id length of no object format gave an id")
	}
}
