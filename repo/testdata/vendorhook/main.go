// Command vendorhook is a tool vendor's own binary as the target of the
// git hooks repo.Init installs (InitOptions.HookCommand): its git-hook
// subcommand hands the hook's name and arguments to repo.RunHook and signs
// with the vendor's key, the cosign-format PEM file $VENDORHOOK_KEY under
// the password $VENDORHOOK_PASSWORD. It leaves a line in $VENDORHOOK_LOG
// for every hook it ran, so that a test can tell it ran.
package main

import (
	"context"
	"fmt"
	"os"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/repo"
	"github.com/sigstore/sigstore/pkg/signature"
)

func main() {
	if len(os.Args) < 3 || os.Args[1] != "git-hook" {
		fmt.Fprintln(os.Stderr, "usage: vendorhook git-hook NAME [ARGS...]")
		os.Exit(2)
	}
	if log := os.Getenv("VENDORHOOK_LOG"); log != "" {
		if f, err := os.OpenFile(log, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644); err == nil {
			fmt.Fprintln(f, os.Args[2])
			f.Close()
		}
	}
	err := repo.RunHook(context.Background(), os.Args[2], os.Args[3:], &repo.HookOptions{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Signer: func(context.Context, *repo.Repo) (signature.Signer, error) {
			pem, err := os.ReadFile(os.Getenv("VENDORHOOK_KEY"))
			if err != nil {
				return nil, err
			}
			return attest.LoadSigner(pem, []byte(os.Getenv("VENDORHOOK_PASSWORD")))
		},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "vendorhook:", err)
		os.Exit(1)
	}
}
