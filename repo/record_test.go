package repo

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/provenance"
)

const claudeMsg = "feat: add parser\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>\n"

// buildHistory makes a repository whose history has the cases the record
// must get right: renames with edits, CRLF, no final newline, a binary
// file, deleted and re-added lines, a symlink, and a merge with a conflict
// resolution.
func buildHistory(t *testing.T) *gittest.Repo {
	r := gittest.New(t)
	r.Write("a.txt", gittest.Lines("a", 20))
	r.Write("dir/b.txt", gittest.Lines("b", 10))
	r.Commit("initial", "")
	r.Write("a.txt", strings.Replace(gittest.Lines("a", 20), "a 5\n", "a 5 changed by model\nnew line\n", 1))
	r.Write("parser.go", "package parser\n\nfunc Parse() {}\n")
	r.Commit(claudeMsg, "")
	r.Git("mv", "dir/b.txt", "dir/c.txt")
	r.Write("dir/c.txt", strings.Replace(gittest.Lines("b", 10), "b 3\n", "b three\n", 1))
	r.Commit("rename b to c and edit", "")
	r.Write("crlf.txt", "one\r\ntwo\r\nthree\r\n")
	r.Write("nofinal.txt", "x\ny\nz")
	r.Write("bin.dat", "\x00\x01\x02binary\x00")
	if err := os.Symlink("a.txt", filepath.Join(r.Dir, "link")); err != nil {
		t.Fatal(err)
	}
	r.Commit("x\n\nCo-authored-by: Codex <noreply@openai.com>\n", "")
	r.Write("nofinal.txt", "x\ny\nz\nw")
	r.Write("a.txt", strings.Replace(gittest.Lines("a", 20), "a 7\n", "", 1))
	r.Commit("delete a 7, extend nofinal", "")
	r.Write("a.txt", gittest.Lines("a", 20))
	r.Commit("re-add a 7\n\nAssisted-by: aider:openai/gpt-4o\n", "Ada (aider) <ada@example.com>")
	// A branch and a conflicting change, resolved by hand in the merge.
	r.Git("checkout", "-q", "-b", "side")
	r.Write("a.txt", strings.Replace(gittest.Lines("a", 20), "a 10\n", "a 10 side\n", 1))
	r.Write("side.txt", gittest.Lines("s", 3))
	r.Commit("side change", "")
	r.Git("checkout", "-q", "main")
	r.Write("a.txt", strings.Replace(gittest.Lines("a", 20), "a 10\n", "a 10 main\n", 1))
	r.Commit("main change", "")
	if _, err := r.TryGit("merge", "-q", "--no-edit", "side"); err == nil {
		t.Fatal("expected a conflict")
	}
	r.Write("a.txt", strings.Replace(gittest.Lines("a", 20), "a 10\n", "a 10 resolved\nplus one\n", 1))
	r.Git("add", "-A")
	r.Git("commit", "-q", "--no-edit")
	return r
}

// openRepo opens dir and closes it when the test ends.
func openRepo(t testing.TB, dir string) *Repo {
	t.Helper()
	rp, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rp.Close() })
	return rp
}

// blamedTo returns, per file, the line numbers `git blame` (default options)
// attributes to commit id at that commit.
func blamedTo(t *testing.T, r *gittest.Repo, id, path string) []int {
	out := r.Git("blame", "--porcelain", id, "--", path)
	var lines []int
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) >= 3 && len(f[0]) == 40 && f[0] == id {
			n, _ := strconv.Atoi(f[2])
			lines = append(lines, n)
		}
	}
	slices.Sort(lines)
	return lines
}

func spanLines(f provenance.File) []int {
	var out []int
	for _, s := range f.Spans {
		for n := s.Start; n <= s.End; n++ {
			out = append(out, n)
		}
	}
	return out
}

