// Command prereceive is a server-side git pre-receive hook that rejects a
// push whose new commits fail the repository's hallmark policy, with the
// reasons on the pusher's terminal.
//
// Install it as the hook of a bare repository:
//
//	go build -o /srv/git/app.git/hooks/pre-receive ./examples/prereceive
//
// For each branch or tag the push creates or moves, it verifies the commits
// the server does not have yet against the policy (.hallmark/policy.yaml) of
// the ref's current tip, or of HEAD for a new ref: the policy of the base,
// so that a push cannot bring its own rules. Notes
// (refs/notes/hallmark) may come in the same push: they are read from the
// pushed objects, still in git's quarantine, through a scratch repository
// that borrows both object stores. Deleting a branch, and pushing notes
// alone, are let through; deleting or rewinding the notes is not. Without a policy at the base the push is rejected: the
// hook fails closed.
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/repo"
)

func main() {
	ok, err := run(context.Background(), os.Stdin, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "hallmark pre-receive:", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}

// update is one line of what git gives a pre-receive hook.
type update struct{ old, new, ref string }

// zero reports whether an object id is git's "none" (all zeros).
func zero(id string) bool { return strings.Trim(id, "0") == "" }

func readUpdates(in io.Reader) ([]update, error) {
	var out []update
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 {
			return nil, fmt.Errorf("unexpected input %q", sc.Text())
		}
		out = append(out, update{f[0], f[1], f[2]})
	}
	return out, sc.Err()
}

// run judges the push; false means rejected, with the reasons written to w.
func run(ctx context.Context, in io.Reader, w io.Writer) (bool, error) {
	updates, err := readUpdates(in)
	if err != nil {
		return false, err
	}
	server, err := serverDir()
	if err != nil {
		return false, err
	}
	scratch, err := newScratch(ctx, server, updates)
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(scratch)
	r, err := repo.Open(ctx, scratch)
	if err != nil {
		return false, err
	}
	defer r.Close()
	have, err := gitLines(ctx, server, "for-each-ref", "--format=%(objectname)", "refs/heads", "refs/tags")
	if err != nil {
		return false, err
	}
	pass := true
	for _, u := range updates {
		if u.ref == repo.NotesRef {
			// The notes only grow: a push that deletes or rewinds them
			// would drop other people's records.
			if reason := notesRewound(ctx, scratch, u); reason != "" {
				fmt.Fprintf(w, "hallmark: %s rejected: %s; fetch and merge them (hallmark sync) instead\n", u.ref, reason)
				pass = false
			}
			continue
		}
		if zero(u.new) || !(strings.HasPrefix(u.ref, "refs/heads/") || strings.HasPrefix(u.ref, "refs/tags/")) {
			continue
		}
		base := u.old
		if zero(base) {
			base = "HEAD"
		}
		pol, ring, err := r.PolicyAt(ctx, base)
		if err == nil && ring.Len() == 0 {
			err = attest.ErrNoKeys
		}
		if err != nil {
			fmt.Fprintf(w, "hallmark: %s rejected: %v\n", u.ref, err)
			pass = false
			continue
		}
		rng := []string{u.new}
		for _, h := range have {
			rng = append(rng, "^"+h)
		}
		rep, err := r.Verify(ctx, &repo.VerifyOptions{Keyring: ring, Policy: pol, Range: rng})
		if err != nil {
			return false, err
		}
		if rep.Pass {
			fmt.Fprintf(w, "hallmark: %s: %d new commits verified against the policy of %.12s (AI share %.1f%%)\n", u.ref, len(rep.Commits), base, 100*rep.Lines.AIShare())
			continue
		}
		pass = false
		fmt.Fprintf(w, "hallmark: %s rejected by the policy of %.12s:\n", u.ref, base)
		for _, v := range rep.Violations {
			fmt.Fprintf(w, "hallmark:   %s\n", v)
		}
		fmt.Fprintf(w, "hallmark: stamp and sign the commits (hallmark stamp --key ...), then push them with their notes:\n")
		fmt.Fprintf(w, "hallmark:   git push origin %s %s\n", strings.TrimPrefix(u.ref, "refs/heads/"), repo.NotesRef)
	}
	return pass, nil
}

