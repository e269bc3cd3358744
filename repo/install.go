package repo

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hallmark-dev/hallmark/internal/stampwait"
)

// hookMarker identifies hooks hallmark wrote, whatever their version;
// hookVersion is the version written now.
const (
	hookMarker  = "# hallmark hook"
	hookVersion = hookMarker + " v4"
)

// chainedSuffix names the hook that was there before ours; ours runs it
// first, with the same arguments and input.
const chainedSuffix = ".hallmark-chained"

// InitOptions configures [Repo.Init].
type InitOptions struct {
	// Binary is the hallmark command the hooks run; empty means "hallmark"
	// from PATH. The hooks run it as `Binary hook NAME ARGS...`.
	Binary string
	// HookCommand, when set, is the program the hooks run instead, with
	// its first arguments: a vendor's own binary that hands the hook's
	// name and arguments, which the hooks append, to [RunHook]. It cannot
	// be combined with Binary.
	HookCommand []string
	// NoAssistedBy leaves commit messages alone: no Assisted-by trailer is
	// added when model-written lines are committed.
	NoAssistedBy bool
	// ForegroundStamp makes the post-commit hook stamp before `git
	// commit` returns. By default it hands the stamp to a detached
	// process holding the repository's lock, which every hallmark command
	// waits for (see [StampModeEnv]); on systems without flock(2) the
	// stamp always runs in the foreground.
	ForegroundStamp bool
}

// InitResult says what Init did to each hook and each remote.
type InitResult struct {
	HooksDir string
	Hooks    map[string]string // hook name: "installed", "updated", "unchanged", "chained <file>"
	// Remotes says, per remote, whether the fetch refspec of its notes
	// mirror was "added" or was "present" already.
	Remotes map[string]string
}

// HookNames are the hooks Init installs, in the order it reports them.
var HookNames = []string{"post-commit", "post-merge", "post-rewrite", "prepare-commit-msg"}

// NotesFetchRefspec is the fetch refspec Init adds to a remote, so that a
// plain `git fetch` or `git pull` brings its notes too. It fetches into the
// remote's mirror ([RemoteNotesRef]), never into [NotesRef]: a fetch must
// be forced to follow a remote that was rewritten, and a forced fetch
// straight into our own notes would drop every local envelope the remote
// lacks. `hallmark sync` merges the mirror into NotesRef by union.
func NotesFetchRefspec(remote string) string {
	return "+" + NotesRef + ":" + RemoteNotesRef(remote)
}

// hookScripts are what each hook does after running the hook it chains.
// They do in the shell what needs no hallmark, and start what git can
// compute beside hallmark's start-up in a pipe into it.
var hookScripts = map[string]string{
	// Inside a rebase there is nothing to do: post-rewrite carries the
	// records at its end.
	"post-commit": `gd="${GIT_DIR:-.git}"
if [ -d "$gd/rebase-merge" ] || [ -d "$gd/rebase-apply" ]; then exit 0; fi
` + headDiffCommand() + ` 2>/dev/null | hallmark_hook post-commit --head-diff || echo "hallmark: post-commit stamp failed; run 'hallmark stamp' to retry" >&2`,

	"post-rewrite": `hallmark_hook post-rewrite "$1" <"$input" || echo "hallmark: carrying records failed; run 'hallmark carry' to retry" >&2`,
	// git runs post-merge after every merge it completes, a fast-forward
	// and a squash included; only a merge commit it made itself is stamped
	// (a squash's commit is made later, and post-commit carries into it).
	"post-merge": `[ "$1" = 1 ] && exit 0
git rev-parse -q --verify HEAD^2 >/dev/null || exit 0
hallmark_hook post-merge "$1" || echo "hallmark: stamping the merge failed; run 'hallmark stamp' to retry" >&2`,
	// Without a merge message to look at (MERGE_MSG) or captured lines
	// there is nothing to do. When the index holds every captured file
	// exactly as captured (the usual case), the trailers hallmark computed
	// when it saved the pending state are added by git itself. Otherwise
	// hallmark looks. A .git that is not a directory (a submodule) is left
	// to hallmark, and so is the pending.json of an earlier version.
	"prepare-commit-msg": `gd="${GIT_DIR:-.git}"
if [ -d "$gd" ] && [ ! -f "$gd/MERGE_MSG" ]; then
	staged="$gd/` + stagedFile + `"
	if [ -f "$staged" ]; then
		IFS= read -r first <"$staged" || first=
		[ "$first" != hallmark-staged-none ] || exit 0
	elif [ ! -f "$gd/hallmark/pending.json" ]; then
		exit 0
	fi
	[ "$(git config --bool hallmark.assistedBy 2>/dev/null)" != false ] || exit 0
	add_expected_trailers "$staged" "$1" && exit 0
fi
hallmark_hook prepare-commit-msg "$@" || true`,
}

