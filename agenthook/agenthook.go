// Package agenthook reads the JSON that coding agents pass to their hooks,
// and says which files an edit touched and in which session.
//
// Supported: Claude Code (PreToolUse/PostToolUse: session_id, tool_name,
// tool_input.file_path), Codex (its notify payload: type, thread-id or
// turn-id, cwd), Cursor (afterFileEdit: conversation_id, file_path,
// workspace_roots), aider and a generic form ({"files": [...],
// "session_id": "...", "model": "..."}) that any tool can write.
//
// A payload names no model (agents do not put it there), so the model
// comes from the caller. A payload that cannot be read is an error; the
// edits it would have named are then covered by the next checkpoint.
package agenthook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
)

// Tools lists the payload formats [Parse] reads.
var Tools = []string{"claude-code", "codex", "cursor", "aider", "generic"}

// Event is what a hook payload says.
type Event struct {
	Tool    string   // the format read, one of Tools
	Session string   // the agent's session or conversation id, if given
	Model   string   // the model, when the payload names one (generic only)
	Paths   []string // files the edit touched; empty means "look at everything"
	Cwd     string   // the agent's working directory, if given
	// Edit is false for events that changed no file (a Read, a prompt): the
	// caller may skip the checkpoint.
	Edit bool
}

// MaxPayload bounds what Parse reads.
const MaxPayload = 8 << 20

// ErrPayload is wrapped by every parse error.
var ErrPayload = errors.New("agenthook: unreadable hook payload")

// editTools are Claude Code tools that write files; others (Read, Grep, ...)
// change nothing. Bash and unknown tools may change anything.
var claudeReadOnly = []string{"Read", "Grep", "Glob", "LS", "WebFetch", "WebSearch", "TodoWrite", "Task", "ExitPlanMode", "BashOutput", "KillShell"}

// Parse reads one payload of the given tool's format.
func Parse(tool string, r io.Reader) (*Event, error) {
	if !slices.Contains(Tools, tool) {
		return nil, fmt.Errorf("%w: unknown tool %q (want one of %v)", ErrPayload, tool, Tools)
	}
	data, err := io.ReadAll(io.LimitReader(r, MaxPayload+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrPayload, err)
	}
	if len(data) > MaxPayload {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrPayload, MaxPayload)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%w: empty input (is the hook wired to pass its JSON on stdin?)", ErrPayload)
	}
	var p payload
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrPayload, tool, err)
	}
	ev := &Event{Tool: tool, Cwd: p.Cwd, Edit: true}
	switch tool {
	case "claude-code":
		if p.SessionID == "" && p.HookEventName == "" && p.ToolName == "" {
			return nil, fmt.Errorf("%w: claude-code: no session_id, hook_event_name or tool_name", ErrPayload)
		}
		ev.Session = p.SessionID
		if slices.Contains(claudeReadOnly, p.ToolName) {
			ev.Edit = false
		}
		if p.ToolInput != nil {
			for _, f := range []string{p.ToolInput.FilePath, p.ToolInput.NotebookPath} {
				if f != "" {
					ev.Paths = append(ev.Paths, f)
				}
			}
		}
	case "codex":
		if p.Type == "" {
			return nil, fmt.Errorf("%w: codex: no type", ErrPayload)
		}
		ev.Session = firstNonEmpty(p.ThreadID, p.TurnID)
	case "cursor":
		if p.ConversationID == "" && p.HookEventName == "" {
			return nil, fmt.Errorf("%w: cursor: no conversation_id or hook_event_name", ErrPayload)
		}
		ev.Session = p.ConversationID
		if p.FilePath != "" {
			ev.Paths = append(ev.Paths, p.FilePath)
		}
		if ev.Cwd == "" && len(p.WorkspaceRoots) > 0 {
			ev.Cwd = p.WorkspaceRoots[0]
		}
	case "aider", "generic":
		ev.Session = firstNonEmpty(p.SessionID, p.Session)
		ev.Model = firstNonEmpty(p.ModelID, p.Model)
		ev.Paths = append(ev.Paths, p.Files...)
		ev.Paths = append(ev.Paths, p.Paths...)
		if p.FilePath != "" {
			ev.Paths = append(ev.Paths, p.FilePath)
		}
	}
	return ev, nil
}

type payload struct {
	// Claude Code
	SessionID     string `json:"session_id"`
	HookEventName string `json:"hook_event_name"`
	ToolName      string `json:"tool_name"`
	ToolInput     *struct {
		FilePath     string `json:"file_path"`
		NotebookPath string `json:"notebook_path"`
	} `json:"tool_input"`
	Cwd string `json:"cwd"`
	// Codex notify
	Type     string `json:"type"`
	ThreadID string `json:"thread-id"`
	TurnID   string `json:"turn-id"`
	// Cursor
	ConversationID string   `json:"conversation_id"`
	FilePath       string   `json:"file_path"`
	WorkspaceRoots []string `json:"workspace_roots"`
	// generic
	Session string   `json:"session"`
	Model   string   `json:"model"`
	ModelID string   `json:"model_id"`
	Files   []string `json:"files"`
	Paths   []string `json:"paths"`
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
