// Package testtool finds the programs some tests drive (cosign, Chromium,
// Neovim, util-linux's script) and keeps a missing one from passing
// unnoticed.
//
// A test asks for a program with [Need]. When the program is missing the
// test is skipped, and [Main], called from the package's TestMain, says
// after the run which tests were skipped and how to install what they
// need: one line per program, on standard error and, since go test shows a
// passing package's output only with -v, on the terminal too.
//
// # In CI
//
// With HALLMARK_REQUIRE_TOOLS=1 in the environment (.ci/run sets it) a
// missing program fails the test instead: CI must never pass by skipping.
package testtool

import (
	"fmt"
	"github.com/hallmark-dev/hallmark/internal/words"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Tool is a program some tests need.
type Tool struct {
	Names   []string // the names to look for on PATH, first found wins
	GoBin   bool     // also look in $(go env GOPATH)/bin (a go install)
	Install string   // how to get it
}

// The programs the tests drive.
var (
	Cosign   = Tool{Names: []string{"cosign"}, GoBin: true, Install: "go install github.com/sigstore/cosign/v2/cmd/cosign@v2.6.5"}
	Chromium = Tool{Names: []string{"chromium", "chromium-browser"}, Install: "apt-get install chromium"}
	Neovim   = Tool{Names: []string{"nvim"}, Install: "apt-get install neovim"}
	Script   = Tool{Names: []string{"script"}, Install: "apt-get install util-linux"}
)

// RequireEnv names the variable that turns a skip for a missing program
// into a failure.
const RequireEnv = "HALLMARK_REQUIRE_TOOLS"

// Find looks the program up.
func (tl Tool) Find() (string, bool) {
	for _, n := range tl.Names {
		if p, err := exec.LookPath(n); err == nil {
			return p, true
		}
	}
	if tl.GoBin {
		if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			for _, dir := range filepath.SplitList(strings.TrimSpace(string(out))) {
				p := filepath.Join(dir, "bin", tl.Names[0])
				if _, err := os.Stat(p); err == nil {
					return p, true
				}
			}
		}
	}
	return "", false
}

var (
	mu      sync.Mutex
	skipped = map[string][]string{} // program to the tests skipped for want of it
	install = map[string]string{}
)

// Need returns the program's path. When it is missing, the test is
// skipped (what says what goes untested), or fails under
// HALLMARK_REQUIRE_TOOLS=1.
func Need(t testing.TB, tl Tool, what string) string {
	t.Helper()
	p, ok := Want(t, tl, what)
	if !ok {
		t.SkipNow()
	}
	return p
}

// Want is [Need] for a test that goes on without the program, leaving
// out only what needs it: false when it is missing (said in the log and
// in [Summary]), and under HALLMARK_REQUIRE_TOOLS=1 the test fails.
func Want(t testing.TB, tl Tool, what string) (string, bool) {
	t.Helper()
	if p, ok := tl.Find(); ok {
		return p, true
	}
	msg := fmt.Sprintf("%s is not installed (%s): %s", tl.Names[0], tl.Install, what)
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("%s; %s=1 requires it", msg, RequireEnv)
	}
	mu.Lock()
	skipped[tl.Names[0]] = append(skipped[tl.Names[0]], t.Name())
	install[tl.Names[0]] = tl.Install
	mu.Unlock()
	t.Log(msg)
	return "", false
}

// Summary is one line per missing program: the tests skipped for want of
// it and how to install it. Empty when nothing was skipped.
func Summary() string {
	mu.Lock()
	defer mu.Unlock()
	var b strings.Builder
	for _, name := range slices.Sorted(maps.Keys(skipped)) {
		tests := skipped[name]
		fmt.Fprintf(&b, "skipped %d %s (%s): %s is not installed; to run them: %s\n",
			len(tests), words.Noun(len(tests), "test"), strings.Join(tests, ", "), name, install[name])
	}
	return b.String()
}

// Main runs the tests and then prints [Summary] on standard error and on
// the terminal, if any (go test hides a passing package's output). It
// returns the exit code for os.Exit.
func Main(m *testing.M) int {
	code := m.Run()
	if s := Summary(); s != "" {
		fmt.Fprint(os.Stderr, s)
		if !testing.Verbose() && os.Getenv("TESTTOOL_NO_TTY") == "" {
			if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
				fmt.Fprint(tty, s)
				tty.Close()
			}
		}
	}
	return code
}
