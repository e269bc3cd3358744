package main

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/hallmark-dev/hallmark/internal/words"
	"os"
	"strings"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
	"github.com/spf13/cobra"
)

func newAttest() *cobra.Command {
	c := &cobra.Command{
		Use:   "attest",
		Short: "Sign and verify records as in-toto attestations (DSSE, Sigstore bundles)",
	}
	c.AddCommand(newAttestSign(), newAttestVerify())
	return c
}

func newAttestSign() *cobra.Command {
	var key, recordPath, commit, commitObjectPath, output string
	var bundle bool
	cmd := &cobra.Command{
		Use:   "sign --key KEY [--record FILE|-] [--commit ID] [--bundle]",
		Short: "Sign a commit's record into a DSSE envelope or a Sigstore bundle",
		Long: `Sign the record of a commit. Without --record, the record is computed as
'hallmark record' does. In a git repository --commit defaults to HEAD, and
the commit object is read with git so that the attestation also carries its
sha256. KEY is a private key file (password in HALLMARK_PASSWORD) or a KMS
reference such as awskms:///alias/name.

The output verifies with cosign:
  cosign verify-blob-attestation --key k.pub --type ` + attest.PredicateType + ` \
    --signature att.json --insecure-ignore-tlog commit-object

  hallmark attest sign --key k.key > att.json
  hallmark attest sign --key k.key --bundle --commit HEAD~1 > att.bundle.json
  hallmark record --canonical | hallmark attest sign --key k.key --record - > att.json`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if key == "" {
				return usagef("--key KEY is required")
			}
			signer, err := loadSigner(ctx, key)
			if err != nil {
				return err
			}
			rec, object, err := recordToSign(ctx, cmd, recordPath, commit, commitObjectPath)
			if err != nil {
				return err
			}
			env, err := attest.Sign(rec, object, signer)
			if err != nil {
				return err
			}
			out := env.Bytes()
			if bundle {
				pub, err := signer.PublicKey()
				if err != nil {
					return err
				}
				b, err := attest.NewBundle(env, pub)
				if err != nil {
					return err
				}
				out = b.Bytes()
			}
			out = append(out, '\n')
			if output != "" {
				return writeFileAtomic(output, out, 0o644)
			}
			_, err = cmd.OutOrStdout().Write(out)
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&key, "key", "", "private key file or KMS reference")
	f.StringVar(&recordPath, "record", "", "record JSON to sign (a file, or - for standard input)")
	f.StringVar(&commit, "commit", "", "commit the record is about (default HEAD in a repository)")
	f.StringVar(&commitObjectPath, "commit-object", "", "raw commit object file, when not in the repository")
	f.BoolVar(&bundle, "bundle", false, "write a Sigstore bundle v0.3 instead of a bare DSSE envelope")
	f.StringVarP(&output, "output", "o", "", "write to this file instead of standard output")
	return cmd
}

// recordToSign gathers the record and, where it can, the raw commit object.
func recordToSign(ctx context.Context, cmd *cobra.Command, recordPath, commit, objectPath string) (*provenance.Record, []byte, error) {
	var rec *provenance.Record
	if recordPath != "" {
		b, err := readInput(cmd, recordPath)
		if err != nil {
			return nil, nil, err
		}
		if rec, err = provenance.Decode(b); err != nil {
			return nil, nil, fmt.Errorf("record %s: %w", recordPath, err)
		}
	}
	var object []byte
	if objectPath != "" {
		b, err := os.ReadFile(objectPath)
		if err != nil {
			return nil, nil, err
		}
		object = b
	}
	r, rerr := repo.Open(ctx, ".")
	if rerr == nil {
		defer r.Close()
	}
	switch {
	case rerr == nil && object == nil:
		rev := commit
		if rev == "" && rec != nil {
			rev = rec.Commit
		}
		if rev == "" {
			rev = "HEAD"
		}
		c, err := r.CommitObject(ctx, rev)
		if err != nil {
			return nil, nil, err
		}
		object = c.Raw
		if rec == nil {
			if rec, err = r.Record(ctx, c.ID); err != nil {
				return nil, nil, err
			}
		}
	case rec == nil && rerr != nil:
		return nil, nil, fmt.Errorf("no --record given and %w", rerr)
	case rec == nil:
		return nil, nil, usagef("--commit-object needs --record outside a repository")
	}
	if object != nil {
		id := attest.GitObjectID(object, len(rec.Commit))
		if id != rec.Commit {
			return nil, nil, fmt.Errorf("%w: the record is about %s but the commit object is %s", attest.ErrSubjectMismatch, rec.Commit, id)
		}
	}
	if commit != "" && rerr != nil && commit != rec.Commit {
		return nil, nil, fmt.Errorf("%w: the record is about %s, not %s", attest.ErrSubjectMismatch, rec.Commit, commit)
	}
	return rec, object, nil
}

