package histgen

import (
	"os/exec"
	"strings"
	"testing"
)

func TestGenerate(t *testing.T) {
	dir := t.TempDir()
	if _, err := Generate(dir, Options{Commits: 40, Files: 20, MergeEvery: 10, RenameEvery: 7}); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("git", "-C", dir, "log", "--format=%H %P|%an|%B%x00", "main").Output()
	if err != nil {
		t.Fatal(err)
	}
	entries := strings.Split(string(out), "\x00")
	merges, ai := 0, 0
	for _, e := range entries {
		if strings.Contains(e, "Merge branch") {
			merges++
		}
		if strings.Contains(e, "noreply@") || strings.Contains(e, "(aider)") {
			ai++
		}
	}
	if merges != 3 || ai < 10 {
		t.Errorf("merges %d, agent commits %d", merges, ai)
	}
	// Deterministic: the same options give the same commit ids.
	dir2 := t.TempDir()
	Generate(dir2, Options{Commits: 40, Files: 20, MergeEvery: 10, RenameEvery: 7})
	a, _ := exec.Command("git", "-C", dir, "rev-parse", "main").Output()
	b, _ := exec.Command("git", "-C", dir2, "rev-parse", "main").Output()
	if string(a) != string(b) {
		t.Error("not deterministic")
	}
	if out, err := exec.Command("git", "-C", dir, "fsck", "--no-progress").CombinedOutput(); err != nil {
		t.Errorf("fsck: %v %s", err, out)
	}
}
