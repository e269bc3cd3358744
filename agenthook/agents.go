package agenthook

import (
	"errors"
	"path/filepath"
	"strings"
)

// The tables below name each agent's tools as its documentation does
// (testdata/ cites the pages); git-ai's bash_tool.rs classify_tool names
// the same sets.

var (
	claudeEdits = []string{"Write", "Edit", "MultiEdit", "NotebookEdit"}
	claudeReads = []string{"Read", "Grep", "Glob", "LS", "WebFetch", "WebSearch", "TodoWrite", "TodoRead", "Task", "Agent", "ExitPlanMode", "BashOutput", "KillShell", "KillBash", "ListMcpResourcesTool", "ReadMcpResourceTool", "AskUserQuestion", "Skill", "SlashCommand", "ToolSearch"}
)

// claudeCode reads Claude Code's hook input (code.claude.com/docs/en/hooks).
func claudeCode(m obj, ev *Event) error {
	ev.Name = str(m, "hook_event_name")
	ev.Session = str(m, "session_id")
	ev.Cwd = str(m, "cwd")
	ev.Tool = str(m, "tool_name")
	ev.Model = modelOf(m["model"])
	if ev.Name == "" && ev.Session == "" && ev.Tool == "" {
		return errors.New("no hook_event_name, session_id or tool_name")
	}
	switch ev.Name {
	case "SessionStart", "UserPromptSubmit":
		ev.Phase = Before
	case "PreToolUse", "PostToolUse", "PostToolUseFailure", "":
		toolEvent(ev, ev.Name == "PreToolUse", classify(ev.Tool, claudeEdits, claudeReads))
		ev.Paths = inputPaths(sub(m, "tool_input"))
	default: // Stop, SubagentStop, Notification, PreCompact, SessionEnd, PermissionRequest, ...
		ev.Phase = None
	}
	return nil
}

var (
	codexEdits = []string{"apply_patch", "Edit", "Write", "functions.apply_patch"}
	codexReads = []string{"update_plan", "view_image", "web_search", "functions.update_plan", "request_user_input"}
)

// codex reads both of Codex's forms: the notify program's JSON
// (docs/config.md, notify: {"type": "agent-turn-complete", "thread-id",
// "turn-id", "cwd", ...}) and the hooks.json events, which carry
// Claude Code's field names plus model and turn_id
// (codex-rs/hooks/schema/generated/*.command.input.schema.json).
func codex(m obj, ev *Event) error {
	ev.Cwd = str(m, "cwd")
	ev.Model = modelOf(m["model"])
	if t := str(m, "type"); t != "" && str(m, "hook_event_name") == "" {
		ev.Name = t
		ev.Session = str(m, "thread-id", "thread_id", "turn-id")
		if t == "agent-turn-complete" {
			ev.Phase = After
		} else {
			ev.Phase = None
		}
		return nil
	}
	ev.Name = str(m, "hook_event_name")
	if ev.Name == "" {
		return errors.New("no type (notify) or hook_event_name (hooks.json)")
	}
	ev.Session = str(m, "session_id", "thread_id")
	ev.Tool = str(m, "tool_name")
	switch ev.Name {
	case "SessionStart", "UserPromptSubmit":
		ev.Phase = Before
	case "PreToolUse", "PostToolUse":
		toolEvent(ev, ev.Name == "PreToolUse", classify(ev.Tool, codexEdits, codexReads))
		ev.Paths = inputPaths(sub(m, "tool_input"))
	default: // Stop, PermissionRequest, PreCompact, SubagentStop, ...
		ev.Phase = None
	}
	return nil
}

var (
	cursorEdits = []string{"Write", "Edit", "StrReplace", "Delete", "ApplyPatch", "MultiEdit", "EditNotebook"}
	cursorReads = []string{"Read", "Grep", "Glob", "LS", "SemanticSearch", "WebSearch", "WebFetch", "Task", "TodoWrite", "ReadLints", "FetchRules"}
)

