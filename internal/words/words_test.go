package words

import "testing"

func TestCount(t *testing.T) {
	for _, c := range []struct {
		n    int
		want string
	}{{0, "0 commits"}, {1, "1 commit"}, {2, "2 commits"}} {
		if got := Count(c.n, "commit"); got != c.want {
			t.Errorf("Count(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	if got := Noun(1, "file"); got != "file" {
		t.Errorf("Noun(1) = %q", got)
	}
	if got := Noun(2, "file"); got != "files" {
		t.Errorf("Noun(2) = %q", got)
	}
}
