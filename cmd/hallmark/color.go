package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// ANSI colors for the few words that decide: PASS, FAIL, a failing status.
const (
	red   = "\x1b[31m"
	green = "\x1b[32m"
	reset = "\x1b[0m"
)

// paint colors s when w is a terminal, NO_COLOR (no-color.org) is unset
// or empty and TERM is not "dumb"; pipes, files and tests get plain text.
func paint(w io.Writer, s, color string) string {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return s
	}
	return color + s + reset
}
