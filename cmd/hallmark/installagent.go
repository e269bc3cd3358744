package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hallmark-dev/hallmark/agenthook"
	"github.com/spf13/cobra"
)

// hookMark is in every command hallmark installs: how its own entries are
// told from the user's.
const hookMark = "checkpoint --hook "

// agentConfig is where and how an agent's hooks are configured.
type agentConfig struct {
	// project and user are the configuration file (or directory, for
	// script and plugin agents) relative to the repository root and to
	// the home directory; "" where the agent has no such scope.
	project, user string
	style         string   // nested, flat, copilot, scripts, plugin
	events        []string // the events hallmark hooks
	matcher       string   // for nested tool events: "*" (Claude Code) or "" (none)
	toolEvents    []string // the events that take a matcher
	extra         func(root map[string]json.RawMessage) bool
}

// agentConfigs follow each agent's hook documentation (the sources are
// cited in agenthook/testdata).
var agentConfigs = map[string]agentConfig{
	"claude-code": {project: ".claude/settings.json", user: ".claude/settings.json", style: "nested",
		events: []string{"SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse"}, matcher: "*", toolEvents: []string{"PreToolUse", "PostToolUse"}},
	"codex": {project: ".codex/hooks.json", user: ".codex/hooks.json", style: "nested",
		events: []string{"SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse"}},
	"gemini": {project: ".gemini/settings.json", user: ".gemini/settings.json", style: "nested",
		events: []string{"SessionStart", "BeforeAgent", "BeforeModel", "BeforeTool", "AfterTool"}, extra: geminiEnable},
	"cursor": {project: ".cursor/hooks.json", user: ".cursor/hooks.json", style: "flat",
		events: []string{"sessionStart", "beforeSubmitPrompt", "beforeShellExecution", "afterShellExecution", "beforeMCPExecution", "afterMCPExecution", "afterFileEdit", "afterTabFileEdit"}},
	"windsurf": {project: ".windsurf/hooks.json", user: ".codeium/windsurf/hooks.json", style: "flat",
		events: []string{"pre_user_prompt", "pre_write_code", "post_write_code", "pre_run_command", "post_run_command", "pre_mcp_tool_use", "post_mcp_tool_use"}},
	"copilot": {project: ".github/hooks/hallmark.json", user: ".copilot/hooks/hallmark.json", style: "copilot",
		events: []string{"sessionStart", "userPromptSubmitted", "preToolUse", "postToolUse"}},
	"cline": {project: ".clinerules/hooks", user: "Documents/Cline/Hooks", style: "scripts",
		events: []string{"TaskStart", "TaskResume", "UserPromptSubmit", "PreToolUse", "PostToolUse"}},
	"opencode": {project: ".opencode/plugin/hallmark.ts", user: ".config/opencode/plugin/hallmark.ts", style: "plugin"},
	"amp":      {user: ".config/amp/plugins/hallmark.ts", style: "plugin"},
}

