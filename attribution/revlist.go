package attribution

import (
	"bytes"
	"strings"
)

// revList is a range's commits in topological order, parents first, as
// `git rev-list --topo-order --reverse --parents` lists them, with each
// commit's parents and its number of children in the range. It is held
// for the whole replay, so it is compact: each id's text once, and
// indexes rather than maps keyed by that text (on git.git, 82,000
// commits, three such maps and rev-list's output held whole were 20 MB
// of the replay's heap).
type revList struct {
	order   []string // the range's commits, parents first
	commits []revCommit
	at      map[string]int32 // index in commits
	parents []int32          // the commits' parents, indexes in commits
}

// revCommit is a commit that rev-list named: one of the range, or a
// parent outside it.
type revCommit struct {
	id       string
	children int32 // in the range
	p0, pn   int32 // its parents: parents[p0 : p0+pn]
	inRange  bool
}

// parseRevList reads `git rev-list --parents` output: each line a commit
// and its parents.
func parseRevList(out []byte) *revList {
	// One line a commit: the tables are made at their size, not grown.
	n := bytes.Count(out, []byte("\n")) + 1
	r := &revList{order: make([]string, 0, n), commits: make([]revCommit, 0, n), at: make(map[string]int32, n),
		parents: make([]int32, 0, bytes.Count(out, []byte(" ")))}
	for len(out) > 0 {
		var line []byte
		line, out, _ = bytes.Cut(out, []byte("\n"))
		f := bytes.Fields(line)
		if len(f) == 0 {
			continue
		}
		i := r.intern(f[0])
		c := &r.commits[i]
		c.inRange = true
		c.p0, c.pn = int32(len(r.parents)), int32(len(f)-1)
		r.order = append(r.order, c.id)
		for _, p := range f[1:] {
			pi := r.intern(p)
			r.parents = append(r.parents, pi)
			r.commits[pi].children++
		}
	}
	return r
}

func (r *revList) intern(id []byte) int32 {
	if i, ok := r.at[string(id)]; ok {
		return i
	}
	i := int32(len(r.commits))
	r.commits = append(r.commits, revCommit{id: string(id)})
	r.at[r.commits[i].id] = i
	return i
}

func (r *revList) lookup(id string) *revCommit {
	if i, ok := r.at[id]; ok {
		return &r.commits[i]
	}
	return nil
}

// inRange reports whether id is a commit of the range.
func (r *revList) inRange(id string) bool {
	c := r.lookup(id)
	return c != nil && c.inRange
}

// children is the number of id's children in the range.
func (r *revList) children(id string) int {
	if c := r.lookup(id); c != nil {
		return int(c.children)
	}
	return 0
}

// parentsOf returns the parents of a commit of the range.
func (r *revList) parentsOf(id string) []string {
	c := r.lookup(id)
	if c == nil || c.pn == 0 {
		return nil
	}
	out := make([]string, c.pn)
	for k, pi := range r.parents[c.p0 : c.p0+c.pn] {
		out[k] = r.commits[pi].id
	}
	return out
}

// id returns rev-list's copy of a commit id it named, so that tables that
// outlive a log entry share it rather than keep the entry's text; a copy
// of id for one it did not name.
func (r *revList) id(id string) string {
	if c := r.lookup(id); c != nil {
		return c.id
	}
	return strings.Clone(id)
}
