package git

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// LogEntry is one commit of a `git log -p` stream and its diff, deleted
// files included (Deleted set).
// With -m a merge comes once per parent, Parent saying which (0-based);
// otherwise Parent is 0 and a merge comes with no files.
type LogEntry struct {
	Commit *Commit
	Parent int
	Files  []FileDiff
}

const (
	logStart = "\x00hallmark-commit\x00"
	logEnd   = "\x00hallmark-end"
)

// logFormat writes what ParseCommit would find, between markers that a
// commit message cannot contain (git's %x00 writes the NUL; an argument
// cannot hold one).
const logFormat = "--format=%x00hallmark-commit%x00%H%x00%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%B%x00hallmark-end"

// Log runs `git log -p -U0 -M` with extra arguments (a range, -m,
// --topo-order...) and calls each for every commit as the output streams.
func (r *Repo) Log(ctx context.Context, args []string, each func(*LogEntry) error) error {
	return r.log(ctx, args, nil, nil, each)
}

// LogCommits is Log over exactly the given commits, in the given order
// (`--no-walk=unsorted --stdin`): a way to split one history between
// several git processes.
func (r *Repo) LogCommits(ctx context.Context, ids []string, args []string, each func(*LogEntry) error) error {
	return r.LogCommitsPaths(ctx, ids, args, nil, each)
}

// LogCommitsPaths is LogCommits with the diffs limited to paths (literal
// paths, none for all). git leaves out the commits that change none of
// them: a caller that gives every commit must expect gaps.
func (r *Repo) LogCommitsPaths(ctx context.Context, ids []string, args []string, paths []string, each func(*LogEntry) error) error {
	stdin := []byte(strings.Join(ids, "\n") + "\n")
	return r.log(ctx, append([]string{"--no-walk=unsorted", "--stdin"}, args...), paths, stdin, each)
}

func (r *Repo) log(ctx context.Context, args, paths []string, stdin []byte, each func(*LogEntry) error) error {
	var full []string
	if len(paths) > 0 {
		full = []string{"--literal-pathspecs"}
	}
	full = append(full, "log", "-p", "-U0", "-M", "--no-color", "--no-ext-diff", "--no-textconv",
		"--src-prefix=a/", "--dst-prefix=b/", logFormat)
	full = append(full, args...)
	full = append(append(full, "--"), paths...)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stdout, wait, err := r.stream(ctx, stdin, full)
	if err != nil {
		return err
	}
	var last string
	seen := 0
	perr := ParseLog(stdout, func(c *Commit, diff []byte) error {
		if c.ID == last {
			seen++
		} else {
			last, seen = c.ID, 0
		}
		e := &LogEntry{Commit: c, Parent: seen}
		if len(diff) > 0 {
			files, err := ParseDiffAll(bytes.NewReader(diff))
			if err != nil {
				return err
			}
			e.Files = files
		}
		return each(e)
	})
	return wait(perr, cancel)
}

// stream starts git with stdin (nil for none) and returns its standard
// output and a function that, given the reader's error, stops git if that
// error is set and otherwise waits for it and reports its failure.
func (r *Repo) stream(ctx context.Context, stdin []byte, args []string) (io.Reader, func(error, context.CancelFunc) error, error) {
	cmd := r.command(ctx, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, nil, err
	}
	wait := func(readErr error, cancel context.CancelFunc) error {
		if readErr != nil {
			cancel()
			_ = cmd.Wait()
			return readErr
		}
		if err := cmd.Wait(); err != nil {
			return &Error{Args: args, Stderr: stderr.String(), Err: err}
		}
		return nil
	}
	return stdout, wait, nil
}

// maxKeptDiff is the largest buffer ParseLog keeps for the next commit's
// diff; on git.git the largest diffs' buffers, kept, were 6 MB of the
// replay's heap.
const maxKeptDiff = 1 << 20

