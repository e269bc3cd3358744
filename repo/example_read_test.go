package repo_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/repo"
)

// scratch makes a repository in a new directory, isolated from the user's
// git configuration, with a fixed identity and clock, and commits the
// files given as name, content pairs with the message.
func scratch(message string, files ...string) (string, error) {
	dir, err := os.MkdirTemp("", "example-repo-")
	if err != nil {
		return "", err
	}
	git := func(args ...string) error {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_CONFIG_HOME="+dir, "GIT_CONFIG_NOSYSTEM=1",
			"GIT_AUTHOR_NAME=Ada Human", "GIT_AUTHOR_EMAIL=ada@example.com", "GIT_AUTHOR_DATE=1700000000 +0000",
			"GIT_COMMITTER_NAME=Ada Human", "GIT_COMMITTER_EMAIL=ada@example.com", "GIT_COMMITTER_DATE=1700000000 +0000")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %v: %v: %s", args, err, out)
		}
		return nil
	}
	if err := git("init", "-q", "-b", "main"); err != nil {
		return dir, err
	}
	for i := 0; i+1 < len(files); i += 2 {
		if err := os.WriteFile(dir+"/"+files[i], []byte(files[i+1]), 0o644); err != nil {
			return dir, err
		}
	}
	if err := git("add", "-A"); err != nil {
		return dir, err
	}
	return dir, git("commit", "-q", "-m", message)
}

// Reading a commit back: its object, and what its conventions say of who
// wrote its lines.
func ExampleRepo_CommitObject() {
	dir, err := scratch("parser\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n", "parse.go", "package parse\n")
	defer os.RemoveAll(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	r, err := repo.Open(ctx, dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()

	c, err := r.CommitObject(ctx, "HEAD")
	if err != nil {
		fmt.Println(err)
		return
	}
	author, class := repo.InferAuthor(c)
	fmt.Println(c.AuthorName, c.AuthorTime.UTC().Format("2006-01-02"), len(c.Parents), "parents")
	fmt.Println(author.Kind, class)
	_, err = r.CommitObject(ctx, "HEAD~1")
	fmt.Println(errors.Is(err, repo.ErrBadRevision))
	// Output:
	// Ada Human 2023-11-14 0 parents
	// model ai
	// true
}

// Reading back the record a commit's note holds, as verification decides
// it: only a record signed by a trusted key, allowed to sign it, that
// matches the commit, is returned.
func ExampleRepo_StoredRecord() {
	dir, err := scratch("start", "main.go", "package main\n")
	defer os.RemoveAll(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	r, err := repo.Open(ctx, dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer r.Close()
	priv, _ := attest.GenerateKey(attest.ECDSAP256)
	signer, _ := attest.NewSigner(priv)
	ring := &attest.Keyring{}
	ring.Add(attest.TrustedKey{Name: "ci", Key: priv.Public()})
	trust := &repo.Trust{Keyring: ring}

	_, err = r.StoredRecord(ctx, "HEAD", trust)
	fmt.Println("before the stamp:", errors.Is(err, repo.ErrNoTrustedRecord))

	if _, err := r.Stamp(ctx, "HEAD", &repo.StampOptions{Signer: signer}); err != nil {
		fmt.Println(err)
		return
	}
	rec, err := r.StoredRecord(ctx, "HEAD", trust)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range rec.Files {
		for _, s := range f.Spans {
			fmt.Printf("%s:%d-%d %s %s\n", f.Path, s.Start, s.End, s.Class, rec.Authors[s.Author].Name)
		}
	}
	fmt.Println(rec.Count().Human, "human line,", rec.Count().Total(), "in all")
	// Output:
	// before the stamp: true
	// main.go:1-1 human Ada Human
	// 1 human line, 1 in all
}
