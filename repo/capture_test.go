package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/provenance"
)

var testModel = provenance.Author{Kind: provenance.Model, ModelID: "anthropic/claude-opus-4-5-20251101", Tool: "claude-code", Session: "s1"}

// lineTruth returns, for each line of path in the record, its class and the
// author's model id or name: the line-level truth tests compare against.
func lineTruth(rec *provenance.Record, path string) map[int]string {
	out := map[int]string{}
	for _, f := range rec.Files {
		if f.Path != path {
			continue
		}
		for _, s := range f.Spans {
			a := rec.Authors[s.Author]
			who := a.ModelID
			if who == "" {
				who = a.Name
			}
			for n := s.Start; n <= s.End; n++ {
				out[n] = string(s.Class) + ":" + who
			}
		}
	}
	return out
}

func TestCaptureStampPartialStaging(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("b.txt", gittest.Lines("b", 3))
	g.Commit("initial", "")
	rp := openRepo(t, g.Dir)

	// The model writes a new file and changes a line of another.
	g.Write("a.go", "package a\n\nfunc A() {}\n\nfunc B() {}\n")
	g.Write("b.txt", "b 1\nb 2 by model\nb 3\n")
	res, err := rp.Checkpoint(ctx, CheckpointOptions{Author: testModel})
	if err != nil {
		t.Fatal(err)
	}
	if res.Lines != 6 || len(res.Files) != 2 {
		t.Errorf("model checkpoint: %+v", res)
	}
	// The person edits one of the model's lines and adds one.
	g.Write("a.go", "package a\n\nfunc A() { return }\n\nfunc B() {}\n// by hand\n")
	if _, err := rp.Checkpoint(ctx, CheckpointOptions{}); err != nil {
		t.Fatal(err)
	}
	// Only a.go is committed; b.txt stays pending.
	g.Git("add", "a.go")
	g.Git("commit", "-q", "-m", "add a")
	sres, err := rp.Stamp(ctx, "HEAD", nil)
	if err != nil {
		t.Fatal(err)
	}
	model, human := "ai:"+testModel.ModelID, "human:Ada Human"
	want := map[int]string{1: model, 2: model, 3: "mixed:" + testModel.ModelID, 4: model, 5: model, 6: human}
	if diff := cmp.Diff(want, lineTruth(sres.Record, "a.go")); diff != "" {
		t.Errorf("a.go (-want +got)\n%s", diff)
	}
	if sres.Record.Method != provenance.MethodCapture || sres.Signed {
		t.Errorf("method %q signed %v", sres.Record.Method, sres.Signed)
	}
	pending, err := rp.Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]provenance.Count{"b.txt": {AI: 1}}, pending); diff != "" {
		t.Errorf("pending after the first commit: %s", diff)
	}
	// The note holds an unsigned envelope with this record.
	lines, err := rp.Note(ctx, sres.Record.Commit)
	if err != nil || len(lines) != 1 {
		t.Fatalf("note: %v %d lines", err, len(lines))
	}
	got, err := attest.ReadUnverified(lines[0])
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sres.Record, got); diff != "" {
		t.Errorf("stored record differs: %s", diff)
	}
	if msg := g.Git("log", "-1", "--format=%an|%s", NotesRef); !strings.HasPrefix(msg, "Ada Human|hallmark: stamp") {
		t.Errorf("notes commit: %q", msg)
	}

	// Now b.txt is committed.
	g.Git("add", "b.txt")
	g.Git("commit", "-q", "-m", "b")
	sres, err = rp.Stamp(ctx, "HEAD", nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[int]string{2: model}, lineTruth(sres.Record, "b.txt")); diff != "" {
		t.Errorf("b.txt: %s", diff)
	}
	pending, _ = rp.Pending(ctx)
	if len(pending) != 0 {
		t.Errorf("pending after everything is committed: %v", pending)
	}
	// Stamping twice keeps one envelope: notes are sets.
	if _, err := rp.Stamp(ctx, "HEAD", nil); err != nil {
		t.Fatal(err)
	}
	if lines, _ := rp.Note(ctx, sres.Record.Commit); len(lines) != 1 {
		t.Errorf("second stamp: %d envelopes", len(lines))
	}
}