// TestRecordMatchesGitBlame checks, for every commit of the history, that the
// lines the record covers are exactly the lines `git blame` at that commit
// attributes to it, file by file.
func TestRecordMatchesGitBlame(t *testing.T) {
	r := buildHistory(t)
	ctx := context.Background()
	rp := openRepo(t, r.Dir)
	ids := strings.Fields(r.Git("rev-list", "--reverse", "HEAD"))
	compared := 0
	for _, id := range ids {
		rec, err := rp.Record(ctx, id)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		covered := map[string][]int{}
		for _, f := range rec.Files {
			covered[f.Path] = spanLines(f)
		}
		files := strings.Fields(r.Git("ls-tree", "-r", "--name-only", id))
		for _, path := range files {
			if path == "bin.dat" {
				continue // binary: no lines
			}
			want := blamedTo(t, r, id, path)
			compared += len(want)
			if diff := cmp.Diff(want, covered[path]); diff != "" {
				t.Errorf("commit %s file %s: record vs git blame (-blame +record)\n%s", id[:8], path, diff)
			}
		}
	}
	if compared < 50 {
		t.Errorf("only %d blamed lines compared: the history is not what the test thinks", compared)
	}
	t.Logf("%d commits, %d blamed lines compared with git blame", len(ids), compared)
}

func TestRecordDetails(t *testing.T) {
	r := buildHistory(t)
	ctx := context.Background()
	rp := openRepo(t, r.Dir)
	rec, err := rp.Record(ctx, "HEAD~6") // the Claude commit
	if err != nil {
		t.Fatal(err)
	}
	if rec.Method != provenance.MethodConventions {
		t.Errorf("method %q", rec.Method)
	}
	wantAuthor := provenance.Author{Kind: provenance.Model, ModelID: "anthropic/claude-opus-4-5", Model: "Claude Opus 4.5", Tool: "claude-code"}
	if diff := cmp.Diff([]provenance.Author{wantAuthor}, rec.Authors); diff != "" {
		t.Errorf("authors: %s", diff)
	}
	if got := rec.Count(); got.AI != 5 || got.Human != 0 {
		t.Errorf("count %+v, want 5 ai lines", got)
	}
	// The digest of each file is the sha256 of the blob git stores.
	for _, f := range rec.Files {
		blob := r.Git("cat-file", "blob", rec.Commit+":"+f.Path)
		data, _ := rp.ReadFile(ctx, rec.Commit, f.Path)
		if string(data) != blob {
			t.Errorf("%s: content differs from git cat-file", f.Path)
		}
	}
	// Binary files are listed without spans; CRLF and no-final-newline
	// files count lines as git does.
	rec, err = rp.Record(ctx, "HEAD~4")
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]provenance.File{}
	for _, f := range rec.Files {
		byPath[f.Path] = f
	}
	if f := byPath["bin.dat"]; len(f.Spans) != 0 || f.Lines != 0 || f.Digest == "" {
		t.Errorf("binary file: %+v", f)
	}
	if f := byPath["crlf.txt"]; f.Lines != 3 {
		t.Errorf("crlf.txt: %d lines", f.Lines)
	}
	if f := byPath["nofinal.txt"]; f.Lines != 3 {
		t.Errorf("nofinal.txt: %d lines", f.Lines)
	}
	if rec.Authors[0].Tool != "codex" {
		t.Errorf("Codex commit authors %+v", rec.Authors)
	}
}

