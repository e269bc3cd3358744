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

// quoteLikeGit is quote.c's quote_c_style with core.quotePath=false, as
// git writes "b/NAME" in a patch header: a test-side model of git.
func quoteLikeGit(prefix, name string) string {
	s := prefix + name
	need := false
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == 0x7f {
			need = true
		}
	}
	if !need {
		return s
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\a':
			b.WriteString(`\a`)
		case '\b':
			b.WriteString(`\b`)
		case '\t':
			b.WriteString(`\t`)
		case '\n':
			b.WriteString(`\n`)
		case '\v':
			b.WriteString(`\v`)
		case '\f':
			b.WriteString(`\f`)
		case '\r':
			b.WriteString(`\r`)
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			if c < 0x20 || c == 0x7f {
				b.WriteString("\\" + string('0'+c>>6) + string('0'+c>>3&7) + string('0'+c&7))
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}

// FuzzPatchNames writes a patch for any name as git writes it (quoted
// where git quotes, a TAB after a name with a space) and parses it: the
// name must come back byte for byte, whether the ---/+++ lines or only
// the diff --git header name it.
func FuzzPatchNames(f *testing.F) {
	for _, n := range oddNames {
		f.Add(n, "other "+n)
	}
	f.Add("a b", "a")
	f.Add(" b/x", "b/x b/x")
	f.Fuzz(func(t *testing.T, name, old string) {
		for _, n := range []string{name, old} {
			if n == "" || strings.ContainsRune(n, 0) || strings.HasPrefix(n, "/") {
				return
			}
		}
		tab := func(n string) string {
			if strings.Contains(n, " ") {
				return "\t"
			}
			return ""
		}
		a, b := quoteLikeGit("a/", name), quoteLikeGit("b/", name)
		patch := "diff --git " + a + " " + b + "\nindex 1111111..2222222 100644\n--- " + a + tab(name) + "\n+++ " + b + tab(name) + "\n@@ -1 +1 @@\n-x\n+y\n" +
			"diff --git " + a + " " + b + "\nold mode 100644\nnew mode 100755\n" +
			"diff --git " + quoteLikeGit("a/", old) + " " + b + "\nsimilarity index 100%\nrename from " + quoteLikeGit("", old) + "\nrename to " + quoteLikeGit("", name) + "\n"
		files, err := ParseDiffAll(strings.NewReader(patch))
		if err != nil {
			t.Fatalf("%q: %v\n%s", name, err, patch)
		}
		if len(files) != 3 {
			t.Fatalf("%q: %d files\n%s", name, len(files), patch)
		}
		for i, f := range files {
			if f.Path != name {
				t.Errorf("%q: file %d read as %q\n%s", name, i, f.Path, patch)
			}
		}
		if files[2].OldPath != old {
			t.Errorf("%q: rename from %q read as %q", name, old, files[2].OldPath)
		}
		// Anything at all: no panic.
		_, _ = headerName(name)
		_, _ = gitHeaderPaths(name)
		_ = Unquote(name)
	})
}