func TestCaptureNewDeletedRenamedBinary(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("old.txt", gittest.Lines("o", 4))
	g.Write("gone.txt", "x\n")
	g.Commit("initial", "")
	rp := openRepo(t, g.Dir)

	g.Git("mv", "old.txt", "new.txt")
	g.Write("new.txt", gittest.Lines("o", 4)+"model line\n")
	os.Remove(filepath.Join(g.Dir, "gone.txt"))
	g.Write("img.bin", "\x00\x01binary")
	g.Write("crlf.txt", "one\r\ntwo\r\n")
	g.Write("nofinal.txt", "last line without newline")
	if _, err := rp.Checkpoint(ctx, CheckpointOptions{Author: testModel}); err != nil {
		t.Fatal(err)
	}
	g.Git("add", "-A")
	g.Git("commit", "-q", "-m", "mixed bag")
	sres, err := rp.Stamp(ctx, "HEAD", nil)
	if err != nil {
		t.Fatal(err)
	}
	model := "ai:" + testModel.ModelID
	for path, want := range map[string]map[int]string{
		"new.txt":     {5: model}, // a rename: only the added line is new
		"crlf.txt":    {1: model, 2: model},
		"nofinal.txt": {1: model},
		"img.bin":     {},
	} {
		if diff := cmp.Diff(want, lineTruth(sres.Record, path)); diff != "" {
			t.Errorf("%s: %s", path, diff)
		}
	}
	// The record covers exactly what git blame gives this commit.
	for _, f := range sres.Record.Files {
		if f.Path == "img.bin" {
			continue
		}
		if diff := cmp.Diff(blamedTo(t, g, sres.Record.Commit, f.Path), spanLines(f)); diff != "" {
			t.Errorf("%s vs git blame: %s", f.Path, diff)
		}
	}
}