func newInstallAgent() *cobra.Command {
	var scope, bin, model string
	var remove, notify bool
	names := make([]string, 0, len(agentConfigs))
	for n := range agentConfigs {
		names = append(names, n)
	}
	slices.Sort(names)
	cmd := &cobra.Command{
		Use:   "install-agent AGENT [--scope project|user] [--remove]",
		Short: "Write an agent's hook configuration so that its edits are captured",
		Long: `Write the hook configuration of a coding agent so that it runs
'hallmark checkpoint --hook AGENT' before and after it acts (see 'hallmark
checkpoint --help' for what each event means). Existing settings are kept:
hallmark's entries are merged into the file, once; running it again changes
nothing; --remove takes out only hallmark's entries. It prints what it
changed.

  hallmark install-agent claude-code            # .claude/settings.json
  hallmark install-agent codex --scope user     # ~/.codex/hooks.json
  hallmark install-agent codex --notify         # notify = [...] in .codex/config.toml
  hallmark install-agent cursor                 # .cursor/hooks.json
  hallmark install-agent cursor --remove
  hallmark install-agent claude-code --model anthropic/claude-opus-4-5-20251101

Agents: ` + strings.Join(names, ", ") + `. --scope project (the default) writes
into the repository you stand in, user into your home directory. OpenCode and
Amp run plugins: a small TypeScript plugin is written that calls hallmark.

codex --notify sets Codex's notify program instead (config.toml's top-level
notify key, run with the turn's JSON at the end of each agent turn), editing
only that key's lines; a notify that runs another program is never replaced:
it says so and stops.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			agent := agenthook.Canonical(args[0])
			cfg, ok := agentConfigs[agent]
			if !ok {
				return usagef("no hook configuration known for %q (want one of %s)", args[0], strings.Join(names, ", "))
			}
			var base, rel string
			switch scope {
			case "project":
				out, err := gitTopLevel()
				if err != nil {
					return err
				}
				base, rel = out, cfg.project
			case "user":
				home, err := os.UserHomeDir()
				if err != nil {
					return err
				}
				base, rel = home, cfg.user
			default:
				return usagef("--scope is project or user")
			}
			if rel == "" {
				return usagef("%s has no %s configuration: use --scope %s", agent, scope, map[string]string{"project": "user", "user": "project"}[scope])
			}
			if notify && agent != "codex" {
				return usagef("--notify is Codex's config.toml notify program; %s has none", agent)
			}
			if notify {
				rel = ".codex/config.toml"
			}
			path := filepath.Join(base, filepath.FromSlash(rel))
			command := bin + " " + hookMark + agent
			if model != "" {
				if strings.ContainsAny(model, " '\"\\$`;|&<>") {
					return usagef("--model %q: a model id has no spaces or shell characters", model)
				}
				command += " --model " + model
			}
			var changes []string
			var err error
			if notify {
				argv := []string{bin, "checkpoint", "--hook", "codex"}
				if model != "" {
					argv = append(argv, "--model", model)
				}
				changes, err = installCodexNotify(path, argv, remove)
			} else {
				changes, err = installAgent(agent, cfg, path, command, remove)
			}
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if len(changes) == 0 {
				fmt.Fprintf(out, "%s: unchanged\n", path)
			}
			for _, c := range changes {
				fmt.Fprintf(out, "%s: %s\n", path, c)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&scope, "scope", "project", "project (this repository) or user (your home directory)")
	cmd.Flags().BoolVar(&remove, "remove", false, "take hallmark's hooks out again")
	cmd.Flags().BoolVar(&notify, "notify", false, "codex: set config.toml's notify program instead of hooks.json")
	cmd.Flags().StringVar(&bin, "bin", "hallmark", "the hallmark command the hooks run")
	cmd.Flags().StringVar(&model, "model", "", "the model id the hooks pass when a payload names none (models.dev form)")
	return cmd
}

func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("want %d argument, got %d", n, len(args))
		}
		return nil
	}
}

func gitTopLevel() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", usagef("not in a git repository: run it in the repository, or pass --scope user")
		}
	}
}

