package attribution

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/repo"
)

// excludeRepo is a tree with what people leave out of a count of code.
// Its .gitattributes lines follow linguist's documentation
// (github-linguist/linguist docs/overrides.md: "Generated code",
// "Vendored code").
func excludeRepo(t *testing.T) *gittest.Repo {
	g := gittest.New(t)
	files := map[string]int{
		"main.go": 10, "go.sum": 40, "web/package-lock.json": 300, "web/app.js": 5,
		"api/api.pb.go": 200, "api/api.go": 7, "third_party/lib/x.c": 50, "third_party/lib/keep.c": 3,
		"docs/gen/a.md": 20, "testdata/fixture.txt": 500, "rust/Cargo.lock": 30, "sub/gen.txt": 9, "sub/own.txt": 2,
		"vendored.lock": 4, "yarn.lock": 11,
	}
	for p, n := range files {
		g.Write(p, gittest.Lines(p, n))
	}
	g.Write(".gitattributes", strings.Join([]string{
		"*.pb.go linguist-generated=true",
		"third_party/** linguist-vendored",
		"third_party/lib/keep.c -linguist-vendored",
		"docs/gen/ linguist-generated", // a directory pattern: matches no file (gitattributes(5))
		"docs/gen/** linguist-generated",
		"yarn.lock -linguist-generated", // counted after all
		"[attr]vendor linguist-vendored",
		"vendored.lock vendor",
	}, "\n")+"\n")
	g.Write("sub/.gitattributes", "*.txt linguist-generated\nown.txt !linguist-generated\n")
	g.Write(".hallmark/config.yaml", "# what reports leave out\nexclude:\n  - testdata/\n")
	g.Commit("tree", "")
	return g
}

// TestExclusions: what the report leaves out and why, the linguist
// attributes checked against git check-attr in the work tree, and the same
// answer from a bare clone.
func TestExclusions(t *testing.T) {
	ctx := context.Background()
	g := excludeRepo(t)
	want := map[string]string{
		"api/api.pb.go":         ExcludedGenerated,
		"third_party/lib/x.c":   ExcludedVendored,
		"docs/gen/a.md":         ExcludedGenerated,
		"sub/gen.txt":           ExcludedGenerated,
		"vendored.lock":         ExcludedVendored,
		"go.sum":                ExcludedLockFile,
		"web/package-lock.json": ExcludedLockFile,
		"rust/Cargo.lock":       ExcludedLockFile,
		"testdata/fixture.txt":  ExcludedConfig,
	}
	// The oracle: git check-attr, reading the work tree's files.
	files := strings.Split(strings.TrimSpace(g.Git("ls-files")), "\n")
	cmd := exec.Command("git", append([]string{"check-attr", "linguist-generated", "linguist-vendored", "--"}, files...)...)
	cmd.Dir = g.Dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		p, rest, _ := strings.Cut(l, ": ")
		attr, val, _ := strings.Cut(rest, ": ")
		if val == "set" || val == "true" {
			why := map[string]string{"linguist-generated": ExcludedGenerated, "linguist-vendored": ExcludedVendored}[attr]
			if got, ok := want[p]; !ok || (got != why && !(got == ExcludedGenerated && why == ExcludedVendored)) {
				t.Errorf("git check-attr says %s is %s; the test expects %q", p, attr, got)
			}
		}
	}
	bare := filepath.Join(t.TempDir(), "bare.git")
	g.Git("clone", "-q", "--bare", g.Dir, bare)
	for _, dir := range []string{g.Dir, bare} {
		rp, err := repo.Open(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		defer rp.Close()
		a, err := Analyze(ctx, rp, &Options{NoCache: true})
		if err != nil {
			t.Fatal(err)
		}
		got, err := a.Excluded(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: excluded (-want +got):\n%s", dir, d)
		}
		rep, err := a.Report(ctx, "file")
		if err != nil {
			t.Fatal(err)
		}
		wantLeft := []Excluded{
			{ExcludedGenerated, excludedWhy[ExcludedGenerated], 3, 200 + 20 + 9},
			{ExcludedVendored, excludedWhy[ExcludedVendored], 2, 50 + 4},
			{ExcludedLockFile, excludedWhy[ExcludedLockFile], 3, 40 + 300 + 30},
			{ExcludedConfig, excludedWhy[ExcludedConfig], 1, 500},
		}
		if d := cmp.Diff(wantLeft, rep.Excluded); d != "" {
			t.Errorf("report's excluded (-want +got):\n%s", d)
		}
		for _, row := range rep.Breakdown {
			if _, ok := want[row.Key]; ok {
				t.Errorf("the report counts %s, which it leaves out", row.Key)
			}
		}
		all, err := Analyze(ctx, rp, &Options{All: true})
		if err != nil {
			t.Fatal(err)
		}
		everything, err := all.Report(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(everything.Excluded) != 0 || everything.Lines.Total() != rep.Lines.Total()+229+54+370+500 || everything.Files != rep.Files+9 {
			t.Errorf("--all: %d lines in %d files, excluded %v; without: %d lines in %d files", everything.Lines.Total(), everything.Files, everything.Excluded, rep.Lines.Total(), rep.Files)
		}
	}
}

// TestMatchPathspec holds MatchPathspec to git ls-files with glob
// pathspecs on the same tree.
func TestMatchPathspec(t *testing.T) {
	g := gittest.New(t)
	paths := []string{"a.go", "b.txt", "src/a.go", "src/deep/er/c.go", "src/deep/d.txt", "testdata/x", "testdata2/y",
		"docs/api/v1.md", "docs/api.md", "baz", "foo/bar", "x/foo/bar", "lib/[weird].go", "star*.txt", "q/a1", "q/ab"}
	for _, p := range paths {
		g.Write(p, "x\n")
	}
	g.Commit("paths", "")
	patterns := []string{"testdata", "testdata/", "*.go", "**/*.go", "src/**", "src/**/*.go", "src/*/d.txt", "**/foo/bar", "baz",
		"foo", "foo/**", "docs/*.md", "docs/**/*.md", "q/a?", "q/[a-b]?", "q/[!a]*", "**", "*", "src", "src/deep/**/c.go",
		"lib/\\[weird].go", "star\\*.txt", "te*", "*/foo/*", "a**", "docs/api"}
	for _, pat := range patterns {
		clean, err := cleanPattern(pat)
		if err != nil {
			t.Errorf("%q: %v", pat, err)
			continue
		}
		out := strings.TrimSpace(g.Git("ls-files", "--", ":(glob)"+pat))
		var want []string
		if out != "" {
			want = strings.Split(out, "\n")
		}
		var got []string
		for _, p := range paths {
			if MatchPathspec(clean, p) {
				got = append(got, p)
			}
		}
		slices.Sort(want)
		slices.Sort(got)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("pathspec %q (-git ls-files +MatchPathspec):\n%s", pat, d)
		}
	}
}

