// Command hallmark records, signs, verifies and sums who wrote each line of
// a git repository: people or models.
//
// Run `hallmark --help` for the commands. Exit status: 0 success, 1 a
// verification or policy failure, 2 a usage or operational error.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"

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
	// Reports replay a whole history and allocate a lot that dies young: a
	// lazier collector saves about a tenth of the time, for memory this
	// tool can spare. GOGC, when set, still decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
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

// message is the error plus what to do about it, on one line.
func message(err error) string {
	hint := ""
	switch {
	case errors.Is(err, git.ErrNotRepository):
		hint = "run it inside a git repository, or pass the inputs as files"
	case errors.Is(err, git.ErrNoCommits):
		hint = "commit something first"
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
		return err.Error() + " (" + hint + ")"
	}
	return err.Error()
}

var errUsage = errors.New("usage")

func usagef(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}