func TestSummarizeAddsUpRecords(t *testing.T) {
	r := buildHistory(t)
	ctx := context.Background()
	rp := openRepo(t, r.Dir)
	s, err := rp.Summarize(ctx, "HEAD", nil)
	if err != nil {
		t.Fatal(err)
	}
	var want provenance.Count
	ids := strings.Fields(r.Git("rev-list", "HEAD"))
	for _, id := range ids {
		rec, err := rp.Record(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want.Merge(rec.Count())
	}
	if diff := cmp.Diff(want, s.Lines); diff != "" {
		t.Errorf("summary vs sum of records (-records +summary)\n%s", diff)
	}
	if s.Commits != len(ids) || s.AICommits != 3 || s.BinaryFiles != 1 {
		t.Errorf("commits %d (want %d), ai commits %d (want 3), binary %d (want 1)", s.Commits, len(ids), s.AICommits, s.BinaryFiles)
	}
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, t.TempDir()); !errors.Is(err, git.ErrNotRepository) {
		t.Errorf("not a repository: %v", err)
	}
	empty := gittest.New(t)
	rp, err := Open(ctx, empty.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rp.Record(ctx, "HEAD"); !errors.Is(err, git.ErrNoCommits) {
		t.Errorf("empty repository: %v", err)
	}
	if _, err := rp.Summarize(ctx, "HEAD", nil); !errors.Is(err, git.ErrNoCommits) {
		t.Errorf("empty repository summary: %v", err)
	}
	r := buildHistory(t)
	rp, _ = Open(ctx, r.Dir)
	defer rp.Close()
	for _, rev := range []string{"nope", "--all", "HEAD:a.txt"} {
		if _, err := rp.Record(ctx, rev); !errors.Is(err, git.ErrBadRevision) {
			t.Errorf("rev %q: %v", rev, err)
		}
	}
	// A file name that is not UTF-8 is recorded as its bytes (JSON
	// path_bytes, see provenance.File).
	r.Write("ok.txt", "x\n")
	if err := os.WriteFile(filepath.Join(r.Dir, "bad\xffname"), []byte("x\n"), 0o644); err != nil {
		t.Skip("file system refuses non-UTF-8 names")
	}
	r.Commit("weird name", "")
	rec, err := rp.Record(ctx, "HEAD")
	if err != nil {
		t.Fatalf("non-UTF-8 name: %v", err)
	}
	found := false
	for _, f := range rec.Files {
		if f.Path == "bad\xffname" && len(f.Spans) == 1 {
			found = true
		}
	}
	if !found {
		t.Errorf("non-UTF-8 name not recorded as its bytes: %+v", rec.Files)
	}
	// Bare repositories work too.
	bare := t.TempDir()
	if out, err := exec.Command("git", "clone", "-q", "--bare", r.Dir, bare).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	bp, err := Open(ctx, bare)
	if err != nil {
		t.Fatal(err)
	}
	defer bp.Close()
	if _, err := bp.Summarize(ctx, "HEAD~1", nil); err != nil {
		t.Errorf("bare: %v", err)
	}
}

// TestInferAuthorClasses: the class a commit's conventions give its lines,
// on real commits.
func TestInferAuthorClasses(t *testing.T) {
	ctx := context.Background()
	r := gittest.New(t)
	rp := openRepo(t, r.Dir)
	tests := []struct {
		reason, msg, author, committer string
		class                          provenance.Class
		kind                           provenance.Kind
	}{
		{"plain", "x\n", "", "", provenance.Human, provenance.Person},
		{"hallmark's own trailer without its note: which lines is not known",
			"x\n\n" + provenance.AssistedBy(provenance.Author{Kind: provenance.Model, ModelID: "anthropic/claude-opus-4-5", Tool: "claude-code"}).String() + "\n",
			"", "", provenance.Unknown, provenance.Person},
		{"aider ran git commit for the person's own changes", "x\n", "", "Ada Human (aider)", provenance.Human, provenance.Person},
		{"aider's edits", "x\n", "Ada Human (aider) <ada@example.com>", "Ada Human (aider)", provenance.AI, provenance.Model},
		{"Entire share", "x\n\nEntire-Attribution: 40% agent (2/5 lines)\n", "", "", provenance.Unknown, provenance.Person},
		{"OpenInfra Assisted-By", "x\n\nAssisted-By: claude-code claude-sonnet-4-5\n", "", "", provenance.Mixed, provenance.Model},
		{"a trailer after a --- line in the body", "x\n\nbody\n---\nquoted\n\nCo-authored-by: Codex <noreply@openai.com>\n", "", "", provenance.AI, provenance.Model},
	}
	for i, tt := range tests {
		r.Write("f.txt", strings.Repeat("line\n", i+1))
		if tt.committer != "" {
			r.Setenv("GIT_COMMITTER_NAME=" + tt.committer)
		}
		r.Commit(tt.msg, tt.author)
		r.Setenv("GIT_COMMITTER_NAME=Ada Human")
		c, err := rp.CommitObject(ctx, "HEAD")
		if err != nil {
			t.Fatal(err)
		}
		a, class := InferAuthor(c)
		if class != tt.class || a.Kind != tt.kind {
			t.Errorf("%s: %v %s, want a %s and %s", tt.reason, a, class, tt.kind, tt.class)
		}
	}
}
