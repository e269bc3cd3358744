package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// allNoteLines returns every envelope line of every note in dir's notes.
func allNoteLines(t *testing.T, g *gittest.Repo) []string {
	out, err := g.TryGit("notes", "--ref="+NotesRef, "list")
	if err != nil {
		return nil
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(l)
		if len(f) != 2 {
			continue
		}
		for _, e := range strings.Split(strings.TrimSpace(g.Git("cat-file", "blob", f[0])), "\n") {
			lines = append(lines, f[1]+" "+e)
		}
	}
	slices.Sort(lines)
	return lines
}

func TestSyncKeepsLocalNotes(t *testing.T) {
	ctx := context.Background()
	bare := gittest.New(t)
	a, b := gittest.New(t), gittest.New(t)
	for _, c := range []*gittest.Repo{a, b} {
		c.Git("config", "user.name", "X")
		c.Git("config", "user.email", "x@example.com")
		c.Git("remote", "add", "origin", bare.Dir)
	}
	a.Write("f", "1\n")
	id := a.Commit("c", "")
	b.Git("fetch", "-q", a.Dir, "main")
	ra, rb := openRepo(t, a.Dir), openRepo(t, b.Dir)
	// The same commit gets different envelopes in two clones.
	if err := ra.AddNote(ctx, id, [][]byte{[]byte(`{"a":1}`)}, "a"); err != nil {
		t.Fatal(err)
	}
	if err := rb.AddNote(ctx, id, [][]byte{[]byte(`{"b":2}`)}, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := ra.Sync(ctx, "origin", nil); err != nil {
		t.Fatal(err)
	}
	res, err := rb.Sync(ctx, "origin", nil)
	if err != nil || res.Received != 1 || res.Sent != 1 || !res.Pushed {
		t.Fatalf("%+v %v", res, err)
	}
	if _, err := ra.Sync(ctx, "origin", nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*gittest.Repo{a, b, bare} {
		got := allNoteLines(t, c)
		if len(got) != 2 {
			t.Errorf("%s: %v", c.Dir, got)
		}
	}
	// An unreachable remote is an error, and local notes stay.
	if _, err := ra.Sync(ctx, "nowhere", nil); err == nil {
		t.Error("sync with a missing remote succeeded")
	}
	if got := allNoteLines(t, a); len(got) != 2 {
		t.Errorf("local notes changed after a failed sync: %v", got)
	}
}

// syncWorld is a bare repository with one commit on main, and n clones of
// it, each its own person. It returns the seed commit.
func syncWorld(t *testing.T, n int) (*gittest.Repo, []*gittest.Repo, string) {
	t.Helper()
	bare := gittest.New(t)
	bare.Git("config", "receive.denyCurrentBranch", "ignore")
	seed := gittest.New(t)
	seed.Write("README", "r\n")
	id := seed.Commit("seed", "")
	seed.Git("push", "-q", bare.Dir, "main")
	var clones []*gittest.Repo
	for i := range n {
		c := gittest.New(t)
		c.Git("remote", "add", "origin", bare.Dir)
		c.Git("fetch", "-q", "origin")
		c.Git("reset", "-q", "--hard", "origin/main")
		c.Git("config", "user.name", fmt.Sprintf("Dev %d", i))
		c.Git("config", "user.email", fmt.Sprintf("dev%d@example.com", i))
		clones = append(clones, c)
	}
	return bare, clones, id
}

// commitIn makes a commit in g on top of what it has, and returns it.
func commitIn(g *gittest.Repo, name string) string {
	g.Write(name, name+"\n")
	return g.Commit(name, "")
}

func mustSync(t *testing.T, rp *Repo) *SyncResult {
	t.Helper()
	res, err := rp.Sync(context.Background(), "origin", nil)
	if err != nil {
		t.Fatalf("sync: %v (%+v)", err, res)
	}
	return res
}

// TestSyncUnionSurvivesRemoteDeletions: someone with push access to the
// notes ref removes a whole note and one line of another, and pushes it as
// a plain fast-forward, the way `git notes remove` and `git notes add -f`
// then `git push` do. The next sync of a clone that has them keeps them
// (git notes merge would have deleted them: the remote's side changed
// since the merge base) and its push gives them back to the remote.
func TestSyncUnionSurvivesRemoteDeletions(t *testing.T) {
	ctx := context.Background()
	bare, cl, _ := syncWorld(t, 2)
	a, mallory := cl[0], cl[1]
	c1, c2 := commitIn(a, "one"), commitIn(a, "two")
	a.Git("push", "-q", "origin", "main")
	ra := openRepo(t, a.Dir)
	if err := ra.AddNote(ctx, c1, [][]byte{[]byte(`{"e":1}`)}, "e1"); err != nil {
		t.Fatal(err)
	}
	if err := ra.AddNote(ctx, c2, [][]byte{[]byte(`{"e":2}`), []byte(`{"e":3}`)}, "e2 e3"); err != nil {
		t.Fatal(err)
	}
	if res := mustSync(t, ra); !res.Pushed || res.Sent != 2 || res.RemoteHasNotes {
		t.Fatalf("first sync: %+v", res)
	}
	want := allNoteLines(t, a)
	if got := allNoteLines(t, bare); !slices.Equal(got, want) {
		t.Fatalf("bare after the first push: %v", got)
	}

	// Mallory deletes, with plain git, and fast-forwards the remote.
	mallory.Git("fetch", "-q", "origin", NotesRef+":"+NotesRef)
	mallory.Git("notes", "--ref="+NotesRef, "remove", c1)
	mallory.Git("notes", "--ref="+NotesRef, "add", "-f", "-m", `{"e":2}`, c2)
	mallory.Git("push", "-q", "origin", NotesRef) // no force: a fast-forward
	if got := allNoteLines(t, bare); len(got) != 1 {
		t.Fatalf("the attack did not land: %v", got)
	}
	// The oracle: git's own three-way merge takes the deletions.
	oracle := gittest.Wrap(t, a.Dir)
	oracle.Git("fetch", "-q", "origin", "+"+NotesRef+":refs/notes/oracle")
	oracle.Git("update-ref", "refs/notes/oracle-ours", NotesRef)
	oracle.Git("notes", "--ref=refs/notes/oracle-ours", "merge", "-q", "-s", "cat_sort_uniq", "refs/notes/oracle")
	if out, _ := oracle.TryGit("notes", "--ref=refs/notes/oracle-ours", "list"); strings.Count(out, "\n") != 1 {
		t.Fatalf("git notes merge kept the deleted note; the test shows nothing:\n%s", out)
	}

	res := mustSync(t, ra)
	if !res.Pushed || res.Sent != 2 || res.Received != 0 {
		t.Errorf("sync after the deletions: %+v", res)
	}
	if got := allNoteLines(t, a); !slices.Equal(got, want) {
		t.Errorf("local notes after sync: %v, want %v", got, want)
	}
	if got := allNoteLines(t, bare); !slices.Equal(got, want) {
		t.Errorf("remote notes after sync: %v, want %v", got, want)
	}
	// Mallory's next sync takes them back too, and the remote never moved
	// but forward.
	rm := openRepo(t, mallory.Dir)
	mustSync(t, rm)
	if got := allNoteLines(t, mallory); !slices.Equal(got, want) {
		t.Errorf("mallory after sync: %v", got)
	}
}

// TestSyncForceRewrittenRemote: the remote's notes ref is force-pushed to
// an unrelated history (one note of its own), then deleted outright. Each
// sync keeps every local envelope, takes the remote's, and pushes the
// union without force.
func TestSyncForceRewrittenRemote(t *testing.T) {
	ctx := context.Background()
	bare, cl, seed := syncWorld(t, 2)
	a, mallory := cl[0], cl[1]
	c1 := commitIn(a, "one")
	a.Git("push", "-q", "origin", "main")
	ra := openRepo(t, a.Dir)
	if err := ra.AddNote(ctx, c1, [][]byte{[]byte(`{"e":1}`)}, "e1"); err != nil {
		t.Fatal(err)
	}
	if err := ra.AddNote(ctx, seed, [][]byte{[]byte(`{"s":1}`)}, "s1"); err != nil {
		t.Fatal(err)
	}
	mustSync(t, ra)

	// An unrelated history: Mallory's own notes ref, force-pushed.
	mallory.Git("notes", "--ref="+NotesRef, "add", "-m", `{"m":1}`, seed)
	mallory.Git("push", "-q", "-f", "origin", NotesRef)
	res := mustSync(t, ra)
	if !res.Pushed || res.Received != 1 || res.Sent != 2 {
		t.Errorf("sync after the rewrite: %+v", res)
	}
	want := []string{c1 + ` {"e":1}`, seed + ` {"m":1}`, seed + ` {"s":1}`}
	slices.Sort(want)
	for _, g := range []*gittest.Repo{a, bare} {
		if got := allNoteLines(t, g); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", g.Dir, got, want)
		}
	}
	// The push was a fast-forward of what the remote held: Mallory's tip
	// is in the remote's history, and the union's commit has both parents.
	parents := strings.Fields(bare.Git("log", "-1", "--format=%P", NotesRef))
	if len(parents) != 2 {
		t.Errorf("the union commit has parents %v", parents)
	}
	mtip := strings.TrimSpace(mallory.Git("rev-parse", NotesRef))
	if _, err := bare.TryGit("merge-base", "--is-ancestor", mtip, NotesRef); err != nil {
		t.Errorf("the remote's notes do not descend from what was there: %v", err)
	}

	// The remote's notes ref deleted outright: the next sync creates it.
	mallory.Git("push", "-q", "origin", ":"+NotesRef)
	res = mustSync(t, ra)
	if res.RemoteHasNotes || !res.Pushed || res.Sent != 2 {
		t.Errorf("sync onto no notes: %+v", res)
	}
	if got := allNoteLines(t, bare); !slices.Equal(got, want) {
		t.Errorf("bare after the deletion and sync: %v", got)
	}
	// Nothing new on either side: nothing is pushed.
	if res := mustSync(t, ra); res.Pushed || res.Received != 0 {
		t.Errorf("idle sync: %+v", res)
	}
}

// TestSyncManyWritersAtOnce: ten clones, each in its own goroutine, add
// notes and sync, three rounds each, all at once, into one bare
// repository; every envelope ends up in every clone and in the remote.
func TestSyncManyWritersAtOnce(t *testing.T) {
	ctx := context.Background()
	const writers, rounds = 10, 3
	bare, cl, seed := syncWorld(t, writers)
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	attempts := make([]int, writers)
	for i, c := range cl {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rp, err := Open(ctx, c.Dir)
			if err != nil {
				errs <- err
				return
			}
			defer rp.Close()
			for round := range rounds {
				// Every writer also annotates the shared seed commit: the
				// same note, concurrent different lines.
				err := rp.AddNotes(ctx, map[string][][]byte{seed: {[]byte(fmt.Sprintf(`{"w":%d,"r":%d}`, i, round))}}, "note")
				if err != nil {
					errs <- err
					return
				}
				res, err := rp.Sync(ctx, "origin", nil)
				if err != nil {
					errs <- fmt.Errorf("writer %d round %d: %w", i, round, err)
					return
				}
				attempts[i] += res.Attempts
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, c := range cl {
		mustSync(t, openRepo(t, c.Dir))
	}
	want := allNoteLines(t, bare)
	if len(want) != writers*rounds {
		t.Fatalf("the remote has %d envelopes, want %d", len(want), writers*rounds)
	}
	for i, c := range cl {
		if got := allNoteLines(t, c); !slices.Equal(got, want) {
			t.Errorf("writer %d has %d envelopes, the remote %d", i, len(got), len(want))
		}
	}
	// The notes history carries the writers' identities and messages.
	log := bare.Git("log", "--format=%an|%s", NotesRef)
	if !strings.Contains(log, "Dev 7|note") || !strings.Contains(log, "|hallmark: sync: union with origin") {
		t.Errorf("notes history:\n%s", log)
	}
	t.Logf("sync attempts per writer over %d rounds: %v", rounds, attempts)
}

// raceHook is a pre-receive hook that, like another clone pushing first,
// moves the notes ref to a new commit before git updates it, so every push
// loses the race.
const raceHook = `#!/bin/sh
unset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
tip=$(git rev-parse refs/notes/hallmark 2>/dev/null) || exit 0
new=$(echo moved | git commit-tree "$tip^{tree}" -p "$tip") || exit 1
git update-ref refs/notes/hallmark "$new" "$tip"
cat >/dev/null
`

// TestSyncGivesUpAfterBudget: against a remote whose notes move before
// every push lands, sync retries with backoff until its budget is spent,
// then says so with ErrSyncRace; the local notes are intact. A remote
// whose hook declines the push is an error at once, not a race.
func TestSyncGivesUpAfterBudget(t *testing.T) {
	ctx := context.Background()
	bare, cl, seed := syncWorld(t, 1)
	a := cl[0]
	ra := openRepo(t, a.Dir)
	if err := ra.AddNote(ctx, seed, [][]byte{[]byte(`{"e":1}`)}, "e1"); err != nil {
		t.Fatal(err)
	}
	mustSync(t, ra) // the remote has notes now; the hook moves them from here on
	if err := ra.AddNote(ctx, seed, [][]byte{[]byte(`{"e":2}`)}, "e2"); err != nil {
		t.Fatal(err)
	}
	hook := bare.Dir + "/.git/hooks/pre-receive"
	if err := os.WriteFile(hook, []byte(raceHook), 0o755); err != nil {
		t.Fatal(err)
	}
	res, err := ra.Sync(ctx, "origin", &SyncOptions{Budget: 700 * time.Millisecond})
	if !errors.Is(err, ErrSyncRace) || res.Attempts < 2 || res.Pushed {
		t.Fatalf("sync against a racing remote: %+v %v", res, err)
	}
	if got := allNoteLines(t, a); len(got) != 2 {
		t.Errorf("local notes after giving up: %v", got)
	}

	if err := os.WriteFile(hook, []byte("#!/bin/sh\necho no notes here >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	res, err = ra.Sync(ctx, "origin", nil)
	if err == nil || errors.Is(err, ErrSyncRace) || res.Attempts != 1 {
		t.Errorf("sync against a declining hook: %+v %v", res, err)
	}
}

// TestSyncOversizedRemoteNote: someone pushes a note over MaxNoteSize. A
// clone with no note of its own on that commit takes the remote's blob as
// it is, never reading it; a clone with a different note there cannot
// merge the two and says so by name, pushing nothing.
func TestSyncOversizedRemoteNote(t *testing.T) {
	ctx := context.Background()
	bare, cl, seed := syncWorld(t, 3)
	a, b, mallory := cl[0], cl[1], cl[2]
	mallory.Git("checkout", "-q", "-b", "x")
	plantNote(t, mallory, seed, append(bytes.Repeat([]byte("x"), MaxNoteSize+1), '\n'))
	mallory.Git("push", "-q", "origin", NotesRef)

	ra := openRepo(t, a.Dir)
	if res, err := ra.Sync(ctx, "origin", nil); err != nil || res.Received != 1 || res.Pushed {
		t.Errorf("sync of a clone without a note there: %+v %v", res, err)
	}
	if _, err := ra.Note(ctx, seed); !errors.Is(err, ErrNoteTooLarge) {
		t.Errorf("reading the note taken: %v", err)
	}

	rb := openRepo(t, b.Dir)
	if err := rb.AddNote(ctx, seed, [][]byte{[]byte(`{"b":1}`)}, "b"); err != nil {
		t.Fatal(err)
	}
	before := strings.TrimSpace(bare.Git("rev-parse", NotesRef))
	res, err := rb.Sync(ctx, "origin", nil)
	if !errors.Is(err, ErrNoteTooLarge) || res.Pushed {
		t.Errorf("sync of a clone with its own note there: %+v %v", res, err)
	}
	if after := strings.TrimSpace(bare.Git("rev-parse", NotesRef)); after != before {
		t.Error("the remote's notes moved")
	}
	if lines, err := rb.Note(ctx, seed); err != nil || len(lines) != 1 {
		t.Errorf("b's own note: %q %v", lines, err)
	}
}

// TestSyncSHA256: the union, its fan-out and the push in repositories of
// SHA-256 objects, where a note's name has 64 digits: 300 notes (one
// fan-out level, reached by the union of a flat tree and a spread one)
// all arrive, and notes deleted on the remote come back.
func TestSyncSHA256(t *testing.T) {
	ctx := context.Background()
	sha := func(bare bool) *gittest.Repo {
		g := gittest.Wrap(t, t.TempDir())
		args := []string{"init", "-q", "-b", "main", "--object-format=sha256"}
		if bare {
			args = append(args, "--bare")
		}
		g.Git(args...)
		g.Git("config", "user.name", "Ada Human")
		g.Git("config", "user.email", "ada@example.com")
		return g
	}
	bare := sha(true)
	a, mallory := sha(false), sha(false)
	// 300 commits in one fast-import.
	var stream bytes.Buffer
	for i := range 300 {
		fmt.Fprintf(&stream, "commit refs/heads/main\ncommitter A <a@example.com> %d +0000\ndata 3\n%03d\nM 100644 inline f\ndata 4\n%03d\n\n", 1700000000+i, i, i)
	}
	if out, err := gitStdin(a, stream.Bytes(), "fast-import", "--quiet"); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	a.Git("reset", "-q", "--hard", "main")
	ids := strings.Fields(a.Git("rev-list", "--reverse", "main"))
	if len(ids) != 300 || len(ids[0]) != 64 {
		t.Fatalf("%d commits, ids of %d digits", len(ids), len(ids[0]))
	}
	a.Git("push", "-q", bare.Dir, "main")
	a.Git("remote", "add", "origin", bare.Dir)
	mallory.Git("remote", "add", "origin", bare.Dir)
	mallory.Git("fetch", "-q", "origin", "main")
	ra := openRepo(t, a.Dir)
	notes := func(ids []string) map[string][][]byte {
		m := map[string][][]byte{}
		for _, id := range ids {
			m[id] = [][]byte{fmt.Appendf(nil, `{"c":"%s"}`, id)}
		}
		return m
	}
	// a notes 200 commits (a flat tree), Mallory the other 100 on top of
	// them (spread: 300 notes) and deletes one of a's.
	if err := ra.AddNotes(ctx, notes(ids[:200]), "a"); err != nil {
		t.Fatal(err)
	}
	mustSync(t, ra)
	mallory.Git("fetch", "-q", "origin", NotesRef+":"+NotesRef)
	rm := openRepo(t, mallory.Dir)
	if err := rm.AddNotes(ctx, notes(ids[200:]), "mallory"); err != nil {
		t.Fatal(err)
	}
	mallory.Git("notes", "--ref="+NotesRef, "remove", ids[7])
	mallory.Git("push", "-q", "origin", NotesRef)
	// The union's tree is written anew, spread (a's tree was flat).
	if res := mustSync(t, ra); !res.Pushed || res.Sent != 1 || res.Received != 100 {
		t.Errorf("sync after the deletion: %+v", res)
	}
	want := allNoteLines(t, a)
	if len(want) != 300 {
		t.Fatalf("%d notes", len(want))
	}
	if got := allNoteLines(t, bare); !slices.Equal(got, want) {
		t.Errorf("the remote has %d notes, want %d", len(got), len(want))
	}
	// Once more, now that both trees are spread: only the change is
	// written on top of a's tree.
	mallory.Git("fetch", "-q", "origin", "+"+NotesRef+":"+NotesRef)
	mallory.Git("notes", "--ref="+NotesRef, "remove", ids[8])
	mallory.Git("push", "-q", "origin", NotesRef)
	if res := mustSync(t, ra); !res.Pushed || res.Sent != 1 || res.Received != 0 {
		t.Errorf("second sync after a deletion: %+v", res)
	}
	if got := allNoteLines(t, bare); !slices.Equal(got, want) {
		t.Errorf("the remote has %d notes, want %d", len(got), len(want))
	}
	// The union was written spread over two-digit directories, as git does
	// past 255 notes.
	if top := bare.Git("ls-tree", NotesRef); !strings.Contains(top, " tree ") || strings.Contains(top, " blob ") {
		t.Errorf("the notes tree is not spread:\n%.300s", top)
	}
	lines, err := ra.Note(ctx, ids[7])
	if err != nil || len(lines) != 1 {
		t.Errorf("the note read back: %q %v", lines, err)
	}
}

// TestSyncIgnoresEntriesInNotesPlace: a remote notes tree that holds, as
// well as notes, a file named like a fan-out directory ("3f") would, if
// copied into the union, replace the directory of every note under it.
// Such entries are dropped; a file that cannot take a note's place (a
// README) is kept; every envelope survives.
func TestSyncIgnoresEntriesInNotesPlace(t *testing.T) {
	ctx := context.Background()
	bare, cl, _ := syncWorld(t, 2)
	a, mallory := cl[0], cl[1]
	// 300 commits in one fast-import, noted by a (a spread tree).
	var stream bytes.Buffer
	for i := range 300 {
		fmt.Fprintf(&stream, "commit refs/heads/many\ncommitter A <a@example.com> %d +0000\ndata 3\n%03d\nM 100644 inline f\ndata 4\n%03d\n\n", 1700000000+i, i, i)
	}
	if out, err := gitStdin(a, stream.Bytes(), "fast-import", "--quiet"); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	ids := strings.Fields(a.Git("rev-list", "many"))
	ra := openRepo(t, a.Dir)
	notes := map[string][][]byte{}
	for _, id := range ids {
		notes[id] = [][]byte{fmt.Appendf(nil, `{"c":"%s"}`, id)}
	}
	if err := ra.AddNotes(ctx, notes, "a"); err != nil {
		t.Fatal(err)
	}
	want := allNoteLines(t, a)

	// Mallory's notes: one note, a README, and a file in the place of the
	// directory that holds the first of a's notes.
	dir := ids[0][:2]
	var evil bytes.Buffer
	fmt.Fprintf(&evil, "commit %s\ncommitter M <m@example.com> 1700000000 +0000\ndata 4\nevil\n", NotesRef)
	fmt.Fprintf(&evil, "M 100644 inline %s\ndata 3\nxx\n", dir)
	fmt.Fprintf(&evil, "M 100644 inline README\ndata 6\nnotes\n")
	fmt.Fprintf(&evil, "M 100644 inline %s\ndata 8\n{\"m\":1}\n", strings.TrimSpace(mallory.Git("rev-parse", "HEAD")))
	if out, err := gitStdin(mallory, evil.Bytes(), "fast-import", "--quiet"); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	mallory.Git("push", "-q", "-f", "origin", NotesRef)

	if res := mustSync(t, ra); !res.Pushed || res.Received != 1 {
		t.Errorf("sync: %+v", res)
	}
	got := allNoteLines(t, a)
	if len(got) != len(want)+1 {
		t.Errorf("a has %d envelopes, want %d", len(got), len(want)+1)
	}
	for _, g := range []*gittest.Repo{a, bare} {
		if _, err := g.TryGit("cat-file", "-e", NotesRef+":README"); err != nil {
			t.Errorf("%s: the README was dropped", g.Dir)
		}
		if typ := strings.TrimSpace(g.Git("cat-file", "-t", NotesRef+":"+dir)); typ != "tree" {
			t.Errorf("%s: %s is a %s", g.Dir, dir, typ)
		}
	}
	if lines, err := ra.Note(ctx, ids[0]); err != nil || len(lines) != 1 {
		t.Errorf("the note under %s/: %q %v", dir, lines, err)
	}
}

// FuzzParseNotesTree: whatever a remote's tree lists, every note is named
// by an object id of its blob's length, and nothing else kept could stand
// in a note's place (its first name part has a character that is not a
// lower-case hex digit).
func FuzzParseNotesTree(f *testing.F) {
	id := strings.Repeat("ab", 20)
	f.Add([]byte("100644 blob " + id + "\t" + id[:2] + "/" + id[2:] + "\x00100644 blob " + id + "\tREADME\x00"))
	f.Add([]byte("100644 blob " + id + "\tab\x00160000 commit " + id + "\t" + id + "\x00"))
	f.Add([]byte("100644 blob " + id + "\tab/cd\tx\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := parseNotesTree(data)
		if err != nil {
			return
		}
		for c, blobs := range tr.notes {
			for _, b := range blobs {
				if !git.IsObjectID(c) || len(b) != len(c) {
					t.Fatalf("note %q with blob %q", c, b)
				}
			}
		}
		for p := range tr.other {
			first, _, _ := strings.Cut(p, "/")
			if strings.Trim(first, "0123456789abcdef") == "" {
				t.Fatalf("kept %q, which could stand in a note's place", p)
			}
		}
		if tr.fanout < -1 {
			t.Fatalf("fanout %d", tr.fanout)
		}
	})
}
