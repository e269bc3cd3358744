package attribution

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

var model = provenance.Author{Kind: provenance.Model, ModelID: "anthropic/claude-opus-4-5-20251101", Tool: "claude-code"}

// evidenceRepo has one commit for each kind of evidence.
func evidenceRepo(t *testing.T) (*gittest.Repo, *repo.Repo, *attest.Keyring) {
	ctx := context.Background()
	g := gittest.New(t)
	rp, err := repo.Open(ctx, g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rp.Close() })
	priv, _ := attest.GenerateKey(attest.ECDSAP256)
	signer, _ := attest.NewSigner(priv)
	ring, _ := attest.NewKeyring(attest.TrustedKey{Name: "dev", Key: priv.Public()})

	g.Write("none.txt", "n1\nn2\n")
	g.Commit("plain human commit", "")
	g.Write("signed.go", "s1\ns2\ns3\n")
	rp.Checkpoint(ctx, repo.CheckpointOptions{Author: model})
	g.Write("signed.go", "s1\ns2 edited\ns3\n")
	rp.Checkpoint(ctx, repo.CheckpointOptions{})
	g.Commit("signed", "")
	if _, err := rp.Stamp(ctx, "HEAD", &repo.StampOptions{Signer: signer}); err != nil {
		t.Fatal(err)
	}
	g.Write("unsigned.go", "u1\n")
	rp.Checkpoint(ctx, repo.CheckpointOptions{Author: model})
	g.Commit("unsigned", "")
	rp.Stamp(ctx, "HEAD", nil)
	g.Write("inferred.go", "i1\ni2\n")
	g.Commit("feat\n\nCo-authored-by: Codex <noreply@openai.com>\n", "")
	g.Write("img.png", "\x89PNG\x00\x00binary")
	g.Commit("binary", "")
	return g, rp, ring
}

func TestEvidence(t *testing.T) {
	ctx := context.Background()
	g, rp, ring := evidenceRepo(t)
	a, err := Analyze(ctx, rp, &Options{Keyring: ring})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, p := range a.Files() {
		lines, err := a.File(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lines {
			got[p] = append(got[p], string(l.Class)+"/"+string(l.Evidence))
		}
	}
	want := map[string][]string{
		"none.txt":    {"human/none", "human/none"},
		"signed.go":   {"ai/signed", "mixed/signed", "ai/signed"},
		"unsigned.go": {"ai/unsigned"},
		"inferred.go": {"ai/inferred", "ai/inferred"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
	if !slicesEqual(a.Binary, []string{"img.png"}) {
		t.Errorf("binary files: %v", a.Binary)
	}
	// Without trusted keys, a signed record is evidence of a signature no
	// trusted key checks: "untrusted", not "signed".
	a2, _ := Analyze(ctx, rp, &Options{})
	lines, _ := a2.File("signed.go")
	if lines[0].Evidence != Untrusted || !a2.FromCache {
		t.Errorf("without keys: %+v (from cache %v)", lines[0], a2.FromCache)
	}
	rep, err := a.Report(ctx, "evidence")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Lines.Total() != 8 || rep.Lines.AI != 5 || rep.Lines.Mixed != 1 || rep.Lines.Human != 2 || rep.BinaryFilesSkipped != 1 || rep.Files != 5 {
		t.Errorf("report: %+v, %d files, %d binary", rep.Lines, rep.Files, rep.BinaryFilesSkipped)
	}
	keys := []string{}
	for _, r := range rep.Breakdown {
		keys = append(keys, r.Key)
	}
	if !slicesEqual(keys, []string{"signed", "inferred", "none", "unsigned"}) {
		t.Errorf("evidence breakdown: %v", keys)
	}
	// --since and pathspecs.
	a3, _ := Analyze(ctx, rp, &Options{Since: "HEAD~2", Paths: []string{"inferred.go", "signed.go"}})
	rep3, _ := a3.Report(ctx, "file")
	if rep3.Lines.Total() != 2 || len(rep3.Breakdown) != 1 || rep3.Breakdown[0].Key != "inferred.go" {
		t.Errorf("since HEAD~2 limited to two files: %+v %+v", rep3.Lines, rep3.Breakdown)
	}
	_ = g
}

func slicesEqual(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }

func TestBareRepositoryAndCache(t *testing.T) {
	ctx := context.Background()
	g, _, _ := evidenceRepo(t)
	bare := t.TempDir()
	if out, err := exec.Command("git", "clone", "-q", "--bare", g.Dir, bare).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	exec.Command("git", "-C", bare, "fetch", "-q", g.Dir, "refs/notes/hallmark:refs/notes/hallmark").Run()
	rp, err := repo.Open(ctx, bare)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Close()
	a, err := Analyze(ctx, rp, &Options{Rev: "HEAD~1"})
	if err != nil {
		t.Fatal(err)
	}
	if a.FromCache {
		t.Error("first analysis came from a cache")
	}
	rep, _ := a.Report(ctx, "")
	if rep.Lines.Total() != 8 {
		t.Errorf("bare: %+v", rep.Lines)
	}
	b, _ := Analyze(ctx, rp, &Options{Rev: "HEAD~1"})
	rep2, _ := b.Report(ctx, "")
	if !b.FromCache || rep2.Lines != rep.Lines {
		t.Errorf("second analysis: from cache %v, %+v", b.FromCache, rep2.Lines)
	}
	// A corrupt cache is recomputed, not trusted.
	matches, _ := filepath.Glob(filepath.Join(bare, "hallmark", "cache", "*", "*.gob"))
	if len(matches) == 0 {
		t.Fatal("no cache written")
	}
	os.WriteFile(matches[0], []byte("garbage"), 0o644)
	c, err := Analyze(ctx, rp, &Options{Rev: "HEAD~1"})
	if err != nil || c.FromCache {
		t.Errorf("corrupt cache: %v from cache %v", err, c.FromCache)
	}
}

func TestPeriodsCountMergesWhenTheyLand(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Write("a", "1\n")
	g.Commit("start", "") // tick-based dates: 2023-11-14
	g.Git("checkout", "-q", "-b", "side")
	g.Write("b", "x\ny\n")
	g.Commit("side work\n\nCo-authored-by: Codex <noreply@openai.com>\n", "")
	g.Git("checkout", "-q", "main")
	cmd := exec.Command("git", "merge", "-q", "--no-ff", "-m", "merge side", "side")
	cmd.Dir = g.Dir
	cmd.Env = append(gittest.Env(t.TempDir()), "GIT_COMMITTER_DATE=1720000000 +0000", "GIT_AUTHOR_DATE=1720000000 +0000")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	rp, _ := repo.Open(ctx, g.Dir)
	defer rp.Close()
	rows, err := Periods(ctx, rp, &PeriodOptions{Quarter: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r.Key] = strconv.Itoa(r.Lines.Total()) + "/" + strconv.Itoa(r.Lines.AI)
	}
	// The side commit was made in 2023 but landed with the merge in 2024-Q3.
	want := map[string]string{"2023-Q4": "1/0", "2024-Q3": "2/2"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got)\n%s", diff)
	}
}
