package attribution

import (
	"slices"
	"testing"
)

func TestThousands(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {128000, "128,000"}, {1234567, "1,234,567"}, {-4500, "-4,500"}}
	for _, tt := range tests {
		if got := thousands(tt.n); got != tt.want {
			t.Errorf("thousands(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

// TestThin: the labels kept never overlap at the font they were thinned
// for, stay inside the chart, and the newest is kept.
func TestThin(t *testing.T) {
	var xs []float64
	var names []string
	for i := range 261 { // aider's tags, crowded into a few spots
		xs = append(xs, 72+float64(i*i%1100))
		names = append(names, "v0.86.2.dev")
	}
	slices.Sort(xs) // tags come in time order
	xs[len(xs)-1] = 1100
	for _, font := range []float64{14, 24} {
		keep := thin(xs, names, 1200, font)
		if !keep[len(keep)-1] {
			t.Errorf("font %v: the newest label is not shown", font)
		}
		half := float64(len(names[0])) * charWidth(font) / 2
		var shown []float64
		for i, k := range keep {
			if k {
				if xs[i]-half < 0 || xs[i]+half > 1200 {
					t.Errorf("font %v: label at %v leaves the chart", font, xs[i])
				}
				for _, x := range shown {
					if d := x - xs[i]; d < 2*half && d > -2*half {
						t.Errorf("font %v: labels at %v and %v overlap", font, x, xs[i])
					}
				}
				shown = append(shown, xs[i])
			}
		}
		if len(shown) < 5 {
			t.Errorf("font %v: only %d labels", font, len(shown))
		}
	}
}