// addExpectedTrailers is the shell function the prepare-commit-msg hook
// defines: given stagedFile and the message file, it reads the trailers
// the file names and, when there are any, pipes stagedQueryFile through
// git's cat-file into cmp against stagedAnswerFile, and adds them if git
// answers as expected; otherwise it fails (so does a missing cmp, and a
// file without its end line, a write cut short). The trailer settings are
// git's defaults, which provenance.AddTrailer follows too.
const addExpectedTrailers = `add_expected_trailers() {
	[ -f "$1" ] || return 1
	file=$1 msg=$2 token= state=head whole=
	set --
	while IFS= read -r l; do
		case $state in
		head)
			case $l in
			"hallmark-staged "?*) token=${l#hallmark-staged }; state=trailers ;;
			*) return 1 ;;
			esac ;;
		trailers)
			if [ "$l" = "end $token" ]; then
				whole=1
				break
			fi
			set -- "$@" --trailer "Assisted-by: $l" ;;
		esac
	done <"$file"
	[ -n "$whole" ] || return 1
	[ $# -gt 0 ] || return 0
	IFS= read -r l <"$file-answer" || return 1
	[ "$l" = "hallmark-staged-$token missing" ] || return 1
	LC_ALL=C git cat-file --batch-check <"$file-query" 2>/dev/null | cmp -s - "$file-answer" || return 1
	git -c trailer.where=end -c trailer.ifexists=addIfDifferentNeighbor \
		-c trailer.ifmissing=add -c trailer.separators=: interpret-trailers --in-place "$@" "$msg"
}
`

