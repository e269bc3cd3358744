package repo

import "testing"

func TestDoOrDoes(t *testing.T) {
	if got := doOrDoes(1); got != "1 line does" {
		t.Errorf("doOrDoes(1) = %q", got)
	}
	if got := doOrDoes(3); got != "3 lines do" {
		t.Errorf("doOrDoes(3) = %q", got)
	}
}
