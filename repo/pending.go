package repo

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/hallmark-dev/hallmark/provenance"
)

// The pending attribution of the work tree lives in the git directory:
//
//	hallmark/pending.json     which lines of which files whom wrote, since the last commit
//	hallmark/snapshots/<sha>  the content of each file as the last checkpoint saw it
//	hallmark/lock             taken while the two are read and changed
//
// Snapshots are plain files, not git objects, so that `git gc` never
// prunes them; they are removed when nothing refers to them any more.

// pendingVersion is the format of pending.json.
const pendingVersion = 1

type pendingState struct {
	Version int `json:"version"`
	// Base is the commit HEAD was at when this capture began, or when it
	// was last stamped: commits after it were made from this capture.
	Base    string                  `json:"base,omitempty"`
	Authors []provenance.Author     `json:"authors"`
	Files   map[string]*pendingFile `json:"files"`
}

// pendingFile is one file touched since the last commit. Lines of the
// snapshot that no span covers are as the last commit had them ("base").
type pendingFile struct {
	Snapshot string            `json:"snapshot"` // sha256 of the content, in snapshots/
	Spans    []provenance.Span `json:"spans"`
	// Removed remembers runs of attributed lines that a checkpoint saw
	// disappear, so that when the same run comes back at the same place
	// (git stash pop, an undo) it gets its authors back instead of
	// whoever checkpoints next. Text alone is no proof: a person's deleted
	// draft and a model's new code share "}", "return err" and blank
	// lines, and those must stay the model's.
	Removed []removedRun `json:"removed,omitempty"`
}

// removedRun is lines removed together, with the lines that stood around
// them, each as a hash of its text.
type removedRun struct {
	Before string        `json:"before"` // the line before the run; "" at the start of the file
	After  string        `json:"after"`  // the line after it; "" at the end
	Lines  []removedLine `json:"lines"`
}

// removedLine is one line of a removed run.
type removedLine struct {
	Hash   string           `json:"hash"`
	Author int              `json:"author"` // -1: the line as the last commit had it
	Class  provenance.Class `json:"class,omitempty"`
}

// maxRemoved bounds the memory of removed lines per file.
const maxRemoved = 20000

func lineHash(line string) string {
	sum := sha256.Sum256([]byte(line))
	return hex.EncodeToString(sum[:12])
}

// hashAt is the hash of lines[i], or "" past either end.
func hashAt(lines []string, i int) string {
	if i < 0 || i >= len(lines) {
		return ""
	}
	return lineHash(lines[i])
}

// remember adds the run a[from:to], removed. Runs of lines as the last
// commit had them are remembered too: restored, they are that commit's
// again, not the restorer's.
func (f *pendingFile) remember(a []string, attrs []attr, from, to int) {
	run := removedRun{Before: hashAt(a, from-1), After: hashAt(a, to)}
	for k := from; k < to; k++ {
		run.Lines = append(run.Lines, removedLine{Hash: lineHash(a[k]), Author: attrs[k].author, Class: attrs[k].class})
	}
	f.Removed = append(f.Removed, run)
	total := 0
	for i := len(f.Removed) - 1; i >= 0; i-- {
		total += len(f.Removed[i].Lines)
		if total > maxRemoved {
			f.Removed = f.Removed[i+1:]
			break
		}
	}
}

// matches reports whether run stands in lines at j, between the lines
// that stood around it.
func (run removedRun) matches(lines []string, j int) bool {
	n := len(run.Lines)
	if n == 0 || j < 0 || j+n > len(lines) {
		return false
	}
	for k, l := range run.Lines {
		if lineHash(lines[j+k]) != l.Hash {
			return false
		}
	}
	return hashAt(lines, j-1) == run.Before && hashAt(lines, j+n) == run.After
}

// recall finds removed runs that came back whole, at their place, inside
// the inserted lines b[from:to], and takes them back: it returns the
// attribution of each line it restores.
func (f *pendingFile) recall(b []string, from, to int) map[int]attr {
	if f == nil || len(f.Removed) == 0 {
		return nil
	}
	var out map[int]attr
	for ri := len(f.Removed) - 1; ri >= 0; ri-- {
		run := f.Removed[ri]
		n := len(run.Lines)
		for j := from; j+n <= to; j++ {
			if _, taken := out[j]; taken || !run.matches(b, j) {
				continue
			}
			if out == nil {
				out = map[int]attr{}
			}
			for k, l := range run.Lines {
				out[j+k] = attr{l.Author, l.Class}
				if l.Author < 0 {
					out[j+k] = baseAttr
				}
			}
			f.Removed = slices.Delete(f.Removed, ri, ri+1)
			break
		}
	}
	return out
}

// recallAt returns the attribution of lines[i] when it is part of a
// removed run that stands whole, at its place, in lines.
func (f *pendingFile) recallAt(lines []string, i int) (attr, bool) {
	if f == nil || len(f.Removed) == 0 {
		return attr{}, false
	}
	h := lineHash(lines[i])
	for ri := len(f.Removed) - 1; ri >= 0; ri-- {
		run := f.Removed[ri]
		for k, l := range run.Lines {
			if l.Hash == h && l.Author >= 0 && run.matches(lines, i-k) {
				return attr{l.Author, l.Class}, true
			}
		}
	}
	return attr{}, false
}

// attr is the attribution of one line; author -1 means base.
type attr struct {
	author int
	class  provenance.Class
}

var baseAttr = attr{author: -1}

