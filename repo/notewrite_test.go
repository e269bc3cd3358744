package repo

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// TestNoteWrittenAsGitWritesIt adds notes one at a time through the
// loose-object path and checks, against git itself, that each notes tree is
// the one `git notes add` makes for the same notes, flat and spread over
// subdirectories, in SHA-1 and SHA-256 repositories; that git reads every
// note back; and that fsck finds nothing wrong.
func TestNoteWrittenAsGitWritesIt(t *testing.T) {
	ctx := context.Background()
	for _, format := range []string{"sha1", "sha256"} {
		t.Run(format, func(t *testing.T) {
			g := gittest.Wrap(t, t.TempDir())
			g.Git("init", "-q", "-b", "main", "--object-format="+format)
			g.Git("config", "user.name", "Ada Human")
			g.Git("config", "user.email", "ada@example.com")
			// 300 commits; the first 260 noted in bulk (fast-import spreads
			// them over subdirectories), the rest one by one.
			var stream strings.Builder
			for i := range 300 {
				fmt.Fprintf(&stream, "commit refs/heads/main\ncommitter A <a@example.com> %d +0000\ndata 2\nc\n", 1700000000+i)
			}
			if out, err := runStdin(g.Dir, stream.String(), "fast-import", "--quiet"); err != nil {
				t.Fatalf("fast-import: %v %s", err, out)
			}
			g.Git("reset", "-q", "--hard", "main")
			commits := strings.Fields(g.Git("rev-list", "--reverse", "main"))
			rp := openRepo(t, g.Dir)
			// A second repository with the same commits, noted by git.
			oracle := gittest.Wrap(t, t.TempDir())
			oracle.Git("clone", "-q", g.Dir, ".")

			add := func(i int) {
				t.Helper()
				line := fmt.Sprintf("envelope %d", i)
				if err := rp.AddNote(ctx, commits[i], [][]byte{[]byte(line)}, "hallmark: test\n"); err != nil {
					t.Fatalf("note %d: %v", i, err)
				}
				p := filepath.Join(t.TempDir(), "note")
				os.WriteFile(p, []byte(line+"\n"), 0o644)
				blob := strings.TrimSpace(oracle.Git("hash-object", "-w", p))
				oracle.Git("notes", "--ref=hallmark", "add", "-C", blob, commits[i])
			}
			trees := func() (string, string) {
				return strings.TrimSpace(g.Git("rev-parse", NotesRef+"^{tree}")), strings.TrimSpace(oracle.Git("rev-parse", NotesRef+"^{tree}"))
			}
			for i := range 5 { // flat: the loose path writes every one
				add(i)
				if got, want := trees(); got != want {
					t.Fatalf("after %d notes the tree is %s, git's is %s", i+1, got, want)
				}
			}
			lines := map[string][][]byte{}
			for i := 5; i < 260; i++ {
				lines[commits[i]] = [][]byte{[]byte(fmt.Sprintf("envelope %d", i))}
			}
			if err := rp.AddNotes(ctx, lines, "hallmark: bulk\n"); err != nil {
				t.Fatal(err)
			}
			for i := 5; i < 260; i++ {
				p := filepath.Join(t.TempDir(), "note")
				os.WriteFile(p, []byte(fmt.Sprintf("envelope %d\n", i)), 0o644)
				blob := strings.TrimSpace(oracle.Git("hash-object", "-w", p))
				oracle.Git("notes", "--ref=hallmark", "add", "-C", blob, commits[i])
			}
			for i := 260; i < 270; i++ { // spread: into the subdirectories
				add(i)
				if got, want := trees(); got != want {
					t.Fatalf("after note %d the tree is %s, git's is %s", i, got, want)
				}
			}
			for _, i := range []int{0, 3, 261, 269} {
				if got := strings.TrimSpace(g.Git("notes", "--ref=hallmark", "show", commits[i])); got != fmt.Sprintf("envelope %d", i) {
					t.Errorf("git reads note %d as %q", i, got)
				}
			}
			if out, err := g.TryGit("fsck", "--strict", "--no-dangling"); err != nil {
				t.Errorf("fsck: %v %s", err, out)
			}
			if msg := g.Git("log", "-1", "--format=%an <%ae>|%cn|%B", NotesRef); !strings.HasPrefix(msg, "Ada Human <ada@example.com>|Ada Human|hallmark: test") {
				t.Errorf("notes commit: %q", msg)
			}
			leftovers, _ := filepath.Glob(filepath.Join(g.Dir, ".git", "objects", "*", "tmp_obj_*"))
			if len(leftovers) > 0 {
				t.Errorf("temporary files left: %v", leftovers)
			}
		})
	}
}

// runStdin runs git in dir, in gittest's environment, with stdin.
func runStdin(dir, stdin string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = dir, gittest.Env(filepath.Join(dir, ".git"))
	cmd.Stdin = strings.NewReader(stdin)
	return cmd.CombinedOutput()
}

// BenchmarkLooseWrite writes the three objects of a note (blob, tree,
// commit) as loose objects, new each time.
func BenchmarkLooseWrite(b *testing.B) {
	w := &looseWriter{dir: b.TempDir(), idLen: 40}
	body := []byte(strings.Repeat("x", 3000))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, typ := range []string{"blob", "tree", "commit"} {
			if _, err := w.write(typ, append(body, fmt.Sprint(i)...)); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestNoteWriteFailureIsNamed checks that a notes ref git cannot move (a
// lock left behind by a crashed writer) is reported at once, as what it
// is, rather than retried as if another writer had moved the notes.
func TestNoteWriteFailureIsNamed(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("a", "a\n")
	c := g.Commit("first", "")
	rp := openRepo(t, g.Dir)
	if err := rp.AddNote(ctx, c, [][]byte{[]byte("one")}, "m\n"); err != nil {
		t.Fatal(err)
	}
	lock := filepath.Join(g.Dir, ".git", "refs", "notes", "hallmark.lock")
	if err := os.WriteFile(lock, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	err := rp.AddNote(ctx, c, [][]byte{[]byte("two")}, "m\n")
	if err == nil || !strings.Contains(err.Error(), "moving refs/notes/hallmark") || !strings.Contains(err.Error(), "lock") {
		t.Fatalf("with a stale lock: %v", err)
	}
	os.Remove(lock)
	if err := rp.AddNote(ctx, c, [][]byte{[]byte("two")}, "m\n"); err != nil {
		t.Fatalf("after the lock is gone: %v", err)
	}
	if lines, _ := rp.Note(ctx, c); len(lines) != 2 {
		t.Errorf("note has %d lines, want 2", len(lines))
	}
}
