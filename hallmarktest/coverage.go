package hallmarktest

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/hallmark-dev/hallmark/provenance"
)

// AddedLines asks git which lines commit rev of the repository at dir adds,
// file by file: `git diff-tree -p -U0 -M --root`, the definition a record's
// coverage follows for a commit with at most one parent.
func AddedLines(dir, rev string) (map[string][]int, error) {
	out, err := git(dir, "diff-tree", "-p", "-U0", "-M", "--root", "--no-commit-id", "--no-color", "--no-ext-diff", rev)
	if err != nil {
		return nil, err
	}
	return ParseAddedLines(out)
}

// ParseAddedLines reads the added lines of each file from a zero-context
// patch in git's format: the "+++ b/PATH" header names the file, and each
// "@@ -a,b +c,d @@" hunk adds lines c to c+d-1.
func ParseAddedLines(patch string) (map[string][]int, error) {
	added := map[string][]int{}
	file := ""
	for _, line := range strings.Split(patch, "\n") {
		switch {
		case strings.HasPrefix(line, "+++ "):
			name := strings.TrimSuffix(line[4:], "\t")
			if strings.HasPrefix(name, `"`) {
				u, err := strconv.Unquote(name)
				if err != nil {
					return nil, fmt.Errorf("hallmarktest: patch: bad file name %q", line)
				}
				name = u
			}
			if name == "/dev/null" {
				file = ""
				continue
			}
			if !strings.HasPrefix(name, "b/") {
				return nil, fmt.Errorf("hallmarktest: patch: bad file header %q", line)
			}
			file = name[2:]
		case strings.HasPrefix(line, "@@ "):
			start, n, err := hunkNew(line)
			if err != nil {
				return nil, err
			}
			if n > 0 && file == "" {
				return nil, fmt.Errorf("hallmarktest: patch: hunk %q adds lines to no file", line)
			}
			for i := start; i < start+n; i++ {
				added[file] = append(added[file], i)
			}
		}
	}
	return added, nil
}

// hunkNew reads the "+c,d" part of a hunk header.
func hunkNew(line string) (start, n int, err error) {
	f := strings.Fields(line)
	if len(f) < 4 || !strings.HasPrefix(f[2], "+") || f[3] != "@@" {
		return 0, 0, fmt.Errorf("hallmarktest: patch: bad hunk header %q", line)
	}
	s, c, found := strings.Cut(f[2][1:], ",")
	n = 1
	if found {
		if n, err = strconv.Atoi(c); err != nil || n < 0 || n > 1<<30 {
			return 0, 0, fmt.Errorf("hallmarktest: patch: bad hunk header %q", line)
		}
	}
	if start, err = strconv.Atoi(s); err != nil || start < 0 || start > 1<<30 || (n > 0 && start == 0) {
		return 0, 0, fmt.Errorf("hallmarktest: patch: bad hunk header %q", line)
	}
	return start, n, nil
}

// CheckCoverage checks that rec covers exactly the lines git says its
// commit in the repository at dir adds: every added line by a span, no other
// line. The error wraps ErrCoverage.
func CheckCoverage(dir string, rec *provenance.Record) error {
	want, err := AddedLines(dir, rec.Commit)
	if err != nil {
		return err
	}
	got := map[string][]int{}
	for _, f := range rec.Files {
		for _, s := range f.Spans {
			for i := s.Start; i <= s.End; i++ {
				got[f.Path] = append(got[f.Path], i)
			}
		}
	}
	var diffs []string
	paths := map[string]bool{}
	for p := range want {
		paths[p] = true
	}
	for p := range got {
		paths[p] = true
	}
	for _, p := range slices.Sorted(maps.Keys(paths)) {
		g, w := got[p], want[p]
		slices.Sort(g)
		if !slices.Equal(g, w) {
			diffs = append(diffs, fmt.Sprintf("%s: record covers %s, git added %s", p, ranges(g), ranges(w)))
		}
	}
	if len(diffs) > 0 {
		return fmt.Errorf("%w: %.12s:\n\t%s", ErrCoverage, rec.Commit, strings.Join(diffs, "\n\t"))
	}
	return nil
}

// ranges writes sorted line numbers as "1-3,7".
func ranges(lines []int) string {
	if len(lines) == 0 {
		return "nothing"
	}
	var parts []string
	for i := 0; i < len(lines); {
		j := i
		for j+1 < len(lines) && lines[j+1] == lines[j]+1 {
			j++
		}
		if i == j {
			parts = append(parts, strconv.Itoa(lines[i]))
		} else {
			parts = append(parts, fmt.Sprintf("%d-%d", lines[i], lines[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}