// cursor reads Cursor's agent hooks (cursor.com/docs/agent/hooks): common
// fields conversation_id, generation_id, model, hook_event_name,
// cursor_version, workspace_roots.
func cursor(m obj, ev *Event) error {
	ev.Name = str(m, "hook_event_name")
	ev.Session = str(m, "conversation_id")
	ev.Model = modelOf(m["model"])
	ev.Tool = str(m, "tool_name")
	if ev.Name == "" && ev.Session == "" {
		return errors.New("no conversation_id or hook_event_name")
	}
	roots := strs(m, "workspace_roots")
	file := str(m, "file_path")
	switch ev.Name {
	case "sessionStart", "beforeSubmitPrompt", "beforeShellExecution", "beforeMCPExecution":
		ev.Phase = Before
	case "afterFileEdit", "afterTabFileEdit":
		ev.Phase = After
		ev.Paths = []string{file}
	case "afterShellExecution", "afterMCPExecution":
		ev.Phase, ev.Shell = After, true
	case "preToolUse", "postToolUse", "postToolUseFailure":
		toolEvent(ev, ev.Name == "preToolUse", classify(ev.Tool, cursorEdits, cursorReads))
		ev.Paths = inputPaths(sub(m, "tool_input"))
	default: // beforeReadFile, beforeTabFileRead, afterAgentResponse, afterAgentThought, stop, sessionEnd, preCompact, subagentStart, subagentStop
		ev.Phase = None
	}
	// The working directory: the command's cwd, else the workspace root
	// that holds the file, else the first root.
	ev.Cwd = str(m, "cwd")
	if ev.Cwd == "" {
		target := file
		if len(ev.Paths) > 0 {
			target = ev.Paths[0]
		}
		for _, r := range roots {
			if target != "" && within(target, r) {
				ev.Cwd = r
				break
			}
		}
		if ev.Cwd == "" && len(roots) > 0 {
			ev.Cwd = roots[0]
		}
	}
	return nil
}

func within(p, root string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && filepath.IsAbs(p) && rel != ".." && !strings.HasPrefix(rel, "../")
}

var (
	geminiEdits = []string{"write_file", "replace", "edit", "WriteFile", "Edit"}
	geminiReads = []string{"read_file", "read_many_files", "list_directory", "glob", "search_file_content", "grep", "google_web_search", "web_fetch", "save_memory", "write_todos", "ReadFile", "ReadManyFiles", "ReadFolder", "FindFiles", "SearchText", "GoogleSearch", "WebFetch", "Save Memory"}
)

// gemini reads Gemini CLI's hooks (google-gemini/gemini-cli
// docs/hooks/reference.md): session_id, transcript_path, cwd,
// hook_event_name, timestamp; tool events add tool_name and tool_input.
func gemini(m obj, ev *Event) error {
	ev.Name = str(m, "hook_event_name")
	ev.Session = str(m, "session_id")
	ev.Cwd = str(m, "cwd")
	ev.Tool = str(m, "tool_name")
	if ev.Name == "" {
		return errors.New("no hook_event_name")
	}
	if req := sub(m, "llm_request"); req != nil {
		ev.Model = modelOf(req["model"])
	}
	switch ev.Name {
	case "SessionStart", "BeforeAgent":
		ev.Phase = Before
	case "BeforeTool", "AfterTool":
		toolEvent(ev, ev.Name == "BeforeTool", classify(ev.Tool, geminiEdits, geminiReads))
		ev.Paths = inputPaths(sub(m, "tool_input"))
	default: // AfterAgent, BeforeModel, AfterModel, BeforeToolSelection, SessionEnd, Notification, PreCompress
		ev.Phase = None
	}
	return nil
}

// copilotClass classifies Copilot CLI's tools (bash, powershell, create,
// edit, str_replace, apply_patch, view, ...) and VS Code's agent tools
// (run_in_terminal, replace_string_in_file, create_file, read_file, ...)
// by name, as git-ai's github_copilot presets do.
func copilotClass(tool string) class {
	t := strings.ToLower(tool)
	switch t {
	case "bash", "powershell", "run_in_terminal", "runinterminal", "terminal":
		return shell
	case "create", "create_file", "delete_file", "rename_file", "move_file", "apply_patch", "git_apply_patch", "str_replace", "str_replace_editor":
		return edit
	}
	for _, kw := range []string{"find", "search", "read", "grep", "glob", "list", "fetch", "web", "view", "todo", "intent", "think", "get_"} {
		if strings.Contains(t, kw) {
			return readOnly
		}
	}
	for _, kw := range []string{"edit", "write", "replace", "insert", "create", "patch"} {
		if strings.Contains(t, kw) {
			return edit
		}
	}
	return shell
}

