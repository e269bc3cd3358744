package repo

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/provenance"
)

// Version is this library's version, as [DefaultRecorder] names it.
const Version = "0.1.0"

// DefaultRecorder names hallmark in the records it makes for a caller that
// names no recorder of its own ([StampOptions.Recorder]).
func DefaultRecorder() provenance.Recorder {
	return provenance.Recorder{Name: "hallmark", Version: Version}
}

// recorderOr is rec, or the default when rec names nobody.
func recorderOr(rec provenance.Recorder) provenance.Recorder {
	if rec.Name == "" {
		return DefaultRecorder()
	}
	return rec
}

// Repo is an open repository. It is safe for concurrent use by several
// goroutines: what it opens lazily (the cat-file process, the
// configuration) is opened once, under a lock, and the cat-file process
// answers one request at a time. Notes are written under git's ref locks,
// each write checked against the ref it read, so concurrent writers of one
// Repo (or of several, in other processes) serialize rather than lose an
// envelope.
type Repo struct {
	git *git.Repo

	mu     sync.Mutex // guards batch and config
	batch  *git.Batch
	config map[string]string

	idLen atomic.Int32 // see objectIDLen
}

// Open opens the repository containing dir. It waits first for a stamp
// under way there (see [Repo.WaitForStamps]): the post-commit hook stamps
// in the background, and what Open returns sees that stamp's record.
func Open(ctx context.Context, dir string) (*Repo, error) {
	g, err := git.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	if err := waitForStamps(ctx, g.GitDir); err != nil {
		return nil, err
	}
	return &Repo{git: g}, nil
}

// Close stops the git processes the repository holds. The Repo must not
// be used after it, nor while it runs.
func (r *Repo) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.batch != nil {
		return r.batch.Close()
	}
	return nil
}

// reader is the long-lived cat-file process, started on first use. It
// outlives the context of the call that started it (other goroutines share
// it): Close stops it.
func (r *Repo) reader(ctx context.Context) (*git.Batch, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.batch == nil {
		b, err := r.git.NewBatch(context.WithoutCancel(ctx))
		if err != nil {
			return nil, err
		}
		r.batch = b
	}
	return r.batch, nil
}

// readMany reads objects through the long-lived cat-file process, in one
// round trip.
func (r *Repo) readMany(ctx context.Context, names []string) ([]git.Object, error) {
	b, err := r.reader(ctx)
	if err != nil {
		return nil, err
	}
	return b.ReadMany(names)
}

// commit reads and parses a commit. The revision is resolved by the
// long-lived cat-file process; only a failure starts another, to say
// precisely what is wrong.
func (r *Repo) commit(ctx context.Context, rev string) (*git.Commit, error) {
	b, err := r.reader(ctx)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(rev, "-") && !strings.ContainsAny(rev, " \t\n") {
		if id, typ, data, err := b.ReadID(rev + "^{commit}"); err == nil && typ == "commit" {
			r.idLen.Store(int32(len(id))) // the object format, known for free
			return git.ParseCommit(id, data)
		}
	}
	if _, err := r.git.ResolveCommit(ctx, rev); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("%w: %q", git.ErrBadRevision, rev)
}

// ReadFile returns the content of path in commit.
func (r *Repo) ReadFile(ctx context.Context, commit, path string) ([]byte, error) {
	b, err := r.reader(ctx)
	if err != nil {
		return nil, err
	}
	typ, data, err := b.Read(commit + ":" + path)
	if err != nil {
		return nil, err
	}
	if typ != "blob" {
		return nil, fmt.Errorf("repo: %s in %s is a %s, not a file", path, commit, typ)
	}
	return data, nil
}

// added returns what commit c adds, file by file (see the package comment
// for merges and root commits).
func (r *Repo) added(ctx context.Context, c *git.Commit) ([]git.FileDiff, error) {
	if len(c.Parents) == 0 {
		out, err := r.git.Output(ctx, append(diffArgs, "--root", c.ID)...)
		if err != nil {
			return nil, err
		}
		return git.ParseDiff(bytes.NewReader(out))
	}
	var result []git.FileDiff
	for i, p := range c.Parents {
		out, err := r.git.Output(ctx, append(diffArgs, p, c.ID)...)
		if err != nil {
			return nil, err
		}
		files, err := git.ParseDiff(bytes.NewReader(out))
		if err != nil {
			return nil, err
		}
		if i == 0 {
			result = files
			continue
		}
		result = intersect(result, files)
	}
	return result, nil
}