func TestParseConfig(t *testing.T) {
	tests := []struct {
		reason, in string
		want       []string
		bad        bool
	}{
		{"a list", "exclude:\n  - testdata/\n  - '**/*.pb.go'\n", []string{"testdata/", "**/*.pb.go"}, false},
		{"empty file", "", nil, false},
		{"./ is the root", "exclude: [./gen]\n", []string{"gen"}, false},
		{"unknown key", "exclude: [a]\nexlude: [b]\n", nil, true},
		{"magic", "exclude: [':(exclude)a']\n", nil, true},
		{"absolute", "exclude: [/a]\n", nil, true},
		{"dot-dot", "exclude: [a/../b]\n", nil, true},
		{"malformed glob", "exclude: ['a/[b']\n", nil, true},
		{"classes", "exclude: ['[[:alpha:]]']\n", nil, true},
		{"not a list", "exclude: a\n", nil, true},
	}
	for _, tt := range tests {
		c, err := ParseConfig([]byte(tt.in))
		if tt.bad {
			if !errors.Is(err, ErrConfig) {
				t.Errorf("%s: err %v, want ErrConfig", tt.reason, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.reason, err)
			continue
		}
		if d := cmp.Diff(tt.want, c.Exclude); d != "" {
			t.Errorf("%s: (-want +got):\n%s", tt.reason, d)
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte("exclude:\n  - testdata/\n  - '**/*.pb.go'\n"))
	f.Add([]byte("exclude: [':(glob)a', '[!x]', 'a\\\\']\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			return
		}
		for _, p := range c.Exclude {
			MatchPathspec(p, "a/b/c.go")
			if _, err := cleanPattern(p); err != nil {
				t.Errorf("a parsed pattern %q does not parse again: %v", p, err)
			}
		}
	})
}

func FuzzMatchPathspec(f *testing.F) {
	f.Add("src/**/*.go", "src/a/b.go")
	f.Add("[!a]*", "b")
	f.Add("**", "")
	f.Fuzz(func(t *testing.T, pattern, file string) {
		MatchPathspec(pattern, file) // never panics, whatever the pattern
		// A path names itself and what is under it, as in git.
		if !MatchPathspec(file, file) || !MatchPathspec(file, file+"/x") {
			t.Errorf("%q does not match itself or what is under it", file)
		}
		if file != "" && !strings.ContainsAny(file, `*?[\`) && MatchPathspec(file+"x", file) {
			t.Errorf("%q matches %q", file+"x", file)
		}
	})
}
