package attribution

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hallmark-dev/hallmark/internal/git"
)

// mergeDiff is what the replay needs of one merge. git blame lets a
// parent whose file is the merge's byte for byte take the whole file, so
// content diffs are needed only for the paths where the merge differs from
// every parent: on git.git about 34,000 (merge, path) pairs, where diffing
// every merge against every parent meant diffing most of the history again
// for each long-lived topic branch.
type mergeDiff struct {
	// diffs[0] lists every path in which the merge differs from its first
	// parent (renames included), with hunks only for the paths that differ
	// from every parent; diffs[k] for k > 0 lists those paths only, each
	// against parent k's file at the same path, or the one git's rename
	// detection names, or Created when parent k has neither.
	diffs [][]git.FileDiff
	// whole names, for a path that differs from the first parent, the
	// first other parent whose blob at that path is the merge's.
	whole map[string]int
}

// rawEntry is one line of `git diff-tree -r -z --raw`.
type rawEntry struct {
	status           byte
	score            string // a rename's or copy's similarity, "100" for the same content
	oldMode, newMode string
	oldID, newID     string
	src, dst         string // the same path unless a rename or copy
}

// parseRaw reads `git diff-tree --stdin -r -z --raw --always` output: for
// each input line a header (the commit id, NUL-terminated) and its
// entries, ":OLDMODE NEWMODE OLDID NEWID STATUS" NUL path NUL (two paths
// for a rename or copy).
func parseRaw(out []byte, each func(commit string, entries []rawEntry) error) error {
	return readRaw(bytes.NewReader(out), each)
}

// readRaw is parseRaw over a stream, so that git's output for thousands
// of merges is never held whole.
func readRaw(r io.Reader, each func(commit string, entries []rawEntry) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	next := func() (string, bool, error) {
		t, err := br.ReadString(0)
		if err == io.EOF {
			if t == "" {
				return "", false, nil
			}
			return t, true, nil
		}
		if err != nil {
			return "", false, err
		}
		return t[:len(t)-1], true, nil
	}
	var cur string
	var entries []rawEntry
	flush := func() error {
		if cur == "" {
			return nil
		}
		err := each(cur, entries)
		entries = nil
		return err
	}
	for {
		t, ok, err := next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if len(t) == 0 {
			continue
		}
		if t[0] != ':' {
			if !git.IsObjectID(t) {
				return fmt.Errorf("attribution: unexpected diff-tree output %q", t)
			}
			if err := flush(); err != nil {
				return err
			}
			cur = t
			continue
		}
		f := strings.Fields(t[1:])
		if len(f) != 5 || len(f[4]) == 0 || cur == "" {
			return fmt.Errorf("attribution: bad diff-tree entry %q", t)
		}
		e := rawEntry{status: f[4][0], score: f[4][1:], oldMode: f[0], newMode: f[1], oldID: f[2], newID: f[3]}
		p, ok, err := next()
		if err != nil {
			return err
		}
		e.src, e.dst = p, p
		if ok && (e.status == 'R' || e.status == 'C') {
			if e.dst, ok, err = next(); err != nil {
				return err
			}
		}
		if !ok || e.src == "" || e.dst == "" {
			return fmt.Errorf("attribution: diff-tree entry %q without a path", t)
		}
		entries = append(entries, e)
	}
	return flush()
}

// rawDiffs runs `git diff-tree --stdin -r -z -M --raw --always` over
// "COMMIT PARENT" lines and streams what it answers to each.
// With paths (literal), only those are diffed.
func rawDiffs(ctx context.Context, g *git.Repo, in []byte, paths []string, each func(commit string, entries []rawEntry) error) error {
	args := []string{"diff-tree", "--stdin", "-r", "-z", "-M", "--raw", "--always", "--no-abbrev"}
	if len(paths) > 0 {
		args = append(append(append([]string{"--literal-pathspecs"}, args...), "--"), paths...)
	}
	return g.Stream(ctx, nil, bytes.NewReader(in), args, func(r io.Reader) error { return readRaw(r, each) })
}

// needy is a path of a merge that differs from every parent.
type needy struct {
	entry  int      // index in the first parent's raw entries
	olds   []string // per parent: the blob the merge's file came from, "" for none
	oldSrc []string // per parent: that blob's path
}

