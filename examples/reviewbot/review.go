package main

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/attribution"
	"github.com/hallmark-dev/hallmark/policy"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// reviewResult is what the comment shows.
type reviewResult struct {
	Base, Head string // commit ids
	Verify     *repo.VerifyReport
	NoPolicy   bool                // BASE has no policy: verified against no key, so nothing passes
	Surviving  *attribution.Report // the lines BASE..HEAD added that are still at HEAD
	ByModel    []provenance.Row
	ByFile     []provenance.Row
}

func review(ctx context.Context, c config) (*reviewResult, error) {
	if c.fetch != "" {
		if err := fetch(ctx, c.dir, c.fetch, c.base, c.head); err != nil {
			return nil, err
		}
	}
	r, err := repo.Open(ctx, c.dir)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	base, err := resolve(ctx, c.dir, c.base)
	if err != nil {
		return nil, err
	}
	head, err := resolve(ctx, c.dir, c.head)
	if err != nil {
		return nil, err
	}
	res := &reviewResult{Base: base, Head: head}
	// The policy of the base: a pull request cannot bring its own rules.
	pol, ring, err := r.PolicyAt(ctx, base)
	switch {
	case errors.Is(err, policy.ErrNoPolicy):
		res.NoPolicy = true
	case err != nil:
		return nil, err
	}
	if ring.Len() > 0 {
		if res.Verify, err = r.Verify(ctx, &repo.VerifyOptions{Keyring: ring, Policy: pol, Range: []string{base + ".." + head}, SignedSince: pol.Require.SignedSince}); err != nil {
			return nil, err
		}
	} else {
		res.NoPolicy = true
		res.Verify = &repo.VerifyReport{Violations: []repo.Violation{{Problem: repo.Problem{Kind: "no-policy", Message: "the base has no policy with trusted keys (" + policy.File + "): nothing can verify", Err: attest.ErrNoKeys}}}}
	}
	a, err := attribution.Analyze(ctx, r, &attribution.Options{Rev: head, Since: base, Keyring: ring})
	if err != nil {
		return nil, err
	}
	if res.Surviving, err = a.Report(ctx, ""); err != nil && !errors.Is(err, attribution.ErrNoLines) {
		return nil, err
	}
	for _, by := range []struct {
		name string
		rows *[]provenance.Row
	}{{"model", &res.ByModel}, {"file", &res.ByFile}} {
		rep, err := a.Report(ctx, by.name)
		if errors.Is(err, attribution.ErrNoLines) {
			continue
		}
		if err != nil {
			return nil, err
		}
		*by.rows = rep.Breakdown
	}
	return res, nil
}

// fetch brings the notes (merged by union with any we have) and, in a
// shallow clone, deepens the history until base is in it: CI checks out one
// commit by default, and for a pull request often its merge commit, so head
// is fetched too when it is missing.
func fetch(ctx context.Context, dir, remote, base, head string) error {
	if _, err := git(ctx, dir, "cat-file", "-e", head+"^{commit}"); err != nil {
		if _, err := git(ctx, dir, "fetch", "-q", "--depth=1", remote, head); err != nil {
			return fmt.Errorf("head %s is not in the clone, and fetching it failed: %w", head, err)
		}
	}
	for depth := 16; ; depth *= 2 {
		if _, err := git(ctx, dir, "merge-base", base, head); err == nil {
			break
		}
		shallow, err := git(ctx, dir, "rev-parse", "--is-shallow-repository")
		if err != nil {
			return err
		}
		if strings.TrimSpace(shallow) != "true" {
			if _, err := git(ctx, dir, "fetch", "-q", remote, base); err != nil {
				return fmt.Errorf("base %s is not in the clone, and fetching it failed: %w", base, err)
			}
			continue
		}
		if depth > 1<<16 {
			if _, err := git(ctx, dir, "fetch", "-q", "--unshallow", remote); err != nil {
				return err
			}
			continue
		}
		if _, err := git(ctx, dir, "fetch", "-q", "--deepen="+fmt.Sprint(depth), remote); err != nil {
			return err
		}
	}
	r, err := repo.Open(ctx, dir)
	if err != nil {
		return err
	}
	defer r.Close()
	_, err = r.Sync(ctx, remote, &repo.SyncOptions{NoPush: true})
	return err
}

func resolve(ctx context.Context, dir, rev string) (string, error) {
	out, err := git(ctx, dir, "rev-parse", "--verify", "--end-of-options", rev+"^{commit}")
	return strings.TrimSpace(out), err
}

func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}
