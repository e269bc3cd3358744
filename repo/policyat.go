package repo

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/policy"
)

// PolicyAt reads the policy of a revision: [policy.File] in the commit's
// tree, and the key files it names from that same tree, by paths relative
// to the repository's root (see "Key files" in package policy). Nothing is
// read from the work tree or the index, so what a checkout has edited
// cannot change it. A revision without a policy file gives an error that
// wraps [policy.ErrNoPolicy]; a policy path that is there but is not a
// regular file (a directory, a symbolic link, a submodule) is an error of
// its own, never "no policy".
func (r *Repo) PolicyAt(ctx context.Context, rev string) (*policy.Policy, *attest.Keyring, error) {
	c, err := r.commit(ctx, rev)
	if err != nil {
		return nil, nil, err
	}
	data, err := r.treeFile(ctx, c.Tree, len(c.ID)/2, policy.File)
	if errors.Is(err, errNotInTree) {
		return nil, nil, fmt.Errorf("%w: %s has no %s", policy.ErrNoPolicy, rev, policy.File)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("repo: policy of %s: %w", rev, err)
	}
	p, ring, err := policy.Load(data, func(name string) ([]byte, error) {
		clean, err := treePath(name)
		if err != nil {
			return nil, err
		}
		return r.treeFile(ctx, c.Tree, len(c.ID)/2, clean)
	})
	if err != nil {
		return nil, nil, fmt.Errorf("repo: %s of %s (commit %.12s): %w", policy.File, rev, c.ID, err)
	}
	return p, ring, nil
}

// errNotInTree is returned by treeFile when no entry has the path.
var errNotInTree = errors.New("repo: no such file in the commit")

// treePath makes a key path of a committed policy a path in the tree: it
// must stay inside the tree.
func treePath(name string) (string, error) {
	if strings.HasPrefix(name, "/") {
		return "", fmt.Errorf("repo: %s is an absolute path; a committed policy names key files relative to the repository's root", name)
	}
	clean := path.Clean(name)
	if clean == "." || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("repo: %s is not a file inside the repository; a committed policy names key files relative to the repository's root", name)
	}
	return clean, nil
}

// treeFile returns the content of the regular file at a slash-separated
// path below a tree, walking the tree objects by id (never git's
// "<rev>:<path>" syntax, which reads "./" paths from the work tree's
// current directory and follows no rule we choose).
func (r *Repo) treeFile(ctx context.Context, tree string, rawLen int, name string) ([]byte, error) {
	b, err := r.reader(ctx)
	if err != nil {
		return nil, err
	}
	id, mode := tree, "40000"
	parts := strings.Split(name, "/")
	for i, part := range parts {
		typ, data, err := b.Read(id)
		if err != nil {
			return nil, err
		}
		if typ != "tree" {
			return nil, fmt.Errorf("repo: %s is a %s, not a tree", id, typ)
		}
		entries, err := parseTree(data, rawLen)
		if err != nil {
			return nil, err
		}
		found := false
		for _, e := range entries {
			if e.name == part {
				id, mode, found = e.id, e.mode, true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("%w: %s", errNotInTree, name)
		}
		if i < len(parts)-1 && mode != "40000" {
			return nil, fmt.Errorf("repo: %s is not a directory in the commit (mode %s)", strings.Join(parts[:i+1], "/"), mode)
		}
	}
	switch mode {
	case "100644", "100755":
	case "40000":
		return nil, fmt.Errorf("repo: %s is a directory in the commit, not a file", name)
	case "120000":
		return nil, fmt.Errorf("repo: %s is a symbolic link in the commit; commit the file itself", name)
	case "160000":
		return nil, fmt.Errorf("repo: %s is a submodule in the commit, not a file", name)
	default:
		return nil, fmt.Errorf("repo: %s has mode %s in the commit, not a regular file", name, mode)
	}
	typ, data, err := b.Read(id)
	if err != nil {
		return nil, err
	}
	if typ != "blob" {
		return nil, fmt.Errorf("repo: %s is a %s, not a file", name, typ)
	}
	return data, nil
}
