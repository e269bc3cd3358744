package analysis

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

var model = provenance.Author{Kind: provenance.Model, ModelID: "anthropic/claude-opus-4-5-20251101", Tool: "claude-code"}

// goEnv isolates the go command: its own module cache, a file proxy, no
// checksum database, no network.
func goEnv(t *testing.T, proxy string) []string {
	cache := t.TempDir()
	t.Cleanup(func() { exec.Command("chmod", "-R", "u+w", cache).Run() })
	return append(os.Environ(), "GOMODCACHE="+cache, "GOPROXY=file://"+proxy, "GOSUMDB=off", "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
}

func write(t *testing.T, g *gittest.Repo, files map[string]string) {
	for p, c := range files {
		g.Write(p, c)
	}
}

// diamond is a module whose packages import each other in a diamond:
// a -> b, c; b -> d; c -> d. The model writes d, people the rest.
func diamond(t *testing.T) (*gittest.Repo, *repo.Repo) {
	ctx := context.Background()
	g := gittest.New(t)
	write(t, g, map[string]string{
		"go.mod": "module example.com/diamond\n\ngo 1.22\n",
		"a/a.go": "package a\n\nimport (\n\t_ \"example.com/diamond/b\"\n\t_ \"example.com/diamond/c\"\n)\n",
		"b/b.go": "package b\n\nimport _ \"example.com/diamond/d\"\n",
		"c/c.go": "package c\n\nimport _ \"example.com/diamond/d\"\n",
	})
	g.Commit("people", "")
	rp, err := repo.Open(ctx, g.Dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rp.Close() })
	g.Write("d/d.go", "package d\n\nfunc D() int {\n\treturn 1\n}\n")
	rp.Checkpoint(ctx, repo.CheckpointOptions{Author: model})
	g.Commit("model writes d", "")
	rp.Stamp(ctx, "HEAD", nil)
	return g, rp
}

func TestPackagesAndClosures(t *testing.T) {
	ctx := context.Background()
	g, _ := diamond(t)
	res, err := Load(ctx, &Options{Dir: g.Dir, Env: goEnv(t, t.TempDir())})
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]*Package{}
	for _, p := range res.Packages {
		byPath[p.Path] = p
	}
	d, a := byPath["example.com/diamond/d"], byPath["example.com/diamond/a"]
	if d == nil || a == nil {
		t.Fatalf("packages: %+v", res.Packages)
	}
	if d.Own.AI != 5 || d.Own.Human != 0 {
		t.Errorf("d: %+v", d.Own)
	}
	// a's closure: a (6) + b (3) + c (3) + d (5, once).
	if a.Closure.Total() != 17 || a.Closure.AI != 5 || a.Own.Total() != 6 {
		t.Errorf("a: own %+v closure %+v", a.Own, a.Closure)
	}
	if len(res.Modules) != 1 || res.Modules[0].Source != SourceRepository || res.Modules[0].Lines.Total() != 17 {
		t.Errorf("modules: %+v", res.Modules[0])
	}
	// An uncommitted change shows as such.
	g.Write("d/d.go", "package d\n\nfunc D() int {\n\treturn 2 // changed\n}\n")
	res, err = Load(ctx, &Options{Dir: g.Dir, Env: goEnv(t, t.TempDir()), Patterns: []string{"./d"}})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range res.Packages[0].Evidence {
		got[e.Key] = e.Lines.Total()
	}
	if got[EvidenceUncommitted] != 1 || got["unsigned"] != 4 {
		t.Errorf("evidence with an uncommitted line: %v", got)
	}
}

// publish puts a module version into a file proxy, as the go command
// fetches it: list, info, mod and the zip golang.org/x/mod/zip makes.
func publish(t *testing.T, proxy, dir, modPath, version string) []byte {
	base := filepath.Join(proxy, filepath.FromSlash(modPath), "@v")
	os.MkdirAll(base, 0o755)
	os.WriteFile(filepath.Join(base, "list"), []byte(version+"\n"), 0o644)
	os.WriteFile(filepath.Join(base, version+".info"), []byte(`{"Version":"`+version+`","Time":"2026-01-01T00:00:00Z"}`), 0o644)
	gomod, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	os.WriteFile(filepath.Join(base, version+".mod"), gomod, 0o644)
	var buf bytes.Buffer
	if err := modzip.CreateFromDir(&buf, module.Version{Path: modPath, Version: version}, dir); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(base, version+".zip"), buf.Bytes(), 0o644)
	return buf.Bytes()
}

