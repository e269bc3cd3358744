package git

import (
	"bytes"
	"context"
	"io"
)

// Stream runs git with extra environment (KEY=VALUE) and stdin (nil for
// none), and hands its standard output to read while git runs. A read
// error stops git.
func (r *Repo) Stream(ctx context.Context, env []string, stdin io.Reader, args []string, read func(io.Reader) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := r.command(ctx, args...)
	cmd.Env = append(cmd.Env, env...)
	cmd.Stdin = stdin
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	if err := read(stdout); err != nil {
		cancel()
		_ = cmd.Wait()
		return err
	}
	_, _ = io.Copy(io.Discard, stdout) // what read left, so that git can exit
	if err := cmd.Wait(); err != nil {
		return &Error{Args: args, Stderr: stderr.String(), Err: err}
	}
	return nil
}
