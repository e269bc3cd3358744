package repo

import "github.com/hallmark-dev/hallmark/internal/words"

// doOrDoes is "1 line does", "2 lines do".
func doOrDoes(n int) string {
	if n == 1 {
		return "1 line does"
	}
	return words.Count(n, "line") + " do"
}
