package git

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
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
			// The ---/+++ or rename lines, when there are any, name the
			// files unambiguously; this header may not (spaces).
			cur.Path, cur.OldPath = gitHeaderPaths(string(line[len("diff --git "):]))
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
			p, ok := headerName(string(line[4:]))
			switch {
			case !ok:
				return nil, fmt.Errorf("%w: %q", ErrBadName, line)
			case p == "/dev/null":
				cur.Deleted = true
				if cur.Path == "" {
					cur.Path = cur.OldPath
				}
			default:
				cur.Path = strings.TrimPrefix(p, "b/")
			}
		case bytes.HasPrefix(line, []byte("--- ")):
			p, ok := headerName(string(line[4:]))
			switch {
			case !ok:
				return nil, fmt.Errorf("%w: %q", ErrBadName, line)
			case p == "/dev/null":
				cur.OldPath = ""
				cur.Created = true
			default:
				cur.OldPath = strings.TrimPrefix(p, "a/")
			}
		case bytes.HasPrefix(line, []byte("rename to ")) || bytes.HasPrefix(line, []byte("copy to ")):
			_, p, _ := strings.Cut(string(line), " to ")
			cur.Path = Unquote(p)
		case bytes.HasPrefix(line, []byte("rename from ")) || bytes.HasPrefix(line, []byte("copy from ")):
			_, p, _ := strings.Cut(string(line), " from ")
			cur.OldPath = Unquote(p)
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

// parseHunk reads "@@ -a[,b] +c[,d] @@"; a missing count is 1.
func parseHunk(h string) (Hunk, error) {
	// The error is made only for a bad header: formatting it for every
	// hunk was 4% of a whole-history replay's CPU.
	bad := func() error { return fmt.Errorf("git: bad hunk header %q", h) }
	f := strings.Fields(h)
	if len(f) < 3 || !strings.HasPrefix(f[1], "-") || !strings.HasPrefix(f[2], "+") {
		return Hunk{}, bad()
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
		return Hunk{}, bad()
	}
	return Hunk{OldStart: os, OldLines: ol, NewStart: ns, NewLines: nl}, nil
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
