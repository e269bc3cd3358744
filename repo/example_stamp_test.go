package repo_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/provenance"
	"github.com/hallmark-dev/hallmark/repo"
)

// exampleRepo makes a scratch repository with git's user configuration
// shut out, and returns it with a function that runs git in it.
func exampleRepo() (dir string, git func(args ...string) error) {
	dir, _ = os.MkdirTemp("", "example-repo-")
	git = func(args ...string) error {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, gittest.Env(dir)
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %v: %v: %s", args, err, out)
		}
		return nil
	}
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"config", "user.name", "Ada Human"}, {"config", "user.email", "ada@example.com"}} {
		if err := git(args...); err != nil {
			panic(err)
		}
	}
	return dir, git
}

// A coding agent's round: the person's work is committed, the model edits
// a file and the agent checkpoints as the model, commits, and stamps the
// commit with its key; CI then verifies the range against that key.
func ExampleRepo_Stamp() {
	dir, git := exampleRepo()
	defer os.RemoveAll(dir)
	ctx := context.Background()
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nfunc main() {}\n"), 0o644)
	git("add", "-A")
	git("commit", "-q", "-m", "initial")

	r, err := repo.Open(ctx, dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	os.WriteFile(filepath.Join(dir, "hello.go"), []byte("package main\n\nfunc hello() string { return \"hello\" }\n"), 0o644)
	model := provenance.Author{Kind: provenance.Model, ModelID: "anthropic/claude-opus-4-5-20251101", Tool: "claude-code"}
	if _, err := r.Checkpoint(ctx, repo.CheckpointOptions{Author: model}); err != nil {
		fmt.Println(err)
		return
	}
	git("add", "-A")
	git("commit", "-q", "-m", "feat: hello")

	priv, _ := attest.GenerateKey(attest.ECDSAP256)
	signer, _ := attest.NewSigner(priv)
	res, err := r.Stamp(ctx, "HEAD", &repo.StampOptions{Signer: signer})
	if err != nil {
		fmt.Println(err)
		return
	}
	c := res.Record.Count()
	fmt.Printf("stamped: signed %v, method %s, %d ai lines of %d\n", res.Signed, res.Record.Method, c.AI, c.Total())

	ring, _ := attest.NewKeyring(attest.TrustedKey{Name: "agent", Key: priv.Public()})
	rep, err := r.Verify(ctx, &repo.VerifyOptions{Keyring: ring, Range: []string{"HEAD~1..HEAD"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("verify: pass %v, %s by %v, ai share %.0f%%\n", rep.Pass, rep.Commits[0].Status, rep.Commits[0].Signers, 100*rep.Lines.AIShare())

	// The initial commit has no record: its whole history fails, by name.
	rep, _ = r.Verify(ctx, &repo.VerifyOptions{Keyring: ring, Range: []string{"HEAD"}})
	for _, v := range rep.Violations {
		fmt.Println("violation:", v.Kind)
	}
	// Output:
	// stamped: signed true, method capture, 3 ai lines of 3
	// verify: pass true, verified by [agent], ai share 100%
	// violation: unsigned
}
