package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/hallmark-dev/hallmark/internal/words"
	"io"
	"strings"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/attribution"
	"github.com/hallmark-dev/hallmark/policy"
	"github.com/hallmark-dev/hallmark/provenance"
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
	var asJSON, allowUnsigned, quiet bool
	cmd := &cobra.Command{
		Use:   "verify [RANGE] [--key PUB]... [--policy FILE] [--allow-unsigned] [--json]",
		Short: "Verify the signed records of every commit in a range against a policy",
		Long: `Check every commit of RANGE (BASE..HEAD, or one revision for its whole
history). PASS (exit 0) means: every commit has a record signed by a
trusted key that the policy allows to sign that kind of claim; the record
names the commit's tree, parents and exact file digests and covers exactly
the lines the commit added; a carried record follows from sources that
verify in turn (the carry is done again and compared); no note line has a
signature that fails, no two trusted records disagree; and the policy's
requirements hold (reviews of AI lines under given paths, a maximum AI
share of the lines the range added that survive at its end). Anything else
is FAIL (exit 1), with a named reason per commit. Exit 2: an error.

Where trust comes from, never from the commits being verified:
  --key PUB      exactly these keys (NAME=FILE to name one), no policy
  --policy FILE  a policy file outside the repository
  (default)      for BASE..HEAD, the policy committed at BASE
                 (` + defaultPolicy + ` in BASE's tree, read from git)
A commit with no trusted record fails unless the policy exempts the history
before its adoption (require.signed_since: REV) or --allow-unsigned is given.

  hallmark verify origin/main..HEAD
  hallmark verify --key ci.pub
  hallmark verify v1.2.0..v1.3.0 --policy /etc/hallmark/policy.yaml --json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			r, err := repo.Open(ctx, ".")
			if err != nil {
				return err
			}
			defer r.Close()
			base, err := rangeBase(ctx, r, args)
			if err != nil {
				return err
			}
			pol, ring, err := trustFor(ctx, r, keys, policyPath, base)
			if err != nil {
				return err
			}
			opts := &repo.VerifyOptions{Keyring: ring, Policy: pol, Range: args, AllowUnsigned: allowUnsigned}
			if pol != nil {
				opts.SignedSince = pol.Require.SignedSince
				if pol.Require.MaxAIShare != nil && base != "" {
					opts.SurvivingLines = survivingLines(r, ring, pol, base, headOf(args))
				}
			}
			warnUnmergedNotes(cmd, r)
			prog := newProgress(cmd)
			opts.Progress = prog.counter("verifying")
			rep, err := r.Verify(ctx, opts)
			prog.clear()
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
				printVerify(cmd.OutOrStdout(), rep, quiet)
			}
			if !rep.Pass {
				return fmt.Errorf("%w: %s", errViolations, words.Count(len(rep.Violations), "violation"))
			}
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&keys, "key", nil, "trust exactly this public key file, or NAME=FILE (repeatable)")
	cmd.Flags().StringVar(&policyPath, "policy", "", "a policy file outside the repository (default: the policy at BASE)")
	cmd.Flags().BoolVar(&allowUnsigned, "allow-unsigned", false, "report commits without a trusted record instead of failing")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "print only the summary and the violations, no line per commit")
	return cmd
}

// rangeBase finds BASE in a range (BASE..HEAD, BASE...HEAD, ^BASE HEAD):
// the commit whose policy judges the range. A single revision has none.
func rangeBase(ctx context.Context, r *repo.Repo, args []string) (string, error) {
	var base string
	switch {
	case len(args) == 1 && strings.Contains(args[0], "..."):
		a, b, _ := strings.Cut(args[0], "...")
		mb, err := r.MergeBase(ctx, or(a, "HEAD"), or(b, "HEAD"))
		if err != nil {
			return "", usagef("no merge base for %s", args[0])
		}
		return mb, nil
	case len(args) == 1 && strings.Contains(args[0], ".."):
		base, _, _ = strings.Cut(args[0], "..")
		base = or(base, "HEAD")
	default:
		for _, a := range args {
			if strings.HasPrefix(a, "^") {
				if base != "" {
					return "", nil // several bases: no single policy
				}
				base = a[1:]
			}
		}
	}
	return base, nil
}

// headOf is the revision a range ends at.
func headOf(args []string) string {
	for _, a := range args {
		if _, b, ok := strings.Cut(a, ".."); ok {
			return or(strings.TrimPrefix(b, "."), "HEAD")
		}
		if !strings.HasPrefix(a, "^") {
			return a
		}
	}
	return "HEAD"
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// trustFor decides whose signatures count: the keys given (exactly those),
// a policy file outside the repository, or the policy committed at base.
// It never reads the work tree's policy, which the commits being verified
// may have changed.
func trustFor(ctx context.Context, r *repo.Repo, keys []string, policyPath, base string) (*policy.Policy, *attest.Keyring, error) {
	t, err := r.LoadTrust(ctx, &repo.TrustSource{Keys: keys, PolicyFile: policyPath, Base: base})
	switch {
	case errors.Is(err, repo.ErrKeysAndPolicy):
		return nil, nil, usagef("--key and --policy cannot be combined: --key trusts exactly the keys given; list more keys in the policy file instead")
	case errors.Is(err, repo.ErrPolicyInWorkTree):
		return nil, nil, usagef("the policy %s is in the work tree, which the commits being verified may have changed: verify reads the policy committed at BASE by default; to use a file, keep it outside the repository", policyPath)
	case errors.Is(err, repo.ErrNoTrustSource):
		return nil, nil, usagef("no trusted key: verifying a whole history needs trust from outside it: pass --key PUB or --policy FILE (for a range BASE..HEAD, the policy committed at BASE is used)")
	case errors.Is(err, policy.ErrNoPolicy) && len(keys) == 0 && policyPath == "":
		return nil, nil, usagef("no trusted key: %s has no %s; pass --key PUB or --policy FILE", base, defaultPolicy)
	case errors.Is(err, attest.ErrDuplicateKey):
		return nil, nil, usagef("%v (name keys with NAME=PATH)", err)
	case errors.Is(err, attest.ErrNoKeys) && policyPath != "":
		return nil, nil, usagef("no trusted key: the policy %s lists none", policyPath)
	case errors.Is(err, attest.ErrNoKeys):
		return nil, nil, usagef("no trusted key: the policy at %s lists none", base)
	case err != nil:
		return nil, nil, err
	}
	return t.Policy, t.Keyring, nil
}

// survivingLines counts the lines at head that base..head added and that
// survive there, as `report --since base` does, with the same trust.
func survivingLines(r *repo.Repo, ring *attest.Keyring, pol *policy.Policy, base, head string) func(context.Context) (provenance.Count, error) {
	return func(ctx context.Context) (provenance.Count, error) {
		a, err := attribution.Analyze(ctx, r, &attribution.Options{Rev: head, Since: base, Keyring: ring, Policy: pol, All: true}) // verify never leaves anything out
		if err != nil {
			return provenance.Count{}, err
		}
		rep, err := a.Report(ctx, "")
		if err != nil {
			return provenance.Count{}, err
		}
		return provenance.Count{AI: rep.Lines.AI, Mixed: rep.Lines.Mixed, Human: rep.Lines.Human, Unknown: rep.Lines.Unknown}, nil
	}
}

// loadPolicy reads the policy a report trusts: --key keys exactly, a
// --policy file, or the policy committed at HEAD (never the work tree's).
func loadPolicy(r *repo.Repo, path string, keys []string) (*policy.Policy, *attest.Keyring, error) {
	t, err := reportTrust(r, &repo.TrustSource{Keys: keys, PolicyFile: path, Base: "HEAD"})
	if err != nil {
		return nil, nil, err
	}
	return t.Policy, t.Keyring, nil
}

// reportTrust is repo.LoadReportTrust with its errors in the CLI's words.
func reportTrust(r *repo.Repo, src *repo.TrustSource) (*repo.Trust, error) {
	t, err := r.LoadReportTrust(context.Background(), src)
	switch {
	case errors.Is(err, repo.ErrKeysAndPolicy):
		return nil, usagef("--key and --policy cannot be combined: --key trusts exactly the keys given; list more keys in the policy file instead")
	case errors.Is(err, attest.ErrDuplicateKey) && len(src.Keys) > 0:
		return nil, usagef("%v (name keys with NAME=PATH)", err)
	}
	return t, err
}

func printVerify(w io.Writer, rep *repo.VerifyReport, quiet bool) {
	counts := map[string]int{}
	for _, c := range rep.Commits {
		counts[c.Status]++
		if !quiet && (c.Status != repo.StatusVerified || len(c.Problems) > 0) {
			fmt.Fprintf(w, "%s %s %s\n", paint(w, fmt.Sprintf("%-9s", c.Status), red), c.Commit[:12], c.Subject)
			for _, p := range c.Problems {
				fmt.Fprintf(w, "          %s\n", p)
			}
		}
	}
	var parts []string
	for _, s := range []string{repo.StatusVerified, repo.StatusUnsigned, repo.StatusUntrusted, repo.StatusMissing, repo.StatusInvalid, repo.StatusConflict} {
		if counts[s] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", counts[s], s))
		}
	}
	if len(rep.Commits) == 0 {
		fmt.Fprintf(w, "no commits in %s\n", rep.Range)
	} else {
		fmt.Fprintf(w, "%s: %s; %s checked\n", words.Count(len(rep.Commits), "commit"), strings.Join(parts, ", "), words.Count(rep.Envelopes, "envelope"))
	}
	fmt.Fprintf(w, "%s: %d, ai %d, mixed %d, human %d, unknown %d (ai share %.1f%%)\n", rep.ShareOf, rep.Lines.Total(), rep.Lines.AI, rep.Lines.Mixed, rep.Lines.Human, rep.Lines.Unknown, 100*rep.Lines.AIShare())
	if rep.BinaryFiles > 0 {
		fmt.Fprintf(w, "%s (%s) with no lines to attribute; review rules apply to them by path\n", words.Count(rep.BinaryFiles, "binary file"), words.Count(int(rep.BinaryBytes), "byte"))
	}
	if rep.Incomplete {
		fmt.Fprintln(w, "history incomplete: a shallow clone; the oldest commits' added lines are unknown here (git fetch --unshallow)")
	}
	if rep.Pass {
		fmt.Fprintln(w, paint(w, "PASS", green))
		return
	}
	fmt.Fprintln(w, paint(w, "FAIL", red)+":")
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
			if wantJSON(cmd) {
				if rv.Paths == nil {
					rv.Paths = []string{}
				}
				return encodeJSON(cmd.OutOrStdout(), reviewJSON{Review: rv, Paths: rv.Paths})
			}
			fmt.Fprintf(cmd.OutOrStdout(), "review of %s: %s by %s\n", rv.Commit[:12], rv.Verdict, rv.Reviewer)
			return nil
		},
	}
	cmd.Flags().StringVar(&key, "key", "", "your private key (default: git config hallmark.key)")
	cmd.Flags().StringVar(&verdict, "verdict", attest.Approved, "approved or rejected")
	cmd.Flags().StringVar(&comment, "comment", "", "a comment")
	cmd.Flags().StringArrayVar(&paths, "path", nil, "what you reviewed (default: the whole commit)")
	addJSONFlag(cmd)
	return cmd
}

// reviewJSON is what review --json prints: the signed review, its paths
// a list even when empty (the whole commit).
type reviewJSON struct {
	*attest.Review
	Paths []string `json:"paths"`
}
