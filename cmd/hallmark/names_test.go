package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hallmark-dev/hallmark/analysis"
	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/provenance"
)

// oddNames are file names that git's diff output pads, quotes or escapes
// (a TAB after a name with a space in ---/+++ lines, C quotes around
// control bytes, quotes and backslashes), or that a command line may take
// for something else (a leading dash), or that are not UTF-8.
var oddNames = []string{
	"read me.md",
	"tab\there",
	"new\nline",
	`q"uote\b`,
	`back\slash`,
	`"quoted"`,
	"-dash",
	"--double-dash.txt",
	"ünï cödé.go",
	"bad\xffname",
	"caf\xe9 latin1.txt",
	"dir x/y z.txt",
	"cr\rname",
	"trailing space ",
}

// changedNames is the oracle: the names git's NUL-separated plumbing says
// commit changed (added or modified), as bytes.
func changedNames(w *world, commit string) []string {
	out := w.git("diff-tree", "-r", "-z", "--no-commit-id", "--name-only", "--diff-filter=AM", "--root", commit)
	var names []string
	for _, n := range strings.Split(out, "\x00") {
		if n != "" && !strings.HasPrefix(n, ".hallmark/") {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}

func recordNames(rec *provenance.Record) []string {
	var names []string
	for _, f := range rec.Files {
		if !strings.HasPrefix(f.Path, ".hallmark/") {
			names = append(names, f.Path)
		}
	}
	slices.Sort(names)
	return names
}

// TestOddNames takes every odd name through the real CLI on a real
// repository: checkpoint, the post-commit stamp, record, verify, report,
// blame, carrying through amend, cherry-pick and rebase, stamp of a
// commit made without the hooks, and a module bundle.
func TestOddNames(t *testing.T) {
	w := newWorld(t)
	keys := t.TempDir()
	w.env = []string{"HALLMARK_PASSWORD=pw"}
	w.g.Setenv(w.env...)
	if res := w.run("keys", "generate", "--output", filepath.Join(keys, "dev")); res.code != 0 {
		t.Fatal(res)
	}
	pub := filepath.Join(keys, "dev.pub")
	w.git("config", "hallmark.key", filepath.Join(keys, "dev.key"))

	// The model writes two lines in each file, the person adds a third to
	// every other one.
	for _, n := range oddNames {
		w.g.Write(n, "M one\nM two\n")
	}
	w.checkpoint("M")
	for i, n := range oddNames {
		if i%2 == 0 {
			w.g.Write(n, "M one\nM two\nH three\n")
		}
	}
	w.checkpoint("H")
	first := w.commit("odd names")
	want := slices.Clone(oddNames)
	slices.Sort(want)
	if got := changedNames(w, first); !slices.Equal(got, want) {
		t.Fatalf("the oracle itself: git names %q, want %q", got, want)
	}

	// The stamp made by the hook: names as bytes, classes line by line,
	// coverage held to git blame.
	if diff := cmp.Diff(want, recordNames(w.record("HEAD"))); diff != "" {
		t.Errorf("stamped record's names (-git +record):\n%s", diff)
	}
	w.check("HEAD")

	// hallmark record (conventions): the same names.
	res := w.run("record", "--canonical", "HEAD")
	if res.code != 0 {
		t.Fatalf("record: %+v", res)
	}
	rec, err := provenance.Decode([]byte(strings.TrimSpace(res.stdout)))
	if err != nil {
		t.Fatalf("record output does not decode: %v\n%s", err, res.stdout)
	}
	if diff := cmp.Diff(want, recordNames(rec)); diff != "" {
		t.Errorf("hallmark record's names (-git +record):\n%s", diff)
	}
	for _, f := range rec.Files {
		sum := sha256.Sum256([]byte(w.git("show", rec.Commit+":"+f.Path)))
		if got := "sha256:" + hex.EncodeToString(sum[:]); got != f.Digest {
			t.Errorf("%q: digest in the record is not git's content's", f.Path)
		}
	}

	// verify: every record's files are found and their digests match.
	if res := w.run("verify", "--key", pub, "HEAD~1..HEAD"); res.code != 0 || !strings.Contains(res.stdout, "1 verified") {
		t.Errorf("verify: %+v", res)
	}

	// report: every file counted once, under its name.
	res = w.run("report", "--json", "--by", "file", "--no-cache")
	if res.code != 0 {
		t.Fatalf("report: %+v", res)
	}
	var rep struct {
		Files     int              `json:"files"`
		Breakdown []provenance.Row `json:"breakdown"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &rep); err != nil {
		t.Fatalf("report --json: %v\n%s", err, res.stdout)
	}
	if rep.Files != len(oddNames)+1 { // and README
		t.Errorf("report counts %d files, want %d:\n%s", rep.Files, len(oddNames)+1, res.stdout)
	}
	byKey := map[string]int{}
	for _, row := range rep.Breakdown {
		byKey[row.Key] = row.Lines.AI
	}
	for _, n := range oddNames {
		// JSON text cannot hold a name that is not UTF-8; the report shows it.
		if got, ok := byKey[provenance.DisplayPath(n)]; !ok || got != 2 {
			t.Errorf("report --by file: %q has %d ai lines (listed %v), want 2", n, got, ok)
		}
	}

	// blame: each file by its name, as a person types it.
	for i, n := range oddNames {
		res := w.run("blame", "--json", "--no-cache", "--", n)
		if res.code != 0 {
			t.Errorf("blame %q: %+v", n, res)
			continue
		}
		var b struct {
			Lines []struct {
				Class provenance.Class `json:"class"`
			} `json:"lines"`
		}
		if err := json.Unmarshal([]byte(res.stdout), &b); err != nil {
			t.Fatalf("blame --json %q: %v", n, err)
		}
		var classes []provenance.Class
		for _, l := range b.Lines {
			classes = append(classes, l.Class)
		}
		wantClasses := []provenance.Class{provenance.AI, provenance.AI}
		if i%2 == 0 {
			wantClasses = append(wantClasses, provenance.Human)
		}
		if !slices.Equal(classes, wantClasses) {
			t.Errorf("blame %q: classes %v, want %v", n, classes, wantClasses)
		}
	}

	// Rewrites carry the records, names and all.
	w.g.Write("README", "H readme\nH more\n")
	w.checkpoint("H")
	w.git("add", "-A")
	w.git("commit", "-q", "--amend", "-m", "odd names, amended")
	want = append(want, "README")
	slices.Sort(want)
	if diff := cmp.Diff(want, recordNames(w.record("HEAD"))); diff != "" {
		t.Errorf("amended record's names (-git +record):\n%s", diff)
	}
	w.check("HEAD")
	w.git("checkout", "-q", "-b", "side", "HEAD~1")
	w.g.Write("side.txt", "H side\n")
	w.checkpoint("H")
	w.commit("side")
	w.git("cherry-pick", "main")
	w.check("HEAD")
	if diff := cmp.Diff(want, recordNames(w.record("HEAD"))); diff != "" {
		t.Errorf("cherry-picked record's names (-git +record):\n%s", diff)
	}
	w.git("checkout", "-q", "main")
	w.git("rebase", "-q", "side")
	w.check("HEAD")
	if res := w.run("verify", "--key", pub, "HEAD~2..HEAD"); res.code != 0 || !strings.Contains(res.stdout, "2 verified") {
		t.Errorf("verify after rebase: %+v", res)
	}

	// A commit made without the hooks, with odd names, stamped after from
	// its conventions.
	want = slices.DeleteFunc(want, func(n string) bool { return n == "README" })
	for _, n := range oddNames {
		w.g.Write(n, "C by claude\n")
	}
	w.git("add", "-A")
	w.git("-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "agent\n\nCo-Authored-By: Claude <noreply@anthropic.com>")
	if res := w.run("stamp", "HEAD"); res.code != 0 {
		t.Fatalf("stamp: %+v", res)
	}
	stamped := w.record("HEAD")
	if diff := cmp.Diff(want, recordNames(stamped)); diff != "" {
		t.Errorf("stamped-after record's names (-git +record):\n%s", diff)
	}
	if c := stamped.Count(); c.AI != len(oddNames) || c.Total() != len(oddNames) {
		t.Errorf("stamped-after record counts %+v, want %d ai lines", c, len(oddNames))
	}
	if res := w.run("verify", "--key", pub, "HEAD~1..HEAD"); res.code != 0 {
		t.Errorf("verify of the stamped-after commit: %+v", res)
	}
}

// TestOddNamesBundle puts the odd names that a Go module zip may hold
// (golang.org/x/mod/module.CheckFilePath refuses quotes, backslashes,
// control bytes and names that are not UTF-8, and so does the go command)
// in a module and bundles it.
func TestOddNamesBundle(t *testing.T) {
	w := newWorld(t)
	keys := t.TempDir()
	w.env = []string{"HALLMARK_PASSWORD=pw"}
	w.g.Setenv(w.env...)
	if res := w.run("keys", "generate", "--output", filepath.Join(keys, "rel")); res.code != 0 {
		t.Fatal(res)
	}
	w.g.Write("mod/go.mod", "module example.com/odd\n\ngo 1.22\n")
	names := []string{"read me.md", "-dash.go", "ünï cödé.go", "dir x/y z.txt"}
	for _, n := range names {
		w.g.Write("mod/"+n, "M one\nM two\n")
	}
	w.checkpoint("M")
	w.commit("module")
	res := hallmark(t, filepath.Join(w.g.Dir, "mod"), w.env, "bundle", "--key", filepath.Join(keys, "rel.key"))
	if res.code != 0 {
		t.Fatalf("bundle: %+v", res)
	}
	pemBytes, err := os.ReadFile(filepath.Join(keys, "rel.pub"))
	if err != nil {
		t.Fatal(err)
	}
	pub, err := attest.ParsePublicKey(pemBytes)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := attest.NewKeyring(attest.TrustedKey{Name: "rel", Key: pub})
	if err != nil {
		t.Fatal(err)
	}
	rec, _, err := analysis.VerifyBundle(filepath.Join(w.g.Dir, "mod"), "example.com/odd", ring)
	if err != nil {
		t.Fatalf("bundle does not verify: %v", err)
	}
	got := map[string]int{}
	for _, f := range rec.Files {
		for _, s := range f.Spans {
			if s.Class == provenance.AI {
				got[f.Path] += s.Len()
			}
		}
	}
	for _, n := range names {
		if got[n] != 2 {
			t.Errorf("bundle: %q has %d ai lines, want 2 (files %v)", n, got[n], got)
		}
	}
}

// TestOwnTrailerWithoutNote: hallmark's Assisted-by trailer on a commit
// whose note is missing (never fetched, say) does not make the person's
// lines the model's: report and blame call them unknown.
func TestOwnTrailerWithoutNote(t *testing.T) {
	w := newWorld(t)
	w.edit("M", "gen.go", "M one", "M two")
	w.g.Write("mine.go", "H one\nH two\nH three\n")
	w.checkpoint("H")
	w.commit("mixed work")
	if msg := w.git("log", "-1", "--format=%B"); !strings.Contains(msg, "Assisted-by: claude-code:"+model+" hallmark") {
		t.Fatalf("no hallmark trailer:\n%s", msg)
	}
	// With the note: two ai lines, three human.
	res := w.run("blame", "--json", "--no-cache", "--", "mine.go")
	if res.code != 0 || strings.Count(res.stdout, `"class": "human"`) != 3 {
		t.Fatalf("blame with the note: %+v", res)
	}
	w.git("update-ref", "-d", "refs/notes/hallmark")
	for _, f := range []string{"mine.go", "gen.go"} {
		res := w.run("blame", "--json", "--no-cache", "--", f)
		if res.code != 0 || strings.Contains(res.stdout, `"class": "ai"`) || !strings.Contains(res.stdout, `"class": "unknown"`) {
			t.Errorf("blame %s without the note: the trailer alone must not make lines the model's: %+v", f, res)
		}
	}
}

// TestOddNamesFromHook: a Claude Code hook payload names a file with a TAB,
// a space and a quote; the checkpoint and the stamp keep the name's bytes.
func TestOddNamesFromHook(t *testing.T) {
	w := newWorld(t)
	name := "we\"ird\tdir x/-file name.go"
	w.g.Write(name, "M one\nM two\n")
	payload, _ := json.Marshal(map[string]any{
		"session_id": "s1", "hook_event_name": "PostToolUse", "tool_name": "Write",
		"tool_input": map[string]string{"file_path": filepath.Join(w.g.Dir, name)}, "cwd": w.g.Dir,
	})
	cmd := exec.Command(hallmarkBin, "checkpoint", "--hook", "claude-code", "--model", model)
	cmd.Dir, cmd.Env, cmd.Stdin = w.g.Dir, gittest.Env(t.TempDir()), bytes.NewReader(payload)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hook checkpoint: %v\n%s", err, out)
	}
	w.commit("from the hook")
	rec := w.record("HEAD")
	if len(rec.Files) != 1 || rec.Files[0].Path != name || rec.Count().AI != 2 {
		t.Fatalf("record: %+v", rec.Files)
	}
	w.check("HEAD")
}
