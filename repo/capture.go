package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hallmark-dev/hallmark/internal/diff"
	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/provenance"
)

// CheckpointOptions says who just changed the work tree, and where.
type CheckpointOptions struct {
	// Author is who made the changes since the last checkpoint: a model
	// (Kind Model) or a person. A zero Author means the person of git's
	// user.name and user.email.
	Author provenance.Author
	// Paths limits the checkpoint to these files: relative to the work tree
	// root (not to the process's directory), or absolute. Empty means every
	// file that differs from HEAD or was checkpointed before.
	Paths []string
}

// CheckpointResult says what a checkpoint recorded.
type CheckpointResult struct {
	Author provenance.Author
	Files  []string // files whose attribution changed
	Lines  int      // lines attributed to Author by this checkpoint
	// Skipped are files the checkpoint would not read, each with an error
	// wrapping ErrFileTooLarge, ErrThroughSymlink or ErrIgnored.
	Skipped []SkippedFile
}

// SkippedFile is a file a checkpoint left alone, and why.
type SkippedFile struct {
	Path string
	Err  error
}

// MaxCheckpointFile is the largest file a checkpoint reads: it holds the
// file and its last snapshot in memory, and line attribution of a larger
// file is not worth that.
const MaxCheckpointFile = 16 << 20

var (
	// ErrFileTooLarge: the file is larger than MaxCheckpointFile.
	ErrFileTooLarge = errors.New("repo: file too large to checkpoint")
	// ErrThroughSymlink: a directory on the file's path is a symbolic
	// link; git does not track files through one, and reading through it
	// could read outside the work tree.
	ErrThroughSymlink = errors.New("repo: path goes through a symbolic link")
	// ErrIgnored: the file is inside .git or ignored by git (keys and
	// secrets usually are): it is never snapshotted.
	ErrIgnored = errors.New("repo: file is ignored by git")
)

// ErrOutsideWorkTree is returned for a path to checkpoint that is not in
// the work tree.
var ErrOutsideWorkTree = errors.New("repo: path outside the work tree")

// ErrBareRepository is returned for work-tree operations in a bare repository.
var ErrBareRepository = errors.New("repo: the repository is bare: capture needs a work tree")

// Checkpoint records that opts.Author made the changes in the work tree
// since the last checkpoint. Lines that changed are attributed to the
// author; a person's edit of a model's line makes it mixed; lines nobody
// touched keep what they had.
func (r *Repo) Checkpoint(ctx context.Context, opts CheckpointOptions) (*CheckpointResult, error) {
	if r.git.Bare || r.git.WorkTree == "" {
		return nil, ErrBareRepository
	}
	author := opts.Author
	if author == (provenance.Author{}) {
		a, err := r.Person(ctx)
		if err != nil {
			return nil, err
		}
		author = a
	}
	if err := validAuthor(author); err != nil {
		return nil, err
	}
	// The pending state is opened without learning the object id length:
	// that starts git's cat-file, which a checkpoint that finds nothing to
	// record (the usual pre-event hook) does not need.
	st := newStore(r.git.GitDir)
	unlock, err := st.lock()
	if err != nil {
		return nil, err
	}
	defer unlock()
	state, err := st.load()
	if err != nil {
		return nil, err
	}
	paths, err := r.checkpointPaths(ctx, state, opts.Paths)
	if err != nil {
		return nil, err
	}
	res := &CheckpointResult{Author: author}
	ignored := map[string]bool{}
	if len(opts.Paths) > 0 {
		// Named paths do not come from git status, which leaves ignored
		// files out: ask git about those not pending already (those were
		// asked about when they were first checkpointed).
		var ask []string
		for _, p := range paths {
			if state.Files[git.Quote(p)] == nil {
				ask = append(ask, p)
			}
		}
		if ignored, err = r.ignoredPaths(ctx, ask); err != nil {
			return nil, err
		}
	}
	ai := -1 // the author's index, added on first use
	for _, p := range paths {
		if why := r.unreadable(p, ignored[p]); why != nil {
			delete(state.Files, git.Quote(p))
			res.Skipped = append(res.Skipped, SkippedFile{Path: p, Err: why})
			continue
		}
		changed, lines, err := r.checkpointFile(ctx, st, state, p, author, &ai)
		if errors.Is(err, ErrFileTooLarge) {
			delete(state.Files, git.Quote(p))
			res.Skipped = append(res.Skipped, SkippedFile{Path: p, Err: err})
			continue
		}
		if err != nil {
			return nil, err
		}
		if changed {
			res.Files = append(res.Files, p)
			res.Lines += lines
		}
	}
	if len(state.Files) > 0 {
		st.idLen = r.objectIDLen(ctx)
		if state.Base == "" {
			state.Base = r.headID(ctx)
		}
	}
	if err := st.save(state); err != nil {
		return nil, err
	}
	return res, nil
}

