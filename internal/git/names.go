package git

import (
	"strings"
	"unicode/utf8"
)

// How git writes a path in a patch (quote.c, `quote_c_style`, and diff.c,
// `diff_filespec`/`builtin_diff`, git 2.39): a name holding a control byte
// (below 0x20, or 0x7f), a double quote or a backslash is written between
// double quotes with C escapes (\a \b \t \n \v \f \r \" \\, any other byte
// as three octal digits); bytes of 0x80 and above are escaped too unless
// core.quotePath is false, which every command hallmark runs sets. The
// prefix ("a/", "b/") goes inside the quotes. In the "---" and "+++" lines
// git appends a TAB when the name contains a space, quoted or not, so that
// patch(1) sees where the name ends; an unquoted name never holds a TAB of
// its own, so one trailing TAB is always git's.
//
// The patch is the one git output with no -z form; everything else hallmark
// reads names from (ls-tree, status, diff --name-only, --raw) is read with
// -z, NUL-separated and unquoted.

// Unquote undoes git's C-style quoting of a path; a string that is not
// quoted is returned as it is, and so is a quoted one git could not have
// written (a bad escape, text after the closing quote).
func Unquote(s string) string {
	if name, rest, ok := cutQuoted(s); ok && rest == "" {
		return name
	}
	return s
}

// cutQuoted reads one C-quoted name at the start of s and returns it
// decoded and what follows the closing quote; ok is false when s does not
// start with a well-formed quoted name.
func cutQuoted(s string) (name, rest string, ok bool) {
	if len(s) < 2 || s[0] != '"' {
		return "", s, false
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch c {
		case '"':
			return b.String(), s[i+1:], true
		case '\\':
		default:
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(s) {
			return "", s, false
		}
		switch e := s[i]; e {
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'v':
			b.WriteByte('\v')
		case 'f':
			b.WriteByte('\f')
		case 'r':
			b.WriteByte('\r')
		case '"', '\\':
			b.WriteByte(e)
		case '0', '1', '2', '3':
			if i+2 >= len(s) || !isOctal(s[i+1]) || !isOctal(s[i+2]) {
				return "", s, false
			}
			b.WriteByte((e-'0')<<6 | (s[i+1]-'0')<<3 | (s[i+2] - '0'))
			i += 2
		default:
			return "", s, false
		}
	}
	return "", s, false
}

func isOctal(c byte) bool { return '0' <= c && c <= '7' }

// headerName reads the name of a "--- " or "+++ " line (without that
// prefix): "/dev/null", or the prefixed name, quoted or not, with git's
// trailing TAB removed. ok is false for a quoted name git could not have
// written.
func headerName(s string) (string, bool) {
	if strings.HasPrefix(s, `"`) {
		name, rest, ok := cutQuoted(s)
		if !ok || (rest != "" && rest != "\t") {
			return "", false
		}
		return name, true
	}
	return strings.TrimSuffix(s, "\t"), true
}

// gitHeaderPaths reads the two names of a "diff --git A B" line (without
// that prefix), each "a/..." or "b/..." and each quoted or not. Two
// unquoted names are ambiguous when they contain spaces; they are taken
// apart only when both halves name the same file, and otherwise the
// rename or copy lines that follow name them. An unquoted name cannot
// contain a double quote, so the first one starts a quoted second name.
func gitHeaderPaths(s string) (newPath, oldPath string) {
	var a, b string
	switch {
	case strings.HasPrefix(s, `"`):
		name, rest, ok := cutQuoted(s)
		if !ok || !strings.HasPrefix(rest, " ") {
			return "", ""
		}
		a, rest = name, rest[1:]
		if strings.HasPrefix(rest, `"`) {
			name, tail, ok := cutQuoted(rest)
			if !ok || tail != "" {
				return "", ""
			}
			b = name
		} else {
			b = rest
		}
	case strings.Contains(s, `"`):
		i := strings.Index(s, ` "`)
		if i < 0 {
			return "", ""
		}
		name, tail, ok := cutQuoted(s[i+1:])
		if !ok || tail != "" {
			return "", ""
		}
		a, b = s[:i], name
	default:
		if len(s)%2 == 0 || len(s) < 7 {
			return "", ""
		}
		half := (len(s) - 1) / 2
		if s[half] != ' ' || s[2:half] != s[half+3:] {
			return "", ""
		}
		a, b = s[:half], s[half+1:]
	}
	if !strings.HasPrefix(a, "a/") || !strings.HasPrefix(b, "b/") {
		return "", ""
	}
	return b[2:], a[2:]
}

// Quote writes a path for a place that must hold valid UTF-8 text and
// reads back with [Unquote]: valid UTF-8 not starting with a double quote
// as it is, anything else in git's C-style quoting with octal escapes.
// Records do not use it (they keep a name's bytes, see provenance.File);
// hallmark's pending state keys its files this way.
func Quote(p string) string {
	if utf8.ValidString(p) && !strings.HasPrefix(p, `"`) {
		return p
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			b.WriteByte('\\')
			b.WriteByte('0' + c>>6)
			b.WriteByte('0' + c>>3&7)
			b.WriteByte('0' + c&7)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
