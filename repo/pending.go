package repo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hallmark-dev/hallmark/provenance"
)

// The pending attribution of the work tree lives in the git directory:
//
//	hallmark/pending.0, pending.1       which lines of which files whom wrote,
//	                                    since the last commit: two slots, see below
//	hallmark/snapshots/<P>.0, <P>.1     per file (P names its path), the content
//	                                    as the last checkpoint saw it, in two slots
//	hallmark/staged                     for the prepare-commit-msg hook (staged.go)
//	hallmark/lock                       taken while they are read and changed
//
// Snapshots are plain files, not git objects, so that `git gc` never
// prunes them; they are removed when nothing refers to them any more.
//
// Every file is written in place, into a file that is there already
// whenever it can be: on this machine's disk, creating a file costs
// 0.5-2 ms of kernel time, writing into one that exists 0.02-0.1 ms, and a
// checkpoint that wrote three files through a temporary file and a rename
// each cost 9 ms. Writing in place is made as safe as a rename by two
// slots: a write goes to the slot the state on disk does not use, and a
// state counts only whole (a pending slot's header gives its body's length
// and sha256; a snapshot's length and sha256 are in the state that names
// it). A write cut short (a killed hook, a full disk) leaves the state
// before it as it was. Like git's loose objects (core.fsync's default),
// nothing is fsynced: a power cut may lose the last checkpoints.
//
// pending.json, the single file of earlier versions, is read when neither
// slot exists, and removed by the next save.
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
	Snapshot string `json:"snapshot"` // sha256 of the content
	// Slot is the file in snapshots/ that holds the content, in its first
	// Size bytes; "" means the file named Snapshot (earlier versions).
	Slot  string            `json:"slot,omitempty"`
	Size  int               `json:"size,omitempty"`
	Spans []provenance.Span `json:"spans"`
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
	// seq and cur are the sequence number and slot (0 or 1; -1: none) of
	// the state load read; the next save writes seq+1 into the other slot.
	seq uint64
	cur int
	// legacy: the state came from pending.json.
	legacy bool
	// inUse holds the snapshot files the state on disk names: they are
	// never written over.
	inUse map[string]bool
}

func newStore(gitDir string) *store {
	return &store{dir: filepath.Join(gitDir, "hallmark"), cur: -1}
}

// ErrCorruptPending is returned when the pending state cannot be read; its
// files are left as they are for a person to look at.
var ErrCorruptPending = errors.New("repo: pending attribution is unreadable")

// lock takes the store's lock until the returned function is called. How
// the lock is held depends on the system: see lockFile.
func (s *store) lock() (func(), error) {
	if err := os.MkdirAll(filepath.Join(s.dir, "snapshots"), 0o755); err != nil {
		return nil, err
	}
	// A stamp in the background holds no lock while it starts up (it
	// reads its key first): its marker is waited for, else a checkpoint
	// could change the capture it is about to stamp from.
	if err := waitForStamps(context.Background(), filepath.Dir(s.dir)); err != nil {
		return nil, err
	}
	return lockFile(filepath.Join(s.dir, "lock"))
}