func validAuthor(a provenance.Author) error {
	rec := provenance.Record{Commit: strings.Repeat("0", 40), Authors: []provenance.Author{a}, Recorder: DefaultRecorder()}
	if err := rec.Validate(); err != nil {
		return fmt.Errorf("repo: author: %w", err)
	}
	return nil
}

// Person is the person at the keyboard as git would name the author of a
// commit: GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL when set, else user.name
// and user.email.
func (r *Repo) Person(ctx context.Context) (provenance.Author, error) {
	cfg := r.Config(ctx)
	a := provenance.Author{Kind: provenance.Person, Name: cfg["user.name"], Email: cfg["user.email"]}
	if v, ok := os.LookupEnv("GIT_AUTHOR_NAME"); ok {
		a.Name = v
	}
	if v, ok := os.LookupEnv("GIT_AUTHOR_EMAIL"); ok {
		a.Email = v
	}
	if a.Name == "" && a.Email == "" {
		return a, errors.New("repo: no person to attribute to: set git config user.name and user.email, or name the author")
	}
	return a, nil
}

// checkpointPaths lists the files to look at, relative to the work tree.
func (r *Repo) checkpointPaths(ctx context.Context, state *pendingState, given []string) ([]string, error) {
	set := map[string]bool{}
	if len(given) > 0 {
		for _, p := range given {
			rel, err := r.relPath(p)
			if err != nil {
				return nil, err
			}
			set[rel] = true
		}
	} else {
		out, err := r.git.Output(ctx, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames")
		if err != nil {
			return nil, err
		}
		for _, e := range strings.Split(string(out), "\x00") {
			if len(e) > 3 {
				set[e[3:]] = true
			}
		}
		for p := range state.Files {
			set[git.Unquote(p)] = true
		}
	}
	paths := make([]string, 0, len(set))
	for p := range set {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	return paths, nil
}

// relPath turns a path given by a user or a hook into one relative to the
// work tree root, refusing paths outside it.
func (r *Repo) relPath(p string) (string, error) {
	if !filepath.IsAbs(p) {
		p = filepath.Join(r.git.WorkTree, p)
	}
	root := r.git.WorkTree
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real
	}
	if dir, err := filepath.EvalSymlinks(filepath.Dir(p)); err == nil {
		p = filepath.Join(dir, filepath.Base(p))
	}
	rel, err := filepath.Rel(root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%w: %s is outside %s", ErrOutsideWorkTree, p, r.git.WorkTree)
	}
	return filepath.ToSlash(rel), nil
}

// unreadable says why a checkpoint must not read path, or nil.
func (r *Repo) unreadable(path string, ignored bool) error {
	parts := strings.Split(path, "/")
	for _, p := range parts {
		if p == ".git" {
			return fmt.Errorf("%w: %s is inside .git", ErrIgnored, path)
		}
	}
	if ignored {
		return fmt.Errorf("%w: %s", ErrIgnored, path)
	}
	dir := r.git.WorkTree
	for _, p := range parts[:len(parts)-1] {
		dir = filepath.Join(dir, p)
		info, err := os.Lstat(dir)
		if err != nil {
			return nil // gone: checkpointFile sees the file gone
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%w: %s (%s)", ErrThroughSymlink, path, dir)
		}
	}
	return nil
}

// ignoredPaths asks git which of paths it ignores.
func (r *Repo) ignoredPaths(ctx context.Context, paths []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(paths) == 0 {
		return out, nil
	}
	// Absolute paths: git answers with the paths as asked, whatever
	// directory it runs in.
	var in bytes.Buffer
	for _, p := range paths {
		in.WriteString(filepath.Join(r.git.WorkTree, filepath.FromSlash(p)) + "\x00")
	}
	b, err := r.git.OutputStdin(ctx, in.Bytes(), "check-ignore", "-z", "--stdin")
	// Exit status 1: none is ignored.
	var ee *exec.ExitError
	if err != nil && !(errors.As(err, &ee) && ee.ExitCode() == 1) {
		return nil, fmt.Errorf("repo: %w", err)
	}
	for _, p := range strings.Split(string(b), "\x00") {
		if rel, err := filepath.Rel(r.git.WorkTree, p); err == nil && p != "" {
			out[filepath.ToSlash(rel)] = true
		}
	}
	return out, nil
}

// checkpointFile updates one file's attribution. It reports whether
// anything changed and how many lines went to the author.
func (r *Repo) checkpointFile(ctx context.Context, st *store, state *pendingState, path string, author provenance.Author, ai *int) (bool, int, error) {
	full := filepath.Join(r.git.WorkTree, filepath.FromSlash(path))
	key := git.Quote(path) // pending.json is JSON: names that are not UTF-8 are kept quoted
	info, err := os.Lstat(full)
	if errors.Is(err, fs.ErrNotExist) {
		_, had := state.Files[key]
		delete(state.Files, key) // deleted: nothing of it can be committed as added lines
		return had, 0, nil
	}
	if err != nil {
		return false, 0, err
	}
	if !info.Mode().IsRegular() {
		// Symlinks, directories (submodules) and devices hold no lines we attribute.
		delete(state.Files, key)
		return false, 0, nil
	}
	if info.Size() > MaxCheckpointFile {
		return false, 0, fmt.Errorf("%w: %s is %d bytes, the limit is %d", ErrFileTooLarge, path, info.Size(), MaxCheckpointFile)
	}
	cur, err := readLimited(full, MaxCheckpointFile)
	if err != nil {
		return false, 0, err
	}
	if isBinary(cur) {
		delete(state.Files, key)
		return false, 0, nil
	}
	pf := state.Files[key]
	var prev []byte
	var prevAttrs []attr
	if pf != nil {
		if prev, err = st.snapshot(pf); err != nil {
			return false, 0, err
		}
		prevAttrs = pf.lineAttrs(len(diff.Lines(prev)))
	} else {
		prev, err = r.headFile(ctx, path)
		if err != nil {
			return false, 0, err
		}
		prevAttrs = make([]attr, len(diff.Lines(prev)))
		for i := range prevAttrs {
			prevAttrs[i] = baseAttr
		}
	}
	if bytes.Equal(prev, cur) {
		return false, 0, nil
	}
	a, b := diff.Lines(prev), diff.Lines(cur)
	attrs := make([]attr, len(b))
	next := &pendingFile{}
	if pf != nil {
		next.Removed = append(next.Removed, pf.Removed...)
	}
	ib, ia := 0, 0
	lines := 0
	idx := func() int {
		if *ai < 0 {
			*ai = state.authorIndex(author)
		}
		return *ai
	}
	for _, e := range diff.Diff(a, b) {
		for ; ib < e.BStart; ib, ia = ib+1, ia+1 {
			attrs[ib] = prevAttrs[ia]
		}
		if e.AEnd > e.AStart {
			next.remember(a, prevAttrs, e.AStart, e.AEnd)
		}
		back := next.recall(b, e.BStart, e.BEnd)
		for k := 0; ib < e.BEnd; k, ib = k+1, ib+1 {
			// A removed run that came back whole, at its place, keeps
			// its authors.
			if was, ok := back[ib]; ok {
				attrs[ib] = was
				continue
			}
			lines++
			if author.Kind != provenance.Person {
				attrs[ib] = attr{idx(), provenance.AI}
				continue
			}
			// A person's line that replaces a model's line is a model's
			// line edited by a person: mixed, still the model's.
			if e.AStart+k < e.AEnd {
				if old := prevAttrs[e.AStart+k]; old.author >= 0 && (old.class == provenance.AI || old.class == provenance.Mixed) {
					attrs[ib] = attr{old.author, provenance.Mixed}
					continue
				}
			}
			attrs[ib] = attr{idx(), provenance.Human}
		}
		ia = e.AEnd
	}
	for ; ib < len(b); ib, ia = ib+1, ia+1 {
		attrs[ib] = prevAttrs[ia]
	}
	put, err := st.putSnapshot(key, cur)
	if err != nil {
		return false, 0, err
	}
	next.Snapshot, next.Slot, next.Size, next.Spans = put.Snapshot, put.Slot, put.Size, spansFromAttrs(attrs)
	state.Files[key] = next
	return true, lines, nil
}

// readLimited reads a file of at most limit bytes: one that grew past
// the limit since it was looked at is ErrFileTooLarge, not a read of all
// it has become.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: %s grew past %d bytes", ErrFileTooLarge, path, limit)
	}
	return b, nil
}

// headFile returns path's content at HEAD, or nothing for a new file or an
// unborn branch.
func (r *Repo) headFile(ctx context.Context, path string) ([]byte, error) {
	b, err := r.reader(ctx)
	if err != nil {
		return nil, err
	}
	typ, data, err := b.Read("HEAD:" + path)
	if errors.Is(err, git.ErrNotFound) || (err == nil && typ != "blob") {
		return nil, nil
	}
	return data, err
}

// isBinary applies git's rule: a NUL byte in the first 8,000 bytes.
func isBinary(b []byte) bool {
	return bytes.IndexByte(b[:min(len(b), 8000)], 0) >= 0
}

// Pending reports the attribution not yet committed: lines by class per
// file, in the work tree's coordinates as of the last checkpoint.
func (r *Repo) Pending(ctx context.Context) (map[string]provenance.Count, error) {
	_, state, unlock, err := r.openPending(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	out := map[string]provenance.Count{}
	for p, f := range state.Files {
		var c provenance.Count
		for _, s := range f.Spans {
			c.Add(s.Class, s.Len())
		}
		out[p] = c
	}
	return out, nil
}
