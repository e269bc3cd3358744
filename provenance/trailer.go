package provenance

import "strings"

// Trailer is one "Key: value" line of a commit message's trailer block.
type Trailer struct {
	Key   string
	Value string
}

// String formats the trailer the way git prints it.
func (t Trailer) String() string { return t.Key + ": " + t.Value }

// This file follows git's trailer.c and commit.c (git 2.39) with the default
// configuration: separators ":", comment character '#', no trailer.* keys.
// The tests compare it with the real `git interpret-trailers`.

const (
	commentChar = '#'
	separators  = ":"
	cutLine     = "------------------------ >8 ------------------------\n"
)

// gitGeneratedPrefixes make a block count as trailers even when up to 75% of
// its lines are not trailers.
var gitGeneratedPrefixes = []string{"Signed-off-by: ", "(cherry picked from commit "}

// cSpace is git's isspace (git-compat-util.h): space, tab, newline and
// carriage return only; not C's \v and \f.
func cSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

func cAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// cTrim is strbuf_trim: it strips C whitespace from both ends.
func cTrim(s string) string {
	i, j := 0, len(s)
	for i < j && cSpace(s[i]) {
		i++
	}
	for j > i && cSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// nextLine returns the offset of the line after the one starting at i.
func nextLine(s string, i int) int {
	if k := strings.IndexByte(s[i:], '\n'); k >= 0 {
		return i + k + 1
	}
	return len(s)
}

// lastLine returns the start of the last line of s[:n], or -1 if n is 0. A
// final newline belongs to the last line.
func lastLine(s string, n int) int {
	if n == 0 {
		return -1
	}
	if n == 1 {
		return 0
	}
	for i := n - 2; i >= 0; i-- {
		if s[i] == '\n' {
			return i + 1
		}
	}
	return 0
}

// isBlankLine reports whether the line starting at s[0] holds only spaces.
func isBlankLine(s string) bool {
	for i := 0; i < len(s) && s[i] != '\n'; i++ {
		if !cSpace(s[i]) {
			return false
		}
	}
	return true
}

// findSeparator returns the position of the separator in
// "<token><optional whitespace><separator>...", or -1.
func findSeparator(line string) int {
	whitespace := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		if strings.IndexByte(separators, c) >= 0 {
			return i
		}
		if !whitespace && (cAlnum(c) || c == '-') {
			continue
		}
		if i != 0 && (c == ' ' || c == '\t') {
			whitespace = true
			continue
		}
		break
	}
	return -1
}

// findPatchStart returns the offset of the first "---" divider line (three
// dashes then whitespace), or len(s).
func findPatchStart(s string) int {
	for i := 0; i < len(s); i = nextLine(s, i) {
		if strings.HasPrefix(s[i:], "---") && len(s) > i+3 && cSpace(s[i+3]) {
			return i
		}
	}
	return len(s)
}

// locateEnd returns the offset of the scissors line, or n. git searches the
// whole message; we search s[:n] only, since git's loop cannot end when the
// scissors line follows a "---" divider.
func locateEnd(s string, n int) int {
	pattern := "\n" + string(commentChar) + " " + cutLine
	if strings.HasPrefix(s[:n], pattern[1:]) {
		return 0
	}
	if p := strings.Index(s[:n], pattern); p >= 0 {
		return p + 1
	}
	return n
}

// ignoredTail returns how many bytes at the end of s[:n] are comments, blank
// lines, an old "Conflicts:" block or what follows the scissors line.
func ignoredTail(s string, n int) int {
	boc, bol := 0, 0
	inConflicts := false
	cutoff := locateEnd(s, n)
	for bol < cutoff {
		next := n
		if k := strings.IndexByte(s[bol:n], '\n'); k >= 0 {
			next = bol + k + 1
		}
		switch {
		case s[bol] == commentChar || s[bol] == '\n':
			if boc == 0 {
				boc = bol
			}
		case strings.HasPrefix(s[bol:], "Conflicts:\n"):
			inConflicts = true
			if boc == 0 {
				boc = bol
			}
		case inConflicts && s[bol] == '\t':
		case boc != 0:
			boc = 0
			inConflicts = false
		}
		bol = next
	}
	if boc != 0 {
		return n - boc
	}
	return n - cutoff
}

// findTrailerStart returns the offset of the first trailer line of s[:n], or n.
func findTrailerStart(s string, n int) int {
	// The first paragraph is the title and cannot hold trailers.
	t := 0
	for t < n {
		if s[t] != commentChar && isBlankLine(s[t:]) {
			break
		}
		t = nextLine(s, t)
	}
	endOfTitle := t

	onlySpaces := true
	recognized := false
	trailerLines, nonTrailerLines, possibleContinuations := 0, 0, 0
	for l := lastLine(s, n); l >= endOfTitle; l = lastLine(s, l) {
		bol := s[l:]
		if bol[0] == commentChar {
			nonTrailerLines += possibleContinuations
			possibleContinuations = 0
			continue
		}
		if isBlankLine(bol) {
			if onlySpaces {
				continue
			}
			nonTrailerLines += possibleContinuations
			if recognized && trailerLines*3 >= nonTrailerLines {
				return nextLine(s, l)
			}
			if trailerLines > 0 && nonTrailerLines == 0 {
				return nextLine(s, l)
			}
			return n
		}
		onlySpaces = false
		generated := false
		for _, p := range gitGeneratedPrefixes {
			if strings.HasPrefix(bol, p) {
				generated = true
				break
			}
		}
		if generated {
			trailerLines++
			possibleContinuations = 0
			recognized = true
			continue
		}
		if sep := findSeparator(bol); sep >= 1 && !cSpace(bol[0]) {
			trailerLines++
			possibleContinuations = 0
		} else if cSpace(bol[0]) {
			possibleContinuations++
		} else {
			nonTrailerLines += 1 + possibleContinuations
			possibleContinuations = 0
		}
	}
	return n
}

