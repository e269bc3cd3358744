package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/analysis"
	"github.com/hallmark-dev/hallmark/hallmarktest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"
)

var model = provenance.Author{Kind: provenance.Model, ModelID: "hallmark-examples/scripted-model-1", Tool: "test"}

const libGo = "package lib\n\n// Hello greets.\nfunc Hello() string {\n\treturn \"hello\"\n}\n"

// publish writes module version mv of the files in dir to a file-based
// module proxy, as a proxy serves it (list, .info, .mod, .zip).
func publish(t *testing.T, proxy, dir string, mv module.Version) {
	t.Helper()
	at := filepath.Join(proxy, mv.Path, "@v")
	if err := os.MkdirAll(at, 0o755); err != nil {
		t.Fatal(err)
	}
	var zip bytes.Buffer
	if err := modzip.CreateFromDir(&zip, mv, dir); err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	list, _ := os.ReadFile(filepath.Join(at, "list"))
	for name, data := range map[string][]byte{
		"list":               append(list, mv.Version+"\n"...),
		mv.Version + ".info": []byte(`{"Version":"` + mv.Version + `","Time":"2026-01-01T00:00:00Z"}`),
		mv.Version + ".mod":  gomod,
		mv.Version + ".zip":  zip.Bytes(),
	} {
		if err := os.WriteFile(filepath.Join(at, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// released makes example.com/lib with a model's code, bundles it with the
// release key, and publishes v1.0.0 to a local proxy the go command uses.
func released(t *testing.T, key *hallmarktest.Key) (lib *hallmarktest.Repo, proxy, pub string) {
	t.Helper()
	ctx := context.Background()
	lib = hallmarktest.NewRepo(t)
	lib.Write("go.mod", "module example.com/lib\n\ngo 1.22\n")
	if _, err := lib.Open().Checkpoint(ctx, repo.CheckpointOptions{}); err != nil {
		t.Fatal(err)
	}
	lib.Write("lib.go", libGo)
	if _, err := lib.Open().Checkpoint(ctx, repo.CheckpointOptions{Author: model}); err != nil {
		t.Fatal(err)
	}
	lib.Commit("lib")
	if _, err := lib.Open().Stamp(ctx, "HEAD", &repo.StampOptions{Signer: key.Signer}); err != nil {
		t.Fatal(err)
	}
	priv, pub := key.WriteFiles(t, t.TempDir())
	t.Setenv("RELEASE_PASSWORD", string(key.Password))
	var out bytes.Buffer
	if err := run(ctx, []string{"bundle", "-C", lib.Dir, "-key", priv}, &out); err != nil {
		t.Fatalf("bundle: %v", err)
	}
	if !strings.Contains(out.String(), analysis.BundlePath) {
		t.Errorf("bundle said %q", out.String())
	}
	lib.Commit("release v1.0.0")
	lib.Git("tag", "v1.0.0")

	proxy = t.TempDir()
	publish(t, proxy, lib.Dir, module.Version{Path: "example.com/lib", Version: "v1.0.0"})
	t.Setenv("GOPROXY", "file://"+filepath.ToSlash(proxy))
	t.Setenv("GOSUMDB", "off")
	t.Setenv("GOFLAGS", "-modcacherw -mod=mod")
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOTOOLCHAIN", "local")
	return lib, proxy, pub
}

func TestReleaseThenCheck(t *testing.T) {
	key := hallmarktest.NewKey(t, "release")
	lib, proxy, pub := released(t, key)
	ctx := context.Background()

	var out bytes.Buffer
	if err := run(ctx, []string{"check", "-module", "example.com/lib@v1.0.0", "-key", pub}, &out); err != nil {
		t.Fatalf("check: %v", err)
	}
	// go.mod's 3 lines by the person, lib.go's 6 by the model.
	if want := "example.com/lib@v1.0.0: bundle verified: 9 lines in 2 files, 66.7% by models (6 ai, 0 mixed, 3 human, 0 unknown)"; !strings.Contains(out.String(), want) {
		t.Errorf("check said %q, want %q", out.String(), want)
	}

	// Another key: rejected.
	other := hallmarktest.NewKey(t, "other")
	_, otherPub := other.WriteFiles(t, t.TempDir())
	if err := run(ctx, []string{"check", "-module", "example.com/lib@v1.0.0", "-key", otherPub}, &out); !errors.Is(err, errRejected) || !errors.Is(err, analysis.ErrBundle) {
		t.Errorf("untrusted key: %v, want rejected with ErrBundle", err)
	}

	// v1.0.1 changes a line but ships v1.0.0's bundle: rejected.
	lib.Write("lib.go", strings.Replace(libGo, "hello", "HELLO", 1))
	lib.Commit("sneaky")
	publish(t, proxy, lib.Dir, module.Version{Path: "example.com/lib", Version: "v1.0.1"})
	if err := run(ctx, []string{"check", "-module", "example.com/lib@v1.0.1", "-key", pub}, &out); !errors.Is(err, errRejected) || !errors.Is(err, analysis.ErrBundle) {
		t.Errorf("stale bundle: %v, want rejected with ErrBundle", err)
	}
}

// A consumer's graph: its own module from its repository, the dependency
// from its verified bundle.
func TestConsumerDeps(t *testing.T) {
	key := hallmarktest.NewKey(t, "release")
	_, _, pub := released(t, key)
	app := hallmarktest.NewRepo(t)
	app.Write("go.mod", "module example.com/app\n\ngo 1.22\n\nrequire example.com/lib v1.0.0\n")
	app.Write("main.go", "package main\n\nimport \"example.com/lib\"\n\nfunc main() { println(lib.Hello()) }\n")
	app.Commit("app")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"check", "-C", app.Dir, "-deps", "-trust", "example.com/lib=" + pub, "./..."}, &out); err != nil {
		t.Fatalf("check -deps: %v\n%s", err, out.String())
	}
	t.Log(out.String())
	// The graph counts the packages' Go files: lib.go's 6 model lines
	// from the bundle, main.go's 5 from the app's repository.
	for _, want := range [][]string{
		{"example.com/app", "(main)", "repository", "5 lines,   0.0% by models"},
		{"example.com/lib", "v1.0.0", "bundle", "6 lines, 100.0% by models"},
		{"total: 11 lines, 54.5% by models"},
	} {
		found := false
		for _, line := range strings.Split(out.String(), "\n") {
			all := true
			for _, w := range want {
				all = all && strings.Contains(line, w)
			}
			found = found || all
		}
		if !found {
			t.Errorf("check -deps has no line with %q:\n%s", want, out.String())
		}
	}
	// Untrusted: the bundle does not verify, and the check fails.
	other := hallmarktest.NewKey(t, "other")
	_, otherPub := other.WriteFiles(t, t.TempDir())
	if err := run(context.Background(), []string{"check", "-C", app.Dir, "-deps", "-trust", "example.com/lib=" + otherPub, "./..."}, &out); !errors.Is(err, errRejected) {
		t.Errorf("untrusted bundle key: %v, want rejected", err)
	}
}