func newAttestVerify() *cobra.Command {
	var keys []string
	var commit, blob string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify --key PUB [--commit ID | --blob FILE] ATTESTATION",
		Short: "Verify a signed record against trusted public keys",
		Long: `Verify an attestation (a DSSE envelope or a Sigstore bundle, from hallmark or
from 'cosign attest-blob'): it must be signed by one of the --key public
keys, be a hallmark statement, be about the commit (--commit, default HEAD in
a repository, or --blob, the raw commit object), and hold a valid record.
In a repository, every file digest of the record is checked against the
commit's files too.

On rejection the named reason goes to stderr and the exit status is 1.

  hallmark attest verify --key alice.pub att.json
  hallmark attest verify --key ci=ci.pub --commit v1.2.0 att.json
  hallmark attest verify --key k.pub --blob commit-object --json att.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usagef("need exactly one attestation file (or - for standard input)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if commit != "" && blob != "" {
				return usagef("--commit and --blob are exclusive")
			}
			ring, err := loadKeyring(keys)
			if err != nil {
				return err
			}
			in, err := readInput(cmd, args[0])
			if err != nil {
				return err
			}
			opts := &attest.VerifyOptions{Keyring: ring}
			var r *repo.Repo
			if blob != "" {
				if opts.CommitObject, err = os.ReadFile(blob); err != nil {
					return err
				}
			} else {
				r, err = repo.Open(ctx, ".")
				if err != nil {
					return fmt.Errorf("--commit needs a repository (or pass --blob FILE): %w", err)
				}
				defer r.Close()
				rev := commit
				if rev == "" {
					rev = "HEAD"
				}
				c, err := r.CommitObject(ctx, rev)
				if err != nil {
					return err
				}
				opts.Commit, opts.CommitObject = c.ID, c.Raw
			}
			res, err := attest.Verify(in, opts)
			if err != nil {
				return err
			}
			if r != nil {
				if err := r.CheckDigests(ctx, res.Record); err != nil {
					return err
				}
			}
			return printVerified(cmd, res, asJSON)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&keys, "key", nil, "trusted public key file, or NAME=FILE (repeatable)")
	f.StringVar(&commit, "commit", "", "commit the attestation must be about (default HEAD)")
	f.StringVar(&blob, "blob", "", "raw commit object file the attestation must be about")
	f.BoolVar(&asJSON, "json", false, "print the result as JSON")
	return cmd
}

func printVerified(cmd *cobra.Command, res *attest.Result, asJSON bool) error {
	count := res.Record.Count()
	out := cmd.OutOrStdout()
	if asJSON {
		v := struct {
			Verified bool               `json:"verified"`
			Commit   string             `json:"commit"`
			Signers  []string           `json:"signers"`
			Files    int                `json:"files"`
			Lines    provenance.Count   `json:"lines"`
			Record   *provenance.Record `json:"record"`
		}{true, res.Record.Commit, res.Signers, len(res.Record.Files), count, res.Record}
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	}
	fmt.Fprintf(out, "verified: commit %s, signed by %s\n", res.Record.Commit, strings.Join(res.Signers, ", "))
	fmt.Fprintf(out, "  %s, %s: %d ai, %d mixed, %d human, %d unknown (ai share %.1f%%)\n",
		words.Count(len(res.Record.Files), "file"), words.Count(count.Total(), "line"), count.AI, count.Mixed, count.Human, count.Unknown, 100*count.AIShare())
	return nil
}
