package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/internal/testtool"
)

// readmeSkipped are the README's commands this test does not run, each
// with the reason. Everything else in the README's shell blocks runs, in
// order, in one scratch repository, and must exit 0.
var readmeSkipped = map[string]string{
	"go install github.com/hallmark-dev/hallmark/cmd/hallmark@latest": "needs the network; the test runs the binary built from this tree",
	"go test ./...": "the tests themselves",
	"go vet -vettool=$(go env GOPATH)/bin/aishare -repo=$PWD -sensitive=example.com/app/crypto/... ./...": "needs aishare installed and a Go module with that package",
	"hallmark report --deps --by module ./...":                                                            "needs a Go module and its dependencies (analysis tests cover it)",
	"hallmark report --deps --json ./... | jq '.modules[] | select(.source == \"unknown\") | .path'":      "needs a Go module, its dependencies and jq",
}

// readmeNeeds are commands that need a program that may be missing.
var readmeNeeds = map[string]testtool.Tool{
	"cosign verify-blob-attestation": testtool.Cosign,
}

// readmeBefore prepares the scratch repository before a README command,
// for what the README leaves to the reader (an agent's edit, a release
// tag, a trace file).
var readmeBefore = map[string]func(t *testing.T, r *gittest.Repo){
	// The agent edits a file between the two checkpoints.
	"hallmark checkpoint --ai --model anthropic/claude-opus-4-5-20251101 --tool claude-code/2.1.3": func(t *testing.T, r *gittest.Repo) {
		r.Write("main.go", "package main\n\nfunc main() {}\n\nfunc parse() {}\n")
	},
	"hallmark report --since v1.2.0 --by model": func(t *testing.T, r *gittest.Repo) { r.Git("tag", "v1.2.0", "HEAD~1") },
	// Another tool's trace, of a commit made without hallmark's hooks.
	"hallmark import agent-trace .agent-trace/traces.jsonl": func(t *testing.T, r *gittest.Repo) {
		r.Write("trace.go", gittest.Lines("traced", 4))
		commitWithoutHooks(r, "traced elsewhere")
		res := hallmark(t, r.Dir, nil, "record", "--format", "agent-trace", "--canonical", "HEAD")
		if res.code != 0 {
			t.Fatal(res)
		}
		r.Write(".agent-trace/traces.jsonl", res.stdout)
	},
	// git-ai's note on a commit made without hallmark's hooks, as git-ai's
	// notes_migrate writes it (testdata/gitai/legacy.note).
	"hallmark import git-ai v1.2.0..HEAD --key ci.key": func(t *testing.T, r *gittest.Repo) {
		r.Write("src/main.rs", gittest.Lines("main", 36))
		r.Write("src/lib.rs", gittest.Lines("lib", 50))
		commitWithoutHooks(r, "written with git-ai")
		note, err := os.ReadFile(filepath.Join("testdata", "gitai", "legacy.note"))
		if err != nil {
			t.Fatal(err)
		}
		note = bytes.ReplaceAll(note, []byte("BASE"), []byte(strings.TrimSpace(r.Git("rev-parse", "HEAD~1"))))
		r.Git("notes", "--ref=ai", "add", "-m", string(note), "HEAD")
	},
}

func commitWithoutHooks(r *gittest.Repo, msg string) {
	r.Git("add", "-A", ".")
	r.Git("-c", "core.hooksPath="+os.DevNull, "commit", "-q", "-m", msg)
}

// readmeCommands extracts the shell commands of the README: its indented
// code blocks (fenced blocks are JSON, YAML and Go), continuation lines
// joined, trailing comments dropped.
func readmeCommands(t *testing.T, readme string) []string {
	var cmds []string
	comment := regexp.MustCompile(`\s{2,}#.*$`)
	inFence, prevBlank, inBlock := false, true, false
	cont := ""
	for _, line := range strings.Split(readme, "\n") {
		if strings.HasPrefix(line, "```") {
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		isCode := strings.HasPrefix(line, "    ") && (prevBlank || inBlock)
		inBlock = isCode || (inBlock && strings.TrimSpace(line) == "")
		prevBlank = strings.TrimSpace(line) == ""
		if !isCode {
			continue
		}
		l := strings.TrimSpace(comment.ReplaceAllString(line, ""))
		if strings.HasSuffix(l, `\`) {
			cont += strings.TrimSuffix(l, `\`)
			continue
		}
		cmds = append(cmds, cont+l)
		cont = ""
	}
	if len(cmds) < 20 {
		t.Fatalf("found only %d commands in README.md: has its layout changed?", len(cmds))
	}
	return cmds
}

// TestREADME runs the README's commands, so that the README cannot drift
// from what the command does.
func TestREADME(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	cmds := readmeCommands(t, string(b))

	// A scratch repository with a history, a release tag to come, a
	// remote to sync with, and the signing key the README configures.
	r := gittest.New(t)
	home := t.TempDir()
	bin := filepath.Dir(hallmarkBin)
	env := append(gittest.Env(home), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "HALLMARK_PASSWORD=pw")
	r.Setenv("PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "HALLMARK_PASSWORD=pw", "HOME="+home)
	if err := os.MkdirAll(filepath.Join(home, ".hallmark"), 0o700); err != nil {
		t.Fatal(err)
	}
	if res := hallmark(t, r.Dir, []string{"HALLMARK_PASSWORD=pw"}, "keys", "generate", "--output", filepath.Join(home, ".hallmark", "dev")); res.code != 0 {
		t.Fatal(res)
	}
	r.Write("main.go", "package main\n\nfunc main() {}\n")
	r.Commit("initial", "")
	r.Write("README", "a project\n")
	r.Commit("docs", "")
	remote := filepath.Join(t.TempDir(), "origin.git")
	r.Git("init", "-q", "--bare", remote)
	r.Git("remote", "add", "origin", remote)
	r.Git("push", "-q", "origin", "main")

	ran := 0
	for _, c := range cmds {
		if why, ok := readmeSkipped[c]; ok {
			t.Logf("skipped %q: %s", c, why)
			continue
		}
		missing := false
		for prefix, tool := range readmeNeeds {
			if strings.HasPrefix(c, prefix) {
				if _, ok := testtool.Want(t, tool, "the README command "+c+" is not run"); !ok {
					missing = true
				}
			}
		}
		if missing {
			continue
		}
		if before := readmeBefore[c]; before != nil {
			before(t, r)
		}
		sh := exec.Command("sh", "-c", c)
		sh.Dir = r.Dir
		sh.Env = env
		var out bytes.Buffer
		sh.Stdout, sh.Stderr = &out, &out
		if err := sh.Run(); err != nil {
			t.Errorf("README command %q: %v\n%s", c, err, out.String())
		}
		ran++
	}
	t.Logf("ran %d of the README's %d commands", ran, len(cmds))
}
