//go:build darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd

package repo_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hallmark-dev/hallmark/hallmarktest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// heldKey is a signing key whose file is a named pipe: the background
// stamp blocks opening it until release writes the key, so a test can
// look at the repository while the stamp is under way, or kill it there.
type heldKey struct {
	t    *testing.T
	key  *hallmarktest.Key
	path string // the pipe, configured as hallmark.key
	real string // the key file that replaces the pipe on release
}

func holdKey(t *testing.T, r *hallmarktest.Repo) *heldKey {
	t.Helper()
	k := &heldKey{t: t, key: hallmarktest.NewKey(t, "bg")}
	k.real, _ = k.key.WriteFiles(t, t.TempDir())
	k.path = filepath.Join(t.TempDir(), "held.key")
	if err := syscall.Mkfifo(k.path, 0o600); err != nil {
		t.Fatal(err)
	}
	r.Git("config", "hallmark.key", k.path)
	t.Setenv("HALLMARK_PASSWORD", string(k.key.Password))
	return k
}

// release lets the stamp blocked on the pipe read the key, and puts the
// real key file in the pipe's place for every later stamp.
func (k *heldKey) release() {
	k.t.Helper()
	w, err := os.OpenFile(k.path, os.O_WRONLY, 0)
	if err != nil {
		k.t.Fatal(err)
	}
	if err := os.Rename(k.real, k.path); err != nil {
		k.t.Fatal(err)
	}
	if _, err := w.Write(k.key.PrivatePEM); err != nil {
		k.t.Fatal(err)
	}
	w.Close()
}