// diffArgs say what a commit adds, file by file, in the form ParseDiff
// reads. --full-index names each file's new content by its full id, so
// that it is read by id rather than looked up by path again.
//
// --text: whether a file is text is hallmark's decision, made on the
// file's bytes (see isBinary), never the tree's .gitattributes: a `-diff`
// attribute must not hide a file's lines from its record.
var diffArgs = []string{"diff-tree", "-p", "-U0", "-M", "--text", "--full-index", "--no-color", "--no-ext-diff", "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/"}

// headDiffCommand is the git command line, for a shell, whose output
// StampOptions.headDiff takes: the diff of HEAD against its parent,
// headed by HEAD's id. The post-commit hook starts it beside hallmark, so
// that git computes the diff while hallmark starts up.
func headDiffCommand() string {
	args := append(append([]string{"LC_ALL=C", "git"}, git.StableArgs()...), diffArgs...)
	return strings.Join(append(args, "--root", "HEAD"), " ")
}

// addedFrom is added for a commit whose diff was computed already: pre
// holds headDiffCommand's output. The output is used only when it names c
// and c has at most one parent (for a merge the command gives no diff);
// otherwise git is asked again.
func (r *Repo) addedFrom(ctx context.Context, c *git.Commit, pre io.Reader) ([]git.FileDiff, error) {
	if pre == nil || len(c.Parents) > 1 {
		return r.added(ctx, c)
	}
	br := bufio.NewReader(pre)
	first, err := br.ReadString('\n')
	if err != nil || strings.TrimSpace(first) != c.ID {
		return r.added(ctx, c)
	}
	files, err := git.ParseDiff(br)
	if err != nil {
		return nil, err
	}
	// A hook installed before diffs were taken with --text lets
	// .gitattributes call a file binary: ask git again.
	if slices.ContainsFunc(files, func(f git.FileDiff) bool { return f.Binary }) {
		return r.added(ctx, c)
	}
	return files, nil
}

// intersect keeps the lines added in both diffs: a merge's own lines.
func intersect(a, b []git.FileDiff) []git.FileDiff {
	var out []git.FileDiff
	for _, fa := range a {
		i := slices.IndexFunc(b, func(fb git.FileDiff) bool { return fb.Path == fa.Path })
		if i < 0 {
			continue // unchanged against this parent: nothing is new
		}
		fb := b[i]
		f := git.FileDiff{Path: fa.Path, OldPath: fa.OldPath, Binary: fa.Binary && fb.Binary}
		j := 0
		for _, n := range fa.Added {
			for j < len(fb.Added) && fb.Added[j] < n {
				j++
			}
			if j < len(fb.Added) && fb.Added[j] == n {
				f.Added = append(f.Added, n)
			}
		}
		if len(f.Added) > 0 || f.Binary {
			out = append(out, f)
		}
	}
	return out
}

// Record computes the record of a commit from its diff and its commit
// conventions, without captured attribution.
func (r *Repo) Record(ctx context.Context, rev string) (*provenance.Record, error) {
	c, err := r.commit(ctx, rev)
	if err != nil {
		return nil, err
	}
	rec, _, err := r.recordFor(ctx, c, nil, &pendingState{Files: map[string]*pendingFile{}}, nil)
	return rec, err
}

// inferAuthor is [InferAuthor] of a commit as package git parses it.
func inferAuthor(c *git.Commit) (provenance.Author, provenance.Class) {
	return InferAuthor((*Commit)(c))
}

// InferAuthor says who wrote a commit's lines, from its conventions: the
// first marker (in [provenance.Detect]'s order) whose class is not Human,
// preferring one that names the model, with that marker's class; else the
// commit's author, Human. A marker of class Unknown (a commit-level share
// such as Entire's, or hallmark's own Assisted-by trailer on a commit
// whose note is missing) says that a model wrote some lines without
// saying which: the lines are the commit author's, class Unknown, never
// the model's on that word alone.
func InferAuthor(c *Commit) (provenance.Author, provenance.Class) {
	markers := provenance.Detect(provenance.CommitInfo{
		AuthorName: c.AuthorName, AuthorEmail: c.AuthorEmail,
		CommitterName: c.CommitterName, CommitterEmail: c.CommitterEmail,
		Message: c.Message,
	})
	person := provenance.Author{Kind: provenance.Person, Name: c.AuthorName, Email: c.AuthorEmail}
	var best *provenance.Marker
	for i := range markers {
		m := &markers[i]
		if m.Class == provenance.Human || m.Class == "" {
			continue
		}
		if best == nil {
			best = m
		}
		if (m.ModelID != "" || m.Model != "") && m.Class == best.Class {
			best = m
			break
		}
	}
	if best == nil {
		return person, provenance.Human
	}
	if best.Class == provenance.Unknown {
		if person.Name == "" && person.Email == "" {
			return best.Author(), provenance.Unknown
		}
		return person, provenance.Unknown
	}
	return best.Author(), best.Class
}