func (s *store) load() (*pendingState, error) {
	st := &pendingState{Version: pendingVersion, Files: map[string]*pendingFile{}}
	s.cur, s.seq, s.legacy, s.inUse = -1, 0, false, map[string]bool{}
	var body []byte
	var seen []string
	for i := range 2 {
		p := s.slotPath(i)
		b, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		seen = append(seen, p)
		if seq, bd, ok := decodeSlot(b); ok && (s.cur < 0 || seq > s.seq) {
			s.cur, s.seq, body = i, seq, bd
		}
	}
	where := ""
	switch {
	case s.cur >= 0:
		where = s.slotPath(s.cur)
	case len(seen) > 0:
		return nil, fmt.Errorf("%w: no slot holds a whole state: %s (move them away to start afresh)", ErrCorruptPending, strings.Join(seen, ", "))
	default:
		where = filepath.Join(s.dir, "pending.json")
		b, err := os.ReadFile(where)
		if errors.Is(err, os.ErrNotExist) {
			return st, nil
		}
		if err != nil {
			return nil, err
		}
		s.legacy, body = true, b
	}
	if err := json.Unmarshal(body, st); err != nil {
		return nil, fmt.Errorf("%w: %s: %v (move it away to start afresh)", ErrCorruptPending, where, err)
	}
	if st.Version != pendingVersion {
		return nil, fmt.Errorf("%w: version %d, this hallmark reads %d", ErrCorruptPending, st.Version, pendingVersion)
	}
	if st.Files == nil {
		st.Files = map[string]*pendingFile{}
	}
	for p, f := range st.Files {
		if f.Slot != "" && (!validSlotName(f.Slot) || f.Size < 0) {
			return nil, fmt.Errorf("%w: %s names snapshot %q", ErrCorruptPending, p, f.Slot)
		}
		s.inUse[f.snapshotFile()] = true
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

// save writes the state into the slot the state on disk does not use,
// then the prepare-commit-msg hook's file, and removes the snapshots
// nothing uses any more. An empty state is written too: the slot is then
// there to be written in place again after the next checkpoint.
func (s *store) save(st *pendingState) error {
	body, err := json.Marshal(st)
	if err != nil {
		return err
	}
	next := 0
	if s.cur == 0 {
		next = 1
	}
	if err := writeInPlace(s.slotPath(next), encodeSlot(s.seq+1, body)); err != nil {
		return err
	}
	s.cur, s.seq = next, s.seq+1
	if s.legacy {
		if err := os.Remove(filepath.Join(s.dir, "pending.json")); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		s.legacy = false
	}
	if err := s.writeStaged(st); err != nil {
		return err
	}
	// Keep both slots of every pending file (the other is written next),
	// and remove the rest: a file's snapshots go once it is committed.
	s.inUse = map[string]bool{}
	keep := map[string]bool{}
	for key, f := range st.Files {
		s.inUse[f.snapshotFile()] = true
		keep[f.snapshotFile()] = true
		keep[slotBase(key)+".0"], keep[slotBase(key)+".1"] = true, true
	}
	entries, _ := os.ReadDir(filepath.Join(s.dir, "snapshots"))
	for _, e := range entries {
		if !keep[e.Name()] {
			_ = os.Remove(filepath.Join(s.dir, "snapshots", e.Name()))
		}
	}
	return nil
}

// putSnapshot stores content as the new snapshot of the pending file key
// and returns the pendingFile fields that name it. It is written into the
// one of key's two slots that the state on disk does not name.
func (s *store) putSnapshot(key string, content []byte) (*pendingFile, error) {
	sum := sha256.Sum256(content)
	id := hex.EncodeToString(sum[:])
	slot := slotBase(key) + ".0"
	if s.inUse[slot] {
		slot = slotBase(key) + ".1"
	}
	if err := writeInPlace(filepath.Join(s.dir, "snapshots", slot), content); err != nil {
		return nil, err
	}
	if s.read == nil {
		s.read = map[string][]byte{}
	}
	s.read[id] = content
	return &pendingFile{Snapshot: id, Slot: slot, Size: len(content)}, nil
}

// snapshot returns the content f names, checked against its sha256.
func (s *store) snapshot(f *pendingFile) ([]byte, error) {
	id := f.Snapshot
	if b, ok := s.read[id]; ok {
		return b, nil
	}
	b, err := os.ReadFile(filepath.Join(s.dir, "snapshots", f.snapshotFile()))
	if err != nil {
		return nil, fmt.Errorf("%w: snapshot %s: %v", ErrCorruptPending, id, err)
	}
	if f.Slot != "" {
		if len(b) < f.Size {
			return nil, fmt.Errorf("%w: snapshot %s: %d bytes of %d", ErrCorruptPending, f.Slot, len(b), f.Size)
		}
		b = b[:f.Size]
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != id {
		return nil, fmt.Errorf("%w: snapshot %s does not hold what was checkpointed", ErrCorruptPending, f.snapshotFile())
	}
	if s.read == nil {
		s.read = map[string][]byte{}
	}
	s.read[id] = b
	return b, nil
}

// snapshotFile is the name of f's snapshot in snapshots/.
func (f *pendingFile) snapshotFile() string {
	if f.Slot != "" {
		return f.Slot
	}
	return f.Snapshot
}

// withSnapshot is f's snapshot with new spans and removed runs.
func (f *pendingFile) withSnapshot(spans []provenance.Span, removed []removedRun) *pendingFile {
	return &pendingFile{Snapshot: f.Snapshot, Slot: f.Slot, Size: f.Size, Spans: spans, Removed: removed}
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
