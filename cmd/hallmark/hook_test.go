package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hallmark-dev/hallmark/agenthook"
	"github.com/hallmark-dev/hallmark/internal/gittest"
	"github.com/hallmark-dev/hallmark/provenance"
	"golang.org/x/tools/txtar"
)

// fixtureDir is where the payloads built from each vendor's documentation
// are, with their citations.
const fixtureDir = "../../agenthook/testdata"

// fixtureHome is the project directory the fixtures are written for; a
// test puts its repository there.
const fixtureHome = "/home/user/project"

type hookFixture struct {
	payload []byte
	event   string
	want    agenthook.Event
}

// loadFixtures reads testdata/AGENT.txtar of agenthook, with the project
// directory replaced by dir.
func loadFixtures(t *testing.T, agent, dir string) map[string]hookFixture {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join(fixtureDir, agent+".txtar"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]hookFixture{}
	for _, f := range ar.Files {
		name, ext, _ := strings.Cut(f.Name, ".")
		fx := out[name]
		data := bytes.ReplaceAll(f.Data, []byte(fixtureHome), []byte(dir))
		switch ext {
		case "json":
			fx.payload = data
		case "event":
			fx.event = strings.TrimSpace(string(data))
		case "want":
			if err := json.Unmarshal(data, &fx.want); err != nil {
				t.Fatal(err)
			}
		}
		out[name] = fx
	}
	return out
}

// runHook runs `hallmark checkpoint --hook agent` as the agent would, from
// a directory outside the repository (the payload's cwd is what counts),
// and fails the test unless it exits 0.
func runHookCmd(t *testing.T, w *world, agent string, fx hookFixture, extra ...string) result {
	t.Helper()
	args := []string{"checkpoint", "--hook", agent, "--model", model}
	if fx.event != "" {
		args = append(args, "--event", fx.event)
	}
	args = append(args, extra...)
	cmd := exec.Command(hallmarkBin, args...)
	cmd.Dir = t.TempDir()
	if fx.want.Cwd == "" {
		cmd.Dir = w.g.Dir // a payload that names no directory: the hook's own
	}
	cmd.Env = append(gittest.Env(t.TempDir()), w.env...)
	cmd.Stdin = bytes.NewReader(fx.payload)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	res := result{out.String(), errb.String(), 0}
	if ee, ok := err.(*exec.ExitError); ok {
		res.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if res.code != 0 {
		t.Fatalf("hook %s %s exited %d: %+v", agent, fx.want.Name, res.code, res)
	}
	return res
}

// lineAuthors returns, for each line of path at rev, "H" when its record
// says a person wrote it, "M" when the model wantModel did, and what it
// says otherwise.
func lineAuthors(t *testing.T, w *world, rev, path string) []string {
	t.Helper()
	rec := w.record(rev)
	content := w.git("show", rec.Commit+":"+path)
	n := strings.Count(content, "\n")
	out := make([]string, n)
	for i := range out {
		out[i] = "-"
	}
	for _, f := range rec.Files {
		if f.Path != path {
			continue
		}
		for _, s := range f.Spans {
			a := rec.Authors[s.Author]
			for l := s.Start; l <= s.End; l++ {
				switch {
				case s.Class == provenance.Human && a.Kind == provenance.Person:
					out[l-1] = "H"
				case s.Class == provenance.AI && a.Kind == provenance.Model:
					out[l-1] = "M:" + a.ModelID + a.Model
				default:
					out[l-1] = string(s.Class) + ":" + a.String()
				}
			}
		}
	}
	return out
}

// checkLines compares each line's author with the mark its text starts
// with: "H" the person's, "M" the model's.
func checkLines(t *testing.T, w *world, rev, path, wantModel string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(w.git("show", rev+":"+path), "\n"), "\n")
	got := lineAuthors(t, w, rev, path)
	for i, text := range lines {
		want := "H"
		if strings.HasPrefix(text, "M") {
			want = "M:" + wantModel
		}
		if got[i] != want {
			t.Errorf("%s:%d %q: got %s, want %s", path, i+1, text, got[i], want)
		}
	}
}

// relToRepo returns the path a fixture's event names, relative to the
// repository.
func relToRepo(w *world, p string) string {
	if rel, err := filepath.Rel(w.g.Dir, p); err == nil && filepath.IsAbs(p) {
		return rel
	}
	return p
}

