package attribution

import "strings"

func splitLines(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func splitFields(s string) []string { return strings.Fields(s) }

// cutN splits s after its n-th space: the first n fields and the rest.
func cutN(s string, n int) (head, rest string, ok bool) {
	i := 0
	for k := 0; k < n; k++ {
		j := strings.IndexByte(s[i:], ' ')
		if j < 0 {
			return s, "", false
		}
		i += j + 1
	}
	return s[:i-1], s[i:], true
}
