package main

import (
	"encoding/json"
	"fmt"
	"github.com/hallmark-dev/hallmark/internal/words"
	"io"
	"strings"

	"github.com/hallmark-dev/hallmark/analysis"
	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/attribution"
	"github.com/hallmark-dev/hallmark/policy"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
	"github.com/spf13/cobra"
)

// packageMode reports whether a report is about Go packages rather than
// the tree's paths.
func packageMode(by string, deps bool, args []string) bool {
	if by == "package" || by == "module" || deps {
		return true
	}
	for _, a := range args {
		if strings.Contains(a, "...") {
			return true
		}
	}
	return false
}

func runPackageReport(cmd *cobra.Command, af *analysisFlags, by string, deps, asJSON bool, htmlPath string, args []string) error {
	ctx := cmd.Context()
	r, err := repo.Open(ctx, ".")
	var pol *policy.Policy
	ring := &attest.Keyring{}
	if err == nil {
		defer r.Close()
		if pol, ring, err = loadPolicy(r, af.policy, af.keys); err != nil {
			return err
		}
	}
	res, err := analysis.Load(ctx, &analysis.Options{Dir: ".", Patterns: args, Deps: deps, Keyring: ring, BundleKeys: analysis.PolicyBundleKeys(pol, ring)})
	if err != nil {
		return err
	}
	if htmlPath != "" {
		if err := writePackageHTML(cmd, res, htmlPath); err != nil {
			return err
		}
	}
	if asJSON {
		enc := json.NewEncoder(cmd.OutOrStdout())
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(res)
	}
	printPackages(cmd.OutOrStdout(), res, by)
	return nil
}

func printPackages(w io.Writer, res *analysis.Result, by string) {
	t := res.Lines
	fmt.Fprintf(w, "%s in %s: %s, ai %d, mixed %d, human %d, unknown %d (ai share %.1f%%)\n",
		words.Count(len(res.Packages), "package"), words.Count(len(res.Modules), "module"), words.Count(t.Total(), "line"), t.AI, t.Mixed, t.Human, t.Unknown, 100*t.AIShare())
	fmt.Fprintf(w, "\n%10s  %8s  %-10s  %s\n", "lines", "ai share", "source", "module")
	for _, m := range res.Modules {
		name := m.Path
		if m.Version != "" {
			name += "@" + m.Version
		}
		fmt.Fprintf(w, "%10d  %7.1f%%  %-10s  %s\n", m.Lines.Total(), 100*m.Lines.AIShare(), m.Source, name)
	}
	if by == "module" {
		return
	}
	fmt.Fprintf(w, "\n%10s  %8s  %10s  %8s  %s\n", "own", "ai share", "closure", "ai share", "package")
	for _, p := range res.Packages {
		fmt.Fprintf(w, "%10d  %7.1f%%  %10d  %7.1f%%  %s\n", p.Own.Total(), 100*p.Own.AIShare(), p.Closure.Total(), 100*p.Closure.AIShare(), p.Path)
	}
}

func writePackageHTML(cmd *cobra.Command, res *analysis.Result, path string) error {
	var pkgs, mods []provenance.Row
	for _, p := range res.Packages {
		pkgs = append(pkgs, provenance.Row{Key: p.Path, Lines: p.Own})
	}
	for _, m := range res.Modules {
		mods = append(mods, provenance.Row{Key: m.Path + " (" + m.Source + ")", Lines: m.Lines})
	}
	rep := &attribution.Report{Rev: "packages", Commit: "go/packages", Lines: res.Lines, Files: len(res.Packages), Evidence: res.Evidence}
	var b strings.Builder
	if err := attribution.WriteHTML(&b, &attribution.HTMLData{Report: rep, ByDir: pkgs, ByModel: mods, Title: "Who wrote these packages",
		DirTitle: "By package", ModelTitle: "By module"}); err != nil {
		return err
	}
	if err := writeFileAtomic(path, []byte(b.String()), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "hallmark: wrote %s\n", path)
	return nil
}

func newBundle() *cobra.Command {
	var key string
	cmd := &cobra.Command{
		Use:   "bundle [MODULE_DIR] --key KEY",
		Short: "Write a module's signed attribution into its .hallmark/bundle.json, for release",
		Long: `Write, signed, the attribution of every line of every file of the Go module
at MODULE_DIR (default .) as of HEAD into ` + analysis.BundlePath + `. The go
command puts it in the module zip like any other file; consumers check it
against their module cache and the keys their policy trusts for the module
path ('hallmark report --deps ./...'). Every file must be committed; commit
the bundle and tag the release after.

  hallmark bundle --key release.key
  git add .hallmark/bundle.json && git commit -m "hallmark bundle" && git tag v1.2.0`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			dir := argOr(args, ".")
			r, err := repo.Open(ctx, dir)
			if err != nil {
				return err
			}
			defer r.Close()
			signer, err := requireSigner(ctx, r, key, "a bundle")
			if err != nil {
				return err
			}
			out, err := analysis.WriteBundle(ctx, r, dir, signer, nil)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s\n", out)
			return nil
		},
	}
	cmd.Flags().StringVar(&key, "key", "", "private key or KMS reference (default: git config hallmark.key)")
	return cmd
}
