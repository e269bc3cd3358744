package repo

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hallmark-dev/hallmark/internal/git"
)

// One note is written the way `git notes add` writes it: its blob, the
// notes trees above it and the notes commit as loose objects, then the ref
// moved by `git update-ref` with the old tip as a compare-and-swap. Unlike
// a fast-import, this starts one short process and adds no pack: a pack
// per commit would make git's automatic maintenance repack the whole
// repository every fifty commits. Bulk writes still go through fast-import.

// errNoLooseWrite says that this repository is not one where hallmark
// writes objects itself; the caller uses fast-import instead.
var errNoLooseWrite = errors.New("repo: notes are written through fast-import here")

// maxFlatNotes is the size of a notes tree level past which the note goes
// through fast-import, which spreads the notes over two-digit
// subdirectories as git does.
const maxFlatNotes = 250

// writeNoteLoose adds lines to commit's note in a new notes commit. It
// returns errNoLooseWrite when fast-import should do it, and errNotesMoved
// when another writer moved the ref meanwhile. The note is read at the
// very notes commit the new one is made on, which the ref update then
// names: a note read at any other tip could drop another writer's lines.
func (r *Repo) writeNoteLoose(ctx context.Context, commit string, lines [][]byte, message, ident string) error {
	objects, ok := r.looseObjectsDir(ctx)
	if !ok {
		return errNoLooseWrite
	}
	idLen := len(commit)
	b, err := r.reader(ctx)
	if err != nil {
		return err
	}
	tip, root := strings.Repeat("0", idLen), ""
	if id, typ, data, err := b.ReadID(NotesRef); err == nil {
		if typ != "commit" {
			return errNoLooseWrite
		}
		c, err := git.ParseCommit(id, data)
		if err != nil {
			return err
		}
		tip, root = id, c.Tree
	}
	at := ""
	if root != "" {
		at = tip
	}
	content, changed, err := r.mergedNote(ctx, commit, lines, at)
	if err != nil || !changed {
		return err
	}
	w := &looseWriter{dir: objects, idLen: idLen}
	blob, err := w.write("blob", content)
	if err != nil {
		return err
	}
	newRoot, err := r.noteTreeWith(ctx, w, root, commit, blob)
	if err != nil {
		return err
	}
	var c bytes.Buffer
	fmt.Fprintf(&c, "tree %s\n", newRoot)
	if root != "" {
		fmt.Fprintf(&c, "parent %s\n", tip)
	}
	fmt.Fprintf(&c, "author %s\ncommitter %s\n\n%s", ident, ident, message)
	id, err := w.write("commit", c.Bytes())
	if err != nil {
		return err
	}
	// A lock held by another writer in the middle of its own update is
	// waited for (git retries the lock for filesRefLockTimeout ms); a lock
	// still there after that is left by a crashed writer, and reported.
	if _, err := r.git.Output(ctx, "-c", "core.filesRefLockTimeout=2000", "update-ref", "-m", "hallmark: notes", NotesRef, id, tip); err != nil {
		// Another writer's notes commit is the reason to try again; any
		// other failure (permissions, a full disk) is the caller's to see.
		if now, _, _, rerr := b.ReadID(NotesRef); rerr == nil && now != tip {
			return fmt.Errorf("%w: %v", errNotesMoved, err)
		}
		return fmt.Errorf("repo: moving %s: %w", NotesRef, err)
	}
	return nil
}

// errNotesMoved says that another notes commit landed while this one was
// written: merge again on top of it.
var errNotesMoved = errors.New("repo: the notes moved meanwhile")

// looseObjectsDir is where this repository's objects are written, when
// hallmark may write them itself: its own objects directory, with git's
// default permissions.
func (r *Repo) looseObjectsDir(ctx context.Context) (string, bool) {
	if os.Getenv("GIT_OBJECT_DIRECTORY") != "" || os.Getenv("GIT_QUARANTINE_PATH") != "" {
		return "", false
	}
	if _, err := os.Stat(filepath.Join(r.git.GitDir, "commondir")); err == nil {
		return "", false // a linked work tree: the objects are elsewhere
	}
	if v := strings.ToLower(r.Config(ctx)["core.sharedrepository"]); v != "" && v != "false" && v != "umask" && v != "0" {
		return "", false // group permissions: left to git
	}
	dir := filepath.Join(r.git.GitDir, "objects")
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return "", false
	}
	return dir, true
}

