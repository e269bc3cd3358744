package repo

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// TestCheckDigests holds a record's file digests to the commit's files,
// a name with a newline included.
func TestCheckDigests(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	rp := openRepo(t, g.Dir)
	g.Write("a.go", "a\n")
	g.Write("odd\nname.txt", "odd\n")
	g.Commit("one", "")
	rec, err := rp.Record(ctx, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Files) != 2 {
		t.Fatalf("record files %+v", rec.Files)
	}
	if err := rp.CheckDigests(ctx, rec); err != nil {
		t.Fatalf("the commit's own record: %v", err)
	}
	for _, tt := range []struct {
		reason string
		change func(i int)
		words  string
	}{
		{"another file's digest", func(i int) { rec.Files[i].Digest = rec.Files[1-i].Digest }, "the record says"},
		{"a file the commit lacks", func(i int) { rec.Files[i].Path = "gone.go" }, "is not a file in commit"},
		{"a directory", func(i int) { rec.Files[i].Path = "." }, "is not a file in commit"},
	} {
		for i := range rec.Files {
			saved := rec.Files[i]
			tt.change(i)
			err := rp.CheckDigests(ctx, rec)
			if !errors.Is(err, attest.ErrDigestMismatch) || !strings.Contains(err.Error(), tt.words) {
				t.Errorf("%s (%q): %v, want %v saying %q", tt.reason, saved.Path, err, attest.ErrDigestMismatch, tt.words)
			}
			rec.Files[i] = saved
		}
	}
}
