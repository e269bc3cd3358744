package provenance

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// gitEnv isolates git from the user's and system's configuration, so that
// no trailer.* setting changes what the oracle prints.
func gitEnv(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	return append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "GIT_CONFIG_NOSYSTEM=1", "LC_ALL=C")
}

func gitTrailers(t *testing.T, env []string, msg string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"interpret-trailers"}, args...)...)
	cmd.Env = env
	cmd.Dir = t.TempDir()
	cmd.Stdin = strings.NewReader(msg)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git interpret-trailers %v on %q: %v", args, msg, err)
	}
	return string(out)
}

func requireGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is required for this test: install git")
	}
}

func TestParseTrailersMatchesGit(t *testing.T) {
	requireGit(t)
	env := gitEnv(t)
	if len(trailerCorpus) < 60 {
		t.Fatalf("corpus has %d messages, want at least 60", len(trailerCorpus))
	}
	for i, msg := range trailerCorpus {
		want := gitTrailers(t, env, msg, "--parse")
		var b strings.Builder
		for _, tr := range ParseTrailers(msg) {
			b.WriteString(tr.String() + "\n")
		}
		if diff := cmp.Diff(want, b.String()); diff != "" {
			t.Errorf("message %d %q: ParseTrailers differs from git (-git +ours):\n%s", i, msg, diff)
		}
	}
}

func TestAddTrailerMatchesGit(t *testing.T) {
	requireGit(t)
	env := gitEnv(t)
	add := []Trailer{
		{"Assisted-by", "claude-code:anthropic/claude-opus-4-5 hallmark"},
		{"Key", "v"},
		{"Signed-off-by", "A <a@example.com>"},
	}
	for i, msg := range trailerCorpus {
		for _, tr := range add {
			want := gitTrailers(t, env, msg, "--trailer", tr.Key+": "+tr.Value)
			got := AddTrailer(msg, tr)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("message %d %q + %q: AddTrailer differs from git (-git +ours):\n%s", i, msg, tr, diff)
			}
		}
	}
}

func TestParseTrailersCommitMessages(t *testing.T) {
	// The oracle on commits git itself wrote: the message comes back from
	// `git log --format=%B` exactly as stored.
	requireGit(t)
	env := gitEnv(t)
	dir := t.TempDir()
	run := func(stdin string, args ...string) string {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, append(env, "GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.com")
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("", "init", "-q")
	if err := os.WriteFile(filepath.Join(dir, "f"), []byte("x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run("", "add", "f")
	msg := "feat: x\n\nbody\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>\nSigned-off-by: T <t@example.com>\n"
	run(msg, "commit", "-q", "--cleanup=verbatim", "-F", "-")
	stored := run("", "cat-file", "commit", "HEAD")
	_, body, _ := strings.Cut(stored, "\n\n")
	want := gitTrailers(t, env, body, "--parse")
	var b strings.Builder
	for _, tr := range ParseTrailers(body) {
		b.WriteString(tr.String() + "\n")
	}
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("stored commit message: (-git +ours)\n%s", diff)
	}
}

func FuzzParseTrailers(f *testing.F) {
	for _, m := range trailerCorpus {
		f.Add(m)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		trs := ParseTrailers(msg)
		for _, tr := range trs {
			if tr.Key == "" {
				t.Fatalf("empty key in %q", msg)
			}
		}
		out := AddTrailer(msg, Trailer{"Fuzz-Key", "value"})
		if !strings.Contains(out, "Fuzz-Key: value\n") {
			t.Fatalf("AddTrailer lost the trailer: %q -> %q", msg, out)
		}
	})
}
