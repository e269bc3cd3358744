package policy

import (
	"path"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		reason    string
		pat, file string
		want      bool
	}{
		{"** takes directories", "**/*.go", "a/b/c.go", true},
		{"** takes no directory too", "**/*.go", "c.go", true},
		{"* takes one segment", "a/*", "a/b", true},
		{"* never crosses a slash", "a/*", "a/b/c", false},
		{"a trailing ** takes everything below", "a/**", "a/b/c", true},
		{"a trailing ** takes the directory itself (no segment)", "a/**", "a", true},
		{"a directory pattern is not a prefix of a longer name", "security/**", "insecurity/x.go", false},
		{"no slash: the base name anywhere", "*.md", "docs/x.md", true},
		{"no slash: a lone * matches every base name", "*", "a/b/c", true},
		{"no slash: ** is two stars in one segment", "**", "deep/down/file", true},
		{"a slash anchors the pattern at the root", "docs/*.md", "x.md", false},
		{"the pattern must take the whole path", "a/b", "a/b/c", false},
		{"** in the middle takes none", "a/**/b", "a/b", true},
		{"** in the middle takes several", "a/**/b", "a/x/y/b", true},
		{"** in the middle, wrong last segment", "a/**/b", "a/x/y/c", false},
		{"two ** in a row take none", "**/**/x", "x", true},
		{"** inside a segment is a plain star", "a**/x", "abc/x", true},
		{"** inside a segment does not cross a slash", "a**/x", "a/b/x", false},
		{"a leading slash asks for an empty first segment", "/a", "a", false},
		{"classes work per segment", "[a-c]/x", "b/x", true},
		{"an escaped star is a literal star", `a\*b/c`, "a*b/c", true},
		{"an escaped star does not match other bytes", `a\*b/c`, "axb/c", false},
		{"? takes one character, not one byte", "d/?.go", "d/é.go", true},
		{"?? does not take one two-byte character", "d/??.go", "d/é.go", false},
		{"a malformed pattern matches nothing", "a/[", "a/[", false},
		{"a malformed base pattern matches nothing", "[", "[", false},
		{"non-UTF-8: the same bytes match", "sec\xff/a.go", "sec\xff/a.go", true},
		{"non-UTF-8: other bytes do not", "sec\xff/a.go", "sec\xfe/a.go", false},
		{"non-UTF-8: * takes invalid bytes", "dir/*.go", "dir/\xff\xfe.go", true},
		{"non-UTF-8: ? takes one invalid byte", "dir/?.go", "dir/\xff.go", true},
		{"non-UTF-8: a base-name pattern with the same bytes", "\xff*", "x/\xff\xfe", true},
		{"non-UTF-8: ** over an invalid directory", "**/*.sql", "\xc3\x28/x.sql", true},
	}
	for _, tt := range tests {
		if got := Match(tt.pat, tt.file); got != tt.want {
			t.Errorf("%s: Match(%q, %q) = %v, want %v", tt.reason, tt.pat, tt.file, got, tt.want)
		}
		if got := refMatch(tt.pat, tt.file); got != tt.want {
			t.Errorf("%s: the reference disagrees with the table for (%q, %q)", tt.reason, tt.pat, tt.file)
		}
	}
}

// TestMatchManyStars is the pattern that took backtracking over a minute
// on one path: 30 "**" segments before a name that is not there. It counts
// the segment matches instead of timing them: at most one per pattern
// segment per path segment.
func TestMatchManyStars(t *testing.T) {
	pat := strings.Split(strings.Repeat("**/", 30)+"absent.go", "/")
	file := strings.Split(strings.Repeat("dir/", 40)+"file.go", "/")
	for _, tt := range []struct {
		reason string
		last   string
		want   bool
	}{
		{"the name is not there", "absent.go", false},
		{"the name is there", "file.go", true},
	} {
		pat[len(pat)-1] = tt.last
		calls := 0
		got := matchSegments(pat, file, func(p, n string) bool { calls++; return matchSegment(p, n) })
		if got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.reason, got, tt.want)
		}
		if bound := len(pat) * len(file); calls > bound {
			t.Errorf("%s: %d segment matches, more than %d pattern segments × %d path segments", tt.reason, calls, len(pat), len(file))
		}
		if got := Match(strings.Join(pat, "/"), strings.Join(file, "/")); got != tt.want {
			t.Errorf("%s: Match got %v", tt.reason, got)
		}
	}
}

// refMatch is the matcher policy had before: plain backtracking,
// exponential in the number of "**", obviously right on small inputs.
func refMatch(pattern, file string) bool {
	if !strings.Contains(pattern, "/") {
		ok, _ := path.Match(pattern, path.Base(file))
		return ok
	}
	return refParts(strings.Split(pattern, "/"), strings.Split(file, "/"))
}

func refParts(pat, parts []string) bool {
	if len(pat) == 0 {
		return len(parts) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(parts); i++ {
			if refParts(pat[1:], parts[i:]) {
				return true
			}
		}
		return false
	}
	if len(parts) == 0 {
		return false
	}
	ok, _ := path.Match(pat[0], parts[0])
	return ok && refParts(pat[1:], parts[1:])
}

// FuzzMatch holds Match to the backtracking reference on inputs small
// enough for it.
func FuzzMatch(f *testing.F) {
	for _, s := range [][2]string{
		{"**/*.go", "a/b/c.go"}, {"a/**/b", "a/x/y/b"}, {"**/**/x", "x"}, {"*.md", "docs/x.md"},
		{"sec\xff/*", "sec\xff/a"}, {"a/[", "a/["}, {"/a/**", "/a"}, {"[!a]/?", "b/é"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pat, file string) {
		if len(pat) > 64 || len(file) > 64 || strings.Count(pat, "/") > 10 || strings.Count(file, "/") > 10 {
			t.Skip("too large for the reference")
		}
		if got, want := Match(pat, file), refMatch(pat, file); got != want {
			t.Fatalf("Match(%q, %q) = %v, the reference says %v", pat, file, got, want)
		}
	})
}

// BenchmarkMatchManyStars compares Match with the backtracking reference
// on a pattern of 10 "**" segments before an absent name, over a path of 16
// segments (the reference makes about C(26, 10) calls).
func BenchmarkMatchManyStars(b *testing.B) {
	pat := strings.Repeat("**/", 10) + "absent.go"
	file := strings.Repeat("dir/", 15) + "file.go"
	b.Run("states", func(b *testing.B) {
		for b.Loop() {
			if Match(pat, file) {
				b.Fatal("matched")
			}
		}
	})
	b.Run("backtracking", func(b *testing.B) {
		for b.Loop() {
			if refMatch(pat, file) {
				b.Fatal("matched")
			}
		}
	})
}