// prepareMerges computes the mergeDiff of every merge in merges (each a
// commit id and its parents), for paths only when there are any, writing
// the trees it diffs into trees.
func prepareMerges(ctx context.Context, g *git.Repo, merges [][]string, paths []string, trees *scratchTrees) (map[string]*mergeDiff, error) {
	out := map[string]*mergeDiff{}
	if len(merges) == 0 {
		return out, nil
	}
	hexLen := len(merges[0][0])
	parentsOf := map[string][]string{}
	var in bytes.Buffer
	for _, m := range merges {
		parentsOf[m[0]] = m[1:]
		fmt.Fprintf(&in, "%s %s\n", m[0], m[1])
	}
	// 1. Against the first parent: paths only, no content (cheap).
	first := map[string][]rawEntry{}
	if err := rawDiffs(ctx, g, in.Bytes(), paths, func(c string, es []rawEntry) error {
		first[c] = es
		return nil
	}); err != nil {
		return nil, err
	}
	// 2. The other parents' blobs at the same paths, by name.
	in.Reset()
	type query struct {
		merge string
		entry int
		k     int
	}
	var queries []query
	for _, m := range merges {
		for i, e := range first[m[0]] {
			if e.status == 'D' || e.newMode == "160000" || strings.ContainsAny(e.dst, "\n") {
				continue
			}
			for k := 1; k < len(m)-1; k++ {
				fmt.Fprintf(&in, "%s:%s\n", m[k+1], e.dst)
				queries = append(queries, query{m[0], i, k})
			}
		}
	}
	blobs := map[query]string{}
	if len(queries) > 0 {
		ans, err := g.OutputStdin(ctx, in.Bytes(), "cat-file", "--batch-check=%(objectname) %(objecttype)")
		if err != nil {
			return nil, err
		}
		lines := strings.Split(strings.TrimSuffix(string(ans), "\n"), "\n")
		if len(lines) != len(queries) {
			return nil, fmt.Errorf("attribution: cat-file answered %d of %d queries", len(lines), len(queries))
		}
		for i, l := range lines {
			if id, typ, ok := strings.Cut(l, " "); ok && typ == "blob" && git.IsObjectID(id) {
				blobs[queries[i]] = id
			}
		}
	}
	// Decide each path: a parent that has it byte for byte takes it whole
	// (the first such in parent order); else it needs diffs.
	needs := map[string][]needy{}
	var renamePairs [][2]string
	for _, m := range merges {
		id, ps := m[0], m[1:]
		md := &mergeDiff{diffs: make([][]git.FileDiff, len(ps)), whole: map[string]int{}}
		out[id] = md
		wantRenames := map[int]bool{}
		for i, e := range first[id] {
			if e.status == 'D' || e.newMode == "160000" {
				continue
			}
			k := 1
			for ; k < len(ps); k++ {
				if blobs[query{id, i, k}] == e.newID {
					break
				}
			}
			if k < len(ps) {
				md.whole[e.dst] = k
				continue
			}
			n := needy{entry: i, olds: make([]string, len(ps)), oldSrc: make([]string, len(ps))}
			if e.status == 'M' || e.status == 'R' || e.status == 'C' {
				n.olds[0], n.oldSrc[0] = e.oldID, e.src
			}
			for k := 1; k < len(ps); k++ {
				if b := blobs[query{id, i, k}]; b != "" {
					n.olds[k], n.oldSrc[k] = b, e.dst
				} else if !wantRenames[k] {
					wantRenames[k] = true
					renamePairs = append(renamePairs, [2]string{id, ps[k]})
				}
			}
			needs[id] = append(needs[id], n)
		}
	}
	// 3. Renames, for the other parents that lack a path the merge differs
	// in from every parent: git blame's second pass (find_rename).
	if len(renamePairs) > 0 {
		in.Reset()
		for _, p := range renamePairs {
			fmt.Fprintf(&in, "%s %s\n", p[0], p[1])
		}
		pi := 0
		if err := rawDiffs(ctx, g, in.Bytes(), paths, func(c string, es []rawEntry) error {
			if pi >= len(renamePairs) || renamePairs[pi][0] != c {
				return fmt.Errorf("attribution: diff-tree answered %s out of order", c)
			}
			k := slices.Index(parentsOf[c], renamePairs[pi][1])
			pi++
			for ni := range needs[c] {
				n := &needs[c][ni]
				if n.olds[k] != "" {
					continue
				}
				dst := first[c][n.entry].dst
				for _, e := range es {
					if (e.status == 'R' || e.status == 'C') && e.dst == dst {
						n.olds[k], n.oldSrc[k] = e.oldID, e.src
						break
					}
				}
			}
			return nil
		}); err != nil {
			return nil, err
		}
	}
	// 4. The content diffs, by git's own diff, of trees made of just those
	// blobs (written to a temporary object directory that borrows the
	// repository's objects).
	hunks, err := diffBlobs(ctx, g, trees, hexLen, merges, first, needs)
	if err != nil {
		return nil, err
	}
	for _, m := range merges {
		id, ps := m[0], m[1:]
		md := out[id]
		isNeedy := map[int]int{}
		for ni, n := range needs[id] {
			isNeedy[n.entry] = ni
		}
		for i, e := range first[id] {
			fd := git.FileDiff{Path: e.dst, Gitlink: e.newMode == "160000" || (e.status == 'D' && e.oldMode == "160000")}
			switch e.status {
			case 'D':
				fd.Deleted = true
			case 'A', 'T':
				fd.Created = true
			case 'R', 'C':
				fd.OldPath = e.src
			}
			if ni, ok := isNeedy[i]; ok {
				if d := hunks[hunkKey{id, 0, ni}]; d != nil {
					fd.Hunks, fd.Added, fd.Binary = d.Hunks, d.Added, d.Binary
				}
			}
			md.diffs[0] = append(md.diffs[0], fd)
		}
		for k := 1; k < len(ps); k++ {
			for ni, n := range needs[id] {
				fd := git.FileDiff{Path: first[id][n.entry].dst}
				if n.olds[k] == "" {
					fd.Created = true
				} else {
					fd.OldPath = n.oldSrc[k]
					if d := hunks[hunkKey{id, k, ni}]; d != nil {
						fd.Hunks, fd.Added, fd.Binary = d.Hunks, d.Added, d.Binary
					}
				}
				md.diffs[k] = append(md.diffs[k], fd)
			}
		}
	}
	return out, nil
}

