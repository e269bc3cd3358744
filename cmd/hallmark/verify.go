package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/policy"
	"github.com/hallmark-dev/hallmark/repo"
	"github.com/spf13/cobra"
)

// errViolations makes the exit status 1 after a report has been printed.
var errViolations = errors.New("verification failed")

// defaultPolicy is where a repository keeps its policy.
const defaultPolicy = ".hallmark/policy.yaml"

func newVerify() *cobra.Command {
	var keys []string
	var policyPath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify [RANGE] [--policy FILE] [--key PUB]... [--json]",
		Short: "Verify the signed records of every commit in a range against a policy",
		Long: `Check every commit of RANGE (default HEAD: the whole history; or v1.2.0..HEAD):
its record is signed by a trusted key allowed to sign it, is about that
commit, names the commit's exact file digests, covers exactly the lines the
commit added, and derives (through rewrites) from records that verify too;
and the policy's requirements hold: every commit signed, a maximum AI share,
reviews of AI lines under given paths.

Trusted keys come from --key and from the policy (` + defaultPolicy + ` in the
work tree when --policy is not given). Exit status: 0 pass, 1 violations,
2 errors.

  hallmark verify --key ci.pub
  hallmark verify origin/main..HEAD --policy .hallmark/policy.yaml --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			r, err := repo.Open(ctx, ".")
			if err != nil {
				return err
			}
			defer r.Close()
			pol, ring, err := loadPolicy(r, policyPath, keys)
			if err != nil {
				return err
			}
			rep, err := r.Verify(ctx, &repo.VerifyOptions{Keyring: ring, Policy: pol, Range: args})
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				if err := enc.Encode(rep); err != nil {
					return err
				}
			} else {
				printVerify(cmd.OutOrStdout(), rep)
			}
			if !rep.Pass {
				return fmt.Errorf("%w: %d violations", errViolations, len(rep.Violations))
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&keys, "key", nil, "trusted public key file, or NAME=FILE (repeatable)")
	cmd.Flags().StringVar(&policyPath, "policy", "", "policy file (default "+defaultPolicy+" if it exists)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// loadPolicy reads the policy (if any) and builds the keyring from its keys
// and the --key flags.
func loadPolicy(r *repo.Repo, path string, keys []string) (*policy.Policy, *attest.Keyring, error) {
	if path == "" && r.Git().WorkTree != "" {
		if p := filepath.Join(r.Git().WorkTree, defaultPolicy); fileExists(p) {
			path = p
		}
	}
	ring := &attest.Keyring{}
	var pol *policy.Policy
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, nil, err
		}
		if pol, err = policy.Parse(data); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", path, err)
		}
		for _, k := range pol.Keys {
			pemBytes := []byte(k.PublicKey)
			if !k.InlinePEM() {
				if pemBytes, err = os.ReadFile(resolvePolicyPath(r, path, k.PublicKey)); err != nil {
					return nil, nil, fmt.Errorf("policy key %q: %w", k.Name, err)
				}
			}
			pub, err := attest.ParsePublicKey(pemBytes)
			if err != nil {
				return nil, nil, fmt.Errorf("policy key %q: %w", k.Name, err)
			}
			if err := ring.Add(attest.TrustedKey{Name: k.Name, Key: pub}); err != nil {
				return nil, nil, err
			}
		}
	}
	if len(keys) > 0 {
		more, err := loadKeyring(keys)
		if err != nil {
			return nil, nil, err
		}
		if err := ring.Merge(more); err != nil {
			return nil, nil, err
		}
	}
	if ring.Len() == 0 {
		return nil, nil, usagef("no trusted key: pass --key PUB or write a policy (%s)", defaultPolicy)
	}
	return pol, ring, nil
}

// resolvePolicyPath makes a key path of the policy relative to the policy
// file's directory.
func resolvePolicyPath(r *repo.Repo, policyPath, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	if policyPath == "" && r.Git().WorkTree != "" {
		policyPath = filepath.Join(r.Git().WorkTree, defaultPolicy)
	}
	return filepath.Join(filepath.Dir(policyPath), p)
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func printVerify(w io.Writer, rep *repo.VerifyReport) {
	counts := map[string]int{}
	for _, c := range rep.Commits {
		counts[c.Status]++
		if c.Status != repo.StatusVerified || len(c.Problems) > 0 {
			fmt.Fprintf(w, "%-9s %s %s\n", c.Status, c.Commit[:12], c.Subject)
			for _, p := range c.Problems {
				fmt.Fprintf(w, "          %s\n", p)
			}
		}
	}
	var parts []string
	for _, s := range []string{repo.StatusVerified, repo.StatusUnsigned, repo.StatusUntrusted, repo.StatusMissing, repo.StatusInvalid} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	fmt.Fprintf(w, "%d commits: %s; %d envelopes checked\n", len(rep.Commits), strings.Join(parts, ", "), rep.Envelopes)
	fmt.Fprintf(w, "lines: %d, ai %d, mixed %d, human %d (ai share %.1f%%)\n", rep.TotalLines, rep.AILines, rep.MixedLines, rep.HumanLines, 100*rep.AIShare)
	if rep.Pass {
		fmt.Fprintln(w, "PASS")
		return
	}
	fmt.Fprintln(w, "FAIL:")
	for _, v := range rep.Violations {
		fmt.Fprintf(w, "  %s\n", v)
	}
}

func newReview() *cobra.Command {
	var key, verdict, comment string
	var paths []string
	cmd := &cobra.Command{
		Use:   "review [COMMIT] --key KEY [--verdict approved|rejected]",
		Short: "Add your signed review attestation to a commit's note",
		Long: `Sign a review of a commit (default HEAD): you looked at it, its AI-written
lines included, and approve (or reject) it. Policies can require an approved
review for AI lines under given paths.

  hallmark review --key me.key
  hallmark review HEAD~2 --key me.key --verdict rejected --comment "needs tests"`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			rev := argOr(args, "HEAD")
			r, err := repo.Open(ctx, ".")
			if err != nil {
				return err
			}
			defer r.Close()
			signer, err := requireSigner(ctx, r, key, "a review")
			if err != nil {
				return err
			}
			rv, err := r.Review(ctx, rev, attest.Review{Verdict: verdict, Comment: comment, Paths: paths}, signer)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "review of %s: %s by %s\n", rv.Commit[:12], rv.Verdict, rv.Reviewer)
			return nil
		},
	}
	cmd.Flags().StringVar(&key, "key", "", "your private key (default: git config hallmark.key)")
	cmd.Flags().StringVar(&verdict, "verdict", attest.Approved, "approved or rejected")
	cmd.Flags().StringVar(&comment, "comment", "", "a comment")
	cmd.Flags().StringArrayVar(&paths, "path", nil, "what you reviewed (default: the whole commit)")
	return cmd
}