// trailerBlock locates the trailer block: its start and end offsets, whether
// a blank line precedes it, and its logical lines (continuations joined).
type trailerBlock struct {
	start, end  int
	blankBefore bool
	lines       []string
}

// findTrailerBlock locates the block; with divider, a "---" line ends the
// message, as for a patch (`git interpret-trailers`), and without it the
// whole message counts, as git's readers of commit messages do (trailer.c's
// no_divider, which pretty.c's %(trailers), shortlog --group=trailer and
// for-each-ref set).
func findTrailerBlock(msg string, divider bool) trailerBlock {
	patch := len(msg)
	if divider {
		patch = findPatchStart(msg)
	}
	end := patch - ignoredTail(msg, patch)
	start := findTrailerStart(msg, end)
	var b trailerBlock
	b.start, b.end = start, end
	if ll := lastLine(msg, start); ll >= 0 {
		b.blankBefore = isBlankLine(msg[ll:start])
	}
	block := msg[start:end]
	lastIsTrailer := false
	for i := 0; i < len(block); {
		j := nextLine(block, i)
		line := block[i:j]
		i = j
		if lastIsTrailer && cSpace(line[0]) {
			b.lines[len(b.lines)-1] += line
			continue
		}
		b.lines = append(b.lines, line)
		lastIsTrailer = findSeparator(line) >= 1
	}
	return b
}

// splitTrailer is parse_trailer: token and value, both trimmed.
func splitTrailer(line string, sep int) (key, value string) {
	return cTrim(line[:sep]), cTrim(line[sep+1:])
}

// unfold collapses each newline and the whitespace after it to one space.
func unfold(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); {
		c := v[i]
		i++
		if c == '\n' {
			for i < len(v) && cSpace(v[i]) {
				i++
			}
			b.WriteByte(' ')
			continue
		}
		b.WriteByte(c)
	}
	return cTrim(b.String())
}

// ParseTrailers returns the trailers of a commit message as
// `git interpret-trailers --parse` prints them: only the last paragraph
// counts, continuation lines are unfolded, and comment lines, the patch after
// a "---" divider and non-trailer lines of the block are skipped.
//
// That is how git reads a message being composed or a patch. For a commit
// that is already made, use [ParseCommitTrailers].
func ParseTrailers(msg string) []Trailer { return parseTrailers(msg, true) }

// ParseCommitTrailers returns the trailers of a commit's message as git's
// own readers of commits see them: `git log --format=%(trailers:only,unfold)`,
// `git shortlog --group=trailer:KEY` and `git for-each-ref
// --format=%(trailers)`. Unlike [ParseTrailers], a "---" line does not end
// the message: a commit whose body quotes a patch, or a squash-merge whose
// list of commits ends with a "---------" rule, still has the trailers git
// shows.
func ParseCommitTrailers(msg string) []Trailer { return parseTrailers(msg, false) }

func parseTrailers(msg string, divider bool) []Trailer {
	b := findTrailerBlock(msg, divider)
	var out []Trailer
	for _, line := range b.lines {
		if line[0] == commentChar {
			continue
		}
		sep := findSeparator(line)
		if sep < 1 {
			continue
		}
		k, v := splitTrailer(line, sep)
		out = append(out, Trailer{Key: k, Value: unfold(v)})
	}
	return out
}

// AddTrailer returns msg with t appended to its trailer block, as
// `git interpret-trailers --trailer "Key: value"` does with git's defaults
// (where=end, ifExists=addIfDifferentNeighbor, ifMissing=add): the trailer
// is not added when the block's last trailer is the same one, a blank line
// is added before a new block, and the block's existing trailers are
// rewritten in git's "Key: value" form.
func AddTrailer(msg string, t Trailer) string {
	k, v := cTrim(t.Key), cTrim(t.Value)
	// A key given with its separator ("Key:") loses it, as on git's command line.
	if sep := findSeparator(k + ":"); sep >= 1 {
		k = cTrim(k[:sep])
	}
	b := findTrailerBlock(msg, true)
	var out strings.Builder
	out.WriteString(msg[:b.start])
	if !b.blankBefore {
		out.WriteByte('\n')
	}
	type item struct {
		key, value string
		isTrailer  bool
	}
	var items []item
	for _, line := range b.lines {
		if line[0] == commentChar {
			continue
		}
		if sep := findSeparator(line); sep >= 1 {
			ik, iv := splitTrailer(line, sep)
			items = append(items, item{ik, iv, true})
			continue
		}
		items = append(items, item{value: strings.TrimSuffix(line, "\n")})
	}
	add := true
	if n := len(items); n > 0 {
		last := items[n-1]
		if last.isTrailer && sameToken(last.key, k) && strings.EqualFold(last.value, v) {
			// git only compares the neighbor when some trailer shares the token.
			add = false
		}
	}
	if add {
		items = append(items, item{k, v, true})
	}
	for _, it := range items {
		if !it.isTrailer {
			out.WriteString(it.value + "\n")
			continue
		}
		out.WriteString(it.key + ": " + it.value + "\n")
	}
	out.WriteString(msg[b.end:])
	return out.String()
}

// sameToken compares two tokens as git does: case-insensitively, over the
// shorter of the two lengths once trailing punctuation is dropped.
func sameToken(a, b string) bool {
	la, lb := tokenLen(a), tokenLen(b)
	n := min(la, lb)
	return strings.EqualFold(a[:n], b[:n])
}

func tokenLen(s string) int {
	n := len(s)
	for n > 0 && !cAlnum(s[n-1]) {
		n--
	}
	return n
}