// TestAgentHooksEndToEnd drives every agent's documented payloads through
// the built binary in a real repository with hallmark's git hooks: the
// person edits, the pre-event hook runs, the agent edits, the post-event
// hook runs, git commits and the post-commit hook stamps. The person's
// lines must be the person's and the model's lines the model's.
func TestAgentHooksEndToEnd(t *testing.T) {
	for _, sc := range []struct {
		agent  string
		before []string // fixtures run before the agent edits, in order
		after  string   // the fixture of the agent's edit
		model  string   // the model the record must name
	}{
		{"claude-code", []string{"session-start", "user-prompt-submit", "pre-tool-use-write"}, "post-tool-use-write", "anthropic/claude-sonnet-4-5-20250929"},
		{"claude-code", []string{"pre-tool-use-write"}, "post-tool-use-edit-relative", model},
		{"codex", []string{"session-start", "pre-tool-use-apply-patch"}, "post-tool-use-apply-patch", "openai/gpt-5.1-codex"},
		{"cursor", []string{"before-submit-prompt"}, "after-file-edit", "openai/gpt-5"},
		{"cursor", []string{"before-read-file", "before-submit-prompt"}, "post-tool-use-str-replace", "anthropic/claude-4.5-opus-high-thinking"},
		{"gemini", []string{"before-agent", "before-model", "before-tool-write"}, "after-tool-replace", "google/gemini-2.5-pro"},
		{"copilot", []string{"cli-session-start"}, "cli-post-tool-use-edit", model},
		{"copilot", []string{"vscode-pre-tool-use-terminal"}, "vscode-post-tool-use", model},
		{"opencode", []string{"pre-tool-use-edit"}, "post-tool-use-write", "opencode/big-pickle"},
		{"windsurf", []string{"pre-user-prompt"}, "post-write-code", "windsurf/swe-1.5"},
		{"cline", []string{"task-start", "pre-tool-use-write"}, "post-tool-use-replace", "anthropic/claude-opus-4.5"},
		{"amp", []string{"pre-tool-use-edit"}, "post-tool-use-edit", model},
		{"generic", []string{"before"}, "after-files", "openai/gpt-5"},
	} {
		t.Run(sc.agent+"/"+sc.after, func(t *testing.T) {
			w := newWorld(t)
			fx := loadFixtures(t, sc.agent, w.g.Dir)
			after, ok := fx[sc.after]
			if !ok || len(after.want.Paths) == 0 {
				t.Fatalf("fixture %s names no file", sc.after)
			}
			target := relToRepo(w, after.want.Paths[0])
			// The person has typed into the file the agent will edit, and
			// into another.
			w.g.Write(target, "H person 1\nH person 2\n")
			w.g.Write("notes.txt", "H notes\n")
			for _, name := range sc.before {
				if _, ok := fx[name]; !ok {
					t.Fatalf("no fixture %s", name)
				}
				res := runHookCmd(t, w, sc.agent, fx[name])
				if strings.Contains(res.stderr, "warning") {
					t.Errorf("%s: %s", name, res.stderr)
				}
			}
			// The agent edits around the person's lines.
			w.g.Write(target, "M model 1\nH person 1\nM model 2\nH person 2\nM model 3\n")
			res := runHookCmd(t, w, sc.agent, after)
			if !strings.Contains(res.stderr, "3 lines in 1 file attributed to") {
				t.Errorf("after event: %+v", res)
			}
			if sc.agent == "cline" && strings.TrimSpace(res.stdout) != `{"cancel":false}` {
				t.Errorf("cline reads the hook's answer on stdout: %q", res.stdout)
			}
			// The person writes a line after the agent, not checkpointed:
			// hallmark's own Assisted-by trailer is no evidence that it is
			// the model's (the conventions call it unknown).
			w.g.Write("notes.txt", "H notes\nH later\n")
			w.commit("agent work")
			checkLines(t, w, "HEAD", target, sc.model)
			if got := lineAuthors(t, w, "HEAD", "notes.txt"); got[0] != "H" || strings.HasPrefix(got[1], "M") || strings.HasPrefix(got[1], "ai") {
				t.Errorf("notes.txt: %v, want the person's line and a line that is not the model's", got)
			}
		})
	}
}

// TestAgentHookShellBracket: a tool that names no file (Bash) is given
// what changed between the pre-event and the post-event checkpoint, and
// nothing when there was no pre-event.
func TestAgentHookShellBracket(t *testing.T) {
	w := newWorld(t)
	fx := loadFixtures(t, "claude-code", w.g.Dir)
	w.g.Write("a.txt", "H person typed this\n")
	runHookCmd(t, w, "claude-code", fx["pre-tool-use-bash"])
	// The command rewrites a.txt and creates b.txt.
	w.g.Write("a.txt", "H person typed this\nM sed wrote this\n")
	w.g.Write("b.txt", "M generated\n")
	res := runHookCmd(t, w, "claude-code", fx["post-tool-use-bash"])
	if !strings.Contains(res.stderr, "2 lines in 2 files") {
		t.Errorf("post Bash: %+v", res)
	}
	w.commit("bash")
	checkLines(t, w, "HEAD", "a.txt", model)
	checkLines(t, w, "HEAD", "b.txt", model)

	// Another session whose hooks have no pre-event: the person's edit
	// is not handed to the model.
	w.g.Write("c.txt", "H the person's, before any hook\n")
	other := fx["post-tool-use-bash"]
	other.payload = bytes.ReplaceAll(other.payload, []byte(`"abc123"`), []byte(`"no-pre-session"`))
	res = runHookCmd(t, w, "claude-code", other)
	if !strings.Contains(res.stderr, "no pre-event checkpoint") {
		t.Errorf("post Bash without a pre-event: %+v", res)
	}
	w.commit("person")
	checkLines(t, w, "HEAD", "c.txt", "")
}