// installAgent adds (or removes) hallmark's hooks in path and returns what
// it changed.
func installAgent(agent string, cfg agentConfig, path, command string, remove bool) ([]string, error) {
	switch cfg.style {
	case "scripts":
		return installScripts(cfg, path, command, remove)
	case "plugin":
		return installPlugin(agent, path, command, remove)
	}
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	root, err := readObject(old)
	if err != nil {
		return nil, fmt.Errorf("install-agent: %s: %w (fix or move the file, then run again)", path, err)
	}
	hooks, err := readObject(root.get("hooks"))
	if err != nil {
		return nil, fmt.Errorf("install-agent: %s: hooks: %w", path, err)
	}
	var changes []string
	for _, ev := range cfg.events {
		var list []json.RawMessage
		if raw := hooks.get(ev); raw != nil {
			if err := json.Unmarshal(raw, &list); err != nil {
				return nil, fmt.Errorf("install-agent: %s: hooks.%s is not a list: %w", path, ev, err)
			}
		}
		kept := slices.DeleteFunc(slices.Clone(list), func(e json.RawMessage) bool { return ours(e, cfg.style) })
		if remove {
			if len(kept) == len(list) {
				continue
			}
			changes = append(changes, "removed "+ev)
			if len(kept) == 0 {
				hooks.del(ev)
				continue
			}
			hooks.set(ev, mustJSON(kept))
			continue
		}
		want := entry(cfg, ev, agent, command)
		if len(kept) < len(list) {
			if len(kept) == len(list)-1 && slices.ContainsFunc(list, func(e json.RawMessage) bool { return jsonSame(e, want) }) {
				continue // installed already, as it would be now
			}
			hooks.set(ev, mustJSON(append(kept, want)))
			changes = append(changes, "updated "+ev)
			continue
		}
		list = append(list, want)
		hooks.set(ev, mustJSON(list))
		changes = append(changes, "added "+ev)
	}
	if !remove && cfg.extra != nil && cfg.extra(root.vals) {
		changes = append(changes, "enabled hooks")
	}
	if len(changes) == 0 {
		return nil, nil
	}
	if len(hooks.keys) == 0 && remove {
		root.del("hooks")
	} else {
		root.set("hooks", hooks.marshal())
	}
	if cfg.style == "copilot" || cfg.style == "flat" && strings.HasSuffix(path, filepath.Join(".cursor", "hooks.json")) {
		if root.get("version") == nil && !remove {
			root.setFirst("version", json.RawMessage("1"))
		}
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, root.marshal(), "", "  "); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return changes, writeFileAtomic(path, buf.Bytes(), 0o644)
}

// entry is hallmark's hook entry for one event.
func entry(cfg agentConfig, ev, agent, command string) json.RawMessage {
	switch cfg.style {
	case "flat":
		if agent == "windsurf" {
			return mustJSON(map[string]any{"command": command, "show_output": false})
		}
		return mustJSON(map[string]any{"command": command})
	case "copilot":
		return mustJSON(map[string]any{"type": "command", "bash": command + " --event " + ev, "timeoutSec": 30})
	}
	hook := map[string]any{"type": "command", "command": command}
	block := map[string]any{"hooks": []any{hook}}
	if cfg.matcher != "" && slices.Contains(cfg.toolEvents, ev) {
		block["matcher"] = cfg.matcher
	}
	return mustJSON(block)
}

// jsonSame reports whether two JSON values are the same, whatever their
// spacing and key order.
func jsonSame(a, b json.RawMessage) bool {
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}

// ours reports whether an entry is hallmark's.
func ours(e json.RawMessage, style string) bool {
	var m map[string]any
	if json.Unmarshal(e, &m) != nil {
		return false
	}
	has := func(v any) bool { s, ok := v.(string); return ok && strings.Contains(s, hookMark) }
	if style == "nested" {
		hs, _ := m["hooks"].([]any)
		for _, h := range hs {
			if hm, ok := h.(map[string]any); ok && has(hm["command"]) {
				return true
			}
		}
		return false
	}
	return has(m["command"]) || has(m["bash"])
}

// geminiEnable turns on tools.enableHooks, which Gemini CLI versions that
// gate hooks read.
func geminiEnable(root map[string]json.RawMessage) bool {
	var tools map[string]any
	if raw, ok := root["tools"]; ok && json.Unmarshal(raw, &tools) != nil {
		return false
	}
	if tools == nil {
		tools = map[string]any{}
	}
	if v, _ := tools["enableHooks"].(bool); v {
		return false
	}
	tools["enableHooks"] = true
	root["tools"] = mustJSON(tools)
	return true
}

