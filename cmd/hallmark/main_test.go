package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/internal/testtool"
)

// hallmarkBin is the CLI built once for all tests, run as a real process.
var hallmarkBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "hallmark-bin")
	if err != nil {
		panic(err)
	}
	hallmarkBin = filepath.Join(dir, "hallmark")
	if out, err := exec.Command("go", "build", "-o", hallmarkBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build hallmark: %v\n%s", err, out)
		os.Exit(2)
	}
	code := testtool.Main(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

type result struct {
	stdout, stderr string
	code           int
}

// hallmark runs the CLI in dir with extra environment.
func hallmark(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := exec.Command(hallmarkBin, args...)
	cmd.Dir = dir
	cmd.Env = append(gittest.Env(t.TempDir()), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{out.String(), errb.String(), code}
}

func sampleRepo(t *testing.T) *gittest.Repo {
	r := gittest.New(t)
	r.Write("main.go", gittest.Lines("// human", 5))
	r.Commit("initial", "")
	r.Write("gen.go", gittest.Lines("// model", 7))
	r.Commit("feat: generated\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\nCo-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>\n", "")
	return r
}

func TestSignVerifyRoundTripCLI(t *testing.T) {
	r := sampleRepo(t)
	keys := t.TempDir()
	env := []string{"HALLMARK_PASSWORD=pw"}
	for _, alg := range []string{"ecdsa-p256", "ed25519", "rsa-3072"} {
		prefix := filepath.Join(keys, alg)
		if res := hallmark(t, r.Dir, env, "keys", "generate", "--algorithm", alg, "--output", prefix); res.code != 0 {
			t.Fatalf("keys generate: %+v", res)
		}
		for _, bundle := range []bool{false, true} {
			args := []string{"attest", "sign", "--key", prefix + ".key", "--output", filepath.Join(keys, "att.json")}
			if bundle {
				args = append(args, "--bundle")
			}
			if res := hallmark(t, r.Dir, env, args...); res.code != 0 {
				t.Fatalf("%s sign: %+v", alg, res)
			}
			res := hallmark(t, r.Dir, nil, "attest", "verify", "--key", prefix+".pub", filepath.Join(keys, "att.json"))
			if res.code != 0 || !strings.Contains(res.stdout, "verified: commit") || !strings.Contains(res.stdout, "7 ai") {
				t.Fatalf("%s verify (bundle %v): %+v", alg, bundle, res)
			}
		}
	}
}

func TestExitCodes(t *testing.T) {
	r := sampleRepo(t)
	keys := t.TempDir()
	env := []string{"HALLMARK_PASSWORD=pw"}
	k := filepath.Join(keys, "k")
	other := filepath.Join(keys, "other")
	hallmark(t, r.Dir, env, "keys", "generate", "--output", k)
	hallmark(t, r.Dir, env, "keys", "generate", "--output", other)
	att := filepath.Join(keys, "att.json")
	if res := hallmark(t, r.Dir, env, "attest", "sign", "--key", k+".key", "--commit", "HEAD~1", "--output", att); res.code != 0 {
		t.Fatal(res)
	}
	notRepo := t.TempDir()
	tests := []struct {
		reason string
		dir    string
		env    []string
		args   []string
		code   int
		stderr string
	}{
		{"verifies for its own commit", r.Dir, nil, []string{"attest", "verify", "--key", k + ".pub", "--commit", "HEAD~1", att}, 0, ""},
		{"a record for another commit", r.Dir, nil, []string{"attest", "verify", "--key", k + ".pub", att}, 1, "subject mismatch"},
		{"another key", r.Dir, nil, []string{"attest", "verify", "--key", other + ".pub", "--commit", "HEAD~1", att}, 1, "bad signature"},
		{"wrong password", r.Dir, []string{"HALLMARK_PASSWORD=nope"}, []string{"attest", "sign", "--key", k + ".key"}, 2, "HALLMARK_PASSWORD"},
		{"no key flag", r.Dir, nil, []string{"attest", "verify", att}, 2, "--key"},
		{"unknown flag", r.Dir, nil, []string{"record", "--bogus"}, 2, "unknown flag"},
		{"too many args", r.Dir, nil, []string{"record", "a", "b"}, 2, "see --help"},
		{"not a repository", notRepo, nil, []string{"record"}, 2, "not a git repository"},
		{"unknown revision", r.Dir, nil, []string{"record", "v9"}, 2, "unknown revision"},
		{"garbage attestation", r.Dir, nil, []string{"attest", "verify", "--key", k + ".pub", "/dev/null"}, 1, "malformed"},
		{"key files are not overwritten", r.Dir, env, []string{"keys", "generate", "--output", k}, 2, "already exists"},
		{"unknown algorithm", r.Dir, env, []string{"keys", "generate", "--algorithm", "dsa", "--output", filepath.Join(keys, "x")}, 2, "algorithm"},
		{"KMS without provider", r.Dir, nil, []string{"attest", "sign", "--key", "awskms:///alias/x"}, 2, "KMS provider"},
	}
	for _, tt := range tests {
		res := hallmark(t, tt.dir, tt.env, tt.args...)
		if res.code != tt.code || !strings.Contains(res.stderr, tt.stderr) {
			t.Errorf("%s: exit %d stderr %q; want exit %d and %q", tt.reason, res.code, res.stderr, tt.code, tt.stderr)
		}
		if res.code != 0 && strings.Count(strings.TrimSpace(res.stderr), "\n") > 0 {
			t.Errorf("%s: error is not one line: %q", tt.reason, res.stderr)
		}
	}
	empty := gittest.New(t)
	if res := hallmark(t, empty.Dir, nil, "report"); res.code != 2 || !strings.Contains(res.stderr, "no commits") {
		t.Errorf("empty repository: %+v", res)
	}
}

func TestRecordAndReportCLI(t *testing.T) {
	r := sampleRepo(t)
	res := hallmark(t, r.Dir, nil, "record", "--canonical")
	if res.code != 0 || !strings.Contains(res.stdout, `"model_id":"anthropic/claude-opus-4-5"`) {
		t.Fatalf("record: %+v", res)
	}
	res = hallmark(t, r.Dir, nil, "report", "--json")
	for _, want := range []string{`"total_lines": 12`, `"ai_lines": 7`, `"human_lines": 5`, `"ai_share": 0.5833`} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("report --json lacks %s:\n%s", want, res.stdout)
		}
	}
	res = hallmark(t, r.Dir, nil, "report")
	if res.code != 0 || !strings.Contains(res.stdout, "ai share 58.3%") {
		t.Errorf("report: %+v", res)
	}
	if res := hallmark(t, r.Dir, nil, "--help"); !strings.Contains(res.stdout, "hallmark report") {
		t.Errorf("help does not teach the main command: %s", res.stdout)
	}
}

// TestBlameBinaryFile: blame says a binary file is binary (exit 0), and
// report counts it among the files.
func TestBlameBinaryFile(t *testing.T) {
	r := sampleRepo(t)
	r.Write("logo.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	r.Commit("add logo", "")
	res := hallmark(t, r.Dir, nil, "blame", "logo.png")
	if res.code != 0 || res.stdout != "logo.png: binary file, no lines to attribute\n" {
		t.Errorf("blame of a binary file: %+v", res)
	}
	res = hallmark(t, r.Dir, nil, "blame", "--json", "logo.png")
	if res.code != 0 || !strings.Contains(res.stdout, `"binary": true`) || !strings.Contains(res.stdout, `"lines": []`) {
		t.Errorf("blame --json of a binary file: %+v", res)
	}
	res = hallmark(t, r.Dir, nil, "report", "--json")
	if !strings.Contains(res.stdout, `"files": 3`) || !strings.Contains(res.stdout, `"binary_files_skipped": 1`) {
		t.Errorf("report counts the binary file: %s", res.stdout)
	}
}
