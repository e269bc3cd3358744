package repo

import "testing"

func TestCountOf(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0 commits"}, {1, "1 commit"}, {2, "2 commits"}} {
		if got := countOf(c.n, "commit"); got != c.want {
			t.Errorf("countOf(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	if got := doOrDoes(1); got != "1 line does" {
		t.Errorf("doOrDoes(1) = %q", got)
	}
	if got := doOrDoes(3); got != "3 lines do" {
		t.Errorf("doOrDoes(3) = %q", got)
	}
}
