package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/hallmark-dev/hallmark/analysis"
	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/repo"
)

// bundle writes the module's signed bundle. Every file must be committed:
// a bundle speaks of released code. Commit the bundle, then tag.
func bundle(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("release bundle", flag.ContinueOnError)
	dir := fs.String("C", ".", "the module's root directory")
	key := fs.String("key", "", "the release key file (password in RELEASE_PASSWORD), or a KMS reference")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *key == "" {
		return errors.New("bundle: -key is required")
	}
	// A key file, or a KMS reference ("awskms://...") for a release job
	// that holds no key.
	signer, err := attest.OpenSigner(ctx, *key, &attest.SignerOptions{Password: []byte(os.Getenv("RELEASE_PASSWORD"))})
	if err != nil {
		return err
	}
	abs, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	r, err := repo.Open(ctx, abs)
	if err != nil {
		return err
	}
	defer r.Close()
	path, err := analysis.WriteBundle(ctx, r, abs, signer, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s: commit it, then tag the release\n", path)
	return nil
}
