package repo

import (
	"bufio"
	"context"
	"fmt"
	"github.com/hallmark-dev/hallmark/internal/words"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hallmark-dev/hallmark/internal/git"
)

// postCommit is what the post-commit hook does: stamp the new commit, or
// carry records into it when git made it from other commits.
//
//   - during a rebase, nothing: post-rewrite carries the records at its end;
//   - after `commit --amend`, nothing: post-rewrite carries them;
//   - after a cherry-pick (CHERRY_PICK_HEAD, or a "cherry picked from"
//     line), carry from the picked commit;
//   - after `merge --squash` (git's "Squashed commit of the following"
//     message), carry from the squashed commits;
//   - otherwise stamp.
//
// seen is what the hook saw when git ran it; nil reads it now. A stamp in
// the background is handed it, for git has moved on by then:
// CHERRY_PICK_HEAD is gone, HEAD or ORIG_HEAD may have moved, and the hook
// ran only outside a rebase.
func (r *Repo) postCommit(ctx context.Context, seen *hookMoment, opts *StampOptions) (*StampResult, string, error) {
	gd := r.git.GitDir
	if seen == nil {
		for _, d := range []string{"rebase-merge", "rebase-apply"} {
			if _, err := os.Stat(filepath.Join(gd, d)); err == nil {
				return nil, "rebase in progress: post-rewrite will carry the records", nil
			}
		}
		seen = &hookMoment{Commit: "HEAD", OrigHead: "ORIG_HEAD"}
		if b, err := os.ReadFile(filepath.Join(gd, "CHERRY_PICK_HEAD")); err == nil {
			seen.CherryPickHead = strings.TrimSpace(string(b))
		}
	}
	c, err := r.commit(ctx, seen.Commit)
	if err != nil {
		return nil, "", err
	}
	reflog := r.reflogUpTo(c.ID, 2)
	if len(reflog) > 0 && strings.HasPrefix(reflog[0], "commit (amend)") {
		return nil, "amend: post-rewrite will carry the records", nil
	}
	var sources []string
	// `reset --soft` then commit: the commits reset away are the sources.
	if len(reflog) > 1 && strings.HasPrefix(reflog[1], "reset: moving to") && len(c.Parents) > 0 && seen.OrigHead != "" {
		if orig, err := r.git.ResolveCommit(ctx, seen.OrigHead); err == nil {
			if ids, err := r.git.RevList(ctx, orig, "--not", c.Parents[0]); err == nil {
				sources = append(sources, ids...)
			}
		}
	}
	// `cherry-pick -n` then commit: prepare-commit-msg wrote down the source.
	sources = append(sources, r.takeCarryFrom(c)...)
	if seen.CherryPickHead != "" {
		sources = append(sources, seen.CherryPickHead)
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
		return res, "carried from " + words.Count(len(known), "commit"), err
	}
	res, err := r.Stamp(ctx, c.ID, opts)
	return res, "stamped", err
}

// hookMoment is what the post-commit hook saw of the repository: the
// commit made, and ORIG_HEAD and CHERRY_PICK_HEAD then (revisions or ids,
// "" for none).
type hookMoment struct {
	Commit, OrigHead, CherryPickHead string
}

// parseHookMoment reads the background stamp's arguments, as the hook's
// shell wrote them: HEAD=ID ORIG_HEAD=ID CHERRY_PICK_HEAD=ID, each ID
// empty when the shell could not read it (HEAD then means HEAD now).
func parseHookMoment(args []string) (*hookMoment, error) {
	m := &hookMoment{}
	for _, a := range args {
		k, v, ok := strings.Cut(a, "=")
		if !ok || (v != "" && !git.IsObjectID(v)) {
			return nil, fmt.Errorf("repo: post-commit --in-background: %q is not NAME=ID", a)
		}
		switch k {
		case "HEAD":
			m.Commit = v
		case "ORIG_HEAD":
			m.OrigHead = v
		case "CHERRY_PICK_HEAD":
			m.CherryPickHead = v
		default:
			return nil, fmt.Errorf("repo: post-commit --in-background: unknown %q", k)
		}
	}
	if m.Commit == "" {
		m.Commit = "HEAD"
	}
	return m, nil
}

// postMerge is what the post-merge hook does: stamp the merge commit that
// `git merge` (or `git pull`) just made. git runs the hook after a
// fast-forward and after `merge --squash` too: a fast-forward made no
// commit here (HEAD's record, if any, came with it), and a squash's commit
// is made later by `git commit`, whose post-commit carries the records.
// A merge whose conflicts were resolved by hand is committed by `git
// commit` and stamped by post-commit; git does not run post-merge then.
func (r *Repo) postMerge(ctx context.Context, squash bool, opts *StampOptions) (*StampResult, string, error) {
	if squash {
		return nil, "merge --squash: the commit that follows carries the records", nil
	}
	c, err := r.commit(ctx, "HEAD")
	if err != nil {
		return nil, "", err
	}
	if len(c.Parents) < 2 {
		return nil, "fast-forward: no merge commit to stamp", nil
	}
	// The reflog tells a merge made here from a fast-forward onto someone
	// else's merge commit; without one, ORIG_HEAD (where HEAD was before
	// the merge) being the first parent does.
	if reflog := r.reflogHead(1); len(reflog) > 0 {
		if !strings.Contains(reflog[0], ": Merge made by ") {
			return nil, "no merge commit was made here: nothing to stamp", nil
		}
	} else if orig, err := r.git.ResolveCommit(ctx, "ORIG_HEAD"); err != nil || orig != c.Parents[0] {
		return nil, "no merge commit was made here: nothing to stamp", nil
	}
	res, err := r.Stamp(ctx, c.ID, opts)
	return res, "stamped merge", err
}

