package testtool

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

var absent = Tool{Names: []string{"hallmark-no-such-program"}, Install: "nothing to install"}

// TestHelperNeed is run as a child process by TestNeed.
func TestHelperNeed(t *testing.T) {
	if os.Getenv("TESTTOOL_CHILD") == "" {
		t.Skip("run by TestNeed")
	}
	Need(t, absent, "the absent program's test")
	t.Error("Need returned for a missing program")
}

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// TestNeed runs a test that needs a missing program, as go test would:
// it is skipped and the summary says so on standard error; under
// HALLMARK_REQUIRE_TOOLS=1 it fails.
func TestNeed(t *testing.T) {
	tests := []struct {
		reason  string
		require string
		fail    bool
		want    string
	}{
		{"a missing program skips the test and is said after the run", "", false,
			"skipped 1 test (TestHelperNeed): hallmark-no-such-program is not installed; to run them: nothing to install"},
		{"under HALLMARK_REQUIRE_TOOLS=1 a missing program fails the test", "1", true,
			"HALLMARK_REQUIRE_TOOLS=1 requires it"},
	}
	for _, tt := range tests {
		cmd := exec.Command(os.Args[0], "-test.run=^TestHelperNeed$")
		cmd.Env = append(os.Environ(), "TESTTOOL_CHILD=1", "TESTTOOL_NO_TTY=1", RequireEnv+"="+tt.require)
		out, err := cmd.CombinedOutput()
		if failed := err != nil; failed != tt.fail {
			t.Errorf("%s: failed %v, want %v:\n%s", tt.reason, failed, tt.fail, out)
		}
		if !strings.Contains(string(out), tt.want) {
			t.Errorf("%s: output lacks %q:\n%s", tt.reason, tt.want, out)
		}
	}
}

func TestFindOnPath(t *testing.T) {
	p, ok := Tool{Names: []string{"hallmark-no-such-program", "go"}}.Find()
	if !ok || !strings.HasSuffix(p, "go") {
		t.Errorf("Find went past a missing name to go: %q %v", p, ok)
	}
	if _, ok := absent.Find(); ok {
		t.Error("Find found a program that does not exist")
	}
}
