package repo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/hallmark-dev/hallmark/internal/words"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/sigstore/sigstore/pkg/signature"
)

// HookOptions configures [RunHook]. A nil value, and each zero field,
// means the default.
type HookOptions struct {
	// Dir is the directory git ran the hook in; empty means the current
	// directory, which is where git runs hooks.
	Dir string
	// Stdin is the hook's standard input: what git or the hook script
	// pipes into it. Nil reads nothing.
	Stdin io.Reader
	// Stdout and Stderr take what the hook says (a stamp's summary, a
	// warning). Nil discards it.
	Stdout, Stderr io.Writer
	// Signer, when set, returns the key the hook signs records with. A
	// nil signer stores records unsigned. An error is said on Stderr and
	// the record is stored unsigned, for a later `hallmark stamp` to sign:
	// a commit is never lost to a key problem.
	Signer func(ctx context.Context, r *Repo) (signature.Signer, error)
	// Recorder names the program in the records the hook makes; the zero
	// value means [DefaultRecorder].
	Recorder provenance.Recorder
}

// ErrUnknownHook is returned by [RunHook] for a hook it has no part in.
var ErrUnknownHook = errors.New("repo: unknown hook")

// RunHook runs hallmark's part of the git hook name, with args as the
// hook script that [Repo.Init] installed passes them: git's own arguments,
// after options of the script's (how it hands over what git computed
// beside it). A vendor that installs its own binary as the hook target
// ([InitOptions.HookCommand]) passes its arguments through unchanged:
//
//	// agentbot git-hook NAME ARGS...
//	err := repo.RunHook(ctx, os.Args[2], os.Args[3:], &repo.HookOptions{
//		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
//		Signer: func(context.Context, *repo.Repo) (signature.Signer, error) { return key, nil },
//	})
//
// The hooks are post-commit (stamp the commit, or carry records into a
// cherry-pick or squash), post-merge (stamp a merge commit made here),
// post-rewrite (carry records through amend and rebase; git's "OLD NEW"
// lines on Stdin) and prepare-commit-msg (add Assisted-by trailers for
// the model-written lines staged, unless git config hallmark.assistedBy
// is false).
func RunHook(ctx context.Context, name string, args []string, opts *HookOptions) error {
	if opts == nil {
		opts = &HookOptions{}
	}
	h := hookRun{opts: opts, stdin: opts.Stdin, stdout: opts.Stdout, stderr: opts.Stderr}
	if h.stdin == nil {
		h.stdin = strings.NewReader("")
	}
	if h.stdout == nil {
		h.stdout = io.Discard
	}
	if h.stderr == nil {
		h.stderr = io.Discard
	}
	var run func(context.Context, *Repo, []string) error
	switch name {
	case "post-commit":
		run = h.postCommit
	case "post-merge":
		run = h.postMerge
	case "post-rewrite":
		run = h.postRewrite
	case "prepare-commit-msg":
		run = h.prepareCommitMsg
	default:
		return fmt.Errorf("%w %q (hallmark runs %s)", ErrUnknownHook, name, strings.Join(HookNames, ", "))
	}
	dir := opts.Dir
	if dir == "" {
		dir = "."
	}
	if name == "post-commit" && len(args) > 0 && args[0] == "--in-background" {
		beginBackground()
	}
	r, err := Open(ctx, dir)
	if err != nil {
		return err
	}
	defer r.Close()
	return run(ctx, r, args)
}

// hookRun is one RunHook call.
type hookRun struct {
	opts           *HookOptions
	stdin          io.Reader
	stdout, stderr io.Writer
}

// flag takes the script's option name off the front of args.
func flag(args []string, name string) (bool, []string) {
	if len(args) > 0 && args[0] == name {
		return true, args[1:]
	}
	return false, args
}

// stampOptions asks for the signer.
func (h *hookRun) stampOptions(ctx context.Context, r *Repo) *StampOptions {
	opts := &StampOptions{Recorder: h.opts.Recorder}
	if h.opts.Signer == nil {
		return opts
	}
	s, err := h.opts.Signer(ctx, r)
	if err != nil {
		fmt.Fprintf(h.stderr, "hallmark: %v; storing the record unsigned (run 'hallmark stamp' after fixing the key to sign it)\n", err)
		return opts
	}
	opts.Signer = s
	return opts
}

// say writes a stamp's summary line.
func (h *hookRun) say(res *StampResult, what string) {
	if res == nil || res.Record == nil {
		return
	}
	c := res.Record.Count()
	how := "unsigned"
	if res.Signed {
		how = "signed"
	}
	if res.Existing {
		what = "already " + what
	}
	lines := words.Count(c.Total(), "line")
	if c.Total() == 1 {
		lines = "1 line"
	}
	fmt.Fprintf(h.stdout, "%s %s (%s, %s): %s, %d ai, %d mixed, %d human\n",
		what, res.Record.Commit[:12], how, res.Record.Method, lines, c.AI, c.Mixed, c.Human)
}