// gitNoWait runs git as a person does, without the test helpers' wait
// for stamps under way.
func gitNoWait(t *testing.T, r *hallmarktest.Repo, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir, cmd.Env = r.Dir, r.Env()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func commitNoWait(t *testing.T, r *hallmarktest.Repo, msg string) {
	t.Helper()
	gitNoWait(t, r, "commit", "-q", "-m", msg)
}

// marker is the process id the post-commit hook's marker names, or 0.
func marker(t *testing.T, r *hallmarktest.Repo) int {
	t.Helper()
	names, _ := filepath.Glob(r.Path(".git/hallmark/in-flight.*"))
	if len(names) != 1 {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimPrefix(filepath.Ext(names[0]), "."))
	return pid
}

func hasNote(r *hallmarktest.Repo, rev string) bool {
	cmd := exec.Command("git", "notes", "--ref", repo.NotesRef, "show", rev)
	cmd.Dir = r.Dir
	return cmd.Run() == nil
}

func backgroundWorld(t *testing.T) (*hallmarktest.Repo, *repo.Repo, *heldKey) {
	t.Helper()
	t.Setenv(repo.StampModeEnv, "")
	r := hallmarktest.NewRepo(t)
	r.Write("base.txt", hallmarktest.Lines("base", 3))
	r.Commit("base")
	lib := r.Open()
	if _, err := lib.Init(context.Background(), &repo.InitOptions{Binary: hallmarktest.BuildHallmark(t)}); err != nil {
		t.Fatal(err)
	}
	k := holdKey(t, r)
	// One stamp in the foreground (no hallmark directory yet), with the
	// real key: from the next commit on, the hook stamps in the background.
	r.Git("config", "hallmark.key", k.real)
	r.Write("first.txt", hallmarktest.Lines("first", 1))
	r.Git("add", "-A")
	r.Git("commit", "-q", "-m", "first")
	if !hasNote(r, "HEAD") {
		t.Fatal("the first commit was not stamped in the foreground")
	}
	r.Git("config", "hallmark.key", k.path)
	return r, lib, k
}

// commitHeld commits four lines the model wrote, its stamp held on the
// key, and returns the commit and the stamp's process from its marker.
func commitHeld(t *testing.T, r *hallmarktest.Repo, lib *repo.Repo) (string, int) {
	t.Helper()
	r.Write("gen.go", hallmarktest.Lines("generated", 4))
	if _, err := lib.Checkpoint(context.Background(), repo.CheckpointOptions{Author: bgModel}); err != nil {
		t.Fatal(err)
	}
	r.Git("add", "-A")
	commitNoWait(t, r, "feat: generated")
	return strings.TrimSpace(gitNoWait(t, r, "rev-parse", "HEAD")), marker(t, r)
}

var bgModel = provenance.Author{Kind: provenance.Model, ModelID: "anthropic/claude-sonnet-4-5", Tool: "claude-code"}

// TestBackgroundStamp: `git commit` returns while its stamp is still
// under way (held on its key); every reader waits for it (Open, a
// checkpoint, the next commit's prepare-commit-msg) rather than see the
// notes or the capture before it; a commit made meanwhile is neither
// mistaken for the first nor given its trailers; once the key is there,
// both records are stored, signed, and right line by line.
func TestBackgroundStamp(t *testing.T) {
	ctx := context.Background()
	r, lib, k := backgroundWorld(t)
	ring := hallmarktest.Keyring(t, k.key)

	first, pid := commitHeld(t, r, lib)
	if pid == 0 || syscall.Kill(pid, 0) != nil {
		t.Fatalf("no live background stamp after the commit returned (marker pid %d)", pid)
	}
	if hasNote(r, first) {
		t.Fatal("the commit has a note before its key was read: the stamp was not in the background")
	}
	if !strings.Contains(gitNoWait(t, r, "log", "-1", "--format=%B"), "Assisted-by: claude-code:anthropic/claude-sonnet-4-5") {
		t.Error("no Assisted-by trailer on the commit")
	}

	short, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	defer cancel()
	if _, err := repo.Open(short, r.Dir); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Open during the stamp: %v, want it to wait (deadline exceeded)", err)
	}

	// A person's edit committed while the stamp waits: its hooks wait.
	r.Write("base.txt", hallmarktest.Lines("base", 3)+"typed by Ada\n")
	second := make(chan error, 1)
	go func() {
		cmd := exec.Command("git", "commit", "-q", "-a", "-m", "fix: by hand")
		cmd.Dir, cmd.Env = r.Dir, r.Env()
		out, err := cmd.CombinedOutput()
		if err != nil {
			err = errors.New(err.Error() + ": " + string(out))
		}
		second <- err
	}()
	select {
	case err := <-second:
		t.Fatalf("the second commit did not wait for the first one's stamp: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	k.release()
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	if err := lib.WaitForStamps(ctx); err != nil {
		t.Fatal(err)
	}

	rec := r.StoredRecord(first, ring)
	hallmarktest.ExpectLines(t, rec, "gen.go", hallmarktest.Want{From: 1, To: 4, Class: provenance.AI, Who: bgModel.ModelID})
	rec2 := r.StoredRecord("HEAD", ring)
	if rec2.Commit == first {
		t.Fatal("the second commit's record is the first one's")
	}
	hallmarktest.ExpectLines(t, rec2, "base.txt", hallmarktest.Want{From: 4, To: 4, Class: provenance.Human, Who: hallmarktest.PersonName})
	if msg := r.Git("log", "-1", "--format=%B"); strings.Contains(msg, "Assisted-by") {
		t.Errorf("the person's commit got the model's trailer:\n%s", msg)
	}
	if names, _ := filepath.Glob(r.Path(".git/hallmark/in-flight.*")); len(names) != 0 {
		t.Errorf("markers left behind: %v", names)
	}
	if b, err := os.ReadFile(r.Path(".git/hallmark/staged")); err != nil || strings.HasPrefix(string(b), "hallmark-staged-in-flight") {
		t.Errorf("the staged file still says in flight: %q %v", b, err)
	}
}

// TestBackgroundStampKilled: a background stamp killed before it stored
// anything leaves its marker naming a dead process; readers remove it and
// go on, and the next commit's stamp catches the lost commit up from the
// capture, line by line.
func TestBackgroundStampKilled(t *testing.T) {
	ctx := context.Background()
	r, lib, k := backgroundWorld(t)
	ring := hallmarktest.Keyring(t, k.key)

	lost, pid := commitHeld(t, r, lib)
	if pid == 0 {
		t.Fatal("no background stamp to kill")
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); syscall.Kill(pid, 0) == nil; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the killed stamp lives on")
		}
	}
	short, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := lib.WaitForStamps(short); err != nil {
		t.Fatalf("waiting after the stamp was killed: %v", err)
	}
	if hasNote(r, lost) {
		t.Fatal("the killed stamp stored a note: the test shows nothing")
	}

	os.Remove(k.path)
	r.Git("config", "hallmark.key", k.real)
	r.Write("more.go", hallmarktest.Lines("more", 2))
	if _, err := lib.Checkpoint(ctx, repo.CheckpointOptions{Author: bgModel}); err != nil {
		t.Fatal(err)
	}
	r.Git("add", "-A")
	r.Git("commit", "-q", "-m", "feat: more")
	if err := lib.WaitForStamps(ctx); err != nil {
		t.Fatal(err)
	}
	hallmarktest.ExpectLines(t, r.StoredRecord(lost, ring), "gen.go", hallmarktest.Want{From: 1, To: 4, Class: provenance.AI, Who: bgModel.ModelID})
	hallmarktest.ExpectLines(t, r.StoredRecord("HEAD", ring), "more.go", hallmarktest.Want{From: 1, To: 2, Class: provenance.AI, Who: bgModel.ModelID})
}

