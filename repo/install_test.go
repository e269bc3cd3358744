package repo

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// TestInitFetchesNotesIntoTheMirror: in a real clone (which fetches no
// notes), Init adds the notes refspec to every remote, once however often
// it runs; a plain `git fetch` then brings the remote's notes into the
// mirror and leaves our own notes as they were; readers are told the
// mirror is not merged, and after a sync it is.
func TestInitFetchesNotesIntoTheMirror(t *testing.T) {
	ctx := context.Background()
	bare, cl, seed := syncWorld(t, 1)
	a := cl[0]
	ra := openRepo(t, a.Dir)
	if err := ra.AddNote(ctx, seed, [][]byte{[]byte(`{"from":"a"}`)}, "a"); err != nil {
		t.Fatal(err)
	}
	mustSync(t, ra)

	b := gittest.Wrap(t, t.TempDir())
	b.Git("clone", "-q", bare.Dir, ".")
	b.Git("remote", "add", "second", bare.Dir)
	b.Git("config", "user.name", "B")
	b.Git("config", "user.email", "b@example.com")
	if _, err := b.TryGit("rev-parse", "--verify", "-q", NotesRef); err == nil {
		t.Fatal("git clone fetched the notes; the test shows nothing")
	}
	rb := openRepo(t, b.Dir)
	if err := rb.AddNote(ctx, seed, [][]byte{[]byte(`{"from":"b"}`)}, "b"); err != nil {
		t.Fatal(err)
	}
	local := allNoteLines(t, b)
	for i, want := range []string{"added", "present"} {
		res, err := rb.Init(ctx, &InitOptions{Binary: "hallmark"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Remotes["origin"] != want || res.Remotes["second"] != want {
			t.Errorf("init %d: remotes %v, want %s", i, res.Remotes, want)
		}
	}
	for _, remote := range []string{"origin", "second"} {
		specs := strings.Split(strings.TrimSpace(b.Git("config", "--get-all", "remote."+remote+".fetch")), "\n")
		if n := slices.Index(specs, "+refs/notes/hallmark:refs/notes/hallmark-remotes/"+remote); n < 0 || len(specs) != 2 {
			t.Errorf("remote.%s.fetch = %q", remote, specs)
		}
	}

	b.Git("fetch", "-q", "origin")
	if got, want := strings.TrimSpace(b.Git("rev-parse", RemoteNotesRef("origin"))), strings.TrimSpace(bare.Git("rev-parse", NotesRef)); got != want {
		t.Errorf("the mirror is at %s, the remote's notes at %s", got, want)
	}
	if got := allNoteLines(t, b); !slices.Equal(got, local) {
		t.Errorf("git fetch changed our notes: %v, were %v", got, local)
	}
	if got, err := rb.UnmergedRemoteNotes(ctx); err != nil || !slices.Equal(got, []string{"origin"}) {
		t.Errorf("unmerged after fetch: %v %v", got, err)
	}
	res, err := rb.Sync(ctx, "origin", &SyncOptions{NoPush: true})
	if err != nil || res.Received != 1 {
		t.Fatalf("sync: %+v %v", res, err)
	}
	if got, err := rb.UnmergedRemoteNotes(ctx); err != nil || len(got) != 0 {
		t.Errorf("unmerged after sync: %v %v", got, err)
	}
	want := []string{seed + ` {"from":"a"}`, seed + ` {"from":"b"}`}
	if got := allNoteLines(t, b); !slices.Equal(got, want) {
		t.Errorf("notes after sync: %v", got)
	}
}