// TestAgentHookNoAttribution: read-only tools, Stop and notifications
// attribute nothing; the person's edits stay theirs.
func TestAgentHookNoAttribution(t *testing.T) {
	w := newWorld(t)
	fx := loadFixtures(t, "claude-code", w.g.Dir)
	w.g.Write("src/main.go", "H person\n")
	for _, name := range []string{"post-tool-use-read", "post-tool-use-mcp-read", "stop", "notification"} {
		res := runHookCmd(t, w, "claude-code", fx[name])
		if !strings.Contains(res.stderr, "nothing to attribute") {
			t.Errorf("%s: %+v", name, res)
		}
	}
	if n := w.pending(); n != 0 {
		t.Errorf("a read-only event left %d files pending", n)
	}
	w.commit("person")
	checkLines(t, w, "HEAD", "src/main.go", "")
}

// TestAgentHookNeverBlocks: a hook exits 0 whatever goes wrong, and says
// so on stderr.
func TestAgentHookNeverBlocks(t *testing.T) {
	w := newWorld(t)
	fx := loadFixtures(t, "claude-code", w.g.Dir)
	outside := t.TempDir()
	for _, tt := range []struct {
		reason, agent, payload, want string
	}{
		{"garbage", "claude-code", "not json", "unreadable hook payload"},
		{"empty", "claude-code", "", "empty input"},
		{"unknown agent", "vim", "{}", "unknown agent"},
		{"a file outside the repository", "claude-code", strings.ReplaceAll(string(fx["post-tool-use-write"].payload), w.g.Dir+"/src/factorial.go", outside+"/x.go"), "outside the repository"},
		{"a session outside any repository", "claude-code", strings.ReplaceAll(string(fx["user-prompt-submit"].payload), w.g.Dir, outside), "not in a git repository"},
		{"a directory that is not there", "claude-code", strings.ReplaceAll(string(fx["user-prompt-submit"].payload), w.g.Dir, outside+"/gone"), "is not there"},
	} {
		res := runHookCmd(t, w, tt.agent, hookFixture{payload: []byte(tt.payload), want: agenthook.Event{Cwd: "x"}})
		if !strings.Contains(res.stderr, tt.want) || !strings.Contains(res.stderr, "warning") {
			t.Errorf("%s: %+v", tt.reason, res)
		}
	}
}

// TestCodexNotifyArgv: Codex's notify program gets its JSON as the last
// argument, and a turn's end is attributed like a shell command: what
// changed since the session's pre-event checkpoint.
func TestCodexNotifyArgv(t *testing.T) {
	w := newWorld(t)
	fx := loadFixtures(t, "codex", w.g.Dir)
	notify := fx["notify-turn-complete"]
	w.g.Write("lib.rs", "H person\n")
	// notify alone has no pre-event: nothing is given to the model.
	res := runHookCmd(t, w, "codex", hookFixture{want: notify.want}, string(notify.payload))
	if !strings.Contains(res.stderr, "no pre-event checkpoint") {
		t.Errorf("notify without hooks.json: %+v", res)
	}
	// With hooks.json's UserPromptSubmit in the same session (Codex's
	// session id is the thread id), the turn's edits are the model's.
	prompt := fx["user-prompt-submit"]
	prompt.payload = bytes.ReplaceAll(prompt.payload, []byte("019a-sess"), []byte(notify.want.Session))
	runHookCmd(t, w, "codex", prompt)
	w.g.Write("lib.rs", "H person\nM codex\n")
	res = runHookCmd(t, w, "codex", hookFixture{want: notify.want}, string(notify.payload))
	if !strings.Contains(res.stderr, "1 line in 1 file attributed to openai/gpt-5.1-codex via codex") {
		t.Errorf("notify after a prompt: %+v", res)
	}
	w.commit("codex turn")
	checkLines(t, w, "HEAD", "lib.rs", "openai/gpt-5.1-codex")
}
