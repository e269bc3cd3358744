package policy

import (
	"path"
	"strings"
)

// Match matches a slash-separated path against a pattern: path.Match for
// each segment, plus a segment "**" for any number of directories, none
// included ("security/**", "**/*.sql"). A pattern without a slash matches
// the file's base name anywhere ("*.sql" matches "db/x.sql"). A malformed
// pattern matches nothing; [Parse] rejects one.
//
// Matching works on the name's bytes as git stores them: a name that is
// not valid UTF-8 matches a pattern holding the same bytes, and "*" or "?"
// take an invalid byte as one character.
//
// It takes at most len(pattern segments) × len(path segments) segment
// matches, whatever the number of "**": the pattern is run as a set of
// states over the path's segments, never by backtracking.
func Match(pattern, file string) bool {
	if !strings.Contains(pattern, "/") {
		return matchSegment(pattern, path.Base(file))
	}
	return matchSegments(strings.Split(pattern, "/"), strings.Split(file, "/"), matchSegment)
}

// matchSegments runs the pattern as a nondeterministic automaton whose
// state i means "pattern segments [0, i) have matched the segments read so
// far". A "**" at i both stays at i on any segment and lets state i reach
// i+1 without reading one.
func matchSegments(pat, parts []string, segment func(pattern, name string) bool) bool {
	cur := make([]bool, len(pat)+1)
	next := make([]bool, len(pat)+1)
	cur[0] = true
	closeStars(pat, cur)
	for _, part := range parts {
		clear(next)
		live := false
		for i, on := range cur[:len(pat)] {
			if !on {
				continue
			}
			if pat[i] == "**" {
				next[i] = true
				live = true
			} else if segment(pat[i], part) {
				next[i+1] = true
				live = true
			}
		}
		if !live {
			return false
		}
		closeStars(pat, next)
		cur, next = next, cur
	}
	return cur[len(pat)]
}

// closeStars lets every live state before a "**" also stand after it.
func closeStars(pat []string, states []bool) {
	for i, p := range pat {
		if states[i] && p == "**" {
			states[i+1] = true
		}
	}
}

func matchSegment(pattern, name string) bool {
	ok, err := path.Match(pattern, name)
	return ok && err == nil
}