// installScripts writes one executable script per event, as Cline runs
// hooks: a script of the same name that is not hallmark's is left alone.
func installScripts(cfg agentConfig, dir, command string, remove bool) ([]string, error) {
	script := "#!/bin/sh\n# Written by hallmark install-agent: record who changed the work tree.\nexec " + command + "\n"
	var changes []string
	for _, ev := range cfg.events {
		p := filepath.Join(dir, ev)
		old, err := os.ReadFile(p)
		exists := err == nil
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return changes, err
		}
		mine := exists && strings.Contains(string(old), hookMark)
		switch {
		case remove && mine:
			if err := os.Remove(p); err != nil {
				return changes, err
			}
			changes = append(changes, "removed "+ev)
		case remove:
		case mine && string(old) == script:
		case exists && !mine:
			changes = append(changes, "kept "+ev+": a hook of that name that is not hallmark's is there; add '"+command+"' to it")
		default:
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return changes, err
			}
			if err := writeFileAtomic(p, []byte(script), 0o755); err != nil {
				return changes, err
			}
			changes = append(changes, "added "+ev)
		}
	}
	return changes, nil
}

// installPlugin writes the OpenCode or Amp plugin that sends hallmark the
// payloads agenthook reads (its testdata/opencode.txtar and amp.txtar).
func installPlugin(agent, path, command string, remove bool) ([]string, error) {
	old, err := os.ReadFile(path)
	exists := err == nil
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	src := pluginSource(agent, command)
	switch {
	case remove && exists && strings.Contains(string(old), hookMark):
		return []string{"removed the plugin"}, os.Remove(path)
	case remove:
		return nil, nil
	case exists && string(old) == src:
		return nil, nil
	case exists && !strings.Contains(string(old), hookMark):
		return nil, fmt.Errorf("install-agent: %s is there and is not hallmark's: move it, then run again", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	return []string{"wrote the plugin"}, writeFileAtomic(path, []byte(src), 0o644)
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only maps, slices and strings of ours
	}
	return b
}

// object is a JSON object that keeps its keys' order, so that a settings
// file hallmark adds to reads as it did.
type object struct {
	keys []string
	vals map[string]json.RawMessage
}

// jsonSpace is white space as JSON has it (RFC 8259, section 2).
const jsonSpace = " \t\r\n"

func readObject(data []byte) (*object, error) {
	o := &object{vals: map[string]json.RawMessage{}}
	if len(bytes.Trim(data, jsonSpace)) == 0 {
		return o, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		if _, dup := o.vals[k]; !dup {
			o.keys = append(o.keys, k)
		}
		o.vals[k] = v
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	// dec.More is false before a stray "}": look at the bytes themselves.
	if len(bytes.Trim(data[dec.InputOffset():], jsonSpace)) > 0 {
		return nil, errors.New("text after the object")
	}
	return o, nil
}

func (o *object) get(k string) json.RawMessage { return o.vals[k] }

func (o *object) set(k string, v json.RawMessage) {
	if _, ok := o.vals[k]; !ok {
		o.keys = append(o.keys, k)
	}
	o.vals[k] = v
}

func (o *object) setFirst(k string, v json.RawMessage) {
	o.set(k, v)
	o.keys = append([]string{k}, slices.DeleteFunc(o.keys, func(x string) bool { return x == k })...)
}

func (o *object) del(k string) {
	delete(o.vals, k)
	o.keys = slices.DeleteFunc(o.keys, func(x string) bool { return x == k })
}

func (o *object) marshal() json.RawMessage {
	// Keys added by extra functions through vals are kept too.
	for k := range o.vals {
		if !slices.Contains(o.keys, k) {
			o.keys = append(o.keys, k)
		}
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		b.Write(kb)
		b.WriteByte(':')
		b.Write(o.vals[k])
	}
	b.WriteByte('}')
	return b.Bytes()
}
