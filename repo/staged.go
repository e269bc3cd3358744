package repo

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hallmark-dev/hallmark/internal/diff"
	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/provenance"
)

// stagedQueryFile, in the git directory, holds the question the
// prepare-commit-msg hook asks `git cat-file --batch-check`: the index
// entry of every file with pending attribution. Its first line is a token
// naming the pending state it was written for (git answers it "missing",
// echoing it), so that answers to another state's question are never
// taken for this one's.
const stagedQueryFile = "hallmark/staged-query"

// stagedExpectFile holds what git answers to stagedQueryFile when every
// pending file is staged exactly as its snapshot, then a line "--", then
// the Assisted-by values that such a commit gets, one a line. When git's
// answers are these, the hook adds the trailers with `git
// interpret-trailers` and hallmark need not start at all.
const stagedExpectFile = "hallmark/staged-expect"

// stagedQuery returns the query for a pending state and the paths it asks
// for, in order; "" when it cannot be asked this way (nothing pending, or
// a path with a newline).
func stagedQuery(state *pendingState) (string, []string) {
	paths := slices.Sorted(maps.Keys(state.Files))
	if len(paths) == 0 {
		return "", nil
	}
	var names strings.Builder
	for _, p := range paths {
		p = git.Unquote(p)
		if strings.ContainsAny(p, "\n\r") {
			return "", nil
		}
		names.WriteString(":" + p + "\n")
	}
	sum := sha256.Sum256([]byte(names.String()))
	// ".." makes the token no object name git could resolve.
	return "hallmark-staged-query.." + hex.EncodeToString(sum[:8]) + "\n" + names.String(), paths
}

// writeStagedQuery keeps stagedQueryFile and stagedExpectFile in step with
// the pending state; the expectation goes first, so that a question is
// never answered against an older expectation.
func (s *store) writeStagedQuery(state *pendingState) error {
	query, paths := stagedQuery(state)
	qp := filepath.Join(filepath.Dir(s.dir), stagedQueryFile)
	ep := filepath.Join(filepath.Dir(s.dir), stagedExpectFile)
	expect := ""
	if query != "" && s.idLen != 0 {
		expect = s.stagedExpectation(state, query, paths)
	}
	for _, f := range []struct{ path, content string }{{ep, expect}, {qp, query}} {
		if f.content == "" {
			if err := os.Remove(f.path); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
		} else if err := writeAtomic(f.path, []byte(f.content)); err != nil {
			return err
		}
	}
	return nil
}

// stagedExpectation is stagedExpectFile's content, or "" when a value
// would not fit on a line.
func (s *store) stagedExpectation(state *pendingState, query string, paths []string) string {
	token, _, _ := strings.Cut(query, "\n")
	var b strings.Builder
	b.WriteString(token + " missing\n")
	contents := make([][]byte, len(paths))
	for k, p := range paths {
		snap, err := s.snapshot(state.Files[p].Snapshot)
		if err != nil {
			return ""
		}
		contents[k] = snap
		fmt.Fprintf(&b, "%s blob %d\n", git.BlobID(snap, s.idLen), len(snap))
	}
	b.WriteString("--\n")
	models, err := modelsIn(state, s, paths, contents)
	if err != nil {
		return ""
	}
	for _, m := range models {
		v := provenance.AssistedBy(m).Value
		if strings.ContainsAny(v, "\n\r") {
			return ""
		}
		b.WriteString(v + "\n")
	}
	return b.String()
}

// StagedModels returns the model authors of the pending lines that are
// staged in the index: who a commit made now would say wrote code.
func (r *Repo) StagedModels(ctx context.Context) ([]provenance.Author, error) {
	return r.stagedModelsAnswered(ctx, nil)
}

// stagedModelsAnswered is StagedModels given answers, the output of `git
// cat-file --batch-check` for stagedQueryFile, computed beside hallmark's
// start-up. A file staged exactly as its snapshot (the usual case) is then
// not read at all. Answers to another question than the pending state's
// are ignored, as is nil.
func (r *Repo) stagedModelsAnswered(ctx context.Context, answers io.Reader) ([]provenance.Author, error) {
	if r.git.Bare {
		return nil, ErrBareRepository
	}
	st, state, unlock, err := r.openPending(ctx)
	if err != nil {
		return nil, err
	}
	defer unlock()
	paths := slices.Sorted(maps.Keys(state.Files))
	query, _ := stagedQuery(state)
	staged, ok := readStagedAnswers(answers, query, len(paths))
	if !ok {
		staged = make([]string, len(paths)) // nothing known: read every file
	}
	contents := make([][]byte, len(paths))
	var names []string
	var from []int
	for k, path := range paths {
		switch staged[k] {
		case "missing":
			continue // not in the index
		case "":
			names = append(names, ":"+git.Unquote(path))
			from = append(from, k)
			continue
		}
		snap, err := st.snapshot(state.Files[path].Snapshot)
		if err != nil {
			return nil, err
		}
		if git.BlobID(snap, len(staged[k])) == staged[k] {
			contents[k] = snap
		} else {
			names = append(names, staged[k])
			from = append(from, k)
		}
	}
	if len(names) > 0 {
		objs, err := r.readMany(ctx, names) // the rest, in one round trip
		if err != nil {
			return nil, err
		}
		for i, obj := range objs {
			if errors.Is(obj.Err, git.ErrNotFound) {
				continue // not in the index
			}
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
		snap, err := st.snapshot(f.Snapshot)
		if err != nil {
			return nil, err
		}
		snapLines := diff.Lines(snap)
		attrs := f.lineAttrs(len(snapLines))
		for _, i := range diff.Map(snapLines, diff.Lines(contents[k])) {
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

// readStagedAnswers reads cat-file's answers to query: per path, the
// staged blob id or "missing". ok is false unless the answers are
// complete and were given to this very query.
func readStagedAnswers(answers io.Reader, query string, n int) (ids []string, ok bool) {
	if answers == nil || query == "" {
		return nil, false
	}
	token, _, _ := strings.Cut(query, "\n")
	sc := bufio.NewScanner(answers)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	if !sc.Scan() || sc.Text() != token+" missing" {
		return nil, false
	}
	for sc.Scan() {
		line := sc.Text()
		if strings.HasSuffix(line, " missing") {
			ids = append(ids, "missing")
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 || f[1] != "blob" || !git.IsObjectID(f[0]) {
			return nil, false // a submodule, a tree, an ambiguous name: ask git
		}
		ids = append(ids, f[0])
	}
	if sc.Err() != nil || len(ids) != n {
		return nil, false
	}
	return ids, true
}
