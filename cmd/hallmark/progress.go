package main

import (
	"fmt"
	"github.com/hallmark-dev/hallmark/internal/words"
	"os"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// progressLine is one line on standard error, rewritten in place (\r), that
// says how far a long command is. It shows only when standard error is a
// terminal, and never with --quiet or --json: a pipe, a file or a script
// gets nothing.
type progressLine struct {
	f     *os.File // nil: show nothing
	mu    sync.Mutex
	last  time.Time
	width int // of the line shown, 0 for none
}

// newProgress gives the command's progress line; off when a flag asks for
// silence or for machine-readable output.
func newProgress(cmd *cobra.Command) *progressLine {
	f, ok := cmd.ErrOrStderr().(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || os.Getenv("TERM") == "dumb" {
		return &progressLine{}
	}
	for _, flag := range []string{"quiet", "json"} {
		if v, err := cmd.Flags().GetBool(flag); err == nil && v {
			return &progressLine{}
		}
	}
	return &progressLine{f: f}
}

// show rewrites the line, at most ten times a second unless final.
func (p *progressLine) show(final bool, format string, args ...any) {
	if p.f == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if !final && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	// Spaces, not an escape sequence, rub out the longer line before: no
	// terminal control beyond \r.
	s := fmt.Sprintf(format, args...)
	fmt.Fprintf(p.f, "\r%-*s", p.width, s)
	p.width = len(s)
}

// counter is a callback for the library's Progress options: "what:
// done/total commits".
func (p *progressLine) counter(what string) func(done, total int) {
	if p.f == nil {
		return nil
	}
	return func(done, total int) {
		if total > 0 {
			p.show(done == total, "%s: %d/%s", what, done, words.Count(total, "commit"))
		} else {
			p.show(false, "%s: %s", what, words.Count(done, "commit"))
		}
	}
}

// step is a callback that names the step under way.
func (p *progressLine) step(format string) func(string) {
	if p.f == nil {
		return nil
	}
	words := map[string]string{"fetch": "fetching", "merge": "merging", "push": "pushing"}
	return func(s string) { p.show(true, format, or(words[s], s)) }
}

// clear erases the line, before the command prints its result.
func (p *progressLine) clear() {
	if p.f == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.width > 0 {
		fmt.Fprintf(p.f, "\r%*s\r", p.width, "")
		p.width = 0
	}
}