func TestDependencyBundles(t *testing.T) {
	ctx := context.Background()
	proxy := t.TempDir()
	// The dependency: a module in its own repository, bundled at release.
	dep := gittest.New(t)
	dep.Git("config", "user.name", "Dep Dev")
	dep.Git("config", "user.email", "dev@dep.example")
	write(t, dep, map[string]string{"go.mod": "module example.com/dep\n\ngo 1.22\n", "dep.go": "package dep\n\nfunc Human() {}\n"})
	dep.Commit("human part", "")
	dep.Write("gen.go", "package dep\n\nfunc Gen() int {\n\treturn 42\n}\n")
	dep.Commit("generated\n\nCo-authored-by: Codex <noreply@openai.com>\n", "")
	rp, _ := repo.Open(ctx, dep.Dir)
	defer rp.Close()
	priv, _ := attest.GenerateKey(attest.ECDSAP256)
	signer, _ := attest.NewSigner(priv)
	if _, err := WriteBundle(ctx, rp, dep.Dir, signer, nil); err != nil {
		t.Fatal(err)
	}
	zipped := publish(t, proxy, dep.Dir, "example.com/dep", "v1.0.0")
	// The bundle survives into the module zip the go command builds.
	zr, _ := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	inZip := false
	for _, f := range zr.File {
		inZip = inZip || f.Name == "example.com/dep@v1.0.0/"+BundlePath
	}
	if !inZip {
		t.Fatal("the bundle is not in the module zip")
	}
	// A dependency without a bundle.
	other := t.TempDir()
	os.WriteFile(filepath.Join(other, "go.mod"), []byte("module example.com/plain\n\ngo 1.22\n"), 0o644)
	os.WriteFile(filepath.Join(other, "plain.go"), []byte("package plain\n\nfunc P() {}\n"), 0o644)
	publish(t, proxy, other, "example.com/plain", "v1.0.0")

	main := gittest.New(t)
	write(t, main, map[string]string{
		"go.mod":  "module example.com/app\n\ngo 1.22\n\nrequire (\n\texample.com/dep v1.0.0\n\texample.com/plain v1.0.0\n)\n",
		"main.go": "package main\n\nimport (\n\t\"example.com/dep\"\n\t\"example.com/plain\"\n)\n\nfunc main() { dep.Human(); plain.P() }\n",
	})
	main.Commit("app", "")
	env := goEnv(t, proxy)
	ring, _ := attest.NewKeyring(attest.TrustedKey{Name: "dep", Key: priv.Public()})
	keys := func(mod string) *attest.Keyring {
		if strings.HasPrefix(mod, "example.com/dep") {
			return ring
		}
		return nil
	}
	res, err := Load(ctx, &Options{Dir: main.Dir, Env: env, Deps: true, BundleKeys: keys})
	if err != nil {
		t.Fatal(err)
	}
	mods := map[string]*Module{}
	for _, m := range res.Modules {
		mods[m.Path] = m
	}
	if m := mods["example.com/dep"]; m == nil || m.Source != SourceBundle || m.Lines.AI != 5 || m.Lines.Human != 3 {
		t.Errorf("dep: %+v", m)
	}
	if m := mods["example.com/plain"]; m == nil || m.Source != SourceUnknown || m.Lines.Unknown != 3 {
		t.Errorf("plain: %+v", m)
	}
	// Tampering with the dependency in the module cache fails loudly.
	depDir := mods["example.com/dep"].Dir
	exec.Command("chmod", "-R", "u+w", depDir).Run()
	os.WriteFile(filepath.Join(depDir, "gen.go"), []byte("package dep\n\nfunc Gen() int {\n\treturn 43\n}\n"), 0o644)
	if _, err := Load(ctx, &Options{Dir: main.Dir, Env: env, Deps: true, BundleKeys: keys}); !errors.Is(err, ErrBundle) || !errors.Is(err, attest.ErrDigestMismatch) {
		t.Errorf("tampered dependency: %v", err)
	}
	// And a bundle nobody trusts is an error too, not a silent pass.
	os.WriteFile(filepath.Join(depDir, "gen.go"), []byte("package dep\n\nfunc Gen() int {\n\treturn 42\n}\n"), 0o644)
	if _, err := Load(ctx, &Options{Dir: main.Dir, Env: env, Deps: true}); !errors.Is(err, ErrBundle) {
		t.Errorf("untrusted bundle: %v", err)
	}
}

func TestWorkspacePatterns(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.work"), []byte("go 1.22\n\nuse (\n\t./one\n\t./two\n)\n"), 0o644)
	got, err := workspacePatterns(dir, []string{"./...", "example.com/x"})
	if err != nil || strings.Join(got, " ") != "./one/... ./two/... example.com/x" {
		t.Errorf("%v %v", got, err)
	}
}
