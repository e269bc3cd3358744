package main

import (
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// TestWords: counts in the singular when there is one, revisions named as
// the user gave them, model ids never cut, a repeated init that changes
// nothing says so.
func TestWords(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", "one\n")
	r.Commit("first", "")
	r.Git("tag", "v0.1.0")
	long := "openrouter/deepseek/deepseek-r1-distill-llama-70b-instruct-preview"
	r.Write("b.txt", "two\n")
	r.Commit("feat: b\n\nCo-authored-by: aider ("+long+") <aider@aider.chat>\n", "")

	stamp := hallmark(t, r.Dir, nil, "stamp")
	if stamp.code != 0 || !strings.Contains(stamp.stdout, ": 1 line, ") {
		t.Errorf("stamp of one line: %+v", stamp)
	}
	rep := hallmark(t, r.Dir, nil, "report", "--since", "v0.1.0")
	if rep.code != 0 || !strings.Contains(rep.stdout, "lines added since v0.1.0 (") {
		t.Errorf("report --since v0.1.0 must name v0.1.0:\n%s", rep.stdout)
	}
	if one := hallmark(t, r.Dir, nil, "report", "--", "a.txt"); one.code != 0 || !strings.Contains(one.stdout, ", 1 file\n") {
		t.Errorf("report of one file:\n%+v", one)
	}
	blame := hallmark(t, r.Dir, nil, "blame", "b.txt")
	if blame.code != 0 || !strings.Contains(blame.stdout, long) {
		t.Errorf("blame cuts the model id %s:\n%s", long, blame.stdout)
	}

	// aider's older mark names no model: say what is known.
	r.Write("c.txt", "three\n")
	r.Commit("aider: c", "")
	if res := hallmark(t, r.Dir, nil, "report", "--by", "model"); !strings.Contains(res.stdout, "  aider, model not named\n") || strings.Contains(res.stdout, "unknown model") {
		t.Errorf("a model not named:\n%s", res.stdout)
	}

	if res := hallmark(t, r.Dir, nil, "init"); res.code != 0 || strings.Count(res.stdout, ": installed\n") != 4 {
		t.Fatalf("init: %+v", res)
	}
	again := hallmark(t, r.Dir, nil, "init")
	if again.code != 0 || strings.Count(again.stdout, ": unchanged\n") != 4 || strings.Contains(again.stdout, "updated") {
		t.Errorf("a repeated init changes nothing and must say so:\n%s", again.stdout)
	}
}

// TestSignedUntrustedWords: a signed record that no trusted key checks is
// "signed, key not trusted" in report and blame, never "unsigned"; with its
// key it is "signed"; a record without a signature stays "unsigned".
func TestSignedUntrustedWords(t *testing.T) {
	r := gittest.New(t)
	keys := t.TempDir()
	env := []string{"HALLMARK_PASSWORD=pw"}
	if res := hallmark(t, r.Dir, env, "keys", "generate", "--output", keys+"/dev"); res.code != 0 {
		t.Fatal(res)
	}
	r.Write("a.txt", "plain\n")
	r.Commit("unsigned", "")
	if res := hallmark(t, r.Dir, nil, "stamp"); res.code != 0 {
		t.Fatal(res)
	}
	r.Write("b.txt", "signed\n")
	r.Commit("signed", "")
	if res := hallmark(t, r.Dir, env, "stamp", "--key", keys+"/dev.key"); res.code != 0 {
		t.Fatal(res)
	}
	rep := hallmark(t, r.Dir, nil, "report")
	if !strings.Contains(rep.stdout, "  signed, key not trusted\n") || !strings.Contains(rep.stdout, "  unsigned\n") {
		t.Errorf("report without keys:\n%s", rep.stdout)
	}
	blame := hallmark(t, r.Dir, nil, "blame", "b.txt")
	if !strings.Contains(blame.stdout, " signed, key not trusted ") {
		t.Errorf("blame without keys:\n%s", blame.stdout)
	}
	js := hallmark(t, r.Dir, nil, "blame", "b.txt", "--json")
	if !strings.Contains(js.stdout, `"evidence": "untrusted"`) {
		t.Errorf("blame --json without keys:\n%s", js.stdout)
	}
	trusted := hallmark(t, r.Dir, nil, "blame", "b.txt", "--key", keys+"/dev.pub")
	if !strings.Contains(trusted.stdout, " signed ") || strings.Contains(trusted.stdout, "not trusted") {
		t.Errorf("blame with the key:\n%s", trusted.stdout)
	}
}
