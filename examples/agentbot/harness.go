package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/hallmark-dev/hallmark/attest"
	"github.com/hallmark-dev/hallmark/repo"
	"github.com/sigstore/sigstore/pkg/signature"
)

// harness runs a model's tool calls in a work tree and records who wrote
// what.
type harness struct {
	dir    string
	repo   *repo.Repo
	signer signature.Signer
	log    io.Writer
}

func newHarness(ctx context.Context, dir string, keyPEM, password []byte) (*harness, error) {
	signer, err := attest.LoadSigner(keyPEM, password)
	if err != nil {
		return nil, err
	}
	r, err := repo.Open(ctx, dir)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	return &harness{dir: abs, repo: r, signer: signer, log: io.Discard}, nil
}

func (h *harness) close() { h.repo.Close() }

// runTask plays the model to the end, then commits and stamps.
func (h *harness) runTask(ctx context.Context, m Model) (string, error) {
	var results []string
	for {
		call, ok := m.Next(results)
		if !ok {
			break
		}
		// Before the call: whatever changed since the last checkpoint was
		// the person's doing (typing while the agent thought).
		if _, err := h.repo.Checkpoint(ctx, repo.CheckpointOptions{}); err != nil {
			return "", err
		}
		out, err := h.do(ctx, call)
		if err != nil {
			return "", fmt.Errorf("tool %s: %w", call.Tool, err)
		}
		// After the call: what changed is the model's. A call that names its
		// file checkpoints that file; a shell command may touch any.
		opts := repo.CheckpointOptions{Author: m.Author()}
		if call.Path != "" {
			opts.Paths = []string{filepath.Join(h.dir, filepath.FromSlash(call.Path))}
		}
		res, err := h.repo.Checkpoint(ctx, opts)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h.log, "%s: %d lines by %s\n", call.Tool, res.Lines, m.Author().ModelID)
		results = append(results, out)
	}
	if _, err := h.git(ctx, "add", "-A"); err != nil {
		return "", err
	}
	if _, err := h.git(ctx, "commit", "-q", "-m", m.Message()); err != nil {
		return "", err
	}
	st, err := h.repo.Stamp(ctx, "HEAD", &repo.StampOptions{Signer: h.signer})
	if err != nil {
		return "", err
	}
	c := st.Record.Count()
	fmt.Fprintf(h.log, "stamped: %d lines, %d by the model, %d by the person\n", c.Total(), c.AI+c.Mixed, c.Human)
	return st.Record.Commit, nil
}

// do runs one tool call.
func (h *harness) do(ctx context.Context, c ToolCall) (string, error) {
	switch c.Tool {
	case "write_file":
		p, err := h.path(c.Path)
		if err != nil {
			return "", err
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		return "written", os.WriteFile(p, []byte(c.Content), 0o644)
	case "replace":
		p, err := h.path(c.Path)
		if err != nil {
			return "", err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return "", err
		}
		if strings.Count(string(b), c.Old) != 1 {
			return "", fmt.Errorf("%s: the text to replace must occur exactly once", c.Path)
		}
		return "replaced", os.WriteFile(p, []byte(strings.Replace(string(b), c.Old, c.New, 1)), 0o644)
	case "shell":
		cmd := exec.CommandContext(ctx, "sh", "-c", c.Command)
		cmd.Dir = h.dir
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	return "", fmt.Errorf("unknown tool %q", c.Tool)
}

// path resolves a tool's path inside the work tree, refusing escapes.
func (h *harness) path(rel string) (string, error) {
	if rel == "" || filepath.IsAbs(rel) || !filepath.IsLocal(filepath.FromSlash(rel)) {
		return "", fmt.Errorf("path %q is not inside the work tree", rel)
	}
	return filepath.Join(h.dir, filepath.FromSlash(rel)), nil
}

func (h *harness) git(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = h.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// push sends the branch and the notes: the commit first, so that the
// remote never holds a note about a commit it lacks.
func (h *harness) push(ctx context.Context, remote string) error {
	if _, err := h.git(ctx, "push", "-q", remote, "HEAD"); err != nil {
		return err
	}
	res, err := h.repo.Sync(ctx, remote, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(h.log, "pushed to %s (notes pushed: %v)\n", remote, res.Pushed)
	return nil
}
