package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/git"
	"github.com/hallmark-dev/hallmark/provenance"
)

// Exit codes scripts can rely on.
const (
	exitOK     = 0
	exitFailed = 1 // verification or policy failure
	exitError  = 2 // usage or operational error
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string) int {
	root := newRoot()
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(os.Stderr, "hallmark: "+message(err))
	var ge *git.Error
	if tracing() && errors.As(err, &ge) {
		fmt.Fprintf(os.Stderr, "hallmark: the git command: git %s\n%s\n", strings.Join(ge.Args, " "), strings.TrimSpace(ge.Stderr))
	}
	return exitCode(err)
}

// verificationErrors are the causes for which exit status is 1.
var verificationErrors = []error{
	attest.ErrMalformed, attest.ErrPayloadType, attest.ErrStatement, attest.ErrNoSignature,
	attest.ErrBadSignature, attest.ErrUnknownKey, attest.ErrSubjectMismatch,
	attest.ErrDigestMismatch, attest.ErrInvalidRecord, errViolations,
}

func exitCode(err error) int {
	for _, v := range verificationErrors {
		if errors.Is(err, v) {
			return exitFailed
		}
	}
	return exitError
}

// tracing reports whether errors show the git commands behind them:
// --verbose, or HALLMARK_TRACE set to anything but "" or "0".
func tracing() bool {
	t := os.Getenv("HALLMARK_TRACE")
	return globals.verbose || (t != "" && t != "0")
}

// message is the error plus what to do about it, on one line. A git
// command's failure is said by git's own first line of complaint, without
// the command line, unless trace is set.
func message(err error) string {
	trace := tracing()
	text := err.Error()
	var ge *git.Error
	if errors.As(err, &ge) {
		text = strings.Replace(text, ge.Error(), gitComplaint(ge), 1)
	}
	text = oneLine(text)
	hint := ""
	var kp *keyPasswordError
	switch {
	case errors.As(err, &kp) && kp.unset:
		hint = "set " + passwordEnv + " to the key's password"
	case errors.As(err, &kp) && kp.typed:
		hint = "try again, or set " + passwordEnv
	case errors.As(err, &kp):
		hint = "check " + passwordEnv
	case ge != nil && trace:
		hint = gitHint(ge)
	case ge != nil:
		hint = gitHint(ge) + "; --verbose shows the git command"
	case errors.Is(err, git.ErrNotRepository):
		hint = "run it inside a git repository, or pass the inputs as files"
	case errors.Is(err, git.ErrNoCommits):
		if !strings.Contains(text, "first commit") {
			hint = "commit something first"
		}
	case errors.Is(err, git.ErrBadRevision):
		hint = "check the revision with `git rev-parse`"
	case errors.Is(err, attest.ErrKeyPassword):
		hint = "set HALLMARK_PASSWORD to the key's password"
	case errors.Is(err, attest.ErrBadSignature):
		hint = "the attestation was altered or signed by another key: check --key"
	case errors.Is(err, attest.ErrUnknownKey):
		hint = "add the signer's public key with --key if you trust it"
	case errors.Is(err, attest.ErrSubjectMismatch):
		hint = "this attestation is about another commit: check --commit or --blob"
	case errors.Is(err, attest.ErrDigestMismatch):
		hint = "the content differs from what was signed"
	case errors.Is(err, provenance.ErrInvalid):
		hint = "fix the record, or let hallmark compute it"
	case errors.Is(err, errUsage):
		hint = "see --help"
	}
	if hint != "" {
		return text + " (" + hint + ")"
	}
	return text
}

// gitComplaint is what git said went wrong, in its first line that says
// so ("fatal: ..." or "error: ..."), without the prefix.
func gitComplaint(ge *git.Error) string {
	for _, l := range strings.Split(ge.Stderr, "\n") {
		l = strings.TrimSpace(l)
		for _, p := range []string{"fatal: ", "error: "} {
			if strings.HasPrefix(l, p) {
				return "git " + gitVerb(ge) + ": " + strings.TrimPrefix(l, p)
			}
		}
	}
	for _, l := range strings.Split(ge.Stderr, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return "git " + gitVerb(ge) + ": " + l
		}
	}
	return "git " + gitVerb(ge) + " failed: " + ge.Err.Error()
}

// gitVerb is the git subcommand an error came from: the first argument
// that is not an option (git's -c settings are skipped).
func gitVerb(ge *git.Error) string {
	for i := 0; i < len(ge.Args); i++ {
		a := ge.Args[i]
		if a == "-c" || a == "-C" {
			i++
			continue
		}
		if !strings.HasPrefix(a, "-") {
			return a
		}
	}
	return "command"
}

// gitHint says what to do about a failed git command, by its kind.
func gitHint(ge *git.Error) string {
	switch gitVerb(ge) {
	case "fetch", "push", "ls-remote":
		return "check the remote's URL with `git remote -v` and that you may read and write it"
	case "cat-file", "diff-tree", "rev-list", "log":
		return "an object is missing: run `git fsck`, or `git fetch` what the history needs"
	}
	return "run the git command yourself to see more"
}

// oneLine joins a multi-line message into one line.
func oneLine(s string) string {
	fields := strings.FieldsFunc(strings.TrimSpace(s), func(r rune) bool { return r == '\n' || r == '\r' })
	for i := range fields {
		fields[i] = strings.TrimSpace(fields[i])
	}
	return strings.Join(fields, " ")
}

var errUsage = errors.New("usage")

func usagef(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}