// copilot reads GitHub Copilot's hooks: Copilot CLI's and the cloud
// agent's (docs.github.com/en/copilot/reference/copilot-cli-reference/
// cli-hooks-reference: timestamp, cwd, toolName, toolArgs as a JSON
// string, toolResult; the event is not in the payload, so the command
// names it with --event), and VS Code's agent hooks, which use Claude
// Code's field names (code.visualstudio.com/docs/copilot/customization/hooks).
func copilot(m obj, ev *Event) error {
	ev.Name = str(m, "hook_event_name", "hookEventName", "event")
	ev.Session = str(m, "session_id", "sessionId", "chat_session_id")
	ev.Cwd = str(m, "cwd", "workspace_folder", "workspaceFolder")
	ev.Tool = str(m, "toolName", "tool_name")
	ev.Model = modelOf(m["model"])
	if ev.Name == "" {
		return errors.New("no event name: pass --event (sessionStart, userPromptSubmitted, preToolUse, postToolUse)")
	}
	in := sub(m, "toolArgs", "tool_input", "toolInput")
	switch ev.Name {
	case "sessionStart", "SessionStart", "userPromptSubmitted", "UserPromptSubmit":
		ev.Phase = Before
	case "preToolUse", "PreToolUse", "postToolUse", "PostToolUse":
		toolEvent(ev, strings.EqualFold(ev.Name, "preToolUse"), copilotClass(ev.Tool))
		ev.Paths = inputPaths(in)
	default: // sessionEnd, errorOccurred, Stop, ...
		ev.Phase = None
	}
	return nil
}

var (
	opencodeEdits = []string{"edit", "write", "patch", "multiedit", "apply_patch"}
	opencodeReads = []string{"read", "glob", "grep", "list", "webfetch", "websearch", "codesearch", "todoread", "todowrite", "task", "lsp", "skill", "question"}
)

// opencode reads what the OpenCode plugin that install-agent writes sends
// from its tool.execute.before and tool.execute.after handlers
// (opencode.ai/docs/plugins): hook_event_name, session_id, cwd, tool_name,
// tool_input (the tool's args) and model ("provider/model", from
// chat.params).
func opencode(m obj, ev *Event) error {
	return pluginEvent(m, ev, opencodeEdits, opencodeReads)
}

var (
	ampEdits = []string{"edit_file", "create_file", "apply_patch", "undo_edit", "Edit", "Write", "format_file"}
	ampReads = []string{"Read", "Grep", "glob", "finder", "read_web_page", "web_search", "oracle", "mermaid", "todo_read", "todo_write", "look_at", "librarian", "read_mcp_resource", "Task", "read_thread", "find_thread"}
)

// amp reads what the Amp plugin that install-agent writes sends from its
// tool.call and tool.result handlers (ampcode.com/manual, plugins; the
// same fields git-ai's agent-support/amp/git-ai.ts sends): hook_event_name,
// thread_id, cwd, tool_name, tool_input, edited_filepaths.
func amp(m obj, ev *Event) error {
	if err := pluginEvent(m, ev, ampEdits, ampReads); err != nil {
		return err
	}
	if ev.Session == "" {
		ev.Session = str(m, "thread_id")
	}
	if ev.Phase == After {
		if files := strs(m, "edited_filepaths"); len(files) > 0 {
			ev.Paths, ev.Shell = files, false
		}
	}
	return nil
}

func pluginEvent(m obj, ev *Event, edits, reads []string) error {
	ev.Name = str(m, "hook_event_name")
	ev.Session = str(m, "session_id")
	ev.Cwd = str(m, "cwd")
	ev.Tool = str(m, "tool_name")
	ev.Model = modelOf(m["model"])
	switch ev.Name {
	case "SessionStart", "UserPromptSubmit":
		ev.Phase = Before
	case "PreToolUse", "PostToolUse":
		toolEvent(ev, ev.Name == "PreToolUse", classify(ev.Tool, edits, reads))
		ev.Paths = inputPaths(sub(m, "tool_input"))
	case "":
		return errors.New("no hook_event_name")
	default:
		ev.Phase = None
	}
	return nil
}

