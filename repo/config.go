package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Config returns the git configuration hallmark reads (hallmark.*, user.*
// and core.sharedRepository), from one `git config` call, cached. The map
// is shared by every caller: read it, never change it.
func (r *Repo) Config(ctx context.Context) map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.config != nil {
		return r.config
	}
	r.config = map[string]string{}
	out, err := r.git.Output(ctx, "config", "-z", "--get-regexp", `^(hallmark|user)\.|^core\.sharedrepository$`)
	if err != nil {
		return r.config // none set
	}
	for _, e := range bytes.Split(out, []byte{0}) {
		k, v, _ := strings.Cut(string(e), "\n")
		if k != "" {
			r.config[strings.ToLower(k)] = v
		}
	}
	return r.config
}

var rawDate = regexp.MustCompile(`^@?\d+ [+-]\d{4}$`)

// committerIdent is "Name <email> time zone" for notes commits: git's own
// rules (GIT_COMMITTER_* first, then user.name and user.email).
func (r *Repo) committerIdent(ctx context.Context) (string, error) {
	cfg := r.Config(ctx)
	name := os.Getenv("GIT_COMMITTER_NAME")
	if name == "" {
		name = cfg["user.name"]
	}
	email := os.Getenv("GIT_COMMITTER_EMAIL")
	if email == "" {
		email = cfg["user.email"]
	}
	if name == "" || email == "" {
		return "", errors.New("repo: notes commits need your identity: set git config user.name and user.email")
	}
	when := fmt.Sprintf("%d +0000", time.Now().Unix())
	if d := os.Getenv("GIT_COMMITTER_DATE"); rawDate.MatchString(d) {
		when = strings.TrimPrefix(d, "@")
	}
	return fmt.Sprintf("%s <%s> %s", name, email, when), nil
}

// reflogHead returns the messages of HEAD's newest reflog entries, newest
// first, read from the file (no process).
func (r *Repo) reflogHead(n int) []string { return r.reflogUpTo("", n) }

// reflogUpTo is reflogHead from the entry that moved HEAD to commit
// (the last such), or from the newest entry when commit is "".
func (r *Repo) reflogUpTo(commit string, n int) []string {
	f, err := os.Open(filepath.Join(r.git.GitDir, "logs", "HEAD"))
	if err != nil {
		return nil
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil
	}
	off := max(st.Size()-64<<10, 0)
	buf := make([]byte, st.Size()-off)
	if _, err := f.ReadAt(buf, off); err != nil {
		return nil
	}
	lines := strings.Split(strings.TrimRight(string(buf), "\n"), "\n")
	if commit != "" {
		for len(lines) > 0 {
			if f := strings.Fields(lines[len(lines)-1]); len(f) > 1 && f[1] == commit {
				break
			}
			lines = lines[:len(lines)-1]
		}
	}
	var out []string
	for i := len(lines) - 1; i >= 0 && len(out) < n; i-- {
		if _, msg, ok := strings.Cut(lines[i], "\t"); ok {
			out = append(out, msg)
		} else {
			out = append(out, "")
		}
	}
	return out
}
