package agenthook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Agents lists the payload formats [Parse] reads.
var Agents = []string{"claude-code", "codex", "cursor", "gemini", "copilot", "opencode", "windsurf", "cline", "amp", "aider", "generic"}

// aliases are other names people give the agents.
var aliases = map[string]string{
	"claude": "claude-code", "claudecode": "claude-code", "gemini-cli": "gemini",
	"github-copilot": "copilot", "copilot-cli": "copilot", "cascade": "windsurf",
	"codex-cli": "codex", "open-code": "opencode", "ampcode": "amp",
}

// Canonical returns the name of the agent in [Agents] that name means, or
// "" for an agent this package does not read.
func Canonical(name string) string {
	name = strings.ToLower(strings.TrimSpace(name))
	if a, ok := aliases[name]; ok {
		return a
	}
	if slices.Contains(Agents, name) {
		return name
	}
	return ""
}

// Phase says which side of the agent's action an event is on.
type Phase string

const (
	// None: nothing to attribute (a read, a stop, a notification).
	None Phase = "none"
	// Before: the agent is about to act; what changed since the last
	// checkpoint is the person's.
	Before Phase = "before"
	// After: the agent acted; what it changed is the model's.
	After Phase = "after"
)

// Event is what a hook payload means.
type Event struct {
	Agent string `json:"agent"` // the format read, one of Agents
	Name  string `json:"name"`  // the event as the agent names it: PreToolUse, afterFileEdit, ...
	Tool  string `json:"tool,omitempty"`
	Phase Phase  `json:"phase"`
	// Shell is set on an After event of a tool that names no file: what
	// changed since the pre-event checkpoint is the tool's.
	Shell   bool     `json:"shell,omitempty"`
	Session string   `json:"session,omitempty"`
	Model   string   `json:"model,omitempty"` // normalised by NormalizeModel; "" when the payload names none
	Paths   []string `json:"paths,omitempty"` // absolute, or relative to Cwd
	Cwd     string   `json:"cwd,omitempty"`   // the agent's working directory or workspace root
}

// MaxPayload bounds what Parse reads.
const MaxPayload = 8 << 20

// ErrPayload is wrapped by every parse error.
var ErrPayload = errors.New("agenthook: unreadable hook payload")

// Parse reads one payload of the given agent's format.
func Parse(agent string, data []byte) (*Event, error) {
	return ParseEvent(agent, "", data)
}

// ParseEvent is Parse for agents whose payloads do not name their event
// (Copilot CLI's): event names it, as the hook's command line does. A
// payload that names its event is read as it says.
func ParseEvent(agent, event string, data []byte) (*Event, error) {
	name := Canonical(agent)
	if name == "" {
		return nil, fmt.Errorf("%w: unknown agent %q (want one of %s)", ErrPayload, agent, strings.Join(Agents, ", "))
	}
	if len(data) > MaxPayload {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrPayload, MaxPayload)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%w: empty input (is the hook wired to pass its JSON on stdin?)", ErrPayload)
	}
	if name == "windsurf" {
		data = escapeControls(data)
	}
	var m obj
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrPayload, name, err)
	}
	if m == nil {
		return nil, fmt.Errorf("%w: %s: not a JSON object", ErrPayload, name)
	}
	if event != "" {
		if _, named := m["hook_event_name"]; !named {
			if _, named := m["hookEventName"]; !named {
				m["hook_event_name"] = event
			}
		}
	}
	ev := &Event{Agent: name}
	var err error
	switch name {
	case "claude-code":
		err = claudeCode(m, ev)
	case "codex":
		err = codex(m, ev)
	case "cursor":
		err = cursor(m, ev)
	case "gemini":
		err = gemini(m, ev)
	case "copilot":
		err = copilot(m, ev)
	case "opencode":
		err = opencode(m, ev)
	case "windsurf":
		err = windsurf(m, ev)
	case "cline":
		err = cline(m, ev)
	case "amp":
		err = amp(m, ev)
	default:
		err = generic(m, ev)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrPayload, name, err)
	}
	ev.Model = NormalizeModel(ev.Model)
	ev.Paths = cleanPaths(ev.Paths)
	if ev.Phase != After {
		ev.Shell = false
	}
	if ev.Phase == None || ev.Shell {
		ev.Paths = nil // a shell tool's input names no file it is limited to
	}
	if ev.Phase == After && len(ev.Paths) == 0 {
		ev.Shell = true
	}
	return ev, nil
}

// class is what a tool does to the work tree.
type class int

const (
	readOnly class = iota // changes nothing
	edit                  // writes the files its input names
	shell                 // may change anything
)