// noteTreeWith returns the id of tree (the notes tree, "" for none) with
// blob as commit's note, written with its parents. A level that is spread
// over two-digit subdirectories gets the note in the subdirectory of its
// next two digits; a flat level gets it under its remaining digits.
func (r *Repo) noteTreeWith(ctx context.Context, w *looseWriter, tree, rest, blob string) (string, error) {
	var entries []treeEntry
	if tree != "" {
		b, err := r.reader(ctx)
		if err != nil {
			return "", err
		}
		typ, data, err := b.Read(tree)
		if err != nil {
			return "", err
		}
		if typ != "tree" {
			return "", errNoLooseWrite
		}
		if entries, err = parseTree(data, w.idLen/2); err != nil {
			return "", errNoLooseWrite
		}
	}
	spread, notes := false, 0
	for _, e := range entries {
		if e.mode == "40000" && len(e.name) == 2 {
			spread = true
		} else {
			notes++
		}
	}
	if spread && slices.ContainsFunc(entries, func(e treeEntry) bool { return e.name == rest }) {
		return "", errNoLooseWrite // the note sits flat beside the spread: git's to sort out
	}
	if spread && len(rest) > 2 {
		i := slices.IndexFunc(entries, func(e treeEntry) bool { return e.name == rest[:2] && e.mode == "40000" })
		sub := ""
		if i >= 0 {
			sub = entries[i].id
		}
		id, err := r.noteTreeWith(ctx, w, sub, rest[2:], blob)
		if err != nil {
			return "", err
		}
		entries = setEntry(entries, treeEntry{mode: "40000", name: rest[:2], id: id})
	} else {
		if notes >= maxFlatNotes {
			return "", errNoLooseWrite
		}
		entries = setEntry(entries, treeEntry{mode: "100644", name: rest, id: blob})
	}
	return w.write("tree", formatTree(entries))
}

type treeEntry struct {
	mode, name, id string
}

// parseTree reads a tree object: "MODE NAME\0" and the raw id, repeated.
func parseTree(data []byte, rawLen int) ([]treeEntry, error) {
	var out []treeEntry
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		nul := bytes.IndexByte(data, 0)
		if sp < 1 || nul < sp+2 || len(data) < nul+1+rawLen {
			return nil, errors.New("repo: malformed tree")
		}
		out = append(out, treeEntry{mode: string(data[:sp]), name: string(data[sp+1 : nul]), id: hex.EncodeToString(data[nul+1 : nul+1+rawLen])})
		data = data[nul+1+rawLen:]
	}
	return out, nil
}

// setEntry replaces the entry of that name, or adds it, keeping git's
// order: names compared bytewise, a tree's name as if it ended in "/".
func setEntry(entries []treeEntry, e treeEntry) []treeEntry {
	entries = slices.DeleteFunc(entries, func(x treeEntry) bool { return x.name == e.name })
	entries = append(entries, e)
	key := func(x treeEntry) string {
		if x.mode == "40000" {
			return x.name + "/"
		}
		return x.name
	}
	slices.SortFunc(entries, func(a, b treeEntry) int { return strings.Compare(key(a), key(b)) })
	return entries
}

func formatTree(entries []treeEntry) []byte {
	var b bytes.Buffer
	for _, e := range entries {
		raw, _ := hex.DecodeString(e.id)
		b.WriteString(e.mode + " " + e.name + "\x00")
		b.Write(raw)
	}
	return b.Bytes()
}

// looseWriter writes loose objects into a git objects directory.
type looseWriter struct {
	dir   string
	idLen int
}

// zlibWriters are reused: a new compressor costs more than compressing a
// note. Level 1 is git's own default for loose objects.
var zlibWriters = sync.Pool{New: func() any {
	w, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed)
	return w
}}

var tmpSeq atomic.Uint64

// write stores an object and returns its id. An object that is there
// already is left as it is. Like git, it writes a temporary file in the
// object's directory, read-only, and renames it into place.
func (w *looseWriter) write(typ string, content []byte) (string, error) {
	id := git.ObjectID(typ, content, w.idLen)
	if id == "" {
		return "", errNoLooseWrite
	}
	sub := filepath.Join(w.dir, id[:2])
	final := filepath.Join(sub, id[2:])
	if _, err := os.Stat(final); err == nil {
		return id, nil
	}
	var buf bytes.Buffer
	zw := zlibWriters.Get().(*zlib.Writer)
	defer zlibWriters.Put(zw)
	zw.Reset(&buf)
	zw.Write([]byte(typ + " " + strconv.Itoa(len(content)) + "\x00"))
	zw.Write(content)
	if err := zw.Close(); err != nil {
		return "", err
	}
	if err := os.Mkdir(sub, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
		return "", err
	}
	tmp := filepath.Join(sub, fmt.Sprintf("tmp_obj_%d_%d", os.Getpid(), tmpSeq.Add(1)))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		return "", err
	}
	_, werr := f.Write(buf.Bytes())
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp, final)
	}
	if werr != nil {
		os.Remove(tmp)
		return "", werr
	}
	return id, nil
}
