package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// TestJSONOutputs: init, checkpoint, stamp and carry print their results
// as JSON with --json, each checked against git's own view.
func TestJSONOutputs(t *testing.T) {
	r := gittest.New(t)
	r.Write("a.txt", "one\n")
	r.Commit("first", "")
	base := strings.TrimSpace(r.Git("rev-parse", "HEAD"))
	decode := func(res result, v any) {
		t.Helper()
		if res.code != 0 {
			t.Fatalf("%+v", res)
		}
		if err := json.Unmarshal([]byte(res.stdout), v); err != nil {
			t.Fatalf("%v:\n%s", err, res.stdout)
		}
	}
	var in initJSON
	decode(hallmark(t, r.Dir, nil, "init", "--json"), &in)
	decode(hallmark(t, r.Dir, nil, "init", "--json"), &in)
	if len(in.Hooks) != 4 || in.Hooks[0].Action != "unchanged" || !strings.HasSuffix(in.HooksDir, ".git/hooks") {
		t.Errorf("init --json, again: %+v", in)
	}

	r.Git("checkout", "-q", "-b", "feature")
	r.Write("b.txt", "two\nthree\n")
	var cp checkpointJSON
	decode(hallmark(t, r.Dir, nil, "checkpoint", "--ai", "--model", "openai/gpt-5", "--json"), &cp)
	if cp.Lines != 2 || len(cp.Files) != 1 || cp.Files[0] != "b.txt" || cp.Author.ModelID != "openai/gpt-5" {
		t.Errorf("checkpoint --json: %+v", cp)
	}
	r.Git("-c", "core.hooksPath=/dev/null", "add", "b.txt")
	r.Git("-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "feat: b")
	var st stampJSON
	decode(hallmark(t, r.Dir, nil, "stamp", "--json"), &st)
	if st.Commit != strings.TrimSpace(r.Git("rev-parse", "HEAD")) || st.Action != "stamped" || st.Lines.Total() != 2 || st.Lines.AI != 2 || st.Existing || st.Signed {
		t.Errorf("stamp --json: %+v", st)
	}
	decode(hallmark(t, r.Dir, nil, "stamp", "--json"), &st)
	if !st.Existing {
		t.Errorf("stamp --json again: %+v", st)
	}

	// A squash-merge made without hallmark, then carried.
	r.Git("checkout", "-q", "main")
	r.Git("-c", "core.hooksPath=/dev/null", "merge", "-q", "--squash", "feature")
	r.Git("-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "squashed")
	onto := strings.TrimSpace(r.Git("rev-parse", "HEAD"))
	var ca stampJSON
	decode(hallmark(t, r.Dir, nil, "carry", base+"..feature", "--onto", onto, "--json"), &ca)
	if ca.Commit != onto || ca.Action != "carried" || ca.Lines.AI != 2 {
		t.Errorf("carry --json: %+v", ca)
	}
}