type hunkKey struct {
	merge string
	k, n  int
}

// diffBlobs diffs, for every needy path of every merge, the blob it came
// from in each parent against the merge's, with one `git diff-tree
// --stdin` over pairs of trees written for the purpose. Entries are named
// by their index (keeping the extension, for attributes such as
// "*.png binary"), so that no file name needs parsing.
func diffBlobs(ctx context.Context, g *git.Repo, trees *scratchTrees, hexLen int, merges [][]string, first map[string][]rawEntry, needs map[string][]needy) (map[hunkKey]*git.FileDiff, error) {
	type pair struct {
		key   [2]string // old tree, new tree
		merge string
		k     int
		names map[string]int // entry name → needy index
	}
	var pairs []pair
	trees.newBatch()
	for _, m := range merges {
		id := m[0]
		ns := needs[id]
		if len(ns) == 0 {
			continue
		}
		for k := range len(m) - 1 {
			var oldT, newT []treeEntry
			names := map[string]int{}
			for ni, n := range ns {
				// A file new to the first parent is diffed against nothing,
				// for its lines; against other parents it is not needed.
				if n.olds[k] == "" && k > 0 {
					continue
				}
				e := first[id][n.entry]
				name := fmt.Sprintf("%d%s", ni, safeExt(e.dst))
				names[name] = ni
				if n.olds[k] != "" {
					oldT = append(oldT, treeEntry{name, n.olds[k]})
				}
				newT = append(newT, treeEntry{name, e.newID})
			}
			if len(newT) == 0 {
				continue
			}
			tw, err := trees.writer(hexLen)
			if err != nil {
				return nil, err
			}
			a, err := tw.write(oldT)
			if err != nil {
				return nil, err
			}
			b, err := tw.write(newT)
			if err != nil {
				return nil, err
			}
			pairs = append(pairs, pair{[2]string{a, b}, id, k, names})
		}
	}
	out := map[hunkKey]*git.FileDiff{}
	if len(pairs) == 0 {
		return out, nil
	}
	var in bytes.Buffer
	for _, p := range pairs {
		fmt.Fprintf(&in, "%s %s\n", p.key[0], p.key[1])
	}
	env := []string{"GIT_OBJECT_DIRECTORY=" + trees.dir, "GIT_ALTERNATE_OBJECT_DIRECTORIES=" + filepath.Join(g.GitDir, "objects")}
	args := []string{"diff-tree", "--stdin", "-r", "-p", "-U0", "--no-renames", "--no-color", "--no-ext-diff",
		"--no-textconv", "--src-prefix=a/", "--dst-prefix=b/"}
	pi := -1
	var section bytes.Buffer
	flush := func() error {
		if pi < 0 {
			return nil
		}
		fs, err := git.ParseDiffAll(bytes.NewReader(section.Bytes()))
		if err != nil {
			return err
		}
		section.Reset()
		p := pairs[pi]
		for i := range fs {
			ni, ok := p.names[fs[i].Path]
			if !ok {
				return fmt.Errorf("attribution: diff-tree named %q, not one of its entries", fs[i].Path)
			}
			out[hunkKey{p.merge, p.k, ni}] = &fs[i]
		}
		return nil
	}
	err := g.Stream(ctx, env, &in, args, func(r io.Reader) error {
		br := bufio.NewReaderSize(r, 1<<16)
		for {
			line, err := br.ReadString('\n')
			if len(line) > 0 {
				if pi+1 < len(pairs) && line == pairs[pi+1].key[0]+" "+pairs[pi+1].key[1]+"\n" {
					if ferr := flush(); ferr != nil {
						return ferr
					}
					pi++
				} else {
					section.WriteString(line)
				}
			}
			if err == io.EOF {
				return flush()
			}
			if err != nil {
				return err
			}
		}
	})
	if err != nil {
		return nil, err
	}
	if pi != len(pairs)-1 {
		return nil, fmt.Errorf("attribution: diff-tree answered %d of %d tree pairs", pi+1, len(pairs))
	}
	return out, nil
}

