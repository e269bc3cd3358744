package git

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Errors a caller may want to tell apart.
var (
	ErrNotRepository = errors.New("git: not a git repository")
	ErrNoCommits     = errors.New("git: the repository has no commits yet")
	ErrBadRevision   = errors.New("git: unknown revision")
	ErrNotFound      = errors.New("git: object not found")
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
	// One process: in a bare repository --show-toplevel fails after the
	// first two answers are printed, which is all we need there.
	cmd := r.command(ctx, "rev-parse", "--absolute-git-dir", "--is-bare-repository", "--show-toplevel")
	out, _ := cmd.Output()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 2 || (lines[1] != "true" && lines[1] != "false") {
		return nil, fmt.Errorf("%w: %s", ErrNotRepository, dir)
	}
	r.GitDir, r.Bare = lines[0], lines[1] == "true"
	if !r.Bare && len(lines) >= 3 {
		r.WorkTree = lines[2]
	}
	return r, nil
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

// command builds a git command with settings that keep its output stable
// whatever the user's configuration says.
func (r *Repo) command(ctx context.Context, args ...string) *exec.Cmd {
	full := append([]string{
		"-c", "core.quotePath=false",
		"-c", "diff.noprefix=false",
		"-c", "diff.mnemonicPrefix=false",
		"-c", "color.ui=false",
		"-c", "log.showSignature=false",
	}, args...)
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
