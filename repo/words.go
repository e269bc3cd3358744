package repo

import "strconv"

// countOf is "1 commit", "2 commits": a count with its noun in the number
// it takes, for the messages people read.
func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// doOrDoes is "1 line does", "2 lines do".
func doOrDoes(n int) string {
	if n == 1 {
		return "1 line does"
	}
	return countOf(n, "line") + " do"
}
