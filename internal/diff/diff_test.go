package diff

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLines(t *testing.T) {
	for in, want := range map[string][]string{
		"":        nil,
		"a":       {"a"},
		"a\n":     {"a\n"},
		"a\r\nb":  {"a\r\n", "b"},
		"\n\nx\n": {"\n", "\n", "x\n"},
	} {
		if diff := cmp.Diff(want, Lines([]byte(in))); diff != "" {
			t.Errorf("Lines(%q): %s", in, diff)
		}
	}
}

func checkMap(t *testing.T, a, b []string) int {
	t.Helper()
	m := Map(a, b)
	last, kept := -1, 0
	for j, i := range m {
		if i < 0 {
			continue
		}
		if i <= last || a[i] != b[j] {
			t.Fatalf("bad mapping %d->%d for %q -> %q", j, i, a, b)
		}
		last = i
		kept++
	}
	return kept
}

// TestMinimalAgainstGit compares the number of unchanged lines with
// `git diff --minimal`, whose Myers script is minimal too.
func TestMinimalAgainstGit(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is required")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	gen := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(strconv.Itoa(rng.IntN(6)) + "\n")
		}
		return b.String()
	}
	for i := range 60 {
		as, bs := gen(rng.IntN(40)), gen(rng.IntN(40))
		pa, pb := filepath.Join(dir, "a"), filepath.Join(dir, "b")
		os.WriteFile(pa, []byte(as), 0o644)
		os.WriteFile(pb, []byte(bs), 0o644)
		out, _ := exec.Command("git", "diff", "--no-index", "--minimal", "--numstat", pa, pb).Output()
		added, deleted := 0, 0
		if f := strings.Fields(string(out)); len(f) >= 2 {
			added, _ = strconv.Atoi(f[0])
			deleted, _ = strconv.Atoi(f[1])
		}
		a, b := Lines([]byte(as)), Lines([]byte(bs))
		kept := checkMap(t, a, b)
		if len(b)-kept != added || len(a)-kept != deleted {
			t.Errorf("case %d: we add %d delete %d, git --minimal adds %d deletes %d", i, len(b)-kept, len(a)-kept, added, deleted)
		}
	}
}

func TestDiffEdits(t *testing.T) {
	a := Lines([]byte("1\n2\n3\n4\n5\n"))
	b := Lines([]byte("1\nX\n3\n4\nY\nZ\n5\n"))
	want := []Edit{{1, 2, 1, 2}, {4, 4, 4, 6}}
	if diff := cmp.Diff(want, Diff(a, b)); diff != "" {
		t.Error(diff)
	}
	if diff := cmp.Diff([]int{0, -1, 2, 3, -1, -1, 4}, Map(a, b)); diff != "" {
		t.Error(diff)
	}
}

func FuzzMap(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nc\nd\n")
	f.Fuzz(func(t *testing.T, as, bs string) {
		checkMap(t, Lines([]byte(as)), Lines([]byte(bs)))
	})
}

func BenchmarkDiffLargeFileSmallEdit(b *testing.B) {
	var sb strings.Builder
	for i := range 10000 {
		sb.WriteString("line " + strconv.Itoa(i) + "\n")
	}
	a := Lines([]byte(sb.String()))
	bb := append([]string(nil), a...)
	for i := 100; i < 10000; i += 500 {
		bb[i] = "changed\n"
	}
	b.ReportAllocs()
	for b.Loop() {
		Map(a, bb)
	}
}
