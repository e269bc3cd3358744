package git

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// oddNames are names git quotes, pads or escapes in a patch.
var oddNames = []string{
	"read me.md", "tab\there", "new\nline", `q"uote\b`, `back\slash`, `"quoted"`, "-dash",
	"ünï cödé.go", "bad\xffname", "caf\xe9 latin1.txt", "dir x/y z.txt", "cr\rname",
	"trailing space ", "bell\a", "del\x7f", "a\"b c\\d e", "sp ace/\"q\" x", "esc\x1b[0m",
}

// rawEntry is one record of `git diff-tree -r -z --raw`: the oracle.
type rawEntry struct {
	Status, Path, OldPath string
}

func rawDiff(t *testing.T, g *gittest.Repo, args ...string) []rawEntry {
	out := g.Git(append([]string{"diff-tree", "-r", "-z", "--raw", "-M", "--no-commit-id"}, args...)...)
	f := strings.Split(out, "\x00")
	var es []rawEntry
	for i := 0; i+1 < len(f); {
		meta := strings.Fields(f[i])
		if len(meta) < 5 {
			t.Fatalf("raw diff: %q", f[i])
		}
		st := meta[4][:1]
		e := rawEntry{Status: st, Path: f[i+1]}
		i += 2
		if st == "R" || st == "C" {
			e.OldPath, e.Path = e.Path, f[i]
			i++
		}
		es = append(es, e)
	}
	return es
}

func parsed(t *testing.T, g *gittest.Repo, args ...string) []rawEntry {
	ctx := context.Background()
	r, err := Open(ctx, g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.Output(ctx, append([]string{"diff-tree", "-r", "-p", "-U0", "-M", "--no-commit-id", "--src-prefix=a/", "--dst-prefix=b/"}, args...)...)
	if err != nil {
		t.Fatal(err)
	}
	files, err := ParseDiffAll(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var es []rawEntry
	for _, f := range files {
		e := rawEntry{Path: f.Path}
		switch {
		case f.Deleted:
			e.Status = "D"
		case f.Created:
			e.Status = "A"
		case f.OldPath != "" && f.OldPath != f.Path:
			e.Status, e.OldPath = "R", f.OldPath
		default:
			e.Status = "M"
		}
		es = append(es, e)
	}
	return es
}

// TestNamesAgainstRawZ holds the names ParseDiffAll reads from patches to
// the names git's NUL-separated --raw output gives, over additions (text,
// empty, binary), modifications, mode changes, renames (with and without
// content changes) and deletions of files with odd names.
func TestNamesAgainstRawZ(t *testing.T) {
	g := gittest.New(t)
	for _, n := range oddNames {
		g.Write(n, "one\ntwo\nthree\nfour\nfive\n")
		g.Write("empty/"+n, "")
		g.Write("bin/"+n, "\x00bin\x00")
	}
	c1 := g.Commit("add", "")
	for i, n := range oddNames {
		switch i % 4 {
		case 0:
			g.Write(n, "one\ntwo\nthree\nfour\nfive\nsix\n")
		case 1:
			if err := os.Chmod(filepath.Join(g.Dir, n), 0o755); err != nil {
				t.Fatal(err)
			}
		case 2:
			g.Git("mv", "--", n, "moved "+strings.ReplaceAll(n, "/", "_"))
		case 3:
			g.Git("mv", "--", n, "moved\t"+strings.ReplaceAll(n, "/", "_"))
			g.Write("moved\t"+strings.ReplaceAll(n, "/", "_"), "one\ntwo\nthree\nfour\nfive\nand more\n")
		}
		g.Git("rm", "-q", "--", "empty/"+n)
		g.Write("bin/"+n, "\x00bin\x00changed")
	}
	c2 := g.Commit("change", "")
	for _, args := range [][]string{{"--root", c1}, {c1, c2}} {
		want := rawDiff(t, g, args...)
		got := parsed(t, g, args...)
		less := func(a, b rawEntry) int { return strings.Compare(a.Path+"\x00"+a.Status, b.Path+"\x00"+b.Status) }
		slices.SortFunc(want, less)
		slices.SortFunc(got, less)
		if len(want) < len(oddNames)*3 {
			t.Fatalf("%v: the oracle has only %d entries", args, len(want))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%v: names from the patch differ from --raw -z (-git +ours):\n%s", args, diff)
		}
	}
}

func TestHeaderNames(t *testing.T) {
	for _, tt := range []struct {
		reason, in, newPath, oldPath string
	}{
		{"plain", "a/x b/x", "x", "x"},
		{"spaces, same name", "a/a b c b/a b c", "a b c", "a b c"},
		{"spaces, a rename is left to the rename lines", "a/a b b/c d", "", ""},
		{"both quoted", `"a/t\tx" "b/t\tx"`, "t\tx", "t\tx"},
		{"first quoted", `"a/t\tx" b/y z`, "y z", "t\tx"},
		{"second quoted", `a/y z "b/t\tx"`, "t\tx", "y z"},
		{"octal", `"a/caf\351" "b/caf\351"`, "caf\xe9", "caf\xe9"},
		{"bad escape", `"a/\q" "b/\q"`, "", ""},
		{"no prefix", "x y", "", ""},
	} {
		n, o := gitHeaderPaths(tt.in)
		if n != tt.newPath || o != tt.oldPath {
			t.Errorf("%s: gitHeaderPaths(%q) = %q, %q; want %q, %q", tt.reason, tt.in, n, o, tt.newPath, tt.oldPath)
		}
	}
	for _, tt := range []struct {
		reason, in, want string
		ok               bool
	}{
		{"git's TAB after a name with a space", "b/read me.md\t", "b/read me.md", true},
		{"git's TAB after a quoted name", "\"b/t\\tx y\"\t", "b/t\tx y", true},
		{"no TAB", "b/x", "b/x", true},
		{"dev null", "/dev/null", "/dev/null", true},
		{"text after the quote", `"b/x" y`, "", false},
		{"unterminated", `"b/x`, "", false},
	} {
		got, ok := headerName(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: headerName(%q) = %q, %v; want %q, %v", tt.reason, tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestQuoteRoundTrip(t *testing.T) {
	for _, n := range append(oddNames, "", `"`, `""`, `"\"`, "plain") {
		if got := Unquote(Quote(n)); got != n {
			t.Errorf("Unquote(Quote(%q)) = %q", n, got)
		}
	}
}

// TestBatchReadsNewlineNames reads files whose names hold a newline, which
// cat-file --batch cannot be asked for by name.
func TestBatchReadsNewlineNames(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("d\nir/new\nline", "content\n")
	g.Write("plain", "p\n")
	id := g.Commit("c", "")
	r, err := Open(ctx, g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.NewBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	typ, data, err := b.Read(id + ":d\nir/new\nline")
	if err != nil || typ != "blob" || string(data) != "content\n" {
		t.Fatalf("Read: %q %q %v", typ, data, err)
	}
	objs, err := b.ReadMany([]string{id + ":plain", id + ":d\nir/new\nline", id + ":d\nir/nope\n", "HEAD:plain"})
	if err != nil {
		t.Fatal(err)
	}
	if string(objs[0].Data) != "p\n" || string(objs[1].Data) != "content\n" || objs[2].Err == nil || string(objs[3].Data) != "p\n" {
		t.Errorf("ReadMany: %+v", objs)
	}
	if want := strings.TrimSpace(g.Git("rev-parse", id+":d\nir/new\nline")); objs[1].ID != want {
		t.Errorf("id %s, git says %s", objs[1].ID, want)
	}
}
