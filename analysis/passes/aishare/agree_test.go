package aishare

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	hanalysis "github.com/hallmark-dev/hallmark/analysis"
	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/policy"
	"github.com/hallmark-dev/hallmark/repo"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

// publish puts a module version into a file proxy as the go command
// fetches it: list, info, mod, and the zip golang.org/x/mod/zip makes.
func publish(t *testing.T, proxy, dir, modPath, version string) {
	t.Helper()
	base := filepath.Join(proxy, filepath.FromSlash(modPath), "@v")
	if err := os.MkdirAll(base, 0o755); err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	var zipped bytes.Buffer
	if err := modzip.CreateFromDir(&zipped, module.Version{Path: modPath, Version: version}, dir); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"list":            []byte(version + "\n"),
		version + ".info": []byte(`{"Version":"` + version + `","Time":"2026-01-01T00:00:00Z"}`),
		version + ".mod":  gomod,
		version + ".zip":  zipped.Bytes(),
	} {
		if err := os.WriteFile(filepath.Join(base, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestVetAgreesWithLoad attributes one application and its dependency,
// which ships a signed bundle, through `hallmark report --deps`'s path
// (analysis.Load) and through go vet with the vet tool built for real:
// the same numbers for every package. Then the bundle's signature is
// broken in the module cache, and both refuse it with the same error.
func TestVetAgreesWithLoad(t *testing.T) {
	ctx := context.Background()
	bin := filepath.Join(t.TempDir(), "aishare")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/aishare").CombinedOutput(); err != nil {
		t.Fatalf("build: %v %s", err, out)
	}
	proxy := t.TempDir()

	// The dependency, bundled at release: a person's file and Codex's.
	dep := gittest.New(t)
	dep.Write("go.mod", "module example.com/dep\n\ngo 1.22\n")
	dep.Write("dep.go", "package dep\n\nfunc Human() int { return Gen() }\n")
	dep.Commit("human part", "")
	dep.Write("gen.go", "package dep\n\nfunc Gen() int {\n\treturn 42\n}\n")
	dep.Commit("generated\n\nCo-authored-by: Codex <noreply@openai.com>\n", "")
	rp, err := repo.Open(ctx, dep.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer rp.Close()
	priv, _ := attest.GenerateKey(attest.ECDSAP256)
	signer, _ := attest.NewSigner(priv)
	if _, err := hanalysis.WriteBundle(ctx, rp, dep.Dir, signer, nil); err != nil {
		t.Fatal(err)
	}
	publish(t, proxy, dep.Dir, "example.com/dep", "v1.0.0")

	// The policy that trusts the dependency's release key for its bundles,
	// outside any work tree (as verify --policy wants it).
	trust := t.TempDir()
	pub, _ := attest.MarshalPublicKey(priv.Public())
	os.WriteFile(filepath.Join(trust, "dep.pub"), pub, 0o644)
	polFile := filepath.Join(trust, "policy.yaml")
	os.WriteFile(polFile, []byte("keys:\n  - {name: dep-release, public_key: dep.pub}\nbundles:\n  - {module: example.com/dep, keys: [dep-release]}\n"), 0o644)

	// The application: people's main package, a model's helper package.
	app := gittest.New(t)
	app.Write("go.mod", "module example.com/app\n\ngo 1.22\n\nrequire example.com/dep v1.0.0\n")
	app.Write("main.go", "package main\n\nimport (\n\t\"example.com/app/util\"\n\t\"example.com/dep\"\n)\n\nfunc main() { println(dep.Human() + util.U()) }\n")
	app.Commit("app", "")
	app.Write("util/util.go", "package util\n\n// U is one.\nfunc U() int { return 1 }\n")
	app.Commit("util\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n", "")

	cache := t.TempDir()
	t.Cleanup(func() { exec.Command("chmod", "-R", "u+w", cache).Run() })
	env := append(os.Environ(), "GOMODCACHE="+cache, "GOPROXY=file://"+proxy, "GOSUMDB=off", "GOFLAGS=-mod=mod", "GOWORK=off", "GOTOOLCHAIN=local")
	// go.sum, so that vet's builds need no -mod=mod of their own.
	tidy := exec.Command("go", "mod", "download", "all")
	tidy.Dir, tidy.Env = app.Dir, env
	if out, err := tidy.CombinedOutput(); err != nil {
		t.Fatalf("go mod download: %v\n%s", err, out)
	}

	pol, ring, err := policy.LoadFile(polFile)
	if err != nil {
		t.Fatal(err)
	}
	load := func() (*hanalysis.Result, error) {
		return hanalysis.Load(ctx, &hanalysis.Options{Dir: app.Dir, Env: env, Deps: true, Keyring: ring, BundleKeys: hanalysis.PolicyBundleKeys(pol, ring)})
	}
	res, err := load()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range res.Packages {
		if !strings.HasPrefix(p.Path, "example.com/app") {
			continue // go vet reports on the packages named, not on their dependencies
		}
		n := 0
		for range closureOf(res, p.Path) {
			n++
		}
		want = append(want, CountsMessage(p.Path, p.Own, p.Closure, n))
	}
	var depMod *hanalysis.Module
	for _, m := range res.Modules {
		if m.Path == "example.com/dep" {
			depMod = m
		}
	}
	if depMod == nil || depMod.Source != hanalysis.SourceBundle || depMod.Lines.AI != 5 || depMod.Lines.Human != 3 {
		t.Fatalf("the dependency through Load: %+v", depMod)
	}

	vet := func(extra ...string) (string, error) {
		cmd := exec.Command("go", append([]string{"vet", "-vettool=" + bin, "-counts", "-policy=" + polFile}, append(extra, "./...")...)...)
		cmd.Dir, cmd.Env = app.Dir, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	single := func(trust ...string) (string, error) {
		if len(trust) == 0 {
			trust = []string{"-policy=" + polFile}
		}
		cmd := exec.Command(bin, append(append([]string{"-counts"}, trust...), "./...")...)
		cmd.Dir, cmd.Env = app.Dir, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	for name, run := range map[string]func() (string, error){
		"go vet":        func() (string, error) { return vet() },
		"singlechecker": func() (string, error) { return single() },
		// -key trusts the key for every module's bundles, as report --key does.
		"singlechecker -key": func() (string, error) { return single("-key=" + filepath.Join(trust, "dep.pub")) },
	} {
		out, _ := run()
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s does not say what Load says:\n want %s\n  got\n%s", name, w, out)
			}
		}
	}

	// Break the bundle's signature in the module cache.
	bundleFile := filepath.Join(depMod.Dir, filepath.FromSlash(hanalysis.BundlePath))
	exec.Command("chmod", "-R", "u+w", depMod.Dir).Run()
	data, err := os.ReadFile(bundleFile)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(bundleFile, breakSignature(t, data), 0o644)
	_, loadErr := load()
	if !errors.Is(loadErr, hanalysis.ErrBundle) || !errors.Is(loadErr, attest.ErrBadSignature) {
		t.Fatalf("Load of a bundle with a bad signature: %v", loadErr)
	}
	for name, run := range map[string]func() (string, error){"go vet": func() (string, error) { return vet("-a") }, "singlechecker": func() (string, error) { return single() }} {
		out, err := run()
		if err == nil || !strings.Contains(out, loadErr.Error()) {
			t.Errorf("%s on a bundle with a bad signature (%v) does not fail with Load's error\n want %s\n  got\n%s", name, err, loadErr, out)
		}
	}
}

// closureOf lists a package and everything it imports, once.
func closureOf(res *hanalysis.Result, root string) map[string]bool {
	by := map[string]*hanalysis.Package{}
	for _, p := range res.Packages {
		by[p.Path] = p
	}
	seen := map[string]bool{}
	var walk func(string)
	walk = func(p string) {
		if seen[p] {
			return
		}
		seen[p] = true
		if q := by[p]; q != nil {
			for _, i := range q.Imports {
				walk(i)
			}
		}
	}
	walk(root)
	return seen
}

// breakSignature flips one bit of the DSSE signature of a Sigstore bundle.
func breakSignature(t *testing.T, data []byte) []byte {
	t.Helper()
	var b map[string]any
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	env, _ := b["dsseEnvelope"].(map[string]any)
	sigs, _ := env["signatures"].([]any)
	if len(sigs) == 0 {
		t.Fatalf("no DSSE signature in the bundle: %s", data)
	}
	sig := sigs[0].(map[string]any)
	raw, err := base64.StdEncoding.DecodeString(sig["sig"].(string))
	if err != nil {
		t.Fatal(err)
	}
	raw[len(raw)/2] ^= 1
	sig["sig"] = base64.StdEncoding.EncodeToString(raw)
	out, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
