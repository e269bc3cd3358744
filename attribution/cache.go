package attribution

import (
	"context"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/provenance"
)

// The cache keeps the line origins of the trees the engine computed, one
// file per commit, in GIT_DIR/hallmark/cache. A commit id fixes its whole
// history, so an entry never goes stale through a rewrite: a rebased
// branch or a force-pushed main has new commits, and the old entries are
// simply no ancestors of them. What can change a history without
// changing ids, refs/replace and grafts, is part of the directory's name.
// What the cache holds does not depend on notes or keys (evidence and
// classes are computed from them at every report), except the tallies at
// tags, which are kept with the state of the notes they were computed
// under and recomputed when it differs.
//
// A report at a commit whose ancestors' states are cached replays only
// the commits after them. At most cacheEntries entries are kept, the most
// recently used; an entry holds the tree's origins, the commits its lines
// name, and a count per commit of the history (for --by month|quarter).
const (
	cacheVersion = 5
	cacheEntries = 8
)

// cacheDir is the directory of entries valid for the repository's
// current replacements and grafts.
func cacheDir(ctx context.Context, g *git.Repo) string {
	key := "plain"
	out, _ := g.Output(ctx, "for-each-ref", "--format=%(refname) %(objectname)", "refs/replace/")
	grafts, _ := os.ReadFile(filepath.Join(g.GitDir, "info", "grafts"))
	if len(out) > 0 || len(grafts) > 0 {
		h := sha256.New()
		h.Write(out)
		h.Write([]byte{0})
		h.Write(grafts)
		key = hex.EncodeToString(h.Sum(nil))[:16]
	}
	return filepath.Join(g.GitDir, "hallmark", "cache", fmt.Sprintf("v%d-%s", cacheVersion, key))
}

func entryPath(dir, commit, since string) string {
	name := "state-" + commit
	if since != "" {
		name += "-since-" + since
	}
	return filepath.Join(dir, name+".gob")
}

// notesKey names the state of the notes refs, on which the tallies at tags
// depend.
func notesKey(ctx context.Context, g *git.Repo) string {
	out, _ := g.Output(ctx, "for-each-ref", "--format=%(refname) %(objectname)", "refs/notes/")
	h := sha256.Sum256(out)
	return hex.EncodeToString(h[:8])
}

type cachedBlame struct {
	Commit, Since string
	Commits       []commitInfo
	Paths         []string
	Sources       []lineSource
	Names         []string
	Files         []fileState
	Own           map[string]int32
	Inferred      map[string]provenance.Class
	Tags          []TagShare
	TagsKey       string // notesKey when Tags were tallied; "" for none
}

func loadCache(path string) (*treeBlame, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cb cachedBlame
	if err := gob.NewDecoder(f).Decode(&cb); err != nil {
		return nil, err
	}
	now := time.Now()
	_ = os.Chtimes(path, now, now) // most recently used
	b := &treeBlame{Commit: cb.Commit, Since: cb.Since, Commits: cb.Commits, Paths: cb.Paths, Sources: cb.Sources,
		Files: map[string]*fileState{}, Own: cb.Own, Inferred: cb.Inferred, Tags: cb.Tags, TagsKey: cb.TagsKey}
	for i, n := range cb.Names {
		fs := cb.Files[i]
		b.Files[n] = &fs
	}
	return b, nil
}

// saveCache writes b (only the commits and paths its lines name) and drops
// the least recently used entries beyond cacheEntries.
func saveCache(path string, b *treeBlame) error {
	cb := cachedBlame{Commit: b.Commit, Since: b.Since, Own: b.Own, Inferred: b.Inferred, Tags: b.Tags, TagsKey: b.TagsKey}
	srcMap := map[int32]int32{}
	comMap := map[int32]int32{}
	pathMap := map[int32]int32{}
	for n := range b.Files {
		cb.Names = append(cb.Names, n)
	}
	slices.Sort(cb.Names)
	for _, n := range cb.Names {
		fs := *b.Files[n]
		runs := make([]run, len(fs.Runs))
		for i, o := range fs.Runs {
			if o.S != boundary {
				ns, ok := srcMap[o.S]
				if !ok {
					src := b.Sources[o.S]
					c, ok := comMap[src.C]
					if !ok {
						c = int32(len(cb.Commits))
						cb.Commits = append(cb.Commits, b.Commits[src.C])
						comMap[src.C] = c
					}
					p, ok := pathMap[src.P]
					if !ok {
						p = int32(len(cb.Paths))
						cb.Paths = append(cb.Paths, b.Paths[src.P])
						pathMap[src.P] = p
					}
					ns = int32(len(cb.Sources))
					cb.Sources = append(cb.Sources, lineSource{C: c, P: p})
					srcMap[o.S] = ns
				}
				o.S = ns
			}
			runs[i] = o
		}
		fs.Runs = runs
		cb.Files = append(cb.Files, fs)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := gob.NewEncoder(tmp).Encode(&cb); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	return pruneCache(dir)
}

// pruneCache keeps the cacheEntries most recently used entries, and
// removes the directories of other cache versions and replacements.
func pruneCache(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	type used struct {
		name string
		t    time.Time
	}
	var all []used
	for _, e := range ents {
		if info, err := e.Info(); err == nil && strings.HasSuffix(e.Name(), ".gob") {
			all = append(all, used{e.Name(), info.ModTime()})
		}
	}
	slices.SortFunc(all, func(a, b used) int { return b.t.Compare(a.t) })
	for _, u := range all[min(len(all), cacheEntries):] {
		os.Remove(filepath.Join(dir, u.name))
	}
	parent := filepath.Dir(dir)
	if others, err := os.ReadDir(parent); err == nil {
		for _, o := range others {
			if o.Name() != filepath.Base(dir) {
				os.RemoveAll(filepath.Join(parent, o.Name()))
			}
		}
	}
	return nil
}

// cachedAncestors lists the commits with a whole-tree entry (no --since),
// most recently used first, that still exist.
func cachedAncestors(ctx context.Context, g *git.Repo, dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	type used struct {
		id string
		t  time.Time
	}
	var all []used
	for _, e := range ents {
		n := e.Name()
		id, ok := strings.CutSuffix(strings.TrimPrefix(n, "state-"), ".gob")
		if !ok || !strings.HasPrefix(n, "state-") || !git.IsObjectID(id) {
			continue
		}
		if info, err := e.Info(); err == nil {
			all = append(all, used{id, info.ModTime()})
		}
	}
	slices.SortFunc(all, func(a, b used) int { return b.t.Compare(a.t) })
	var in strings.Builder
	for _, u := range all {
		in.WriteString(u.id + "\n")
	}
	if in.Len() == 0 {
		return nil
	}
	out, err := g.OutputStdin(ctx, []byte(in.String()), "cat-file", "--batch-check=%(objectname) %(objecttype)")
	if err != nil {
		return nil
	}
	var ids []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if id, typ, _ := strings.Cut(l, " "); typ == "commit" {
			ids = append(ids, id)
		}
	}
	return ids
}
