// Package histgen generates git histories deterministically, through one
// `git fast-import`, for tests and benchmarks: human and agent commits
// (agent commits carry Claude Code's or Codex's marks), merges, renames,
// deleted and re-added lines, CRLF files and files without a final newline.
package histgen

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strings"
)

// Options shapes a history. Zero fields take the defaults in brackets.
type Options struct {
	Commits        int    // commits on the main line [100]
	Files          int    // files created up front [50]
	Seed           uint64 // the random seed [1]
	AIEvery        int    // every n-th commit is an agent's [3]
	MergeEvery     int    // every n-th commit merges a two-commit side branch; 0 means none
	RenameEvery    int    // every n-th commit renames a file; 0 means none
	LinesPerEdit   int    // lines added or changed per touched file [5]
	FilesPerCommit int    // files touched per commit [2]
}

func (o *Options) defaults() {
	if o.Commits == 0 {
		o.Commits = 100
	}
	if o.Files == 0 {
		o.Files = 50
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.AIEvery == 0 {
		o.AIEvery = 3
	}
	if o.LinesPerEdit == 0 {
		o.LinesPerEdit = 5
	}
	if o.FilesPerCommit == 0 {
		o.FilesPerCommit = 2
	}
}

// History is what was generated.
type History struct {
	Branch string // "main"
	Marks  int    // fast-import marks used
}

// The messages of agent commits: exact conventions.
var agentTrailers = []string{
	"\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>\n",
	"\n\nCo-authored-by: Codex <noreply@openai.com>\n",
}

type gen struct {
	o     Options
	rng   *rand.Rand
	out   bytes.Buffer
	mark  int
	files map[string][]string // current content of main, by path
	paths []string
	time  int64
	seq   int
}

// Generate writes the history into the (empty or new) repository at dir.
func Generate(dir string, o Options) (*History, error) {
	o.defaults()
	g := &gen{o: o, rng: rand.New(rand.NewPCG(o.Seed, o.Seed*7919)), files: map[string][]string{}, time: 1700000000}
	g.initial()
	last := g.mark
	for i := 1; i < o.Commits; i++ {
		if o.MergeEvery > 0 && i%o.MergeEvery == 0 {
			last = g.merge(last, i)
			continue
		}
		last = g.commit(last, i, "refs/heads/main")
	}
	if out, err := exec.Command("git", "init", "-q", "-b", "main", dir).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("histgen: git init: %v: %s", err, out)
	}
	cmd := exec.Command("git", "fast-import", "--quiet", "--done")
	cmd.Dir = dir
	g.out.WriteString("done\n")
	cmd.Stdin = &g.out
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("histgen: fast-import: %v: %s", err, out)
	}
	if out, err := exec.Command("git", "-C", dir, "reset", "-q", "--hard", "main").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("histgen: checkout: %v: %s", err, out)
	}
	return &History{Branch: "main", Marks: g.mark}, nil
}

func (g *gen) line() string {
	g.seq++
	words := []string{"return", "if err != nil {", "x := y + 1", "}", "", "// note", "call(a, b)", "for i := range n {"}
	return fmt.Sprintf("%s // %d", words[g.rng.IntN(len(words))], g.seq)
}

func (g *gen) content(path string) []byte {
	lines := g.files[path]
	sep := "\n"
	if strings.HasSuffix(path, ".bat") {
		sep = "\r\n"
	}
	s := strings.Join(lines, sep)
	if !strings.HasSuffix(path, ".nofinal") && len(lines) > 0 {
		s += sep
	}
	return []byte(s)
}

func (g *gen) blob(path string) {
	data := g.content(path)
	fmt.Fprintf(&g.out, "M 100644 inline %s\ndata %d\n%s\n", quote(path), len(data), data)
}

func quote(p string) string {
	if strings.ContainsAny(p, " \"\n") {
		return fmt.Sprintf("%q", p)
	}
	return p
}

