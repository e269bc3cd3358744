package git

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// FileDiff is what a diff adds to one file: the file's path on the new
// side and the 1-based line numbers, in the new version, of the lines it
// adds. Deleted files have no FileDiff.
type FileDiff struct {
	Path    string
	OldPath string // differs from Path for a rename or copy
	Binary  bool
	Gitlink bool // a submodule: its "line" is a commit id, not text
	// Blob is the id of the file's new content, when the diff was made
	// with --full-index and changed the content; else empty.
	Blob  string
	Added []int // ascending
	Hunks []Hunk
	// Deleted is set for a file the diff removes (ParseDiff leaves those
	// out; ParseDiffAll keeps them).
	Deleted bool
	// Created is set for a file the diff adds (not a rename).
	Created bool
}

// Hunk is one "@@ -OldStart,OldLines +NewStart,NewLines @@" of a -U0 diff.
type Hunk struct {
	OldStart, OldLines int
	NewStart, NewLines int
}

// OldLine maps a line of the new version that no hunk changed to its line
// in the old version; ok is false for a line a hunk added.
func (f *FileDiff) OldLine(n int) (old int, ok bool) {
	shift := 0
	for _, h := range f.Hunks {
		if n < h.NewStart || (h.NewLines == 0 && n <= h.NewStart) {
			break
		}
		if h.NewLines > 0 && n < h.NewStart+h.NewLines {
			return 0, false
		}
		shift += h.NewLines - h.OldLines
	}
	return n - shift, true
}

// ParseDiffAll is ParseDiff keeping deleted files (Deleted set, Path the
// path that was deleted).
func ParseDiffAll(r io.Reader) ([]FileDiff, error) {
	var out []FileDiff
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<30)
	var cur *FileDiff
	newLine := 0
	inHunk := false
	for sc.Scan() {
		line := sc.Bytes()
		switch {
		case bytes.HasPrefix(line, []byte("diff --git ")):
			out = append(out, FileDiff{})
			cur = &out[len(out)-1]
			inHunk = false
			// Paths come from the ---/+++ or rename lines; this header is
			// ambiguous when names contain spaces.
			cur.Path, cur.OldPath = headerPaths(string(line[len("diff --git "):]))
		case cur == nil:
			continue
		case inHunk && len(line) > 0 && (line[0] == '+' || line[0] == '-' || line[0] == ' ' || line[0] == '\\'):
			switch line[0] {
			case '+':
				cur.Added = append(cur.Added, newLine)
				newLine++
			case ' ':
				newLine++
			}
		case bytes.HasPrefix(line, []byte("@@ ")):
			h, err := parseHunk(string(line))
			if err != nil {
				return nil, err
			}
			cur.Hunks = append(cur.Hunks, h)
			newLine = h.NewStart
			inHunk = true
		case bytes.HasPrefix(line, []byte("+++ ")):
			p := string(line[4:])
			if p == "/dev/null" {
				cur.Deleted = true
				if cur.Path == "" {
					cur.Path = cur.OldPath
				}
			} else {
				cur.Path = strings.TrimPrefix(unquote(p), "b/")
			}
		case bytes.HasPrefix(line, []byte("--- ")):
			if p := string(line[4:]); p != "/dev/null" {
				cur.OldPath = strings.TrimPrefix(unquote(p), "a/")
			} else {
				cur.OldPath = ""
				cur.Created = true
			}
		case bytes.HasPrefix(line, []byte("rename to ")) || bytes.HasPrefix(line, []byte("copy to ")):
			_, p, _ := strings.Cut(string(line), " to ")
			cur.Path = unquote(p)
		case bytes.HasPrefix(line, []byte("rename from ")) || bytes.HasPrefix(line, []byte("copy from ")):
			_, p, _ := strings.Cut(string(line), " from ")
			cur.OldPath = unquote(p)
		case bytes.HasPrefix(line, []byte("deleted file mode")):
			cur.Deleted = true
		case bytes.HasPrefix(line, []byte("new file mode ")) || bytes.HasPrefix(line, []byte("new mode ")) || bytes.HasPrefix(line, []byte("index ")):
			if bytes.HasPrefix(line, []byte("new file mode ")) {
				cur.Created = true
				cur.OldPath = ""
			}
			if bytes.HasPrefix(line, []byte("index ")) {
				cur.Blob = indexBlob(string(line[len("index "):]))
			}
			if bytes.HasSuffix(line, []byte(" 160000")) {
				cur.Gitlink = true
			}
		case bytes.HasPrefix(line, []byte("Binary files ")):
			cur.Binary = true
		default:
			inHunk = false
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("git: read diff: %w", err)
	}
	return out, nil
}