// TestForegroundStamp: HALLMARK_STAMP=foreground, and InitOptions
// ForegroundStamp, make the note exist when `git commit` returns.
func TestForegroundStamp(t *testing.T) {
	for _, how := range []string{"env", "init"} {
		t.Run(how, func(t *testing.T) {
			r, lib, k := backgroundWorld(t)
			os.Remove(k.path)
			r.Git("config", "hallmark.key", k.real)
			if how == "env" {
				t.Setenv(repo.StampModeEnv, "foreground")
			} else if _, err := lib.Init(context.Background(), &repo.InitOptions{Binary: hallmarktest.BuildHallmark(t), ForegroundStamp: true}); err != nil {
				t.Fatal(err)
			}
			r.Write("x.txt", "x\n")
			r.Git("add", "-A")
			commitNoWait(t, r, "x")
			if !hasNote(r, "HEAD") {
				t.Fatal("no note when git commit returned")
			}
			if marker(t, r) != 0 {
				t.Error("a background stamp was started")
			}
		})
	}
}

// TestBackgroundStampsInARow: with Assisted-by off the next commit's
// prepare-commit-msg does not wait, so a second background stamp starts
// while the first is still held on its key, before it took the lock. The
// later one waits for the earlier, never the other way round (else each
// would wait for the other), and both records are right.
func TestBackgroundStampsInARow(t *testing.T) {
	ctx := context.Background()
	r, lib, k := backgroundWorld(t)
	ring := hallmarktest.Keyring(t, k.key)
	r.Git("config", "hallmark.assistedBy", "false")

	first, pid := commitHeld(t, r, lib)
	if pid == 0 {
		t.Fatal("no background stamp for the first commit")
	}
	r.Write("base.txt", hallmarktest.Lines("base", 3)+"typed by Ada\n")
	gitNoWait(t, r, "commit", "-q", "-a", "-m", "fix: by hand")
	second := strings.TrimSpace(gitNoWait(t, r, "rev-parse", "HEAD"))
	names, _ := filepath.Glob(r.Path(".git/hallmark/in-flight.*"))
	if len(names) != 2 {
		t.Fatalf("markers %v, want the two stamps under way", names)
	}
	k.release()
	short, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := lib.WaitForStamps(short); err != nil {
		t.Fatalf("the two stamps did not finish: %v", err)
	}
	hallmarktest.ExpectLines(t, r.StoredRecord(first, ring), "gen.go", hallmarktest.Want{From: 1, To: 4, Class: provenance.AI, Who: bgModel.ModelID})
	hallmarktest.ExpectLines(t, r.StoredRecord(second, ring), "base.txt", hallmarktest.Want{From: 4, To: 4, Class: provenance.Human, Who: hallmarktest.PersonName})
}
