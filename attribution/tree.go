package attribution

import "iter"

// tree is the files of one commit's tree, by path: a base map that other
// trees may share and that nobody changes, and this tree's own changes
// over it. A commit that is not its parent's last child to be replayed
// used to copy the parent's whole map; on git.git, whose topics fork from
// old commits, 21,000 such copies cost 7 s of CPU, and the copies kept
// for the forks still waiting for their topics were 18 MB of the heap at
// its peak. A fork now copies the changes alone.
type tree struct {
	base map[string]*fileState // shared: never changed
	own  map[string]*fileState // this tree's alone; a nil value removes base's file
}

func newTree() *tree { return &tree{own: map[string]*fileState{}} }

// get returns the file at p, nil for none.
func (t *tree) get(p string) *fileState {
	if f, ok := t.own[p]; ok {
		return f
	}
	return t.base[p]
}

// set puts f at p.
func (t *tree) set(p string, f *fileState) {
	t.own[p] = f
	if len(t.own) > 64 && len(t.own) > len(t.base)/8 {
		t.flatten()
	}
}

// del removes the file at p.
func (t *tree) del(p string) {
	if t.base[p] != nil {
		t.own[p] = nil
	} else {
		delete(t.own, p)
	}
}

// flatten folds the changes into a new base (the tree's own map, which
// nobody else holds, completed by the old base's files), so that they do
// not grow without end.
func (t *tree) flatten() {
	m := t.own
	for p, f := range t.base {
		if _, ok := m[p]; !ok {
			m[p] = f
		}
	}
	for p, f := range m {
		if f == nil {
			delete(m, p)
		}
	}
	t.base, t.own = m, map[string]*fileState{}
}

// fork returns a tree that starts as t's files; either may then change
// without the other seeing it.
func (t *tree) fork() *tree {
	own := make(map[string]*fileState, len(t.own))
	for p, f := range t.own {
		own[p] = f
	}
	return &tree{base: t.base, own: own}
}

// all yields every file of the tree (in no order).
func (t *tree) all() iter.Seq2[string, *fileState] {
	return func(yield func(string, *fileState) bool) {
		for p, f := range t.base {
			if _, changed := t.own[p]; !changed && !yield(p, f) {
				return
			}
		}
		for p, f := range t.own {
			if f != nil && !yield(p, f) {
				return
			}
		}
	}
}

// files returns the tree as one map, which the tree keeps as its base.
func (t *tree) files() map[string]*fileState {
	if len(t.own) > 0 || t.base == nil {
		t.flatten()
	}
	return t.base
}
