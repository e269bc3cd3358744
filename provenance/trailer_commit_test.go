package provenance

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// commitTrailerCorpus adds to trailerCorpus messages where git's readers of
// commits and `git interpret-trailers` part ways: a "---" line in the body.
var commitTrailerCorpus = []string{
	"feat: x\n\nbody\n---\nmore body\n\nAssisted-by: claude-code:claude-opus-4-5\n",
	"feat: x\n\n---\n\nAssisted-by: claude-code:claude-opus-4-5\n",
	"feat: x\n\nbody\n\n---\nAssisted-by: claude-code:claude-opus-4-5\n",
	"feat: x\n\nbody\n--- \ndiff --git a/x b/x\n\nSigned-off-by: A <a@x>\n",
	// A squash-merge of a Copilot agent's pull request, in the shape GitHub
	// writes it (commit list, a "---------" rule, then the co-authors).
	"Go bindings: extract helpers (#9465)\n\n* Initial plan\n\n* simplify Go bindings\n\nAgent-Logs-Url: https://github.com/o/r/sessions/eb6e05d8\n\nCo-authored-by: Dev <1+dev@users.noreply.github.com>\n\n---------\n\nCo-authored-by: copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>\nCo-authored-by: Dev <1+dev@users.noreply.github.com>\n",
	"x\n\nKey: v\n---\nOther: w\n",
	"x\n\n---\n",
	"---\n\nKey: v\n",
}

// TestParseCommitTrailersMatchesGitLog holds ParseCommitTrailers to `git
// log --format=%(trailers:only,unfold)` over commits git made from every
// message of both corpora.
func TestParseCommitTrailersMatchesGitLog(t *testing.T) {
	requireGit(t)
	env := append(gitEnv(t), "GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=T",
		"GIT_COMMITTER_EMAIL=t@example.com", "GIT_AUTHOR_DATE=1700000000 +0000", "GIT_COMMITTER_DATE=1700000000 +0000")
	dir := t.TempDir()
	run := func(stdin string, args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, env
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %v: %v", args, err)
		}
		return string(out)
	}
	run("", "init", "-q")
	tree := strings.TrimSpace(run("", "mktree"))
	msgs := append(append([]string{}, trailerCorpus...), commitTrailerCorpus...)
	ids := make([]string, len(msgs))
	for i, msg := range msgs {
		// commit-tree stores the message byte for byte, no cleanup.
		ids[i] = strings.TrimSpace(run(msg, "commit-tree", tree))
	}
	out := run(strings.Join(ids, "\n")+"\n", "log", "--no-walk=unsorted", "--stdin", "--format=%H%x00%(trailers:only,unfold)%x01")
	got := map[string]string{}
	for _, rec := range strings.Split(out, "\x01") {
		rec = strings.TrimPrefix(rec, "\n")
		id, trailers, ok := strings.Cut(rec, "\x00")
		if ok {
			got[id] = trailers
		}
	}
	differsFromPatch := 0
	for i, msg := range msgs {
		want, ok := got[ids[i]]
		if !ok {
			t.Fatalf("message %d: git log printed nothing for %s", i, ids[i])
		}
		stored := run("", "cat-file", "commit", ids[i])
		_, body, _ := strings.Cut(stored, "\n\n")
		var b strings.Builder
		for _, tr := range ParseCommitTrailers(body) {
			b.WriteString(tr.String() + "\n")
		}
		if diff := cmp.Diff(want, b.String()); diff != "" {
			t.Errorf("message %d %q: ParseCommitTrailers differs from git log (-git +ours):\n%s", i, msg, diff)
		}
		var p strings.Builder
		for _, tr := range ParseTrailers(body) {
			p.WriteString(tr.String() + "\n")
		}
		if p.String() != b.String() {
			differsFromPatch++
		}
	}
	// The corpus must hold the cases this is about.
	if differsFromPatch < 5 {
		t.Errorf("only %d messages tell the commit reading from the patch reading", differsFromPatch)
	}
}
