package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
	"github.com/hallmark-dev/hallmark/internal/gittest"
)

// TestInstallCodexNotify: install-agent codex --notify adds hallmark as
// Codex's notify program to a config.toml from Codex's own docs, above its
// tables, every other line as it was; again it changes nothing; a new
// --model updates it; --remove gives back the file byte for byte. A config
// whose notify runs the person's own program is never changed: the command
// says so and fails.
func TestInstallCodexNotify(t *testing.T) {
	g := gittest.New(t)
	home := t.TempDir()
	env := []string{"HOME=" + home}
	run := func(args ...string) result {
		t.Helper()
		return hallmark(t, g.Dir, env, append([]string{"install-agent", "codex", "--notify", "--scope", "user", "--bin", "/opt/hallmark bin/hallmark"}, args...)...)
	}
	path := filepath.Join(home, ".codex", "config.toml")
	os.MkdirAll(filepath.Dir(path), 0o755)
	orig, err := os.ReadFile("testdata/codex/config-profiles.toml")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, orig, 0o644)

	if res := run(); res.code != 0 || !strings.Contains(res.stdout, path+": added notify") {
		t.Fatalf("install: %+v", res)
	}
	got, _ := os.ReadFile(path)
	var cfg struct {
		Notify   []string
		Model    string
		Profiles map[string]map[string]any
	}
	if _, err := toml.Decode(string(got), &cfg); err != nil {
		t.Fatalf("not TOML after install: %v\n%s", err, got)
	}
	want := []string{"/opt/hallmark bin/hallmark", "checkpoint", "--hook", "codex"}
	if strings.Join(cfg.Notify, "|") != strings.Join(want, "|") || cfg.Model != "o3" || len(cfg.Profiles) != 3 {
		t.Errorf("decoded %+v", cfg)
	}
	// Only lines were added, before the first table.
	if i, j := bytes.Index(got, []byte("notify = ")), bytes.Index(got, []byte("\n[")); i < 0 || i > j {
		t.Errorf("notify is not a top-level key:\n%s", got)
	}
	if removed := dropLines(string(got), "notify = ", notifyComment); removed != string(orig) {
		t.Errorf("install changed other lines:\n%s", got)
	}
	if res := run(); res.code != 0 || !strings.Contains(res.stdout, ": unchanged") {
		t.Errorf("again: %+v", res)
	}
	if res := run("--model", "openai/gpt-5.1-codex"); res.code != 0 || !strings.Contains(res.stdout, "updated notify") {
		t.Errorf("--model: %+v", res)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), `"--model", "openai/gpt-5.1-codex"]`) {
		t.Errorf("--model not written:\n%s", b)
	}
	if res := run("--remove"); res.code != 0 || !strings.Contains(res.stdout, "removed notify") {
		t.Errorf("remove: %+v", res)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, orig) {
		t.Errorf("remove did not give back the file:\n%s", b)
	}

	// The person's own notify program.
	theirs, err := os.ReadFile("testdata/codex/config-notify.toml")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, theirs, 0o644)
	res := run()
	if res.code == 0 || !strings.Contains(res.stderr, "another notify program") || !strings.Contains(res.stderr, "notify.py") {
		t.Errorf("another program's notify: %+v", res)
	}
	if res := run("--remove"); res.code != 0 || !strings.Contains(res.stdout, "unchanged") {
		t.Errorf("remove with another program's notify: %+v", res)
	}
	if b, _ := os.ReadFile(path); !bytes.Equal(b, theirs) {
		t.Errorf("the person's config was changed:\n%s", b)
	}

	// No config yet: one is written.
	os.Remove(path)
	if res := run(); res.code != 0 || !strings.Contains(res.stdout, "added notify") {
		t.Errorf("no config: %+v", res)
	}
	if res := hallmark(t, g.Dir, env, "install-agent", "cursor", "--notify"); res.code == 0 {
		t.Errorf("--notify for cursor: %+v", res)
	}
}

// dropLines removes the lines that start with any of prefixes.
func dropLines(s string, prefixes ...string) string {
	var out []string
	for _, l := range strings.SplitAfter(s, "\n") {
		keep := true
		for _, p := range prefixes {
			if strings.HasPrefix(l, p) {
				keep = false
			}
		}
		if keep {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}

// TestEditCodexNotifyForms: the notify key as people write it, and files
// the line scanner must read right (strings holding brackets, a
// multi-line array, a quoted key, no newline at the end).
func TestEditCodexNotifyForms(t *testing.T) {
	argv := []string{"hallmark", "checkpoint", "--hook", "codex"}
	for _, c := range []struct {
		reason, in, change string
		fails              bool
	}{
		{"an empty file", "", "added notify", false},
		{"no newline at the end", `model = "o3"`, "added notify", false},
		{"a string with a bracket before the tables", "instructions = \"[not a table]\"\n[tui]\nanimations = false\n", "added notify", false},
		{"a multi-line string", "x = \"\"\"\n[not a table]\n\"\"\"\n[tui]\n", "added notify", false},
		{"ours over several lines", "notify = [\n  \"hallmark\",\n  \"checkpoint\", \"--hook\", \"codex\",\n]\n", "", false},
		{"ours, an old --model", "\"notify\" = ['hallmark', 'checkpoint', '--hook', 'codex', '--model', 'x/y']\n[a]\n", "updated notify", false},
		{"another program over several lines", "notify = [\n  \"notify-send\", # a comment\n  \"Codex\",\n]\n", "", true},
		{"notify not a list", "notify = \"hallmark\"\n", "", true},
		{"not TOML", "notify = [\n", "", true},
	} {
		out, change, err := editCodexNotify([]byte(c.in), argv, false)
		if (err != nil) != c.fails || change != c.change {
			t.Errorf("%s: change %q, err %v", c.reason, change, err)
			continue
		}
		if err != nil || change == "" {
			continue
		}
		back, _, err := editCodexNotify(out, argv, true)
		if err != nil {
			t.Errorf("%s: remove: %v", c.reason, err)
		}
		if c.change == "added notify" && strings.TrimSuffix(string(back), "\n") != strings.TrimSuffix(c.in, "\n") {
			t.Errorf("%s: install then remove gave %q", c.reason, back)
		}
	}
}

// FuzzEditCodexNotify: whatever the file, the edit never panics, and an
// edit it makes is checked: notify is hallmark's and nothing else moved
// (editCodexNotify decodes both versions); removing it again succeeds.
func FuzzEditCodexNotify(f *testing.F) {
	for _, name := range []string{"testdata/codex/config-profiles.toml", "testdata/codex/config-notify.toml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("notify = [\n  'hallmark', # x\n  'checkpoint', '--hook', 'codex']\n"))
	f.Add([]byte("a = \"\"\"x\"\"\"\"\"\nb = '''[y]'''\n[t]\n"))
	argv := []string{"hallmark", "checkpoint", "--hook", "codex"}
	f.Fuzz(func(t *testing.T, in []byte) {
		out, change, err := editCodexNotify(in, argv, false)
		if err != nil || change == "" {
			return
		}
		var cfg struct{ Notify []string }
		if _, err := toml.Decode(string(out), &cfg); err != nil || strings.Join(cfg.Notify, " ") != strings.Join(argv, " ") {
			t.Fatalf("accepted an edit whose notify is %q (%v)", cfg.Notify, err)
		}
		if _, _, err := editCodexNotify(out, argv, true); err != nil {
			t.Errorf("cannot remove what was installed: %v", err)
		}
	})
}
