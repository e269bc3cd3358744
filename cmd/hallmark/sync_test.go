package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/repo"
)

// TestSyncCommand: the sentence and the JSON say what happened: what was
// sent to a remote with no notes, then nothing to do, then what came back
// after another clone added a note.
func TestSyncCommand(t *testing.T) {
	bare := gittest.New(t)
	bare.Git("config", "receive.denyCurrentBranch", "ignore")
	a := sampleRepo(t)
	a.Git("remote", "add", "origin", bare.Dir)
	a.Git("push", "-q", "origin", "main")
	if res := hallmark(t, a.Dir, nil, "stamp", "--range", "HEAD"); res.code != 0 {
		t.Fatalf("stamp: %+v", res)
	}
	res := hallmark(t, a.Dir, nil, "sync")
	if want := "sync origin: the remote has no hallmark notes; sent envelopes for 2 commits\n"; res.code != 0 || res.stdout != want {
		t.Fatalf("first sync: %+v, want %q", res, want)
	}
	res = hallmark(t, a.Dir, nil, "sync", "--json")
	var got repo.SyncResult
	if err := json.Unmarshal([]byte(res.stdout), &got); err != nil || res.code != 0 {
		t.Fatalf("sync --json: %+v %v", res, err)
	}
	if want := (repo.SyncResult{Remote: "origin", Attempts: 1, RemoteHasNotes: true}); got != want {
		t.Errorf("idle sync --json = %+v, want %+v", got, want)
	}

	b := gittest.New(t)
	b.Git("remote", "add", "origin", bare.Dir)
	b.Git("fetch", "-q", "origin", "main", repo.NotesRef+":"+repo.NotesRef)
	head := strings.TrimSpace(b.Git("rev-parse", "FETCH_HEAD"))
	b.Git("notes", "--ref="+repo.NotesRef, "append", "-m", `{"from":"b"}`, head)
	b.Git("push", "-q", "origin", repo.NotesRef)
	res = hallmark(t, a.Dir, nil, "sync", "--no-push")
	if want := "sync origin: received envelopes for 1 commit; pushed nothing (--no-push)\n"; res.code != 0 || res.stdout != want {
		t.Errorf("sync --no-push: %+v, want %q", res, want)
	}
	if res := hallmark(t, a.Dir, nil, "sync", "nowhere"); res.code != exitError || !strings.Contains(res.stderr, "nowhere") {
		t.Errorf("sync with no such remote: %+v", res)
	}
}
