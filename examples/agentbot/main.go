// Command agentbot is a coding-agent harness that records who wrote each
// line with the hallmark library: a stand-in model makes edits through tool
// calls; around each call the harness checkpoints (the person before, the
// model after), then it commits, stamps the commit with its own key and
// pushes the commit and its notes.
//
//	agentbot -C REPO -script task.json -key agent.key -push origin
//
// The model is deterministic: it plays the tool calls of a script, so that
// the example runs the same everywhere. A real agent puts its model where
// [scriptedModel] is; the rest stays as it is.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "agentbot:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("agentbot", flag.ContinueOnError)
	dir := fs.String("C", ".", "the repository to work in")
	script := fs.String("script", "", "the stand-in model's script of tool calls (JSON)")
	key := fs.String("key", "", "the agent's private key (password in AGENTBOT_PASSWORD)")
	push := fs.String("push", "", "a remote to push the commit and its notes to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *script == "" || *key == "" {
		return errors.New("-script and -key are required")
	}
	model, err := loadScript(*script)
	if err != nil {
		return err
	}
	pemBytes, err := os.ReadFile(*key)
	if err != nil {
		return err
	}
	h, err := newHarness(ctx, *dir, pemBytes, []byte(os.Getenv("AGENTBOT_PASSWORD")))
	if err != nil {
		return err
	}
	defer h.close()
	h.log = stdout
	commit, err := h.runTask(ctx, model)
	if err != nil {
		return err
	}
	if *push != "" {
		if err := h.push(ctx, *push); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "committed %s\n", commit)
	return nil
}
