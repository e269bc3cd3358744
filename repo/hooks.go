package repo

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// PostCommit is what the post-commit hook does: stamp the new commit, or
// carry records into it when git made it from other commits.
//
//   - during a rebase, nothing: post-rewrite carries the records at its end;
//   - after `commit --amend`, nothing: post-rewrite carries them;
//   - after a cherry-pick (CHERRY_PICK_HEAD, or a "cherry picked from"
//     line), carry from the picked commit;
//   - after `merge --squash` (git's "Squashed commit of the following"
//     message), carry from the squashed commits;
//   - otherwise stamp.
func (r *Repo) PostCommit(ctx context.Context, opts *StampOptions) (*StampResult, string, error) {
	gd := r.git.GitDir
	for _, d := range []string{"rebase-merge", "rebase-apply"} {
		if _, err := os.Stat(filepath.Join(gd, d)); err == nil {
			return nil, "rebase in progress: post-rewrite will carry the records", nil
		}
	}
	if out, err := r.git.Output(ctx, "reflog", "-1", "--format=%gs", "HEAD"); err == nil && strings.HasPrefix(string(out), "commit (amend)") {
		return nil, "amend: post-rewrite will carry the records", nil
	}
	c, err := r.Commit(ctx, "HEAD")
	if err != nil {
		return nil, "", err
	}
	var sources []string
	if b, err := os.ReadFile(filepath.Join(gd, "CHERRY_PICK_HEAD")); err == nil {
		sources = append(sources, strings.TrimSpace(string(b)))
	}
	for _, m := range cherryPicked.FindAllStringSubmatch(c.Message, -1) {
		sources = append(sources, m[1])
	}
	if strings.Contains(c.Message, "Squashed commit of the following:") {
		for _, m := range squashedCommit.FindAllStringSubmatch(c.Message, -1) {
			sources = append([]string{m[1]}, sources...) // git lists newest first
		}
	}
	var known []string
	for _, s := range sources {
		if _, err := r.git.ResolveCommit(ctx, s); err == nil {
			known = append(known, s)
		}
	}
	if len(known) > 0 {
		res, err := r.Carry(ctx, known, c.ID, opts)
		return res, fmt.Sprintf("carried from %d commits", len(known)), err
	}
	res, err := r.Stamp(ctx, c.ID, opts)
	return res, "stamped", err
}

var (
	cherryPicked   = regexp.MustCompile(`(?m)^\(cherry picked from commit ([0-9a-f]{40,64})\)$`)
	squashedCommit = regexp.MustCompile(`(?m)^commit ([0-9a-f]{40,64})$`)
)

// PostRewrite is what the post-rewrite hook does: read git's "OLD NEW"
// lines and carry the old commits' records to the new ones. Several old
// commits rewritten into one (squash, fixup) are carried together.
func (r *Repo) PostRewrite(ctx context.Context, kind string, pairs io.Reader, opts *StampOptions) (int, error) {
	if kind == "amend" {
		// Inside a rebase, the rebase's own post-rewrite has the whole map.
		for _, d := range []string{"rebase-merge", "rebase-apply"} {
			if _, err := os.Stat(filepath.Join(r.git.GitDir, d)); err == nil {
				return 0, nil
			}
		}
	}
	var order []string
	from := map[string][]string{}
	sc := bufio.NewScanner(pairs)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		if _, ok := from[f[1]]; !ok {
			order = append(order, f[1])
		}
		from[f[1]] = append(from[f[1]], f[0])
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, target := range order {
		if _, err := r.Carry(ctx, from[target], target, opts); err != nil {
			return n, fmt.Errorf("repo: carry onto %s: %w", target, err)
		}
		n++
	}
	return n, nil
}

// CarryRange carries the records of the commits in base..head (oldest
// first) onto target: what a CI job runs after a squash-merge or a
// rebase-merge made by a server.
func (r *Repo) CarryRange(ctx context.Context, base, head, target string, opts *StampOptions) (*StampResult, error) {
	commits, err := r.git.RevList(ctx, base+".."+head)
	if err != nil {
		return nil, err
	}
	if len(commits) == 0 {
		return nil, fmt.Errorf("repo: %s..%s has no commits to carry", base, head)
	}
	return r.Carry(ctx, commits, target, opts)
}
