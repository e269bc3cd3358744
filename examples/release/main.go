// Command release publishes a Go module's authorship at release time, and
// checks it as a consumer does.
//
//	release bundle -C ./lib -key release.key     # before tagging: writes .hallmark/bundle.json
//	release check  -module example.com/lib@v1.2.0 -key release.pub
//	release check  -deps -trust example.com/lib=release.pub ./...   # a consumer's whole graph
//
// The bundle is a signed record of every line of every file of the module
// (analysis.WriteBundle); it travels in the module zip like any other file.
// A consumer verifies it against the bytes in its module cache and the key
// it trusts for that module path (analysis.VerifyBundle); a bundle that
// does not match is an error, never a silent pass. Exit status: 0 verified,
// 1 rejected, 2 usage or operational error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// errRejected is a check that ran and failed.
var errRejected = errors.New("rejected")

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdout)
	switch {
	case errors.Is(err, errRejected):
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	case err != nil:
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: release bundle|check [flags]")
	}
	switch args[0] {
	case "bundle":
		return bundle(ctx, args[1:], stdout)
	case "check":
		return check(ctx, args[1:], stdout)
	}
	return fmt.Errorf("unknown command %q: want bundle or check", args[0])
}
