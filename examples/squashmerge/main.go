// Command squashmerge is the CI job that keeps authorship records through a
// squash-merge made by a server (GitHub's "Squash and merge", GitLab's
// squash): the server writes a new commit that no hook of ours saw, so its
// record is carried from the records of the branch's commits, and signed by
// the CI's key.
//
//	squashmerge -base BASE -head HEAD -merge MERGE -key ci.key -remote origin
//
// BASE is main before the merge, HEAD the pull request's last commit (GitHub
// keeps it at refs/pull/N/head after the branch is deleted), MERGE the
// squashed commit. It fetches what it lacks, carries (Repo.CarryRange: each
// line of MERGE takes the attribution of the branch line it is a copy of;
// the record names the records it derives from, by digest), and pushes the
// notes. The policy must let the CI's key sign "carry" claims.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/repo"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "squashmerge:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("squashmerge", flag.ContinueOnError)
	dir := fs.String("C", ".", "the repository")
	base := fs.String("base", "", "the target branch before the merge")
	head := fs.String("head", "", "the pull request's last commit")
	merge := fs.String("merge", "HEAD", "the squashed commit")
	key := fs.String("key", "", "the CI's private key file (password in SQUASHMERGE_PASSWORD), or a KMS reference")
	remote := fs.String("remote", "", "fetch missing commits and notes from it, and push the notes back")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *base == "" || *head == "" || *key == "" {
		return errors.New("-base, -head and -key are required")
	}
	// A key file, or a KMS reference ("gcpkms://...") for a CI job that
	// holds no key.
	signer, err := attest.OpenSigner(ctx, *key, &attest.SignerOptions{Password: []byte(os.Getenv("SQUASHMERGE_PASSWORD"))})
	if err != nil {
		return err
	}
	if *remote != "" {
		for _, rev := range []string{*base, *head, *merge} {
			if err := exec.CommandContext(ctx, "git", "-C", *dir, "cat-file", "-e", rev+"^{commit}").Run(); err != nil {
				if out, err := exec.CommandContext(ctx, "git", "-C", *dir, "fetch", "-q", *remote, rev).CombinedOutput(); err != nil {
					return fmt.Errorf("fetch %s: %w: %s", rev, err, strings.TrimSpace(string(out)))
				}
			}
		}
	}
	r, err := repo.Open(ctx, *dir)
	if err != nil {
		return err
	}
	defer r.Close()
	if *remote != "" {
		if _, err := r.Sync(ctx, *remote, &repo.SyncOptions{NoPush: true}); err != nil {
			return err
		}
	}
	// Sources count only when their records verify under the policy at
	// base, the trust the merge will be verified with.
	pol, ring, err := r.PolicyAt(ctx, *base)
	if err != nil {
		return fmt.Errorf("the policy at %s: %w", *base, err)
	}
	res, err := r.CarryRange(ctx, *base, *head, *merge, &repo.StampOptions{Signer: signer, Trust: &repo.Trust{Keyring: ring, Policy: pol}})
	if err != nil {
		return err
	}
	c := res.Record.Count()
	fmt.Fprintf(stdout, "carried %d records onto %.12s: %d lines, %d by models, %d by people, %d unknown\n",
		len(res.Record.DerivedFrom), res.Record.Commit, c.Total(), c.AI+c.Mixed, c.Human, c.Unknown)
	if *remote != "" {
		if _, err := r.Sync(ctx, *remote, nil); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "notes pushed to %s\n", *remote)
	}
	return nil
}
