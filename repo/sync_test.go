package repo

import (
	"context"
	"fmt"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"

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

// TestSyncConcurrentClones: six clones stamp and sync into one bare
// repository at the same time, for several rounds; at the end every
// envelope is in every clone and in the bare repository, once.
func TestSyncConcurrentClones(t *testing.T) {
	ctx := context.Background()
	bare := gittest.New(t)
	seed := gittest.New(t)
	seed.Write("README", "r\n")
	seed.Commit("seed", "")
	bare.Git("config", "receive.denyCurrentBranch", "ignore")
	if out, err := exec.Command("git", "-C", seed.Dir, "push", "-q", bare.Dir, "main").CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	const clones, rounds = 6, 4
	var repos []*gittest.Repo
	for i := range clones {
		c := gittest.New(t)
		c.Git("remote", "add", "origin", bare.Dir)
		c.Git("fetch", "-q", "origin")
		c.Git("reset", "-q", "--hard", "origin/main")
		c.Git("config", "user.name", fmt.Sprintf("Dev %d", i))
		c.Git("config", "user.email", fmt.Sprintf("dev%d@example.com", i))
		repos = append(repos, c)
	}
	var wg sync.WaitGroup
	errs := make(chan error, clones*rounds)
	for i, c := range repos {
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
				c.Write(fmt.Sprintf("f%d.txt", i), gittest.Lines(fmt.Sprintf("clone %d round %d", i, round), round+1))
				if _, err := exec.Command("git", "-C", c.Dir, "add", "-A").CombinedOutput(); err != nil {
					errs <- err
					return
				}
				if out, err := c.TryGit("commit", "-q", "-m", fmt.Sprintf("clone %d round %d", i, round)); err != nil {
					errs <- fmt.Errorf("%v %s", err, out)
					return
				}
				if _, err := rp.Stamp(ctx, "HEAD", nil); err != nil {
					errs <- err
					return
				}
				if _, err := rp.Sync(ctx, "origin", &SyncOptions{Attempts: 30}); err != nil {
					errs <- fmt.Errorf("clone %d round %d: %w", i, round, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// A last sync each, so that every clone has seen everyone's pushes.
	for _, c := range repos {
		rp := openRepo(t, c.Dir)
		if _, err := rp.Sync(ctx, "origin", nil); err != nil {
			t.Fatal(err)
		}
	}
	want := allNoteLines(t, bare)
	if len(want) != clones*rounds {
		t.Fatalf("bare repository has %d envelopes, want %d", len(want), clones*rounds)
	}
	for i, c := range repos {
		if got := allNoteLines(t, c); !slices.Equal(got, want) {
			t.Errorf("clone %d has %d envelopes, the bare repository %d", i, len(got), len(want))
		}
	}
	// The notes history carries real identities and messages, and was never
	// rewritten: every clone's notes tip contains the bare repository's.
	log := bare.Git("log", "--format=%an|%s", NotesRef)
	if !strings.Contains(log, "Dev ") || !strings.Contains(log, "hallmark: stamp") {
		t.Errorf("notes history:\n%s", log)
	}
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
	if err != nil || !res.Merged || !res.Pushed {
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
