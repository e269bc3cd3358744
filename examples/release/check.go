package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/hallmark-dev/hallmark/analysis"
	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/provenance"
)

// trustFlags is -trust MODULE=KEY.pub, repeatable: who may sign which
// module's bundles (a module path covers the paths below it).
type trustFlags map[string]*attest.Keyring

func (t trustFlags) String() string { return fmt.Sprint(len(t), " modules") }

func (t trustFlags) Set(v string) error {
	mod, file, ok := strings.Cut(v, "=")
	if !ok || mod == "" || file == "" {
		return errors.New("want MODULE=KEY.pub")
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	pub, err := attest.ParsePublicKey(b)
	if err != nil {
		return err
	}
	if t[mod] == nil {
		t[mod] = &attest.Keyring{}
	}
	return t[mod].Add(attest.TrustedKey{Name: mod + "-release-" + fmt.Sprint(t[mod].Len()+1), Key: pub})
}

// keys returns the keyring for a module path: the rules for it and for
// every parent path.
func (t trustFlags) keys(modPath string) *attest.Keyring {
	ring := &attest.Keyring{}
	for mod, r := range t {
		if modPath == mod || strings.HasPrefix(modPath, mod+"/") {
			if err := ring.Merge(r); err != nil {
				return nil
			}
		}
	}
	return ring
}

func check(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("release check", flag.ContinueOnError)
	module := fs.String("module", "", "one module, PATH@VERSION: downloaded with the go command and its bundle verified")
	key := fs.String("key", "", "with -module: the key trusted for its bundle")
	dir := fs.String("C", ".", "with -deps: the consumer module's directory")
	deps := fs.Bool("deps", false, "every dependency of the packages named by the arguments")
	trust := trustFlags{}
	fs.Var(trust, "trust", "with -deps: MODULE=KEY.pub, a key trusted for a module path's bundles (repeatable)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *module != "" && *key != "":
		if err := trust.Set(strings.SplitN(*module, "@", 2)[0] + "=" + *key); err != nil {
			return err
		}
		return checkModule(ctx, *module, trust, stdout)
	case *deps:
		return checkDeps(ctx, *dir, fs.Args(), trust, stdout)
	}
	return errors.New("check: want -module PATH@VERSION -key PUB, or -deps [-trust MODULE=PUB]... [packages]")
}

// checkModule downloads one module into the module cache and verifies its
// bundle there: the bytes a build would use.
func checkModule(ctx context.Context, mv string, trust trustFlags, stdout io.Writer) error {
	out, err := exec.CommandContext(ctx, "go", "mod", "download", "-json", mv).Output()
	var dl struct{ Path, Version, Dir, Error string }
	if jerr := json.Unmarshal(out, &dl); jerr != nil || dl.Error != "" || err != nil {
		return fmt.Errorf("go mod download %s: %v %s", mv, err, dl.Error)
	}
	rec, _, err := analysis.VerifyBundle(dl.Dir, dl.Path, trust.keys(dl.Path))
	if err != nil {
		return fmt.Errorf("%w: %s@%s: %w", errRejected, dl.Path, dl.Version, err)
	}
	c := rec.Count()
	fmt.Fprintf(stdout, "%s@%s: bundle verified: %d lines in %d files, %s by models (%d ai, %d mixed, %d human, %d unknown)\n",
		dl.Path, dl.Version, c.Total(), len(rec.Files), pct(c), c.AI, c.Mixed, c.Human, c.Unknown)
	return nil
}

// checkDeps attributes the consumer's whole dependency graph: its own
// modules from its repository, each dependency from its verified bundle,
// or "unknown"; a bundle that does not verify fails the check.
func checkDeps(ctx context.Context, dir string, patterns []string, trust trustFlags, stdout io.Writer) error {
	res, err := analysis.Load(ctx, &analysis.Options{Dir: dir, Patterns: patterns, Deps: true, BundleKeys: trust.keys})
	if errors.Is(err, analysis.ErrBundle) {
		return fmt.Errorf("%w: %w", errRejected, err)
	}
	if err != nil {
		return err
	}
	for _, m := range res.Modules {
		v := m.Version
		if m.Main {
			v = "(main)"
		}
		fmt.Fprintf(stdout, "%-40s %-10s %-10s %6d lines, %5.1f%% by models\n", m.Path, v, m.Source, m.Lines.Total(), 100*m.Lines.AIShare())
	}
	fmt.Fprintf(stdout, "total: %d lines, %.1f%% by models\n", res.Lines.Total(), 100*res.Lines.AIShare())
	return nil
}

func pct(c provenance.Count) string { return fmt.Sprintf("%.1f%%", 100*c.AIShare()) }