// Init installs the hooks, idempotently. It honours core.hooksPath, and
// chains an existing hook that is not ours instead of replacing it.
func (r *Repo) Init(ctx context.Context, opts *InitOptions) (*InitResult, error) {
	if opts == nil {
		opts = &InitOptions{}
	}
	if r.git.Bare {
		return nil, ErrBareRepository
	}
	out, err := r.git.Output(ctx, "rev-parse", "--git-path", "hooks")
	if err != nil {
		return nil, err
	}
	dir := strings.TrimSpace(string(out))
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(r.git.WorkTree, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	command := opts.HookCommand
	switch {
	case len(command) > 0 && opts.Binary != "":
		return nil, fmt.Errorf("%w: both Binary and HookCommand are set", ErrInitOptions)
	case len(command) > 0 && command[0] == "":
		return nil, fmt.Errorf("%w: HookCommand names no program", ErrInitOptions)
	case len(command) == 0:
		bin := opts.Binary
		if bin == "" {
			bin = "hallmark"
		}
		command = []string{bin, "hook"}
	}
	res := &InitResult{HooksDir: dir, Hooks: map[string]string{}}
	for _, name := range HookNames {
		path := filepath.Join(dir, name)
		action := "installed"
		old, err := os.ReadFile(path)
		switch {
		case err == nil && string(old) == hookScript(name, command, opts.ForegroundStamp):
			if fi, err := os.Stat(path); err == nil && fi.Mode().Perm() == 0o755 {
				res.Hooks[name] = "unchanged"
				continue
			}
			action = "updated"
		case err == nil && strings.Contains(string(old), hookMarker):
			action = "updated"
		case err == nil:
			chained := path + chainedSuffix
			if _, err := os.Stat(chained); err == nil {
				return nil, fmt.Errorf("repo: both %s and %s exist and neither is hallmark's: move one away", path, chained)
			}
			if err := os.Rename(path, chained); err != nil {
				return nil, err
			}
			action = "chained " + filepath.Base(chained)
		case !errors.Is(err, fs.ErrNotExist):
			return nil, err
		}
		if err := writeAtomic(path, []byte(hookScript(name, command, opts.ForegroundStamp))); err != nil {
			return nil, err
		}
		if err := os.Chmod(path, 0o755); err != nil {
			return nil, err
		}
		res.Hooks[name] = action
	}
	flag := "true"
	if opts.NoAssistedBy {
		flag = "false"
	}
	if _, err := r.git.Output(ctx, "config", "hallmark.assistedBy", flag); err != nil {
		return nil, err
	}
	if res.Remotes, err = r.addNotesRefspecs(ctx); err != nil {
		return nil, err
	}
	return res, nil
}

// addNotesRefspecs adds NotesFetchRefspec to every remote that lacks it.
func (r *Repo) addNotesRefspecs(ctx context.Context) (map[string]string, error) {
	out, err := r.git.Output(ctx, "remote")
	if err != nil {
		return nil, fmt.Errorf("repo: list remotes: %w", err)
	}
	done := map[string]string{}
	for _, remote := range strings.Fields(string(out)) {
		spec := NotesFetchRefspec(remote)
		have, _ := r.git.Output(ctx, "config", "--get-all", "remote."+remote+".fetch")
		if slices.Contains(strings.Split(string(have), "\n"), spec) {
			done[remote] = "present"
			continue
		}
		if _, err := r.git.Output(ctx, "config", "--add", "remote."+remote+".fetch", spec); err != nil {
			return nil, fmt.Errorf("repo: add the notes refspec to %s: %w", remote, err)
		}
		done[remote] = "added"
	}
	return done, nil
}

// ErrInitOptions is returned for InitOptions that contradict each other.
var ErrInitOptions = errors.New("repo: init options")

// hookScript is the hook name's script, running command (a program and
// its first arguments) for what needs hallmark. $HALLMARK, when set in
// the environment, replaces the program.
func hookScript(name string, command []string, foregroundStamp bool) string {
	var b strings.Builder
	b.WriteString("#!/bin/sh\n" + hookVersion + ": written by `hallmark init`, safe to run again.\n")
	b.WriteString("# A hook that was here before is kept as " + name + chainedSuffix + " and runs first.\n")
	fmt.Fprintf(&b, "[ -n \"${HALLMARK:-}\" ] || HALLMARK=%s\n", shellQuote(command[0]))
	b.WriteString("hallmark_hook() { \"$HALLMARK\"")
	for _, a := range command[1:] {
		b.WriteString(" " + shellQuote(a))
	}
	b.WriteString(" \"$@\"; }\n")
	if name == "post-rewrite" {
		b.WriteString("input=$(mktemp) || exit 0\ntrap 'rm -f \"$input\"' EXIT\ncat >\"$input\"\n")
	}
	b.WriteString("chained=\"${0%/*}/" + name + chainedSuffix + "\"\n")
	b.WriteString("if [ -x \"$chained\" ]; then\n")
	if name == "post-rewrite" {
		b.WriteString("\t\"$chained\" \"$@\" <\"$input\" || exit $?\n")
	} else {
		b.WriteString("\t\"$chained\" \"$@\" || exit $?\n")
	}
	b.WriteString("fi\n")
	if name == "prepare-commit-msg" {
		b.WriteString(addExpectedTrailers)
	}
	if name == "post-commit" && !foregroundStamp && stampwait.Supported {
		b.WriteString(backgroundPostCommit(command))
	}
	b.WriteString(hookScripts[name] + "\n")
	return b.String()
}

// backgroundPostCommit is the start of the post-commit script that hands
// the stamp to a background job (background.go), with the shell's
// built-ins alone: it reads the commit from the ref git just wrote (and
// ORIG_HEAD and CHERRY_PICK_HEAD, which git changes or removes next), marks
// the staged file in flight, starts command as a job (not through
// hallmark_hook: a function would run in a subshell, and the marker must
// name the stamp's own process), leaves the marker and says whether an
// earlier background stamp failed. The job runs niced, so that on a busy
// machine it yields to the commit and what follows it (nice execs the
// job: the marker's process id is the stamp's). Without hallmark's
// directory (nothing captured yet) or with HALLMARK_STAMP=foreground, the
// script goes on to stamp in the foreground.
func backgroundPostCommit(command []string) string {
	var job strings.Builder
	job.WriteString(`"$HALLMARK"`)
	for _, a := range command[1:] {
		job.WriteString(" " + shellQuote(a))
	}
	return `gd="${GIT_DIR:-.git}"
if [ "${` + StampModeEnv + `:-}" != foreground ] && [ -d "$gd/hallmark" ] && [ ! -d "$gd/rebase-merge" ] && [ ! -d "$gd/rebase-apply" ]; then
	ref= head=
	IFS= read -r ref <"$gd/HEAD" || ref=
	case $ref in
	"ref: refs/"*) IFS= read -r head <"$gd/${ref#ref: }" 2>/dev/null || head= ;;
	*) head=$ref ;;
	esac
	orig= pick=
	[ ! -f "$gd/ORIG_HEAD" ] || IFS= read -r orig <"$gd/ORIG_HEAD" || orig=
	[ ! -f "$gd/CHERRY_PICK_HEAD" ] || IFS= read -r pick <"$gd/CHERRY_PICK_HEAD" || pick=
	case $head in *[!0-9a-f]*) head= ;; esac
	case $orig in *[!0-9a-f]*) orig= ;; esac
	case $pick in *[!0-9a-f]*) pick= ;; esac
	printf '%s\n' ` + stagedInFlight + ` >"$gd/` + stagedFile + `"
	nice -n 10 ` + job.String() + ` post-commit --in-background "HEAD=$head" "ORIG_HEAD=$orig" "CHERRY_PICK_HEAD=$pick" </dev/null >"$gd/` + backgroundLogFile + `" 2>&1 &
	: >"$gd/hallmark/` + stampwait.MarkerPrefix + `$!"
	if [ -f "$gd/` + backgroundFailedFile + `" ]; then
		IFS= read -r failed <"$gd/` + backgroundFailedFile + `" || failed=
		echo "hallmark: a background stamp failed ($failed); each commit's stamp catches it up, or run 'hallmark stamp'; see $gd/` + backgroundLogFile + `" >&2
	fi
	exit 0
fi
`
}

// shellQuote quotes s for sh: in single quotes, each ' closed, escaped and
// reopened.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
