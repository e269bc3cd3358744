// Package words puts counts into the words people read: "1 commit",
// "2 commits". One place, so that every message says it the same way.
package words

import "strconv"

// Count is n and its noun in the number n takes: "1 line", "3 lines".
func Count(n int, noun string) string {
	return strconv.Itoa(n) + " " + Noun(n, noun)
}

// Noun is the noun alone in the number n takes: "line", "lines".
func Noun(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