// toolEvent sets the phase and shell flag of a tool event.
func toolEvent(ev *Event, before bool, c class) {
	switch {
	case c == readOnly:
		ev.Phase = None
	case before:
		ev.Phase = Before
	default:
		ev.Phase = After
		ev.Shell = c == shell
	}
}

// classify looks a tool up in an agent's tables; a tool in neither is a
// shell, unless it is an MCP tool whose name says it only reads.
func classify(tool string, edits, reads []string) class {
	switch {
	case slices.Contains(edits, tool):
		return edit
	case slices.Contains(reads, tool):
		return readOnly
	case readsByName(tool):
		return readOnly
	}
	return shell
}

// readsByName reports an MCP tool (mcp__server__tool, server_tool) whose
// own name starts with a reading verb.
func readsByName(tool string) bool {
	if !strings.HasPrefix(tool, "mcp__") && !strings.HasPrefix(tool, "mcp_") {
		return false
	}
	name := tool[strings.LastIndex(tool, "_")+1:]
	if i := strings.LastIndex(tool, "__"); i >= 0 {
		name = tool[i+2:]
	}
	name = strings.ToLower(name)
	for _, verb := range []string{"read", "get", "list", "search", "fetch", "find", "query", "view", "show", "describe", "lookup"} {
		if strings.HasPrefix(name, verb) {
			return true
		}
	}
	return false
}

func cleanPaths(paths []string) []string {
	var out []string
	for _, p := range paths {
		p = strings.TrimSpace(p)
		p = strings.TrimPrefix(strings.TrimPrefix(p, "file://localhost"), "file://")
		if p == "" || slices.Contains(out, p) {
			continue
		}
		out = append(out, filepath.Clean(p))
	}
	return out
}

// obj is a JSON object as encoding/json reads it.
type obj = map[string]any

// str returns the first of keys that holds a non-empty string.
func str(m obj, keys ...string) string {
	for _, k := range keys {
		if s, ok := m[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

// sub returns the object under key; a string holding a JSON object (as
// Copilot CLI's toolArgs and Cursor's MCP tool_input are) is decoded.
func sub(m obj, keys ...string) obj {
	for _, k := range keys {
		switch v := m[k].(type) {
		case obj:
			return v
		case string:
			var o obj
			if json.Unmarshal([]byte(v), &o) == nil && o != nil {
				return o
			}
		}
	}
	return nil
}

// strs returns the strings under key: an array of strings, or one string.
func strs(m obj, keys ...string) []string {
	var out []string
	for _, k := range keys {
		switch v := m[k].(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, x := range v {
				if s, ok := x.(string); ok {
					out = append(out, s)
				} else if o, ok := x.(obj); ok {
					if s := str(o, "path", "file_path", "filePath"); s != "" {
						out = append(out, s)
					}
				}
			}
		}
	}
	return out
}

// inputPaths returns the files a tool's input names under the usual keys,
// and those named in a patch (apply_patch's "*** Update File: x" lines).
func inputPaths(in obj) []string {
	if in == nil {
		return nil
	}
	var out []string
	for _, k := range []string{"file_path", "filePath", "filepath", "path", "notebook_path", "absolute_path", "target_file", "TargetFile"} {
		if s := str(in, k); s != "" {
			out = append(out, s)
		}
	}
	out = append(out, strs(in, "files", "paths", "file_paths", "filePaths")...)
	for _, k := range []string{"command", "patch", "input"} {
		if s := str(in, k); s != "" {
			out = append(out, patchPaths(s)...)
		}
	}
	return out
}

// patchPaths returns the files of an apply_patch body.
func patchPaths(patch string) []string {
	var out []string
	for _, line := range strings.Split(patch, "\n") {
		line = strings.TrimSpace(line)
		for _, p := range []string{"*** Update File: ", "*** Add File: ", "*** Delete File: ", "*** Move to: "} {
			if rest, ok := strings.CutPrefix(line, p); ok {
				out = append(out, strings.Trim(strings.TrimSpace(rest), `"'`))
			}
		}
	}
	return out
}

// escapeControls escapes raw control characters inside JSON strings:
// Windsurf has been seen to send newlines of a command unescaped (git-ai's
// windsurf preset, escape_control_chars_in_json_strings).
func escapeControls(data []byte) []byte {
	var out []byte
	in, esc := false, false
	for _, b := range data {
		switch {
		case !in:
			in = b == '"'
		case esc:
			esc = false
		case b == '\\':
			esc = true
		case b == '"':
			in = false
		case b < 0x20:
			out = append(out, fmt.Sprintf(`\u%04x`, b)...)
			continue
		}
		out = append(out, b)
	}
	return out
}