// notesRewound says why an update of the notes ref would lose notes, or "".
func notesRewound(ctx context.Context, scratch string, u update) string {
	switch {
	case zero(u.old):
		return ""
	case zero(u.new):
		return "it deletes the notes"
	}
	if _, err := gitLines(ctx, scratch, "merge-base", "--is-ancestor", u.old, u.new); err != nil {
		return "it is not a fast-forward of the server's notes"
	}
	return ""
}

// serverDir is the repository the hook runs for: git starts the hook in it.
func serverDir() (string, error) {
	d := os.Getenv("GIT_DIR")
	if d == "" {
		d = "."
	}
	return filepath.Abs(d)
}

// newScratch makes a bare repository whose objects are the server's and the
// push's (git's quarantine), with refs for the pushed tips and the notes as
// they would be after the push, so that the library reads the world the push
// would make without anything being written to the server.
func newScratch(ctx context.Context, server string, updates []update) (string, error) {
	objects := []string{filepath.Join(server, "objects")}
	if q := os.Getenv("GIT_QUARANTINE_PATH"); q != "" {
		abs, err := filepath.Abs(q)
		if err != nil {
			return "", err
		}
		objects = append([]string{abs}, objects...)
	}
	notes := ""
	if out, err := gitLines(ctx, server, "rev-parse", "-q", "--verify", repo.NotesRef); err == nil && len(out) == 1 {
		notes = out[0]
	}
	// Only now may the environment git gave the hook go: from here on git
	// is to look at the scratch repository, not the server's quarantine.
	for _, k := range []string{"GIT_DIR", "GIT_QUARANTINE_PATH", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_PUSH_OPTION_COUNT"} {
		os.Unsetenv(k)
	}
	dir, err := os.MkdirTemp("", "hallmark-pre-receive-")
	if err != nil {
		return "", err
	}
	if _, err := gitLines(ctx, dir, "init", "-q", "--bare"); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "objects", "info", "alternates"), []byte(strings.Join(objects, "\n")+"\n"), 0o644); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	head, err := gitLines(ctx, server, "symbolic-ref", "-q", "HEAD")
	if err == nil && len(head) == 1 {
		if _, err := gitLines(ctx, dir, "symbolic-ref", "HEAD", head[0]); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
	}
	refs, err := gitLines(ctx, server, "for-each-ref", "--format=%(objectname) %(refname)", "refs/heads", "refs/tags")
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	set := map[string]string{}
	for _, l := range refs {
		id, ref, _ := strings.Cut(l, " ")
		set[ref] = id
	}
	if notes != "" {
		set[repo.NotesRef] = notes
	}
	for _, u := range updates {
		switch {
		case u.ref == repo.NotesRef && !zero(u.new):
			set[u.ref] = u.new
		case strings.HasPrefix(u.ref, "refs/heads/") || strings.HasPrefix(u.ref, "refs/tags/"):
			// Pushed tips go under their own names, so that the server's
			// refs keep telling what the server already has.
			if !zero(u.new) {
				set["refs/pushed/"+strings.TrimPrefix(u.ref, "refs/")] = u.new
			}
		}
	}
	var script strings.Builder
	for ref, id := range set {
		fmt.Fprintf(&script, "update %s %s\n", ref, id)
	}
	cmd := exec.CommandContext(ctx, "git", "update-ref", "--stdin")
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(script.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("scratch refs: %w: %s", err, out)
	}
	return dir, nil
}

func gitLines(ctx context.Context, dir string, args ...string) ([]string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, errors.New("git " + strings.Join(args, " ") + ": " + err.Error() + ": " + strings.TrimSpace(stderr.String()))
	}
	s := strings.TrimRight(string(out), "\n")
	if s == "" {
		return nil, nil
	}
	return strings.Split(s, "\n"), nil
}
