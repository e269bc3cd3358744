package main

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// TestPorcelainCommits reads real git blame --porcelain output and checks
// it against git blame's long, suppressed form (one "COMMIT N) line" per
// line).
func TestPorcelainCommits(t *testing.T) {
	g := gittest.New(t)
	g.Write("f", "a\nb\n")
	g.Commit("one", "")
	g.Write("f", "a\nx\nb\n\tc\n")
	g.Commit("two", "")
	got, err := gitBlame(g.Dir, "HEAD", "f")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("git", "-C", g.Dir, "blame", "-l", "-s", "--root", "HEAD", "--", "f").Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		id, _, _ := strings.Cut(strings.TrimPrefix(l, "^"), " ")
		want = append(want, id)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("porcelain %v, git blame -l %v", got, want)
	}
}

func FuzzPorcelainCommits(f *testing.F) {
	f.Add([]byte("0123 1 1 1\nauthor A\n\tline\n0123 2 2\n\tline 2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Each commit comes from a line that is not a line of the file.
		got := porcelainCommits(data)
		headers := 0
		for _, l := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
			if !strings.HasPrefix(l, "\t") {
				headers++
			}
		}
		if len(got) > headers {
			t.Errorf("%d commits from %d header lines", len(got), headers)
		}
	})
}