func (g *gen) header(ref, msg string, ai bool) {
	g.mark++
	g.time += 3600
	author := "Ada Human <ada@example.com>"
	if ai && g.rng.IntN(4) == 0 {
		author = "Ada Human (aider) <ada@example.com>"
		msg = strings.TrimSuffix(msg, "\n") + "\n"
	} else if ai {
		msg += agentTrailers[g.rng.IntN(len(agentTrailers))]
	}
	fmt.Fprintf(&g.out, "commit %s\nmark :%d\nauthor %s %d +0000\ncommitter Ada Human <ada@example.com> %d +0000\ndata %d\n%s\n",
		ref, g.mark, author, g.time, g.time, len(msg), msg)
}

func (g *gen) initial() {
	exts := []string{".go", ".go", ".go", ".md", ".bat", ".nofinal", ".py", ".ts"}
	for i := 0; i < g.o.Files; i++ {
		p := fmt.Sprintf("pkg%02d/file%04d%s", i%37, i, exts[i%len(exts)])
		n := 5 + g.rng.IntN(30)
		for range n {
			g.files[p] = append(g.files[p], g.line())
		}
		g.paths = append(g.paths, p)
	}
	g.header("refs/heads/main", "initial import", false)
	for _, p := range g.paths {
		g.blob(p)
	}
}

// edit changes one file: adds lines, changes some, deletes some, and now
// and then puts back a line it deleted before.
func (g *gen) edit(p string) {
	lines := g.files[p]
	for range g.o.LinesPerEdit {
		switch op := g.rng.IntN(10); {
		case op < 6 || len(lines) < 3:
			at := g.rng.IntN(len(lines) + 1)
			lines = slices.Insert(lines, at, g.line())
		case op < 8:
			lines[g.rng.IntN(len(lines))] = g.line()
		case op < 9:
			at := g.rng.IntN(len(lines))
			lines = slices.Delete(lines, at, at+1)
		default:
			// Re-add a copy of an existing line elsewhere: blame must pick
			// the right one.
			lines = slices.Insert(lines, g.rng.IntN(len(lines)+1), lines[g.rng.IntN(len(lines))])
		}
	}
	g.files[p] = lines
}

func (g *gen) commit(parent, i int, ref string) int {
	ai := i%g.o.AIEvery == 0
	g.header(ref, fmt.Sprintf("change %d", i), ai)
	fmt.Fprintf(&g.out, "from :%d\n", parent)
	if g.o.RenameEvery > 0 && i%g.o.RenameEvery == 0 {
		k := g.rng.IntN(len(g.paths))
		old := g.paths[k]
		nw := strings.Replace(old, "file", fmt.Sprintf("moved%d_", i), 1)
		g.files[nw] = g.files[old]
		delete(g.files, old)
		g.paths[k] = nw
		fmt.Fprintf(&g.out, "R %s %s\n", quote(old), quote(nw))
		g.edit(nw)
		g.blob(nw)
	}
	touched := map[string]bool{}
	for range g.o.FilesPerCommit {
		p := g.paths[g.rng.IntN(len(g.paths))]
		if touched[p] {
			continue
		}
		touched[p] = true
		g.edit(p)
		g.blob(p)
	}
	return g.mark
}

// merge makes a side branch of two commits off parent and merges it back,
// with a line of its own in the merge (a conflict resolution).
func (g *gen) merge(parent, i int) int {
	side := fmt.Sprintf("refs/heads/side%d", i)
	a := g.commit(parent, i*1000+1, side)
	b := g.commit(a, i*1000+2, side)
	g.header("refs/heads/main", fmt.Sprintf("Merge branch side%d", i), false)
	fmt.Fprintf(&g.out, "from :%d\nmerge :%d\n", parent, b)
	// The merge result is the side's content plus one resolution line.
	p := g.paths[g.rng.IntN(len(g.paths))]
	g.files[p] = append(g.files[p], "resolved "+g.line())
	for _, q := range g.paths {
		g.blob(q)
	}
	return g.mark
}