// windsurf reads Windsurf's Cascade hooks (docs.windsurf.com/windsurf/
// cascade/hooks): agent_action_name, trajectory_id, execution_id,
// timestamp, model_name, tool_info.
func windsurf(m obj, ev *Event) error {
	ev.Name = str(m, "agent_action_name")
	ev.Session = str(m, "trajectory_id")
	if ev.Name == "" {
		return errors.New("no agent_action_name")
	}
	if name := str(m, "model_name"); name != "" && !strings.EqualFold(name, "unknown") {
		ev.Model = name
	}
	info := sub(m, "tool_info")
	if info == nil {
		info = obj{}
	}
	ev.Cwd = str(info, "cwd")
	if ev.Cwd == "" {
		ev.Cwd = str(m, "cwd")
	}
	switch ev.Name {
	case "pre_user_prompt", "pre_write_code", "pre_run_command", "pre_mcp_tool_use":
		ev.Phase = Before
	case "post_write_code":
		ev.Phase = After
		ev.Paths = inputPaths(info)
	case "post_run_command", "post_mcp_tool_use":
		ev.Phase, ev.Shell = After, true
	default: // pre_read_code, post_read_code, post_cascade_response, post_setup_worktree
		ev.Phase = None
	}
	if ev.Cwd == "" && len(ev.Paths) > 0 && filepath.IsAbs(ev.Paths[0]) {
		ev.Cwd = filepath.Dir(ev.Paths[0])
	}
	return nil
}

var (
	clineEdits = []string{"write_to_file", "replace_in_file", "apply_patch", "new_rule", "edit", "write", "editor"}
	clineReads = []string{"read_file", "list_files", "search_files", "list_code_definition_names", "browser_action", "ask_followup_question", "attempt_completion", "plan_mode_respond", "access_mcp_resource", "load_mcp_documentation", "web_fetch", "new_task", "condense", "summarize_task", "report_bug", "focus_chain"}
)

// cline reads Cline's hooks (docs.cline.bot/features/hooks): clineVersion,
// hookName, timestamp, taskId, workspaceRoots, userId, model, and
// preToolUse / postToolUse with toolName and parameters.
func cline(m obj, ev *Event) error {
	ev.Name = str(m, "hookName")
	ev.Session = str(m, "taskId")
	if ev.Name == "" {
		return errors.New("no hookName")
	}
	if roots := strs(m, "workspaceRoots"); len(roots) > 0 {
		ev.Cwd = roots[0]
	}
	if mo := sub(m, "model"); mo != nil {
		provider, slug := str(mo, "provider"), str(mo, "slug", "id")
		switch {
		case slug == "":
		case provider == "" || strings.Contains(slug, "/"):
			ev.Model = slug
		default:
			ev.Model = provider + "/" + slug
		}
	} else {
		ev.Model = modelOf(m["model"])
	}
	switch ev.Name {
	case "TaskStart", "TaskResume", "UserPromptSubmit":
		ev.Phase = Before
	case "PreToolUse", "PostToolUse":
		call := sub(m, "preToolUse", "postToolUse")
		if call == nil {
			return errors.New("no preToolUse or postToolUse")
		}
		ev.Tool = str(call, "toolName")
		toolEvent(ev, ev.Name == "PreToolUse", classify(ev.Tool, clineEdits, clineReads))
		ev.Paths = inputPaths(sub(call, "parameters"))
	default: // TaskComplete, TaskCancel, PreCompact
		ev.Phase = None
	}
	return nil
}

// generic is the form any tool can write; aider's is the same.
func generic(m obj, ev *Event) error {
	ev.Name = str(m, "event", "hook_event_name")
	ev.Session = str(m, "session_id", "session")
	ev.Cwd = str(m, "cwd")
	ev.Tool = str(m, "tool")
	ev.Model = str(m, "model_id")
	if ev.Model == "" {
		ev.Model = modelOf(m["model"])
	}
	for _, k := range []string{"files", "paths"} {
		if v, ok := m[k]; ok {
			if _, isList := v.([]any); !isList {
				return errors.New(k + " is not a list")
			}
		}
	}
	ev.Paths = append(strs(m, "files", "paths"), strs(m, "file_path")...)
	switch strings.ToLower(ev.Name) {
	case "before", "pre", "start", "prompt":
		ev.Phase = Before
	case "none", "stop", "read":
		ev.Phase = None
	case "", "after", "post", "edit":
		ev.Phase = After
	default:
		return errors.New("event " + ev.Name + " is not before, after or none")
	}
	return nil
}

// modelOf reads a model field: a string, or an object with an id or name.
func modelOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case obj:
		provider := str(x, "providerID", "provider", "provider_id")
		id := str(x, "modelID", "id", "model", "slug", "name", "display_name")
		if provider != "" && id != "" && !strings.Contains(id, "/") {
			return provider + "/" + id
		}
		return id
	}
	return ""
}
