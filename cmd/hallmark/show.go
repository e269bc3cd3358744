package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/hallmark-dev/hallmark/internal/words"
	"io"
	"strings"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
	"github.com/spf13/cobra"
)

// shown is one line of a commit's note, as `show` reports it.
type shown struct {
	Line int `json:"line"`
	// Kind is "record", "review", "evidence" (kept for re-doing a carry)
	// or "unreadable".
	Kind string `json:"kind"`
	// Signature is "verified", "unsigned", "signed, key not trusted",
	// "signed, not checked" (no trusted key given) or "invalid".
	Signature string             `json:"signature"`
	Signers   []string           `json:"signers,omitempty"`
	KeyHint   string             `json:"key_hint,omitempty"`
	Problem   string             `json:"problem,omitempty"`
	Record    *provenance.Record `json:"record,omitempty"`
}

// showReport is what `show --json` prints.
type showReport struct {
	Commit  string `json:"commit"`
	Subject string `json:"subject"`
	// Verdict is verify's status of the commit under the trust given
	// (verified, unsigned, untrusted, missing, invalid, conflict), or
	// empty when no trusted key was given.
	Verdict  string         `json:"verdict,omitempty"`
	Problems []repo.Problem `json:"problems"`
	Lines    []shown        `json:"lines"`
}

