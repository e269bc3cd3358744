package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// plantNote stores content as commit's note the way anyone with git can:
// a blob, then `git notes add -C`.
func plantNote(t *testing.T, g *gittest.Repo, commit string, content []byte) {
	t.Helper()
	f := filepath.Join(t.TempDir(), "note")
	if err := os.WriteFile(f, content, 0o644); err != nil {
		t.Fatal(err)
	}
	blob := strings.TrimSpace(g.Git("hash-object", "-w", f))
	g.Git("notes", "--ref="+NotesRef, "add", "-f", "-C", blob, commit)
}

// TestNoteLimits: a note over MaxNoteSize is refused without being read
// (the memory the read takes stays far below the note's size), a line
// over MaxEnvelopeSize is refused, and both are errors of that commit
// alone: the next commit's note reads as before.
func TestNoteLimits(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("a", "1\n")
	big := g.Commit("big note", "")
	g.Write("a", "2\n")
	long := g.Commit("long line", "")
	g.Write("a", "3\n")
	fine := g.Commit("fine", "")

	// Many ordinary lines, over the note limit in all.
	line := append(bytes.Repeat([]byte("e"), 1<<20), '\n')
	plantNote(t, g, big, bytes.Repeat(line, MaxNoteSize>>20+1))
	plantNote(t, g, long, append(bytes.Repeat([]byte("l"), MaxEnvelopeSize+1), '\n'))
	plantNote(t, g, fine, []byte(`{"ok":1}`+"\n"))

	rp := openRepo(t, g.Dir)
	if _, err := rp.Note(ctx, fine); err != nil { // the reader is started
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := rp.Note(ctx, big)
	runtime.ReadMemStats(&after)
	if !errors.Is(err, ErrNoteTooLarge) || !strings.Contains(err.Error(), big) {
		t.Errorf("big note: %v", err)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 4<<20 {
		t.Errorf("refusing a %d-byte note allocated %d bytes", MaxNoteSize+1<<20, grown)
	}
	if _, err := rp.Note(ctx, long); !errors.Is(err, ErrEnvelopeTooLarge) || !strings.Contains(err.Error(), long) {
		t.Errorf("long line: %v", err)
	}
	lines, err := rp.Note(ctx, fine)
	if err != nil || len(lines) != 1 || string(lines[0]) != `{"ok":1}` {
		t.Errorf("the next note: %q %v", lines, err)
	}

	// Writers refuse to store what readers would refuse.
	if err := rp.AddNote(ctx, fine, [][]byte{bytes.Repeat([]byte("w"), MaxEnvelopeSize+1)}, "too long"); !errors.Is(err, ErrEnvelopeTooLarge) {
		t.Errorf("AddNote of a long line: %v", err)
	}
	if err := rp.AddNote(ctx, big, [][]byte{[]byte(`{"more":1}`)}, "onto a big note"); !errors.Is(err, ErrNoteTooLarge) {
		t.Errorf("AddNote onto a big note: %v", err)
	}
}

// FuzzParseNote: any content either is refused with a named limit or
// splits into non-empty lines within the limits that hold no newline.
func FuzzParseNote(f *testing.F) {
	f.Add([]byte("{\"a\":1}\n{\"b\":2}\n"))
	f.Add([]byte("\n\n  \r\n"))
	f.Add([]byte("x"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lines, err := ParseNote(data)
		if err != nil {
			if !errors.Is(err, ErrNoteTooLarge) && !errors.Is(err, ErrEnvelopeTooLarge) {
				t.Fatalf("unnamed error %v", err)
			}
			return
		}
		for _, l := range lines {
			if len(l) == 0 || bytes.ContainsRune(l, '\n') || len(l) > MaxEnvelopeSize || len(bytes.TrimSpace(l)) != len(l) {
				t.Fatalf("bad line %q", l)
			}
		}
	})
}

// TestAddNotesManyWritersOneClone: twelve writers in one clone (each its
// own Repo, as separate hallmark processes are) add envelopes to the same
// commit's note at once, half of them one note at a time (the loose
// writer), half two notes at a time (fast-import); every one is stored,
// none is lost to the race. (Reading the note at a newer tip than the one
// the write was made on once dropped envelopes here.)
func TestAddNotesManyWritersOneClone(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("a", "1\n")
	other := g.Commit("b", "")
	g.Write("a", "2\n")
	id := g.Commit("c", "")
	const writers, each = 12, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rp, err := Open(ctx, g.Dir)
			if err != nil {
				errs <- err
				return
			}
			defer rp.Close()
			for i := range each {
				line := fmt.Appendf(nil, `{"writer":%d,"n":%d}`, w, i)
				notes := map[string][][]byte{id: {line}}
				if w%2 == 1 {
					notes[other] = [][]byte{line}
				}
				if err := rp.AddNotes(ctx, notes, "concurrent"); err != nil {
					errs <- fmt.Errorf("writer %d, note %d: %w", w, i, err)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got, want := len(allNoteLines(t, g)), writers*each+writers/2*each; got != want {
		t.Errorf("%d envelopes stored, want %d", got, want)
	}
}
