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
	_, typ, data, err = b.ReadID(name)
	return typ, data, err
}

// ReadID is Read that also returns the object's id: a way to resolve a
// revision without starting a process.
func (b *Batch) ReadID(name string) (id, typ string, data []byte, err error) {
	if strings.ContainsAny(name, "\n") {
		return "", "", nil, fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, err := io.WriteString(b.in, name+"\n"); err != nil {
		return "", "", nil, fmt.Errorf("git: cat-file: %w", err)
	}
	header, err := b.out.ReadString('\n')
	if err != nil {
		return "", "", nil, fmt.Errorf("git: cat-file: %w", err)
	}
	header = strings.TrimSuffix(header, "\n")
	if strings.HasSuffix(header, " missing") || strings.HasSuffix(header, " ambiguous") {
		return "", "", nil, fmt.Errorf("%w: %s", ErrNotFound, name)
	}
	f := strings.Fields(header)
	if len(f) != 3 {
		return "", "", nil, fmt.Errorf("git: cat-file: unexpected header %q", header)
	}
	size, err := strconv.Atoi(f[2])
	if err != nil {
		return "", "", nil, fmt.Errorf("git: cat-file: bad size in %q", header)
	}
	data = make([]byte, size+1)
	if _, err := io.ReadFull(b.out, data); err != nil {
		return "", "", nil, fmt.Errorf("git: cat-file: %w", err)
	}
	return f[0], f[1], data[:size], nil
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

// Object is one answer of [Batch.ReadMany].
type Object struct {
	ID, Type string
	Data     []byte
	Err      error // ErrNotFound for a missing object
}

// ReadMany asks for several objects at once and then reads the answers:
// one round trip instead of one per object.
func (b *Batch) ReadMany(names []string) ([]Object, error) {
	for _, n := range names {
		if strings.ContainsAny(n, "\n") {
			return nil, fmt.Errorf("%w: %q", ErrNotFound, n)
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	req := strings.Join(names, "\n") + "\n"
	// Write and read at once, so that neither pipe fills up and blocks.
	werr := make(chan error, 1)
	go func() {
		_, err := io.WriteString(b.in, req)
		werr <- err
	}()
	out := make([]Object, len(names))
	var rerr error
	for i, name := range names {
		header, err := b.out.ReadString('\n')
		if err != nil {
			rerr = fmt.Errorf("git: cat-file: %w", err)
			break
		}
		header = strings.TrimSuffix(header, "\n")
		if strings.HasSuffix(header, " missing") || strings.HasSuffix(header, " ambiguous") {
			out[i].Err = fmt.Errorf("%w: %s", ErrNotFound, name)
			continue
		}
		f := strings.Fields(header)
		if len(f) != 3 {
			rerr = fmt.Errorf("git: cat-file: unexpected header %q", header)
			break
		}
		size, err := strconv.Atoi(f[2])
		if err != nil {
			rerr = fmt.Errorf("git: cat-file: bad size in %q", header)
			break
		}
		data := make([]byte, size+1)
		if _, err := io.ReadFull(b.out, data); err != nil {
			rerr = fmt.Errorf("git: cat-file: %w", err)
			break
		}
		out[i] = Object{ID: f[0], Type: f[1], Data: data[:size]}
	}
	if err := <-werr; err != nil && rerr == nil {
		rerr = fmt.Errorf("git: cat-file: %w", err)
	}
	return out, rerr
}