// ParseLog splits a log stream written with logFormat into commits and
// their diffs. The lines are read in place, not each as a new string: a
// whole history's diffs pass through here, and a string for each line was
// most of what a replay of git.git allocated.
func ParseLog(r io.Reader, each func(c *Commit, diff []byte) error) error {
	br := bufio.NewReaderSize(r, 1<<16)
	start, end := []byte(logStart), []byte(logEnd)
	var header strings.Builder
	var diff bytes.Buffer
	var long []byte // a line longer than br's buffer, gathered
	var cur *Commit
	inHeader := false
	flush := func() error {
		if cur == nil {
			return nil
		}
		err := each(cur, diff.Bytes())
		cur = nil
		diff.Reset()
		if diff.Cap() > maxKeptDiff {
			// A rare large commit's: not kept for the rest of the stream.
			diff = bytes.Buffer{}
		}
		return err
	}
	for {
		line, err := br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long[:0], line...)
			for err == bufio.ErrBufferFull {
				line, err = br.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if len(line) > 0 {
			switch {
			case bytes.HasPrefix(line, start):
				if ferr := flush(); ferr != nil {
					return ferr
				}
				header.Reset()
				header.Write(line[len(start):])
				inHeader = true
			case inHeader:
				header.Write(line)
			default:
				diff.Write(line)
			}
			if inHeader && bytes.Contains(line, end) {
				inHeader = false
				h, _, _ := strings.Cut(header.String(), logEnd)
				c, perr := parseLogHeader(h)
				if perr != nil {
					return perr
				}
				cur = c
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("git: read log: %w", err)
		}
	}
	if inHeader {
		return fmt.Errorf("git: log output ended inside a commit header")
	}
	return flush()
}

func parseLogHeader(h string) (*Commit, error) {
	f := strings.SplitN(h, "\x00", 9)
	if len(f) != 9 {
		return nil, fmt.Errorf("git: unexpected log header %q", h)
	}
	at, _ := strconv.ParseInt(f[4], 10, 64)
	ct, _ := strconv.ParseInt(f[7], 10, 64)
	return &Commit{
		ID: f[0], Parents: strings.Fields(f[1]),
		AuthorName: f[2], AuthorEmail: f[3], AuthorTime: time.Unix(at, 0).UTC(),
		CommitterName: f[5], CommitterEmail: f[6], CommitTime: time.Unix(ct, 0).UTC(),
		Message: f[8],
	}, nil
}

// DiffPairs diffs each (parent, commit) pair, in the given order, with
// one `git diff-tree --stdin` process, and calls each with the commit and
// what its diff against that parent adds. An empty diff still comes, with
// no files.
func (r *Repo) DiffPairs(ctx context.Context, pairs [][2]string, each func(commit string, files []FileDiff) error) error {
	if len(pairs) == 0 {
		return nil
	}
	var in bytes.Buffer
	for _, p := range pairs {
		// "<commit> <parent>": the commit, compared with that parent only.
		fmt.Fprintf(&in, "%s %s\n", p[1], p[0])
	}
	args := []string{"diff-tree", "--stdin", "--always", "-r", "-p", "-U0", "-M", "--no-color", "--no-ext-diff",
		"--no-textconv", "--src-prefix=a/", "--dst-prefix=b/"}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stdout, wait, err := r.stream(ctx, in.Bytes(), args)
	if err != nil {
		return err
	}
	br := bufio.NewReaderSize(stdout, 1<<16)
	var cur string
	var diff bytes.Buffer
	n := 0
	flush := func() error {
		if cur == "" {
			return nil
		}
		files, err := ParseDiffAll(bytes.NewReader(diff.Bytes()))
		if err != nil {
			return err
		}
		diff.Reset()
		c := cur
		cur = ""
		n++
		return each(c, files)
	}
	var perr error
	for perr == nil {
		line, err := br.ReadString('\n')
		if len(line) > 0 {
			if id := strings.TrimSuffix(line, "\n"); IsObjectID(id) {
				perr = flush()
				cur = id
			} else {
				diff.WriteString(line)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			perr = err
		}
	}
	if perr == nil {
		perr = flush()
	}
	if err := wait(perr, cancel); err != nil {
		return err
	}
	if n != len(pairs) {
		return fmt.Errorf("git: diff-tree answered %d of %d pairs", n, len(pairs))
	}
	return nil
}
