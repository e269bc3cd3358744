package git

import (
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Errors a caller may want to tell apart.
var (
	ErrNotRepository = errors.New("git: not a git repository")
	ErrNoCommits     = errors.New("git: the repository has no commits yet")
	ErrBadRevision   = errors.New("git: unknown revision")
	ErrNotFound      = errors.New("git: object not found")
	ErrBadName       = errors.New("git: a file name git could not have written")
	ErrTooLarge      = errors.New("git: object over the size limit")
)

// Repo is a git repository, bare or with a work tree, driven through the
// git command.
type Repo struct {
	Dir      string // where git runs
	GitDir   string // absolute path of the git directory
	WorkTree string // absolute path of the work tree; empty when bare
	Bare     bool
}

// Open finds the repository that contains dir.
func Open(ctx context.Context, dir string) (*Repo, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, fmt.Errorf("git: the git command is not installed: %w", err)
	}
	r := &Repo{Dir: dir}
	if openStandard(r) {
		return r, nil
	}
	if err := askGit(ctx, r); err != nil {
		return nil, err
	}
	return r, nil
}

// askGit fills r in from `git rev-parse`.
func askGit(ctx context.Context, r *Repo) error {
	// One process: in a bare repository --show-toplevel fails after the
	// first two answers are printed, which is all we need there.
	cmd := r.command(ctx, "rev-parse", "--absolute-git-dir", "--is-bare-repository", "--show-toplevel")
	out, _ := cmd.Output()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 2 || (lines[1] != "true" && lines[1] != "false") {
		return fmt.Errorf("%w: %s", ErrNotRepository, r.Dir)
	}
	r.GitDir, r.Bare = lines[0], lines[1] == "true"
	if !r.Bare && len(lines) >= 3 {
		r.WorkTree = lines[2]
	}
	return nil
}

// openStandard recognises, without starting git, the layout git's own
// discovery settles on first: dir holds a .git directory and nothing in the
// environment or the repository's config file points elsewhere. Hooks run
// in exactly this place, and a process saved there is a millisecond of
// every commit. Anything less plain is left to `git rev-parse`.
func openStandard(r *Repo) bool {
	for _, v := range []string{"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY"} {
		if os.Getenv(v) != "" {
			return false
		}
	}
	dir, err := filepath.Abs(r.Dir)
	if err != nil {
		return false
	}
	if dir, err = filepath.EvalSymlinks(dir); err != nil {
		return false
	}
	gd := filepath.Join(dir, ".git")
	for _, p := range []string{gd, filepath.Join(gd, "objects"), filepath.Join(gd, "refs")} {
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			return false
		}
	}
	if st, err := os.Stat(filepath.Join(gd, "HEAD")); err != nil || !st.Mode().IsRegular() {
		return false
	}
	// core.worktree or core.bare move the work tree; includes might set
	// either. Their mere mention sends the question to git.
	cfg, err := os.ReadFile(filepath.Join(gd, "config"))
	if err != nil {
		return false
	}
	lower := bytes.ToLower(cfg)
	for _, w := range []string{"worktree", "bare = true", "bare=true", "[include", "commondir"} {
		if bytes.Contains(lower, []byte(w)) {
			return false
		}
	}
	if _, err := os.Stat(filepath.Join(gd, "commondir")); err == nil {
		return false
	}
	r.GitDir, r.WorkTree = gd, dir
	return true
}

// IsObjectID reports whether s is a full object id in lower-case hex,
// SHA-1 or SHA-256.
func IsObjectID(s string) bool {
	if len(s) != 40 && len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// BlobID is the id git gives content stored as a blob, in the object
// format whose ids have hexLen digits (40: SHA-1, 64: SHA-256); "" for any
// other length. Comparing it with an id git printed tells, without asking
// git, whether git holds exactly this content.
func BlobID(content []byte, hexLen int) string { return ObjectID("blob", content, hexLen) }

// ObjectID is the id of an object of type typ ("blob", "tree", "commit")
// with this content, as BlobID.
func ObjectID(typ string, content []byte, hexLen int) string {
	var h hash.Hash
	switch hexLen {
	case 40:
		h = sha1.New()
	case 64:
		h = sha256.New()
	default:
		return ""
	}
	fmt.Fprintf(h, "%s %d\x00", typ, len(content))
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

// Error is a failed git command, with what it wrote to stderr.
type Error struct {
	Args   []string
	Stderr string
	Err    error
}

func (e *Error) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if msg == "" {
		msg = e.Err.Error()
	}
	return fmt.Sprintf("git %s: %s", strings.Join(e.Args, " "), msg)
}

func (e *Error) Unwrap() error { return e.Err }

// StableArgs are the options every git command hallmark runs starts with,
// so that its output is the same whatever the user's configuration says.
// A hook script that runs git for hallmark uses them too (with LC_ALL=C).
func StableArgs() []string {
	return []string{
		"-c", "core.quotePath=false",
		"-c", "diff.noprefix=false",
		"-c", "diff.mnemonicPrefix=false",
		"-c", "color.ui=false",
		"-c", "log.showSignature=false",
	}
}

// memoryArgs bound what one git process keeps in memory. Left to its
// defaults, git keeps up to 96 MiB of delta bases and maps pack files in
// windows of 1 GiB: a report runs several log processes at once over the
// whole history, and each held 150 MB on aider and 395 MB on git.git
// (git log --raw -M alone), most of the report's peak. Bounded so, the
// same log takes 61 MB on both, in no more time (BENCHMARKS.md, issue 13).
var memoryArgs = []string{
	"-c", "core.deltaBaseCacheLimit=8m",
	"-c", "core.packedGitWindowSize=16m",
	"-c", "core.packedGitLimit=64m",
}

// command builds a git command with settings that keep its output stable
// whatever the user's configuration says, and its memory bounded.
func (r *Repo) command(ctx context.Context, args ...string) *exec.Cmd {
	full := append(append(StableArgs(), memoryArgs...), args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
	return cmd
}

// Output runs git and returns its standard output.
func (r *Repo) Output(ctx context.Context, args ...string) ([]byte, error) {
	return r.OutputStdin(ctx, nil, args...)
}

// OutputStdin runs git with stdin and returns its standard output.
func (r *Repo) OutputStdin(ctx context.Context, stdin []byte, args ...string) ([]byte, error) {
	cmd := r.command(ctx, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	if err := cmd.Run(); err != nil {
		return nil, &Error{Args: args, Stderr: stderr.String(), Err: err}
	}
	return stdout.Bytes(), nil
}

// ResolveCommit turns a revision into a full commit id.
func (r *Repo) ResolveCommit(ctx context.Context, rev string) (string, error) {
	if strings.HasPrefix(rev, "-") {
		return "", fmt.Errorf("%w: %q", ErrBadRevision, rev)
	}
	out, err := r.Output(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+"^{commit}")
	if err != nil {
		if rev == "HEAD" {
			if _, herr := r.Output(ctx, "rev-parse", "--verify", "--quiet", "HEAD"); herr != nil {
				return "", fmt.Errorf("%w (HEAD is unborn: make a first commit)", ErrNoCommits)
			}
		}
		return "", fmt.Errorf("%w: %q is not a commit in this repository", ErrBadRevision, rev)
	}
	return strings.TrimSpace(string(out)), nil
}

// RevList lists the commits of a revision range, oldest first.
func (r *Repo) RevList(ctx context.Context, args ...string) ([]string, error) {
	out, err := r.Output(ctx, append([]string{"rev-list", "--reverse"}, args...)...)
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(out)), nil
}