// safeExt is a path's extension when it is plain letters and digits.
func safeExt(p string) string {
	ext := path.Ext(p)
	for _, c := range ext[min(1, len(ext)):] {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return ""
		}
	}
	return ext
}

type treeEntry struct{ name, id string }

// scratchTrees is the temporary object directory that diffBlobs writes
// its trees into: made on first use, kept for every batch of merges of a
// replay, and removed by close. (One directory for each batch made the
// trees' writes cost several times the CPU: on git.git 36 s against 10 s.)
type scratchTrees struct {
	dir string
	tw  *treeWriter
}

// newBatch forgets which trees were written, so that what a replay keeps
// does not grow with its merges: one written again is found on disk.
func (s *scratchTrees) newBatch() {
	if s.tw != nil {
		s.tw.written = map[string]bool{}
	}
}

func (s *scratchTrees) writer(hexLen int) (*treeWriter, error) {
	if s.tw == nil {
		dir, err := os.MkdirTemp("", "hallmark-trees-")
		if err != nil {
			return nil, err
		}
		s.dir, s.tw = dir, newTreeWriter(dir, hexLen)
	}
	return s.tw, nil
}

func (s *scratchTrees) close() {
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

// treeWriter writes flat trees of regular files as loose objects into a
// temporary object directory, with one compressor for all of them.
type treeWriter struct {
	dir     string
	hexLen  int
	zw      *zlib.Writer
	buf     bytes.Buffer
	content bytes.Buffer
	dirs    map[string]bool
	written map[string]bool
}

func newTreeWriter(dir string, hexLen int) *treeWriter {
	w := &treeWriter{dir: dir, hexLen: hexLen, dirs: map[string]bool{}, written: map[string]bool{}}
	w.zw, _ = zlib.NewWriterLevel(&w.buf, zlib.BestSpeed)
	return w
}

// write writes the tree of entries and returns its id.
func (w *treeWriter) write(entries []treeEntry) (string, error) {
	slices.SortFunc(entries, func(a, b treeEntry) int { return strings.Compare(a.name, b.name) })
	w.content.Reset()
	for _, e := range entries {
		raw, err := hex.DecodeString(e.id)
		if err != nil || len(raw)*2 != w.hexLen {
			return "", fmt.Errorf("attribution: bad object id %q", e.id)
		}
		w.content.WriteString("100644 " + e.name + "\x00")
		w.content.Write(raw)
	}
	id := git.ObjectID("tree", w.content.Bytes(), w.hexLen)
	if id == "" {
		return "", fmt.Errorf("attribution: object ids of %d digits", w.hexLen)
	}
	if w.written[id] {
		return id, nil
	}
	sub := filepath.Join(w.dir, id[:2])
	if !w.dirs[sub] {
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return "", err
		}
		w.dirs[sub] = true
	}
	w.buf.Reset()
	w.zw.Reset(&w.buf)
	fmt.Fprintf(w.zw, "tree %d\x00", w.content.Len())
	w.zw.Write(w.content.Bytes())
	if err := w.zw.Close(); err != nil {
		return "", err
	}
	if err := writeNew(filepath.Join(sub, id[2:]), w.buf.Bytes()); err != nil {
		return "", err
	}
	w.written[id] = true
	return id, nil
}

// writeNew writes a loose object, unless it is there already (written for
// an earlier batch): its name is the hash of its content.
func writeNew(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
