package attribution

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/hallmark-dev/hallmark/internal/git"
)

// A report limited to some paths (Options.Paths) replays only what can
// reach them: git's content diffs are most of a replay's cost, and a
// directory's history is a small part of a repository's. reachingPaths
// finds, from the raw diffs of the whole history (no content: on aider
// 0.5 s of CPU where `git log -p` takes 3 s), every path whose lines can
// end up in the files asked for: the files themselves, the sources of
// their renames, and, at a commit that creates one of them or renames
// one with changes, every path that commit renames away (the replay, as git blame, looks
// for such a file's source among them alone: exactSources, and blame.c
// find_rename). The replay then diffs only those paths.
//
// The set is one for the whole history, so it is larger than what each
// commit needs, never smaller: the commits are read children first, so a
// path is in the set before any ancestor's diff that it can reach.

// maxReachPaths bounds the pathspec handed to git: past it, the replay
// diffs every path, as for the whole tree.
const (
	maxReachPaths = 20000
	maxReachBytes = 1 << 20
)

// maxSourceQueries bounds the commits at which the source of an arriving
// file is asked of git; past it, every file such a commit renames away is
// taken as a possible source.
const maxSourceQueries = 2000

// reachingPaths returns the paths that can reach want in the commits of
// order (parents first), or nil when they are too many to be worth a
// pathspec.
func reachingPaths(ctx context.Context, g *git.Repo, order []string, parents func(id string) []string, want []string) ([]string, error) {
	set := make(map[string]bool, len(want))
	size := 0
	add := func(p string) {
		if !set[p] {
			set[p] = true
			size += len(p) + 1
		}
	}
	for _, p := range want {
		add(p)
	}
	var in bytes.Buffer
	var pairs [][2]string // what each header of diff-tree's answer diffs
	for i := len(order) - 1; i >= 0; i-- {
		id := order[i]
		ps := parents(id)
		// A merge against its first parent only: what it differs in from
		// another parent was brought by that parent's own commits, which
		// are read here too (a rename on a branch is its commit's rename).
		// Diffing every parent cost as much as the whole replay on
		// git.git, its topic branches being far behind their merges.
		if len(ps) == 0 {
			in.WriteString(id + "\n")
		} else {
			in.WriteString(id + " " + ps[0] + "\n")
		}
		pairs = append(pairs, [2]string{id, parentOr(ps, 0)})
	}
	tooMany, queries, pi := false, 0, 0
	err := g.Stream(ctx, nil, bytes.NewReader(in.Bytes()),
		[]string{"diff-tree", "--stdin", "-r", "-z", "-M", "--raw", "--root", "--always", "--no-abbrev"},
		func(r io.Reader) error {
			return readRaw(r, func(c string, es []rawEntry) error {
				if pi >= len(pairs) || pairs[pi][0] != c {
					return fmt.Errorf("attribution: diff-tree answered %s out of order", c)
				}
				pair := pairs[pi]
				pi++
				if tooMany {
					return nil
				}
				// A file of the set renamed unchanged has its own source
				// alone. One created here, or renamed with changes, may
				// take any file renamed away in the same commit as its
				// source (exactSources, as git blame's find_rename): git
				// is asked which, as the replay will ask.
				var arrived, gone []string
				for _, e := range es {
					if e.status == 'R' || e.status == 'C' {
						gone = append(gone, e.src)
					}
					if !set[e.dst] {
						continue
					}
					switch {
					case (e.status == 'R' || e.status == 'C') && e.score == "100":
						add(e.src)
					case e.status == 'A' || e.status == 'R' || e.status == 'C':
						arrived = append(arrived, e.dst)
					}
				}
				if len(arrived) > 0 && len(gone) > 0 {
					queries++
					if queries > maxSourceQueries || pair[1] == "" || slices.ContainsFunc(append(arrived, gone...), func(p string) bool { return strings.Contains(p, "\n") }) {
						for _, p := range gone {
							add(p)
						}
					} else if err := sourcesOf(ctx, g, pair, arrived, gone, add); err != nil {
						return err
					}
				}
				if len(set) > maxReachPaths || size > maxReachBytes {
					tooMany = true
				}
				return nil
			})
		})
	if err != nil || tooMany {
		return nil, err
	}
	out := make([]string, 0, len(set))
	for p := range set {
		if strings.ContainsAny(p, "\n") {
			return nil, nil // a pathspec argument cannot hold it safely
		}
		out = append(out, p)
	}
	slices.Sort(out)
	return out, nil
}

// sourcesOf asks git, as followAlone does, which of the files a commit
// renames away each arriving file comes from, one arriving file at a time
// (git blame follows one file alone), and adds those sources.
func sourcesOf(ctx context.Context, g *git.Repo, pair [2]string, arrived, gone []string, add func(string)) error {
	for _, dst := range arrived {
		args := append([]string{"--literal-pathspecs", "diff-tree", "-r", "-z", "-M", "--raw", "--no-abbrev", pair[1], pair[0], "--", dst}, gone...)
		out, err := g.Output(ctx, args...)
		if err != nil {
			return err
		}
		if err := parseRaw(append([]byte(pair[0]+"\x00"), out...), func(_ string, es []rawEntry) error {
			for _, e := range es {
				if (e.status == 'R' || e.status == 'C') && e.dst == dst {
					add(e.src)
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}