var (
	cherryPicked   = regexp.MustCompile(`(?m)^\(cherry picked from commit ([0-9a-f]{40,64})\)$`)
	squashedCommit = regexp.MustCompile(`(?m)^commit ([0-9a-f]{40,64})$`)
)

// postRewrite is what the post-rewrite hook does: read git's "OLD NEW"
// lines and carry the old commits' records to the new ones. Several old
// commits rewritten into one (squash, fixup) are carried together.
func (r *Repo) postRewrite(ctx context.Context, kind string, pairs io.Reader, opts *StampOptions) (int, error) {
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
	noted, err := r.NotedCommits(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, target := range order {
		if _, err := r.Carry(ctx, from[target], target, opts); err != nil {
			return n, fmt.Errorf("repo: carry onto %s: %w", target, err)
		}
		n++
		// Commits a person made inside the rewrite (an "edit" stop split
		// into several) are not in git's map: they lie between the target
		// and the history it was rebuilt on, and have no record yet.
		extra, err := r.unrecordedAncestors(ctx, target, from[target], from, noted)
		if err != nil {
			return n, err
		}
		for _, e := range extra {
			if _, err := r.Carry(ctx, from[target], e, opts); err != nil {
				return n, fmt.Errorf("repo: carry onto %s: %w", e, err)
			}
			n++
		}
	}
	return n, nil
}

// unrecordedAncestors walks target's first parents while they have no
// record, are not themselves rewrite targets, and are not ancestors of the
// sources (the history the rewrite started from).
func (r *Repo) unrecordedAncestors(ctx context.Context, target string, sources []string, targets map[string][]string, noted map[string]string) ([]string, error) {
	var out []string
	cur := target
	for range 50 {
		c, err := r.commit(ctx, cur)
		if err != nil || len(c.Parents) == 0 {
			break
		}
		p := c.Parents[0]
		if _, ok := noted[p]; ok {
			break
		}
		if _, ok := targets[p]; ok {
			break
		}
		old := false
		for _, s := range sources {
			if _, err := r.git.Output(ctx, "merge-base", "--is-ancestor", p, s); err == nil {
				old = true
				break
			}
		}
		if old {
			break
		}
		out = append(out, p)
		cur = p
	}
	return out, nil
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

// carryFromFile is where prepare-commit-msg leaves the commits a commit
// about to be made was copied from (cherry-pick -n), for post-commit.
func (r *Repo) carryFromFile() string { return filepath.Join(r.git.GitDir, "hallmark", "carry-from") }

// prepareCommit runs before a commit is made: when the index holds a
// `cherry-pick -n` (git left MERGE_MSG, with no merge or pick in progress),
// it finds the picked commits among those with records, by their message,
// and writes them down for post-commit.
func (r *Repo) prepareCommit(ctx context.Context) error {
	gd := r.git.GitDir
	msg, err := os.ReadFile(filepath.Join(gd, "MERGE_MSG"))
	if err != nil {
		return nil
	}
	for _, f := range []string{"MERGE_HEAD", "CHERRY_PICK_HEAD", "REVERT_HEAD"} {
		if _, err := os.Stat(filepath.Join(gd, f)); err == nil {
			return nil
		}
	}
	noted, err := r.NotedCommits(ctx)
	if err != nil {
		return err
	}
	b, err := r.reader(ctx)
	if err != nil {
		return err
	}
	want := strings.TrimSpace(string(msg))
	var found []string
	for id := range noted {
		_, data, err := b.Read(id)
		if err != nil {
			continue
		}
		c, err := git.ParseCommit(id, data)
		if err == nil && strings.TrimSpace(c.Message) == want {
			found = append(found, id)
		}
	}
	if len(found) == 0 {
		return nil
	}
	head, err := r.git.ResolveCommit(ctx, "HEAD")
	if err != nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(r.carryFromFile()), 0o755); err != nil {
		return err
	}
	return writeAtomic(r.carryFromFile(), []byte(head+"\n"+strings.Join(found, "\n")+"\n"))
}

// takeCarryFrom reads and removes what prepareCommit wrote, if it was
// written for this commit (on top of its parent).
func (r *Repo) takeCarryFrom(c *git.Commit) []string {
	b, err := os.ReadFile(r.carryFromFile())
	if err != nil {
		return nil
	}
	os.Remove(r.carryFromFile())
	lines := strings.Fields(string(b))
	if len(lines) < 2 || len(c.Parents) == 0 || lines[0] != c.Parents[0] {
		return nil
	}
	return lines[1:]
}