func TestCaptureErrors(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("a", "x\n")
	g.Commit("initial", "")
	rp := openRepo(t, g.Dir)
	if _, err := rp.Checkpoint(ctx, CheckpointOptions{Author: provenance.Author{Kind: provenance.Model, ModelID: "not a model id"}}); err == nil {
		t.Error("a bad model id was accepted")
	}
	if _, err := rp.Checkpoint(ctx, CheckpointOptions{Author: testModel, Paths: []string{"/etc/passwd"}}); err == nil {
		t.Error("a path outside the work tree was accepted")
	}
	// A corrupt pending file is reported and left alone.
	p := filepath.Join(g.Dir, ".git", "hallmark", "pending.json")
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.WriteFile(p, []byte("{garbage"), 0o644)
	g.Write("a", "y\n")
	if _, err := rp.Checkpoint(ctx, CheckpointOptions{Author: testModel}); err == nil || !strings.Contains(err.Error(), "unreadable") {
		t.Errorf("corrupt pending: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "{garbage" {
		t.Error("corrupt pending file was overwritten")
	}
}

// TestStampHeadDiff checks the post-commit hook's way in: the diff that
// headDiffCommand printed while hallmark started is used when it is the
// stamped commit's, and ignored when it is another commit's. Writing the
// notes leaves no temporary file behind.
func TestStampHeadDiff(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("a.txt", gittest.Lines("a", 3))
	g.Commit("initial", "")
	headDiff := func() []byte {
		out, err := exec.Command("sh", "-c", "cd \"$1\" && "+headDiffCommand(), "sh", g.Dir).Output()
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	g.Write("a.txt", gittest.Lines("a", 3)+"a 4\n")
	g.Write("b.txt", "b 1\nb 2\n")
	first := g.Commit("two files", "")
	firstDiff := headDiff()
	if !bytes.HasPrefix(firstDiff, []byte(first+"\n")) || !bytes.Contains(firstDiff, []byte("index ")) {
		t.Fatalf("headDiffCommand printed:\n%s", firstDiff)
	}
	g.Write("a.txt", gittest.Lines("a", 3)+"a 4\na 5\n")
	second := g.Commit("one more line", "")

	rp := openRepo(t, g.Dir)
	want, err := rp.Record(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	// Another commit's diff is not taken for this one's.
	res, err := rp.Stamp(ctx, second, &StampOptions{headDiff: bytes.NewReader(firstDiff)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, res.Record); diff != "" {
		t.Errorf("with a stale head diff (-want +got)\n%s", diff)
	}
	// The commit's own diff is what the record is made of: here the first
	// commit's diff under the second's name, to see that it is read.
	relabelled := append([]byte(second+"\n"), firstDiff[len(first)+1:]...)
	res, err = rp.Stamp(ctx, second, &StampOptions{headDiff: bytes.NewReader(relabelled), Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := lineTruth(res.Record, "b.txt"); len(got) != 2 {
		t.Errorf("the head diff given was not used: b.txt lines %v", got)
	}
	res, err = rp.Stamp(ctx, second, &StampOptions{headDiff: bytes.NewReader(headDiff()), Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, res.Record); diff != "" {
		t.Errorf("with the commit's head diff (-want +got)\n%s", diff)
	}
	if res, err := rp.Stamp(ctx, second, nil); err != nil || !res.Existing {
		t.Fatalf("third stamp: %+v %v", res, err)
	}
	left, _ := filepath.Glob(filepath.Join(g.Dir, ".git", "objects", "*", "tmp_*"))
	if len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	if out, err := g.TryGit("fsck", "--strict", "--no-dangling"); err != nil {
		t.Errorf("fsck: %v %s", err, out)
	}
}

// TestStagedFile checks what the prepare-commit-msg hook reads: the
// hook, run by sh with no hallmark to start, adds the trailers when every
// pending file is staged as captured, and steps aside when one is staged
// otherwise or the file was cut short by a write that did not finish.
// StagedModels, what hallmark answers then, reads the index.
func TestStagedFile(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("h.txt", "h\n")
	g.Commit("initial", "")
	rp := openRepo(t, g.Dir)
	if _, err := rp.Init(ctx, &InitOptions{Binary: "/nonexistent/hallmark"}); err != nil {
		t.Fatal(err)
	}
	staged := filepath.Join(g.Dir, ".git", stagedFile)
	hook := func() string {
		t.Helper()
		msg := filepath.Join(t.TempDir(), "MSG")
		os.WriteFile(msg, []byte("subject\n"), 0o644)
		cmd := exec.Command("sh", filepath.Join(g.Dir, ".git", "hooks", "prepare-commit-msg"), msg, "message")
		cmd.Dir = g.Dir
		cmd.CombinedOutput() // hallmark is not there: only the shell's path can add trailers
		b, _ := os.ReadFile(msg)
		return string(b)
	}
	trailer := "subject\n\nAssisted-by: " + provenance.AssistedBy(testModel).Value + "\n"
	g.Write("a.go", "package a\n")
	g.Write("b.go", "package b\n")
	if _, err := rp.Checkpoint(ctx, CheckpointOptions{Author: testModel}); err != nil {
		t.Fatal(err)
	}
	g.Git("add", "a.go", "b.go")
	if got := hook(); got != trailer {
		t.Errorf("all staged as captured: the hook wrote %q, want %q", got, trailer)
	}
	whole, err := os.ReadFile(staged)
	if err != nil {
		t.Fatal(err)
	}
	// A write cut short leaves a new token at the start and the old end
	// line after it.
	token := strings.Fields(strings.SplitN(string(whole), "\n", 2)[0])[1]
	torn := strings.Replace(string(whole[:len(whole)/2]), token, strings.Repeat("0", len(token)), 1) + string(whole[len(whole)/2:])
	os.WriteFile(staged, []byte(torn), 0o600)
	if got := hook(); got != "subject\n" {
		t.Errorf("a torn staged file: the hook wrote %q", got)
	}
	os.WriteFile(staged, whole, 0o600)
	// The question and answer of another write: the answer must name
	// this write's token, and git's answer to the question's first line
	// must be the answer's first line.
	for _, f := range []string{stagedAnswerFile, stagedQueryFile} {
		path := filepath.Join(g.Dir, ".git", f)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(path, []byte(strings.Replace(string(b), token, strings.Repeat("1", len(token)), 1)), 0o600)
		if got := hook(); got != "subject\n" {
			t.Errorf("%s of another write: the hook wrote %q", f, got)
		}
		os.WriteFile(path, b, 0o600)
	}
	if got := hook(); got != trailer {
		t.Errorf("restored: the hook wrote %q, want %q", got, trailer)
	}

	g.Git("rm", "-q", "--cached", "b.go")
	if got := hook(); got != "subject\n" {
		t.Errorf("b.go not staged: the hook wrote %q", got)
	}
	got, err := rp.StagedModels(ctx)
	if err != nil || !cmp.Equal(got, []provenance.Author{testModel}) {
		t.Errorf("StagedModels with a.go staged: %v %v", got, err)
	}
	g.Write("a.go", "package a\n// typed\n")
	g.Git("add", "a.go")
	g.Write("a.go", "package a\n")
	g.Git("add", "a.go") // staged as captured again, through the index
	if got, err := rp.StagedModels(ctx); err != nil || !cmp.Equal(got, []provenance.Author{testModel}) {
		t.Errorf("StagedModels: %v %v", got, err)
	}
	g.Git("rm", "-q", "--cached", "a.go")
	if got, err := rp.StagedModels(ctx); err != nil || len(got) != 0 {
		t.Errorf("StagedModels with nothing staged: %v %v", got, err)
	}

	// The file follows the pending state: nothing pending, nothing to add.
	g.Git("add", "a.go", "b.go")
	g.Git("commit", "-q", "--no-verify", "-m", "both")
	if _, err := rp.Stamp(ctx, "HEAD", nil); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(staged); string(b[:strings.IndexByte(string(b), '\n')+1]) != "hallmark-staged-none\n" {
		t.Errorf("staged file with nothing pending: %q", b)
	}
	if got := hook(); got != "subject\n" {
		t.Errorf("nothing pending: the hook wrote %q", got)
	}
}

// TestCheckpointCutShort mounts a checkpoint that died while writing:
// whatever it left in the slot and the snapshot it was writing, the state
// before it is read back whole, and the next checkpoint goes on from it.
func TestCheckpointCutShort(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("a.go", gittest.Lines("base", 3))
	g.Commit("initial", "")
	rp := openRepo(t, g.Dir)
	g.Write("a.go", gittest.Lines("base", 3)+"model 1\nmodel 2\n")
	if _, err := rp.Checkpoint(ctx, CheckpointOptions{Author: testModel, Paths: []string{"a.go"}}); err != nil {
		t.Fatal(err)
	}
	g.Write("a.go", gittest.Lines("base", 3)+"model 1\nmodel 2\nby hand\n")
	if _, err := rp.Checkpoint(ctx, CheckpointOptions{}); err != nil {
		t.Fatal(err)
	}
	before, err := rp.Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The slot and the snapshot the next write would use get the start of
	// something new and then garbage, as a write stopped midway leaves.
	st := newStore(filepath.Join(g.Dir, ".git"))
	state, err := st.load()
	if err != nil {
		t.Fatal(err)
	}
	next := st.slotPath(1 - st.cur)
	body := encodeSlot(st.seq+1, []byte(`{"version":1,"files":{}}`))
	os.WriteFile(next, append(body[:len(body)-5], "garbage"...), 0o600)
	pf := state.Files["a.go"]
	other := pf.Slot[:len(pf.Slot)-1] + map[bool]string{true: "1", false: "0"}[strings.HasSuffix(pf.Slot, ".0")]
	os.WriteFile(filepath.Join(g.Dir, ".git", "hallmark", "snapshots", other), []byte("half a fi"), 0o600)

	after, err := rp.Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("pending after a cut-short write (-before +after)\n%s", diff)
	}
	g.Write("a.go", gittest.Lines("base", 3)+"model 1\nmodel 2\nby hand\nmodel 3\n")
	if _, err := rp.Checkpoint(ctx, CheckpointOptions{Author: testModel, Paths: []string{"a.go"}}); err != nil {
		t.Fatal(err)
	}
	g.Git("add", "a.go")
	g.Git("commit", "-q", "-m", "a")
	res, err := rp.Stamp(ctx, "HEAD", nil)
	if err != nil {
		t.Fatal(err)
	}
	model, human := "ai:"+testModel.ModelID, "human:Ada Human"
	want := map[int]string{4: model, 5: model, 6: human, 7: model}
	if diff := cmp.Diff(want, lineTruth(res.Record, "a.go")); diff != "" {
		t.Errorf("a.go (-want +got)\n%s", diff)
	}

	// A snapshot the state names that does not hold what it says is an
	// error, never another file's content taken as this one's.
	g.Write("a.go", gittest.Lines("base", 3)+"x\n")
	if _, err := rp.Checkpoint(ctx, CheckpointOptions{Author: testModel, Paths: []string{"a.go"}}); err != nil {
		t.Fatal(err)
	}
	st = newStore(filepath.Join(g.Dir, ".git"))
	state, _ = st.load()
	os.WriteFile(filepath.Join(g.Dir, ".git", "hallmark", "snapshots", state.Files["a.go"].Slot), []byte("other content\n"), 0o600)
	g.Write("a.go", gittest.Lines("base", 3)+"y\n")
	if _, err := rp.Checkpoint(ctx, CheckpointOptions{Author: testModel, Paths: []string{"a.go"}}); !errors.Is(err, ErrCorruptPending) {
		t.Errorf("a snapshot that is not what was checkpointed: %v, want ErrCorruptPending", err)
	}
}

// FuzzDecodeSlot feeds the pending slot reader anything: it must not
// panic, and a body it accepts is the one a slot was written with.
func FuzzDecodeSlot(f *testing.F) {
	f.Add(encodeSlot(7, []byte(`{"version":1}`)))
	f.Add([]byte("hallmark-slot 1 2 00\nab"))
	f.Add(append(encodeSlot(2, []byte("body")), "trailing bytes"...))
	f.Fuzz(func(t *testing.T, b []byte) {
		seq, body, ok := decodeSlot(b)
		if !ok {
			return
		}
		again, body2, ok2 := decodeSlot(encodeSlot(seq, body))
		if !ok2 || again != seq || !bytes.Equal(body, body2) {
			t.Errorf("accepted seq %d body %q, which does not read back", seq, body)
		}
		if !bytes.HasPrefix(b, encodeSlot(seq, body)) {
			t.Errorf("accepted %q, which is not a slot written with its body", b)
		}
	})
}

// TestCheckpointLimits mounts what a checkpoint must not read: a 10 GB
// sparse file, a directory that became a link to outside the work tree,
// files in .git and ignored secrets. Each is skipped with its named error;
// the rest of the checkpoint goes on.
func TestCheckpointLimits(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write(".gitignore", ".env\nsecrets/\n")
	g.Write("sub/a.txt", "a\n")
	g.Commit("initial", "")
	rp := openRepo(t, g.Dir)

	// A 10 GB sparse file costs no disk and, read, all the memory there is.
	big, err := os.Create(filepath.Join(g.Dir, "huge.bin"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(10 << 30); err != nil {
		t.Fatal(err)
	}
	big.Close()
	g.Write("ok.txt", "fine\n")
	res, err := rp.Checkpoint(ctx, CheckpointOptions{Author: testModel})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Path != "huge.bin" || !errors.Is(res.Skipped[0].Err, ErrFileTooLarge) {
		t.Errorf("huge file: %+v", res.Skipped)
	}
	if !slices.Contains(res.Files, "ok.txt") {
		t.Errorf("the rest of the tree was not checkpointed: %+v", res)
	}
	os.Remove(filepath.Join(g.Dir, "huge.bin"))

	// sub/ becomes a link to a directory outside the work tree whose a.txt
	// holds something else; a checkpoint of sub/a.txt must not read it.
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "a.txt"), []byte("outside secret\n"), 0o644)
	os.RemoveAll(filepath.Join(g.Dir, "sub"))
	if err := os.Symlink(outside, filepath.Join(g.Dir, "sub")); err != nil {
		t.Fatal(err)
	}
	res, err = rp.Checkpoint(ctx, CheckpointOptions{Author: testModel})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Files {
		if strings.HasPrefix(f, "sub/") {
			t.Errorf("read through the link: %s", f)
		}
	}
	if !slices.ContainsFunc(res.Skipped, func(s SkippedFile) bool { return s.Path == "sub/a.txt" && errors.Is(s.Err, ErrThroughSymlink) }) {
		t.Errorf("sub/a.txt through the link: %+v", res.Skipped)
	}
	assertNoSnapshotHolds(t, g.Dir, "outside secret")

	// Named paths in .git and ignored secrets are never snapshotted.
	g.Write(".env", "API_KEY=hunter2\n")
	g.Write("secrets/id_ed25519", "PRIVATE KEY\n")
	res, err = rp.Checkpoint(ctx, CheckpointOptions{Author: testModel, Paths: []string{".env", "secrets/id_ed25519", ".git/config", "ok.txt"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 3 {
		t.Errorf("skipped %+v, want .env, secrets/id_ed25519 and .git/config", res.Skipped)
	}
	for _, s := range res.Skipped {
		if !errors.Is(s.Err, ErrIgnored) {
			t.Errorf("%s: %v", s.Path, s.Err)
		}
	}
	assertNoSnapshotHolds(t, g.Dir, "hunter2")
	assertNoSnapshotHolds(t, g.Dir, "PRIVATE KEY")
	assertNoSnapshotHolds(t, g.Dir, "[core]")
}

// assertNoSnapshotHolds fails if any snapshot contains text.
func assertNoSnapshotHolds(t *testing.T, dir, text string) {
	t.Helper()
	snaps, _ := filepath.Glob(filepath.Join(dir, ".git", "hallmark", "snapshots", "*"))
	for _, s := range snaps {
		if b, _ := os.ReadFile(s); bytes.Contains(b, []byte(text)) {
			t.Errorf("snapshot %s holds %q", filepath.Base(s), text)
		}
	}
}

// TestCheckpointPathsAndPerson: named paths are relative to the work
// tree, not to the process's directory; the person is GIT_AUTHOR_NAME and
// GIT_AUTHOR_EMAIL when set, as git has it; snapshots go once committed.
func TestCheckpointPathsAndPerson(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("src/a.go", "package a\n")
	g.Commit("initial", "")
	rp := openRepo(t, g.Dir)
	// The process stands in another directory with a file of that name.
	elsewhere := t.TempDir()
	os.MkdirAll(filepath.Join(elsewhere, "src"), 0o755)
	os.WriteFile(filepath.Join(elsewhere, "src", "a.go"), []byte("not this one\n"), 0o644)
	t.Chdir(elsewhere)
	g.Write("src/a.go", "package a\n\nfunc A() {}\n")
	res, err := rp.Checkpoint(ctx, CheckpointOptions{Author: testModel, Paths: []string{"src/a.go"}})
	if err != nil || res.Lines != 2 || len(res.Files) != 1 || res.Files[0] != "src/a.go" {
		t.Fatalf("relative path: %+v %v", res, err)
	}

	t.Setenv("GIT_AUTHOR_NAME", "Grace Person")
	t.Setenv("GIT_AUTHOR_EMAIL", "grace@example.com")
	g.Write("src/a.go", "package a\n\nfunc A() {}\n// by Grace\n")
	res, err = rp.Checkpoint(ctx, CheckpointOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Author.Name != "Grace Person" || res.Author.Email != "grace@example.com" {
		t.Errorf("person: %+v, want GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL", res.Author)
	}
	snaps, _ := filepath.Glob(filepath.Join(g.Dir, ".git", "hallmark", "snapshots", "*"))
	if len(snaps) == 0 {
		t.Fatal("no snapshot while pending")
	}
	g.Git("add", "-A")
	g.Git("commit", "-q", "-m", "a")
	if _, err := rp.Stamp(ctx, "HEAD", nil); err != nil {
		t.Fatal(err)
	}
	if snaps, _ := filepath.Glob(filepath.Join(g.Dir, ".git", "hallmark", "snapshots", "*")); len(snaps) != 0 {
		t.Errorf("snapshots left once nothing is pending: %v", snaps)
	}
}

// TestRecallNeedsTheRunBack mounts the misattribution of remembering
// deleted lines by their text: a person deletes a draft, a model then
// writes code that shares its braces, "return err" and blank lines. Every
// line the model wrote is the model's. A run that comes back whole at its
// place (an undo) gets its authors back.
func TestRecallNeedsTheRunBack(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("a.go", "package a\n")
	g.Commit("initial", "")
	rp := openRepo(t, g.Dir)
	person := provenance.Author{Kind: provenance.Person, Name: "Ada Human", Email: "ada@example.com"}
	check := func(who provenance.Author, wantLines int) {
		t.Helper()
		res, err := rp.Checkpoint(ctx, CheckpointOptions{Author: who})
		if err != nil {
			t.Fatal(err)
		}
		if res.Lines != wantLines {
			t.Errorf("%s: %d lines attributed, want %d", who, res.Lines, wantLines)
		}
	}
	draft := "package a\n\nfunc draft() error {\n\tif err := x(); err != nil {\n\t\treturn err\n\t}\n\n\treturn nil\n}\n"
	g.Write("a.go", draft)
	check(person, 8)
	g.Write("a.go", "package a\n")
	check(person, 0)
	var model strings.Builder
	model.WriteString("package a\n")
	for i := range 10 {
		fmt.Fprintf(&model, "\nfunc f%d() error {\n\tif err := x(); err != nil {\n\t\treturn err\n\t}\n\treturn nil\n}\n", i)
	}
	g.Write("a.go", model.String())
	check(testModel, 70)
	// The person deletes three of the model's lines and undoes it before
	// the commit: they are the model's still.
	lines := strings.SplitAfter(model.String(), "\n")
	without := strings.Join(append(append([]string{}, lines[:3]...), lines[6:]...), "")
	g.Write("a.go", without)
	check(person, 0)
	g.Write("a.go", model.String())
	check(person, 0)
	g.Git("add", "a.go")
	g.Git("commit", "-q", "-m", "model")
	sres, err := rp.Stamp(ctx, "HEAD", nil)
	if err != nil {
		t.Fatal(err)
	}
	c := sres.Record.Count()
	if c.AI != 70 || c.Human != 0 {
		t.Errorf("the model's 70 lines: %+v", c)
	}

	// Once committed, the same undo gives the lines back to the commit.
	g.Write("a.go", without+"// person\n")
	check(person, 1)
	g.Write("a.go", model.String()+"// person\n")
	check(person, 0)
	g.Git("add", "a.go")
	g.Git("commit", "-q", "-m", "undo")
	sres, err = rp.Stamp(ctx, "HEAD", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c := sres.Record.Count(); c.Human != 1 || c.AI != 0 {
		t.Errorf("after the undo only the person's new line is added: %+v", c)
	}
}

// TestFailedStampLosesNothing mounts a stamp that did not run (hooks off)
// followed by a second commit: the capture of the first commit, 3 lines
// by the person and 3 by the model, must still be its record, whether the
// retry names the first commit or the next stamp of HEAD catches it up.
func TestFailedStampLosesNothing(t *testing.T) {
	for _, retry := range []string{"stamp the first commit", "stamp HEAD"} {
		t.Run(retry, func(t *testing.T) {
			ctx := context.Background()
			g := gittest.New(t)
			g.Write("base.txt", "base\n")
			g.Commit("initial", "")
			rp := openRepo(t, g.Dir)
			person := provenance.Author{Kind: provenance.Person, Name: "Ada Human", Email: "ada@example.com"}
			g.Write("a.txt", "h1\nh2\nh3\n")
			if _, err := rp.Checkpoint(ctx, CheckpointOptions{Author: person}); err != nil {
				t.Fatal(err)
			}
			g.Write("a.txt", "h1\nh2\nh3\nm1\nm2\nm3\n")
			if _, err := rp.Checkpoint(ctx, CheckpointOptions{Author: testModel}); err != nil {
				t.Fatal(err)
			}
			// The commit is made and its stamp never runs.
			g.Git("add", "a.txt")
			g.Git("commit", "-q", "-m", "first\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>")
			first := strings.TrimSpace(g.Git("rev-parse", "HEAD"))
			// A second commit, by the person, before anyone retries.
			g.Write("b.txt", "later\n")
			g.Git("add", "b.txt")
			g.Git("commit", "-q", "-m", "second")
			if retry == "stamp the first commit" {
				res, err := rp.Stamp(ctx, first, nil)
				if err != nil {
					t.Fatal(err)
				}
				if c := res.Record.Count(); c.Human != 3 || c.AI != 3 || res.Record.Method != provenance.MethodCapture {
					t.Errorf("retry of the first commit: %+v, method %s", c, res.Record.Method)
				}
			}
			head, err := rp.Stamp(ctx, "HEAD", nil)
			if err != nil {
				t.Fatal(err)
			}
			if c := head.Record.Count(); c.Human != 1 || c.AI != 0 {
				t.Errorf("second commit: %+v", c)
			}
			rec, _, err := rp.storedRecord(ctx, first)
			if err != nil || rec == nil {
				t.Fatalf("the first commit has no record: %v", err)
			}
			want := map[int]string{1: "human:Ada Human", 2: "human:Ada Human", 3: "human:Ada Human", 4: "ai:" + testModel.ModelID, 5: "ai:" + testModel.ModelID, 6: "ai:" + testModel.ModelID}
			if diff := cmp.Diff(want, lineTruth(rec, "a.txt")); diff != "" {
				t.Errorf("first commit (-want +got)\n%s", diff)
			}
			if p, _ := rp.Pending(ctx); len(p) != 0 {
				t.Errorf("pending after both commits are stamped: %v", p)
			}
		})
	}
}