// ParseDiff reads the output of `git diff-tree -p -U0` (or `git log -p
// -U0`) for one commit and returns what it adds, file by file; deleted
// files are left out.
func ParseDiff(r io.Reader) ([]FileDiff, error) {
	all, err := ParseDiffAll(r)
	if err != nil {
		return nil, err
	}
	kept := all[:0]
	for _, f := range all {
		if !f.Deleted && f.Path != "" {
			kept = append(kept, f)
		}
	}
	return kept, nil
}

// indexBlob returns the new id of "OLD..NEW [MODE]" when it is a full
// object id (--full-index), else "".
func indexBlob(s string) string {
	s, _, _ = strings.Cut(s, " ")
	_, id, ok := strings.Cut(s, "..")
	if !ok || !IsObjectID(id) || strings.Trim(id, "0") == "" {
		return ""
	}
	return id
}

// headerPaths splits "a/x b/x" when both halves are equal, the common case.
func headerPaths(s string) (newPath, oldPath string) {
	if strings.HasPrefix(s, `"`) {
		return "", ""
	}
	if len(s)%2 == 1 {
		half := (len(s) - 1) / 2
		a, b := s[:half], s[half+1:]
		if strings.HasPrefix(a, "a/") && strings.HasPrefix(b, "b/") && a[2:] == b[2:] {
			return b[2:], a[2:]
		}
	}
	return "", ""
}

// parseHunk reads "@@ -a[,b] +c[,d] @@"; a missing count is 1.
func parseHunk(h string) (Hunk, error) {
	bad := fmt.Errorf("git: bad hunk header %q", h)
	f := strings.Fields(h)
	if len(f) < 3 || !strings.HasPrefix(f[1], "-") || !strings.HasPrefix(f[2], "+") {
		return Hunk{}, bad
	}
	rng := func(s string) (int, int, bool) {
		a, b, hasCount := strings.Cut(s, ",")
		start, err := strconv.Atoi(a)
		if err != nil {
			return 0, 0, false
		}
		n := 1
		if hasCount {
			if n, err = strconv.Atoi(b); err != nil {
				return 0, 0, false
			}
		}
		return start, n, true
	}
	os, ol, ok1 := rng(f[1][1:])
	ns, nl, ok2 := rng(f[2][1:])
	if !ok1 || !ok2 {
		return Hunk{}, bad
	}
	return Hunk{OldStart: os, OldLines: ol, NewStart: ns, NewLines: nl}, nil
}

// Unquote undoes git's C-style quoting of a path ("a\tb", octal bytes);
// a string that is not quoted is returned as it is.
func Unquote(s string) string { return unquote(s) }

// Quote writes a path that is not valid UTF-8 in git's C-style quoting,
// as ASCII: a double-quoted string with octal escapes. Valid UTF-8 paths
// are returned as they are.
func Quote(p string) string {
	if utf8.ValidString(p) && !strings.HasPrefix(p, `"`) {
		return p
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// unquote undoes git's C-style quoting of a path ("a\tb", octal bytes).
func unquote(s string) string {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return s
	}
	s = s[1 : len(s)-1]
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'v':
			b.WriteByte('\v')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case '0', '1', '2', '3':
			if i+2 < len(s) {
				if v, err := strconv.ParseUint(s[i:i+3], 8, 8); err == nil {
					b.WriteByte(byte(v))
					i += 2
					continue
				}
			}
			b.WriteByte(e)
		default:
			b.WriteByte(e)
		}
	}
	return b.String()
}

// CountLines returns the number of lines in data as git's diff numbers
// them: a final line without a newline still counts.
func CountLines(data []byte) int {
	n := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n++
	}
	return n
}
