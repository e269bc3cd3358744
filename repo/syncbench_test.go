package repo

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// notesHistory writes, through fast-import, a notes commit on ref with a
// note for each of the commit ids (one envelope line each, plus extra
// lines where extra says), on top of parent ("" for none).
func notesHistory(b testing.TB, g *gittest.Repo, ref, parent string, ids []string, extra map[string]string) string {
	b.Helper()
	var in bytes.Buffer
	fmt.Fprintf(&in, "commit %s\ncommitter Bench <b@example.com> 1700000000 +0000\ndata 5\nbench\n", ref)
	if parent != "" {
		fmt.Fprintf(&in, "from %s\n", parent)
	}
	fanout := notesFanout(len(ids) + len(extra))
	for _, id := range ids {
		content := fmt.Sprintf(`{"payload":"%s","payloadType":"application/vnd.in-toto+json","signatures":[]}`+"\n", strings.Repeat(id, 8))
		if e, ok := extra[id]; ok {
			content += e + "\n"
		}
		fmt.Fprintf(&in, "M 100644 inline %s\ndata %d\n%s\n", notePath(id, fanout), len(content), content)
	}
	in.WriteString("done\n")
	out, err := gitStdin(g, in.Bytes(), "fast-import", "--quiet", "--done", "--force")
	if err != nil {
		b.Fatalf("fast-import: %v %s", err, out)
	}
	return strings.TrimSpace(g.Git("rev-parse", ref))
}

func gitStdin(g *gittest.Repo, stdin []byte, args ...string) (string, error) {
	rp, err := Open(context.Background(), g.Dir)
	if err != nil {
		return "", err
	}
	defer rp.Close()
	out, err := rp.git.OutputStdin(context.Background(), stdin, args...)
	return string(out), err
}

// BenchmarkSyncUnion10k measures the union merge of two notes histories
// of 10,000 notes that share a base and then diverged: each side added an
// envelope to 250 notes of the base (50 of them the same notes) and 250
// notes of its own. The baseline, measured beside it in each iteration,
// is git's own `git notes merge -s cat_sort_uniq` of the same two tips
// (three-way, which is why sync no longer uses it). Reported: each one's
// milliseconds (medians) and the ratio, and the milliseconds of the check
// sync makes before it pushes (that the union holds every envelope of
// theirs), which git's merge has no counterpart of.
func BenchmarkSyncUnion10k(b *testing.B) {
	ctx := context.Background()
	g := gittest.New(b)
	var ids []string
	for i := range 10500 {
		s := sha1.Sum([]byte(fmt.Sprint(i)))
		ids = append(ids, hex.EncodeToString(s[:]))
	}
	slices.Sort(ids)
	base := notesHistory(b, g, "refs/notes/base", "", ids[:10000], nil)
	oursExtra, theirsExtra := map[string]string{}, map[string]string{}
	for i := range 250 {
		oursExtra[ids[i*40]] = `{"ours":1}`
		theirsExtra[ids[i*40+(i%5)*7]] = `{"theirs":1}` // every fifth the same note
	}
	ours := notesHistory(b, g, "refs/notes/ours", base, append(slices.Clone(ids[:10000]), ids[10000:10250]...), oursExtra)
	theirs := notesHistory(b, g, "refs/notes/theirs", base, append(slices.Clone(ids[:10000]), ids[10250:]...), theirsExtra)
	rp := openRepo(b, g.Dir)
	var mine, check, git []float64
	for b.Loop() {
		g.Git("update-ref", NotesRef, ours)
		g.Git("update-ref", "refs/notes/oracle", ours)
		t0 := time.Now()
		if _, err := rp.mergeNotesFrom(ctx, theirs, "bench"); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		merged, err := rp.notesTip(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if lost, _, err := rp.notesLost(ctx, merged, theirs); err != nil || len(lost) > 0 {
			b.Fatalf("the union lost %d notes: %v", len(lost), err)
		}
		tc := time.Now()
		g.Git("notes", "--ref=refs/notes/oracle", "merge", "-q", "-s", "cat_sort_uniq", theirs)
		t2 := time.Now()
		mine = append(mine, float64(t1.Sub(t0).Microseconds())/1000)
		check = append(check, float64(tc.Sub(t1).Microseconds())/1000)
		git = append(git, float64(t2.Sub(tc).Microseconds())/1000)
	}
	// Both merges agree on the content here, where nothing was deleted.
	if a, o := g.Git("ls-tree", "-r", NotesRef), g.Git("ls-tree", "-r", "refs/notes/oracle"); len(strings.Split(a, "\n")) != len(strings.Split(o, "\n")) {
		b.Errorf("the union has %d notes, git's merge %d", len(strings.Split(a, "\n")), len(strings.Split(o, "\n")))
	}
	m, o := median(mine), median(git)
	b.ReportMetric(m, "union-ms")
	b.ReportMetric(o, "git-notes-merge-ms")
	b.ReportMetric(median(check), "check-ms")
	b.ReportMetric(m/o, "union/git")
}
