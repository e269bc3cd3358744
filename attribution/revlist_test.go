package attribution

import (
	"slices"
	"testing"
)

func TestParseRevList(t *testing.T) {
	// b and c are children of a; d merges them; x is outside the range.
	r := parseRevList([]byte("a x\nb a\nc a\nd b c\n\n"))
	if want := []string{"a", "b", "c", "d"}; !slices.Equal(r.order, want) {
		t.Errorf("order %v, want %v", r.order, want)
	}
	for _, c := range []struct {
		id       string
		in       bool
		children int
		parents  []string
	}{
		{"a", true, 2, []string{"x"}},
		{"b", true, 1, []string{"a"}},
		{"d", true, 0, []string{"b", "c"}},
		{"x", false, 1, nil},
		{"unknown", false, 0, nil},
	} {
		if got := r.inRange(c.id); got != c.in {
			t.Errorf("inRange(%s) = %v", c.id, got)
		}
		if got := r.children(c.id); got != c.children {
			t.Errorf("children(%s) = %d, want %d", c.id, got, c.children)
		}
		if got := r.parentsOf(c.id); !slices.Equal(got, c.parents) {
			t.Errorf("parentsOf(%s) = %v, want %v", c.id, got, c.parents)
		}
	}
}
