package git

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
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
		return b.readPath(name)
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

// readPath reads "REV:PATH" where PATH holds a newline, which `cat-file
// --batch` cannot be asked for (it reads one name a line, and git 2.39 has
// no NUL-terminated answers to echo such a name back): it walks the trees
// from REV's tree by object id, reading each tree object's entries (mode,
// space, name, NUL, raw id) exactly.
func (b *Batch) readPath(name string) (id, typ string, data []byte, err error) {
	rev, path, ok := strings.Cut(name, ":")
	if !ok || strings.ContainsAny(rev, "\n") || path == "" {
		return "", "", nil, fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	id, typ, data, err = b.ReadID(rev)
	if err != nil {
		return "", "", nil, err
	}
	if typ == "commit" {
		c, err := ParseCommit(id, data)
		if err != nil {
			return "", "", nil, err
		}
		if id, typ, data, err = b.ReadID(c.Tree); err != nil {
			return "", "", nil, err
		}
	}
	for _, el := range strings.Split(path, "/") {
		if typ != "tree" {
			return "", "", nil, fmt.Errorf("%w: %q", ErrNotFound, name)
		}
		next, found, err := treeEntry(data, el, len(id)/2)
		if err != nil {
			return "", "", nil, err
		}
		if !found {
			return "", "", nil, fmt.Errorf("%w: %q", ErrNotFound, name)
		}
		if id, typ, data, err = b.ReadID(next); err != nil {
			return "", "", nil, err
		}
	}
	return id, typ, data, nil
}

// treeEntry finds name among a tree object's entries and returns its id
// in hex; idLen is the raw id's length in bytes (20 or 32).
func treeEntry(tree []byte, name string, idLen int) (string, bool, error) {
	for len(tree) > 0 {
		sp := bytes.IndexByte(tree, ' ')
		nul := bytes.IndexByte(tree, 0)
		if sp < 0 || nul < sp || len(tree) < nul+1+idLen {
			return "", false, fmt.Errorf("git: malformed tree object")
		}
		if string(tree[sp+1:nul]) == name {
			return hex.EncodeToString(tree[nul+1 : nul+1+idLen]), true, nil
		}
		tree = tree[nul+1+idLen:]
	}
	return "", false, nil
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
	Size     int64  // the object's size, also when Data was not read
	Data     []byte // nil when the object is over the limit
	Err      error  // ErrNotFound for a missing object, ErrTooLarge past the limit
}

// ReadMany asks for several objects at once and then reads the answers:
// one round trip instead of one per object.
func (b *Batch) ReadMany(names []string) ([]Object, error) {
	return b.ReadManyLimit(names, -1)
}

// ReadManyLimit is [Batch.ReadMany] that never holds more than limit bytes
// of one object: a larger object's content is read past and dropped, and
// its answer has ErrTooLarge with its size. A negative limit means none.
func (b *Batch) ReadManyLimit(names []string, limit int64) ([]Object, error) {
	for i, n := range names {
		if strings.ContainsAny(n, "\n") {
			// cat-file reads a line a name: ask for this one apart.
			out, err := b.ReadManyLimit(names[:i], limit)
			if err != nil {
				return nil, err
			}
			var o Object
			o.ID, o.Type, o.Data, o.Err = b.readPath(n)
			if o.Err != nil && !errors.Is(o.Err, ErrNotFound) {
				return nil, o.Err
			}
			if o.Size = int64(len(o.Data)); limit >= 0 && o.Size > limit {
				o.Data, o.Err = nil, fmt.Errorf("%w: %q is %d bytes, over %d", ErrTooLarge, n, o.Size, limit)
			}
			rest, err := b.ReadManyLimit(names[i+1:], limit)
			if err != nil {
				return nil, err
			}
			return append(append(out, o), rest...), nil
		}
	}
	if len(names) == 0 {
		return nil, nil
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
		size, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil || size < 0 {
			rerr = fmt.Errorf("git: cat-file: bad size in %q", header)
			break
		}
		if limit >= 0 && size > limit {
			// Read past the content and its newline without keeping it.
			if _, err := io.CopyN(io.Discard, b.out, size+1); err != nil {
				rerr = fmt.Errorf("git: cat-file: %w", err)
				break
			}
			out[i] = Object{ID: f[0], Type: f[1], Size: size, Err: fmt.Errorf("%w: %s is %d bytes, over %d", ErrTooLarge, name, size, limit)}
			continue
		}
		data := make([]byte, size+1)
		if _, err := io.ReadFull(b.out, data); err != nil {
			rerr = fmt.Errorf("git: cat-file: %w", err)
			break
		}
		out[i] = Object{ID: f[0], Type: f[1], Size: size, Data: data[:size]}
	}
	if err := <-werr; err != nil && rerr == nil {
		rerr = fmt.Errorf("git: cat-file: %w", err)
	}
	return out, rerr
}