func newShow() *cobra.Command {
	var keys []string
	var policyPath string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show [COMMIT] [--key PUB]... [--policy FILE] [--json]",
		Short: "Show the stored records of a commit (default HEAD), verified, as a person reads them",
		Long: `Print what the note of a commit holds: each record, who signed it, the
authors it names and, per file, which lines each wrote; reviews and carry
evidence are listed by kind. Signatures are checked against the keys
given with --key (exactly those), a --policy file, or else the policy
committed at HEAD; then the commit's verdict is the one verify gives it.
Without any trusted key, signatures are reported as not checked.

  hallmark show
  hallmark show HEAD~2 --key .hallmark/keys/dev.pub
  hallmark show v1.2.0 --json`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			r, err := repo.Open(ctx, ".")
			if err != nil {
				return err
			}
			defer r.Close()
			c, err := r.CommitObject(ctx, argOr(args, "HEAD"))
			if err != nil {
				return err
			}
			pol, ring, err := loadPolicy(r, policyPath, keys)
			if err != nil {
				return err
			}
			note, err := r.Note(ctx, c.ID)
			if err != nil {
				return err
			}
			rep := &showReport{Commit: c.ID, Subject: subjectOf(c.Message), Problems: []repo.Problem{}, Lines: []shown{}}
			vopts := &attest.VerifyOptions{Keyring: ring, Commit: c.ID, CommitObject: c.Raw}
			for i, l := range note {
				rep.Lines = append(rep.Lines, showLine(i+1, l, vopts))
			}
			if ring != nil && ring.Len() > 0 {
				_, cv, err := r.TrustedRecord(ctx, c.ID, &repo.Trust{Keyring: ring, Policy: pol})
				if err != nil {
					return err
				}
				rep.Verdict = cv.Status
				if cv.Problems != nil {
					rep.Problems = cv.Problems
				}
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				enc.SetEscapeHTML(false)
				return enc.Encode(rep)
			}
			printShow(cmd.OutOrStdout(), rep)
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&keys, "key", nil, "trust exactly this public key file, or NAME=FILE (repeatable)")
	cmd.Flags().StringVar(&policyPath, "policy", "", "a policy file (default: the policy committed at HEAD)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// showLine reads one note line and checks its signature, if there is a
// key to check it with.
func showLine(n int, l []byte, vopts *attest.VerifyOptions) shown {
	s := shown{Line: n}
	if bytes.HasPrefix(l, []byte(`{"hallmark_evidence":`)) {
		s.Kind, s.Signature = "evidence", "unsigned"
		return s
	}
	env, hint, err := attest.ParseAttestation(l)
	signed := err == nil && len(env.Signatures) > 0
	if err != nil && !errors.Is(err, attest.ErrNoSignature) {
		s.Kind, s.Signature, s.Problem = "unreadable", "invalid", err.Error()
		return s
	}
	s.KeyHint = hint
	s.Kind = "record"
	if pt, err := attest.PredicateTypeOf(l); err == nil && pt == attest.ReviewPredicateType {
		s.Kind = "review"
	} else if rec, err := attest.ReadUnverified(l); err == nil {
		s.Record = rec
	} else {
		s.Kind, s.Signature, s.Problem = "unreadable", "invalid", err.Error()
		return s
	}
	switch {
	case !signed:
		s.Signature = "unsigned"
		return s
	case vopts.Keyring == nil || vopts.Keyring.Len() == 0:
		s.Signature = "signed, not checked"
		return s
	}
	var signers []string
	if s.Kind == "review" {
		var rv *attest.ReviewResult
		if rv, err = attest.VerifyReview(l, vopts); err == nil {
			signers = rv.Signers
		}
	} else {
		var res *attest.Result
		if res, err = attest.Verify(l, vopts); err == nil {
			signers = res.Signers
		}
	}
	switch {
	case err == nil:
		s.Signature, s.Signers = "verified", signers
	case errors.Is(err, attest.ErrUnknownKey):
		s.Signature = "signed, key not trusted"
	default:
		s.Signature, s.Problem = "invalid", err.Error()
	}
	return s
}

func subjectOf(msg string) string {
	s, _, _ := strings.Cut(msg, "\n")
	return s
}

func printShow(w io.Writer, rep *showReport) {
	fmt.Fprintf(w, "commit %s %s\n", rep.Commit, rep.Subject)
	if len(rep.Lines) == 0 {
		fmt.Fprintln(w, "no record: the commit has no note in refs/notes/hallmark (hallmark stamp, or hallmark sync to fetch others')")
	}
	for _, l := range rep.Lines {
		sig := l.Signature
		if len(l.Signers) > 0 {
			sig += " by " + strings.Join(l.Signers, ", ")
		} else if l.KeyHint != "" && l.Signature != "unsigned" {
			sig += " (key " + l.KeyHint + ")"
		}
		fmt.Fprintf(w, "\nnote line %d: %s, %s\n", l.Line, l.Kind, sig)
		if l.Problem != "" {
			fmt.Fprintf(w, "  %s\n", l.Problem)
		}
		if l.Record != nil {
			printRecordText(w, l.Record)
		}
	}
	if rep.Verdict != "" {
		fmt.Fprintf(w, "\nverify: %s\n", rep.Verdict)
		for _, p := range rep.Problems {
			fmt.Fprintf(w, "  %s\n", p.Message)
		}
	} else if len(rep.Lines) > 0 {
		fmt.Fprintln(w, "\nsignatures not checked: no trusted key (pass --key PUB, or commit a policy)")
	}
}

// printRecordText prints a record for a reader: how it was made, then
// each file and who wrote which of its lines.
func printRecordText(w io.Writer, rec *provenance.Record) {
	method := string(rec.Method)
	if method == "" {
		method = "unspecified"
	}
	fmt.Fprintf(w, "  method %s, recorded by %s %s\n", method, rec.Recorder.Name, rec.Recorder.Version)
	for _, d := range rec.DerivedFrom {
		fmt.Fprintf(w, "  derived from the record of %s (%s)\n", shortID(d.Commit), d.Digest)
	}
	if len(rec.Files) == 0 {
		fmt.Fprintln(w, "  no lines added")
	}
	for _, f := range rec.Files {
		added := 0
		for _, sp := range f.Spans {
			added += sp.Len()
		}
		fmt.Fprintf(w, "  %s: %s of %d added\n", f.Path, words.Count(added, "line"), f.Lines)
		for _, sp := range f.Spans {
			who := "?"
			if sp.Author >= 0 && sp.Author < len(rec.Authors) {
				who = rec.Authors[sp.Author].String()
			}
			lines := fmt.Sprintf("%d-%d", sp.Start, sp.End)
			if sp.Start == sp.End {
				lines = fmt.Sprint(sp.Start)
			}
			fmt.Fprintf(w, "    %-11s %-7s %s\n", lines, sp.Class, who)
		}
	}
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