func (f *pendingFile) lineAttrs(n int) []attr {
	out := make([]attr, n)
	for i := range out {
		out[i] = baseAttr
	}
	for _, s := range f.Spans {
		for l := s.Start; l <= s.End && l <= n; l++ {
			out[l-1] = attr{s.Author, s.Class}
		}
	}
	return out
}

func spansFromAttrs(attrs []attr) []provenance.Span {
	var out []provenance.Span
	for i, a := range attrs {
		if a.author < 0 {
			continue
		}
		line := i + 1
		if k := len(out); k > 0 && out[k-1].End == line-1 && out[k-1].Author == a.author && out[k-1].Class == a.class {
			out[k-1].End = line
			continue
		}
		out = append(out, provenance.Span{Start: line, End: line, Author: a.author, Class: a.class})
	}
	return out
}

func (s *pendingState) authorIndex(a provenance.Author) int {
	for i, x := range s.Authors {
		if x == a {
			return i
		}
	}
	s.Authors = append(s.Authors, a)
	return len(s.Authors) - 1
}

// store is the on-disk pending state of one git directory.
type store struct {
	dir string
	// idLen is the hex length of the repository's object ids, 0 when not
	// known; without it no stagedExpectFile is written.
	idLen int
	// read keeps the snapshots read so far: a stamp looks at each twice.
	read map[string][]byte
}

func newStore(gitDir string) *store { return &store{dir: filepath.Join(gitDir, "hallmark")} }

// ErrCorruptPending is returned when pending.json cannot be read; the file
// is left as it is for a person to look at.
var ErrCorruptPending = errors.New("repo: pending attribution is unreadable")

// lock takes the store's lock until the returned function is called. How
// the lock is held depends on the system: see lockFile.
func (s *store) lock() (func(), error) {
	if err := os.MkdirAll(filepath.Join(s.dir, "snapshots"), 0o755); err != nil {
		return nil, err
	}
	return lockFile(filepath.Join(s.dir, "lock"))
}

func (s *store) load() (*pendingState, error) {
	st := &pendingState{Version: pendingVersion, Files: map[string]*pendingFile{}}
	b, err := os.ReadFile(filepath.Join(s.dir, "pending.json"))
	if errors.Is(err, os.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, st); err != nil {
		return nil, fmt.Errorf("%w: %s: %v (move it away to start afresh)", ErrCorruptPending, filepath.Join(s.dir, "pending.json"), err)
	}
	if st.Version != pendingVersion {
		return nil, fmt.Errorf("%w: version %d, this hallmark reads %d", ErrCorruptPending, st.Version, pendingVersion)
	}
	if st.Files == nil {
		st.Files = map[string]*pendingFile{}
	}
	for p, f := range st.Files {
		for _, sp := range f.Spans {
			if sp.Author < 0 || sp.Author >= len(st.Authors) {
				return nil, fmt.Errorf("%w: %s names author %d of %d", ErrCorruptPending, p, sp.Author, len(st.Authors))
			}
		}
		for _, run := range f.Removed {
			for _, r := range run.Lines {
				if r.Author < -1 || r.Author >= len(st.Authors) {
					return nil, fmt.Errorf("%w: %s names author %d of %d", ErrCorruptPending, p, r.Author, len(st.Authors))
				}
			}
		}
	}
	return st, nil
}

// save writes the state atomically and removes snapshots nothing uses.
// With no file left, pending.json is removed: its absence is what tells
// the prepare-commit-msg hook, without starting hallmark, that nothing
// captured is waiting.
func (s *store) save(st *pendingState) error {
	if len(st.Files) == 0 {
		if err := os.Remove(filepath.Join(s.dir, "pending.json")); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	} else {
		b, err := json.MarshalIndent(st, "", " ")
		if err != nil {
			return err
		}
		if err := writeAtomic(filepath.Join(s.dir, "pending.json"), b); err != nil {
			return err
		}
	}
	if err := s.writeStagedQuery(st); err != nil {
		return err
	}
	used := map[string]bool{}
	for _, f := range st.Files {
		used[f.Snapshot] = true
	}
	entries, _ := os.ReadDir(filepath.Join(s.dir, "snapshots"))
	for _, e := range entries {
		if !used[e.Name()] {
			_ = os.Remove(filepath.Join(s.dir, "snapshots", e.Name()))
		}
	}
	return nil
}

func (s *store) putSnapshot(content []byte) (string, error) {
	sum := sha256.Sum256(content)
	id := hex.EncodeToString(sum[:])
	p := filepath.Join(s.dir, "snapshots", id)
	if _, err := os.Stat(p); err == nil {
		return id, nil
	}
	return id, writeAtomic(p, content)
}

func (s *store) snapshot(id string) ([]byte, error) {
	if b, ok := s.read[id]; ok {
		return b, nil
	}
	b, err := os.ReadFile(filepath.Join(s.dir, "snapshots", id))
	if err != nil {
		return nil, fmt.Errorf("%w: snapshot %s: %v", ErrCorruptPending, id, err)
	}
	if s.read == nil {
		s.read = map[string][]byte{}
	}
	s.read[id] = b
	return b, nil
}

func writeAtomic(path string, data []byte) error { return writeAtomicPerm(path, data, 0o600) }

// writeAtomicPerm writes data to path through a new file renamed over it,
// with the permissions perm.
func writeAtomicPerm(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if perm != 0o600 {
		if err := f.Chmod(perm); err != nil {
			f.Close()
			return err
		}
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
