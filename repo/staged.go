package repo

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hallmark-dev/hallmark/internal/diff"
	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/provenance"
)

// stagedFile, in the git directory, tells the prepare-commit-msg hook,
// without starting hallmark, what a commit made now gets:
//
//	hallmark-staged TOKEN
//	VALUE              the Assisted-by values such a commit gets, one a line
//	...
//	end TOKEN
//
// Beside it, stagedQueryFile holds the question to ask git, and
// stagedAnswerFile the answer expected when every pending file is staged
// exactly as its snapshot:
//
//	hallmark-staged-TOKEN                hallmark-staged-TOKEN missing
//	:PATH                                ID blob SIZE
//	...                                  ...
//
// The hook pipes the question through git's `cat-file --batch-check` into
// `cmp` against the answer (issue 13: reading the answer a line at a time
// in the shell was a third of the hook), after checking that the answer
// is this write's (its first line names TOKEN); cat-file's answer to the
// first line binds the question to it. A commit of human lines alone gets
// no trailer, and the hook then asks nothing.
//
// TOKEN is new for every write, so that a write cut short, which leaves
// the start of the new content before the rest of the old (the file is
// written in place: see pending.go), never ends with its own end line.
// The hook reads up to the end line and ignores what follows. The file
// holds one line "hallmark-staged-none" when nothing is pending,
// "hallmark-staged-ask" when hallmark must be asked (a path with a
// newline, the object format not known), and stagedInFlight while a stamp
// runs in the background.
const (
	stagedFile       = "hallmark/staged"
	stagedQueryFile  = stagedFile + "-query"
	stagedAnswerFile = stagedFile + "-answer"
)

// writeStaged keeps stagedFile in step with the pending state.
func (s *store) writeStaged(state *pendingState) error {
	content := "hallmark-staged-none\n"
	gitDir := filepath.Dir(s.dir)
	if len(state.Files) > 0 {
		content = "hallmark-staged-ask\n"
		if s.idLen != 0 {
			if e := s.stagedExpectation(state); e.staged != "" {
				// The question and its answer first: the file that
				// names them is written after.
				if err := writeExact(filepath.Join(gitDir, stagedQueryFile), []byte(e.query)); err != nil {
					return err
				}
				if err := writeExact(filepath.Join(gitDir, stagedAnswerFile), []byte(e.answer)); err != nil {
					return err
				}
				content = e.staged
			}
		}
	}
	return writeInPlace(filepath.Join(gitDir, stagedFile), []byte(content))
}

// staged is what writeStaged writes for a pending state.
type staged struct{ staged, query, answer string }

// stagedExpectation is writeStaged's files for a pending state, or none
// (staged "") when a path or value would not fit on a line.
func (s *store) stagedExpectation(state *pendingState) staged {
	paths := slices.Sorted(maps.Keys(state.Files))
	var nonce [8]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return staged{}
	}
	token := hex.EncodeToString(nonce[:])
	var q, a strings.Builder
	q.WriteString("hallmark-staged-" + token + "\n")
	a.WriteString("hallmark-staged-" + token + " missing\n")
	contents := make([][]byte, len(paths))
	for k, p := range paths {
		name := git.Unquote(p)
		if strings.ContainsAny(name, "\n\r") {
			return staged{}
		}
		snap, err := s.snapshot(state.Files[p])
		if err != nil {
			return staged{}
		}
		contents[k] = snap
		fmt.Fprintf(&q, ":%s\n", name)
		fmt.Fprintf(&a, "%s blob %d\n", git.BlobID(snap, s.idLen), len(snap))
	}
	models, err := modelsIn(state, s, paths, contents)
	if err != nil {
		return staged{}
	}
	var b strings.Builder
	b.WriteString("hallmark-staged " + token + "\n")
	for _, m := range models {
		v := provenance.AssistedBy(m).Value
		if strings.ContainsAny(v, "\n\r") || v == "end "+token {
			return staged{}
		}
		b.WriteString(v + "\n")
	}
	b.WriteString("end " + token + "\n")
	return staged{staged: b.String(), query: q.String(), answer: a.String()}
}

// StagedModels returns the model authors of the pending lines that are
// staged in the index: who a commit made now would say wrote code. A file
// staged exactly as its snapshot (the usual case) is not read from git.
func (r *Repo) StagedModels(ctx context.Context) ([]provenance.Author, error) {
	if r.git.Bare {
		return nil, ErrBareRepository
	}
	st, state, unlock, err := r.openPending(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	paths := slices.Sorted(maps.Keys(state.Files))
	if len(paths) == 0 {
		return nil, nil
	}
	// A new git process reads the index as it is now; the Repo's
	// cat-file may have read it long ago.
	args := []string{"ls-files", "-s", "-z", "--"}
	for _, path := range paths {
		args = append(args, ":(literal)"+git.Unquote(path))
	}
	out, err := r.git.Output(ctx, args...)
	if err != nil {
		return nil, err
	}
	index := map[string]string{}
	for _, rec := range strings.Split(string(out), "\x00") {
		meta, name, ok := strings.Cut(rec, "\t")
		if f := strings.Fields(meta); ok && len(f) == 3 && f[2] == "0" && git.IsObjectID(f[1]) {
			index[name] = f[1]
		}
	}
	contents := make([][]byte, len(paths))
	var ask []string
	var from []int
	for k, path := range paths {
		id, ok := index[git.Unquote(path)]
		if !ok {
			continue // not in the index
		}
		snap, err := st.snapshot(state.Files[path])
		if err != nil {
			return nil, err
		}
		if git.BlobID(snap, len(id)) == id {
			contents[k] = snap // staged as captured
			continue
		}
		ask, from = append(ask, id), append(from, k)
	}
	if len(ask) > 0 {
		objs, err := r.readMany(ctx, ask) // the rest, in one round trip
		if err != nil {
			return nil, err
		}
		for i, obj := range objs {
			if obj.Err != nil {
				return nil, obj.Err
			}
			contents[from[i]] = obj.Data
		}
	}
	return modelsIn(state, st, paths, contents)
}

// modelsIn returns the model authors of the pending lines found in
// contents, the staged content of each of paths (nil: not staged), in the
// order they are first met.
func modelsIn(state *pendingState, st *store, paths []string, contents [][]byte) ([]provenance.Author, error) {
	seen := map[int]bool{}
	var out []provenance.Author
	for k, path := range paths {
		if contents[k] == nil {
			continue
		}
		f := state.Files[path]
		snap, err := st.snapshot(f)
		if err != nil {
			return nil, err
		}
		snapLines := diff.Lines(snap)
		attrs := f.lineAttrs(len(snapLines))
		var toSnap []int
		if bytes.Equal(snap, contents[k]) {
			toSnap = make([]int, len(snapLines)) // staged as captured
			for i := range toSnap {
				toSnap[i] = i
			}
		} else {
			toSnap = diff.Map(snapLines, diff.Lines(contents[k]))
		}
		for _, i := range toSnap {
			if i < 0 || attrs[i].author < 0 || attrs[i].class == provenance.Human {
				continue
			}
			a := attrs[i].author
			if !seen[a] && state.Authors[a].Kind == provenance.Model {
				seen[a] = true
				out = append(out, state.Authors[a])
			}
		}
	}
	return out, nil
}
