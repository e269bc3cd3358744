package git

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/hallmark-dev/hallmark/internal/gittest"
)

func TestParseDiff(t *testing.T) {
	const diff = `diff --git a/new.txt b/new.txt
new file mode 100644
index 0000000..e69de29
--- /dev/null
+++ b/new.txt
@@ -0,0 +1,3 @@
+one
+two
+three
diff --git a/old.txt b/old.txt
deleted file mode 100644
index 1111111..0000000
--- a/old.txt
+++ /dev/null
@@ -1,2 +0,0 @@
-x
-y
diff --git a/m.txt b/m.txt
index 1111111..2222222 100644
--- a/m.txt
+++ b/m.txt
@@ -2 +2,2 @@
-old
+new
+++ starts with plus plus
@@ -10,0 +12 @@ func x()
+added
\ No newline at end of file
diff --git a/a b.txt b/c d.txt
similarity index 90%
rename from a b.txt
rename to c d.txt
index 1111111..2222222 100644
--- a/a b.txt
+++ b/c d.txt
@@ -1 +1 @@
-a
+c
diff --git "a/tab\there" "b/tab\there"
new file mode 100644
--- /dev/null
+++ "b/tab\there"
@@ -0,0 +1 @@
+x
diff --git a/bin.dat b/bin.dat
new file mode 100644
index 0000000..1111111
Binary files /dev/null and b/bin.dat differ
diff --git a/sub b/sub
new file mode 160000
index 0000000..1234567
--- /dev/null
+++ b/sub
@@ -0,0 +1 @@
+Subproject commit 1234567890123456789012345678901234567890
`
	got, err := ParseDiff(strings.NewReader(diff))
	if err != nil {
		t.Fatal(err)
	}
	want := []FileDiff{
		{Path: "new.txt", Added: []int{1, 2, 3}, Created: true},
		{Path: "m.txt", OldPath: "m.txt", Added: []int{2, 3, 12}},
		{Path: "c d.txt", OldPath: "a b.txt", Added: []int{1}},
		{Path: "tab\there", Added: []int{1}, Created: true},
		{Path: "bin.dat", Binary: true, Created: true},
		{Path: "sub", Gitlink: true, Added: []int{1}, Created: true},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(FileDiff{}, "Hunks")); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	all, _ := ParseDiffAll(strings.NewReader(diff))
	if len(all) != len(want)+1 || !all[1].Deleted || all[1].Path != "old.txt" {
		t.Errorf("ParseDiffAll: %+v", all[1])
	}
	m := got[1] // m.txt: -2 +2,2 then -10,0 +12
	wantHunks := []Hunk{{2, 1, 2, 2}, {10, 0, 12, 1}}
	if diff := cmp.Diff(wantHunks, m.Hunks); diff != "" {
		t.Errorf("hunks: %s", diff)
	}
	for n, want := range map[int]int{1: 1, 2: 0, 3: 0, 4: 3, 11: 10, 12: 0, 13: 11} {
		old, ok := m.OldLine(n)
		if (want == 0) == ok || (ok && old != want) {
			t.Errorf("OldLine(%d) = %d, %v; want %d", n, old, ok, want)
		}
	}
}

func TestUnquote(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:               "plain",
		`"a\tb"`:              "a\tb",
		`"\303\251t\303\251"`: "été",
		`"q\"uote\\"`:         `q"uote\`,
	} {
		if got := Unquote(in); got != want {
			t.Errorf("Unquote(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestCountLines(t *testing.T) {
	for in, want := range map[string]int{"": 0, "a": 1, "a\n": 1, "a\nb": 2, "a\r\nb\r\n": 2, "\n\n": 2} {
		if got := CountLines([]byte(in)); got != want {
			t.Errorf("CountLines(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestParseCommit(t *testing.T) {
	raw := "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent 1111111111111111111111111111111111111111\nparent 2222222222222222222222222222222222222222\nauthor Ada L <ada@example.com> 1700000000 +0130\ncommitter Bot <bot@example.com> 1700000060 -0500\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n abc\n -----END PGP SIGNATURE-----\n\nsubject\n\nbody\n"
	c, err := ParseCommit("x", []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	if c.Tree != "4b825dc642cb6eb9a060e54bf8d69288fbee4904" || len(c.Parents) != 2 || c.AuthorName != "Ada L" ||
		c.AuthorEmail != "ada@example.com" || c.CommitterName != "Bot" || c.Message != "subject\n\nbody\n" {
		t.Errorf("%+v", c)
	}
	if _, off := c.AuthorTime.Zone(); off != 90*60 {
		t.Errorf("author zone offset %d", off)
	}
	if _, err := ParseCommit("x", []byte("garbage")); err == nil {
		t.Error("commit without tree accepted")
	}
}

func TestBatchReadsRealObjects(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("f.txt", "hello\nworld")
	id := g.Commit("first", "")
	r, err := Open(ctx, g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.NewBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for i := 0; i < 3; i++ { // the same process answers again and again
		typ, data, err := b.Read(id + ":f.txt")
		if err != nil || typ != "blob" || string(data) != "hello\nworld" {
			t.Fatalf("read %d: %q %q %v", i, typ, data, err)
		}
		typ, data, err = b.Read(id)
		if err != nil || typ != "commit" || string(data) != g.Git("cat-file", "commit", id) {
			t.Fatalf("commit read %d: %q %v", i, typ, err)
		}
	}
	if _, _, err := b.Read("0000000000000000000000000000000000000000"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing object: %v", err)
	}
	if _, _, err := b.Read(id + ":nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing path: %v", err)
	}
	objs, err := b.ReadMany([]string{id, id + ":f.txt", id + ":nope", "HEAD"})
	if err != nil || objs[0].Type != "commit" || string(objs[1].Data) != "hello\nworld" || !errors.Is(objs[2].Err, ErrNotFound) || objs[3].ID != id {
		t.Errorf("ReadMany: %+v %v", objs, err)
	}
	if got, err := r.ResolveCommit(ctx, "HEAD"); err != nil || got != id {
		t.Errorf("ResolveCommit = %q, %v", got, err)
	}
}

// TestBatchReadManyLimit: an object over the limit is skipped, not held,
// and the process goes on answering in order.
func TestBatchReadManyLimit(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("big.txt", strings.Repeat("x", 5000))
	g.Write("small.txt", "s\n")
	id := g.Commit("first", "")
	r, err := Open(ctx, g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := r.NewBatch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	objs, err := b.ReadManyLimit([]string{id + ":big.txt", id + ":small.txt", id + ":nope"}, 4096)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(objs[0].Err, ErrTooLarge) || objs[0].Data != nil || objs[0].Size != 5000 || objs[0].Type != "blob" {
		t.Errorf("big: %+v", objs[0])
	}
	if objs[1].Err != nil || string(objs[1].Data) != "s\n" || objs[1].Size != 2 {
		t.Errorf("small: %+v", objs[1])
	}
	if !errors.Is(objs[2].Err, ErrNotFound) {
		t.Errorf("missing: %+v", objs[2])
	}
	// The stream stays in step after the skipped object.
	if _, data, err := b.Read(id + ":small.txt"); err != nil || string(data) != "s\n" {
		t.Errorf("after: %q %v", data, err)
	}
}
