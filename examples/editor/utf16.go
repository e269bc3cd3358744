package main

import (
	"unicode/utf16"
)

// byteCol turns an LSP character offset (UTF-16 code units, the protocol's
// default) into a byte offset in line, which must not include its newline.
// An offset past the line's end is the line's end, as the specification
// says.
func byteCol(line string, units int) int {
	n := 0
	for i, r := range line {
		if n >= units {
			return i
		}
		n += utf16.RuneLen(r) // an invalid byte decodes as U+FFFD: one unit
	}
	return len(line)
}

// unitCol is the inverse: a byte offset in line as UTF-16 code units.
func unitCol(line string, bytes int) int {
	n := 0
	for i, r := range line {
		if i >= bytes {
			break
		}
		n += utf16.RuneLen(r)
	}
	return n
}
