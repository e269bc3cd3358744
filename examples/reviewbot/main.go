// Command reviewbot comments on a pull request with what hallmark knows of
// it: whether BASE..HEAD verifies against the policy at BASE, and how much
// of the lines that survive at HEAD models wrote, per model and per file.
//
//	reviewbot -base BASE -head HEAD -fetch origin \
//	    -api https://api.github.com -repo owner/name -pr 42   # token in GITHUB_TOKEN
//
// The comment is posted to a GitHub-compatible API (GitHub, Gitea and
// Forgejo take the same request) and updated in place on the next run: the
// bot finds its own comment by a marker. Exit status: 0 pass, 1 the policy
// fails (after the comment is posted), 2 an error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
)

func main() {
	code, err := run(context.Background(), os.Args[1:], os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "reviewbot:", err)
	}
	os.Exit(code)
}

type config struct {
	dir, base, head, fetch string
	api, repo, token       string
	pr                     int
	dryRun                 bool
}

func run(ctx context.Context, args []string, stdout io.Writer) (int, error) {
	var c config
	fs := flag.NewFlagSet("reviewbot", flag.ContinueOnError)
	fs.StringVar(&c.dir, "C", ".", "the repository")
	fs.StringVar(&c.base, "base", "", "the pull request's base commit")
	fs.StringVar(&c.head, "head", "HEAD", "the pull request's head commit")
	fs.StringVar(&c.fetch, "fetch", "", "a remote to fetch notes from, deepening a shallow clone until BASE is there")
	fs.StringVar(&c.api, "api", "", "the API's base URL (https://api.github.com); empty prints the comment")
	fs.StringVar(&c.repo, "repo", "", "owner/name")
	pr := fs.String("pr", "", "the pull request's number")
	fs.BoolVar(&c.dryRun, "dry-run", false, "print the comment instead of posting it")
	if err := fs.Parse(args); err != nil {
		return 2, err
	}
	c.token = os.Getenv("GITHUB_TOKEN")
	if c.base == "" {
		return 2, errors.New("-base is required")
	}
	if c.api != "" && !c.dryRun {
		n, err := strconv.Atoi(*pr)
		if err != nil || n <= 0 || c.repo == "" {
			return 2, errors.New("-repo owner/name and -pr N are required to post")
		}
		c.pr = n
	}
	rev, err := review(ctx, c)
	if err != nil {
		return 2, err
	}
	body := render(rev)
	if c.api == "" || c.dryRun {
		fmt.Fprint(stdout, body)
	} else {
		url, err := postComment(ctx, c, body)
		if err != nil {
			return 2, err
		}
		fmt.Fprintln(stdout, "commented:", url)
	}
	if !rev.Verify.Pass {
		return 1, nil
	}
	return 0, nil
}
