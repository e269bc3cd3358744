package git

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os/exec"
	"strconv"
	"strings"
	"sync"
)

// Batch is a long-lived `git cat-file --batch` process. It is safe for use
// by one goroutine at a time; calls are serialized.
type Batch struct {
	mu    sync.Mutex
	cmd   *exec.Cmd
	in    io.WriteCloser
	out   *bufio.Reader
	close func()
}

// NewBatch starts the process. Close it when done.
func (r *Repo) NewBatch(ctx context.Context) (*Batch, error) {
	ctx, cancel := context.WithCancel(ctx)
	cmd := r.command(ctx, "cat-file", "--batch")
	in, err := cmd.StdinPipe()
	if err != nil {
		cancel()
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		cancel()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("git: start cat-file --batch: %w", err)
	}
	b := &Batch{cmd: cmd, in: in, out: bufio.NewReaderSize(out, 1<<16)}
	b.close = func() {
		in.Close()
		_ = cmd.Wait()
		cancel()
	}
	return b, nil
}

// Read returns the type and content of an object named by id or any
// revision expression git accepts ("HEAD:path").
func (b *Batch) Read(name string) (typ string, data []byte, err error) {
	if strings.ContainsAny(name, "\n") {
		return "", nil, fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, err := io.WriteString(b.in, name+"\n"); err != nil {
		return "", nil, fmt.Errorf("git: cat-file: %w", err)
	}
	header, err := b.out.ReadString('\n')
	if err != nil {
		return "", nil, fmt.Errorf("git: cat-file: %w", err)
	}
	header = strings.TrimSuffix(header, "\n")
	if strings.HasSuffix(header, " missing") || strings.HasSuffix(header, " ambiguous") {
		return "", nil, fmt.Errorf("%w: %s", ErrNotFound, name)
	}
	f := strings.Fields(header)
	if len(f) != 3 {
		return "", nil, fmt.Errorf("git: cat-file: unexpected header %q", header)
	}
	size, err := strconv.Atoi(f[2])
	if err != nil {
		return "", nil, fmt.Errorf("git: cat-file: bad size in %q", header)
	}
	data = make([]byte, size+1)
	if _, err := io.ReadFull(b.out, data); err != nil {
		return "", nil, fmt.Errorf("git: cat-file: %w", err)
	}
	return f[1], data[:size], nil
}

// Close stops the process.
func (b *Batch) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.close != nil {
		b.close()
		b.close = nil
	}
	return nil
}