// postCommit: args [--head-diff] (the diff of HEAD on Stdin) or
// --in-background NAME=ID... (the hook's shell started this process as a
// background job, with what it saw: see parseHookMoment, background.go).
func (h *hookRun) postCommit(ctx context.Context, r *Repo, args []string) error {
	inBackground, args := flag(args, "--in-background")
	if inBackground {
		seen, err := parseHookMoment(args)
		if err != nil {
			return err
		}
		err = h.stamp(ctx, r, seen, nil)
		r.finishBackground(ctx, seen.Commit, err)
		return err
	}
	headDiff, args := flag(args, "--head-diff")
	if len(args) != 0 {
		return fmt.Errorf("repo: post-commit takes no arguments, got %q", args)
	}
	var pre io.Reader
	if headDiff {
		pre = h.stdin
	}
	return h.stamp(ctx, r, nil, pre)
}

// stamp is post-commit's stamp (or carry) of the commit the hook saw
// (nil: HEAD, read now).
func (h *hookRun) stamp(ctx context.Context, r *Repo, seen *hookMoment, headDiff io.Reader) error {
	// git's cat-file starts now and loads while the key is read.
	if _, err := r.reader(ctx); err != nil {
		return err
	}
	opts := h.stampOptions(ctx, r)
	opts.headDiff = headDiff
	res, what, err := r.postCommit(ctx, seen, opts)
	if err != nil {
		return err
	}
	h.say(res, what)
	h.warnOldHooks(r)
	return nil
}

// warnOldHooks says so when the prepare-commit-msg hook in the git
// directory's hooks is an earlier version's, which looks for files this
// version no longer writes and so adds no Assisted-by trailer.
func (h *hookRun) warnOldHooks(r *Repo) {
	b, err := os.ReadFile(filepath.Join(r.git.GitDir, "hooks", "prepare-commit-msg"))
	if err != nil || !bytes.Contains(b, []byte(hookMarker)) || bytes.Contains(b, []byte(hookVersion+":")) {
		return
	}
	fmt.Fprintln(h.stderr, "hallmark: the git hooks are from an earlier hallmark and add no Assisted-by trailers: run 'hallmark init' to update them")
}

// postMerge: args SQUASH, git's flag (1 for merge --squash).
func (h *hookRun) postMerge(ctx context.Context, r *Repo, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("repo: post-merge takes git's one argument, got %q", args)
	}
	res, what, err := r.postMerge(ctx, args[0] == "1", h.stampOptions(ctx, r))
	if err != nil {
		return err
	}
	h.say(res, what)
	return nil
}

// postRewrite: args KIND (amend or rebase), the pairs on Stdin.
func (h *hookRun) postRewrite(ctx context.Context, r *Repo, args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("repo: post-rewrite takes git's one argument, got %q", args)
	}
	_, err := r.postRewrite(ctx, args[0], h.stdin, h.stampOptions(ctx, r))
	return err
}

// prepareCommitMsg: args FILE [SOURCE [SHA]]. The --staged-ids of hooks
// of earlier versions, with git's answers on Stdin, is taken and its
// answers are not needed.
func (h *hookRun) prepareCommitMsg(ctx context.Context, r *Repo, args []string) error {
	_, args = flag(args, "--staged-ids")
	if len(args) < 1 || len(args) > 3 {
		return fmt.Errorf("repo: prepare-commit-msg takes git's 1 to 3 arguments, got %q", args)
	}
	// git's cat-file starts now and reads the index while the
	// configuration is read.
	if _, err := r.reader(ctx); err != nil {
		return err
	}
	if err := r.prepareCommit(ctx); err != nil {
		fmt.Fprintf(h.stderr, "hallmark: %v\n", err)
	}
	if v := strings.ToLower(r.Config(ctx)["hallmark.assistedby"]); v == "false" || v == "no" || v == "off" || v == "0" {
		return nil
	}
	models, err := r.StagedModels(ctx)
	if err != nil || len(models) == 0 {
		return err
	}
	fi, err := os.Stat(args[0])
	if err != nil {
		return err
	}
	msg, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	text := string(msg)
	for _, m := range models {
		text = provenance.AddTrailer(text, provenance.AssistedBy(m))
	}
	// Atomic: git goes on after a killed hook, and must not commit half a
	// message.
	return writeAtomicPerm(args[0], []byte(text), fi.Mode().Perm())
}
