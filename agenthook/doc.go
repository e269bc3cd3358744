// Package agenthook reads the JSON that coding agents pass to their hooks
// and says what the event means for attribution: who changed the work tree
// since the last checkpoint, which files, in which session, with which
// model.
//
//	ev, err := agenthook.Parse("claude-code", payload)
//	switch ev.Phase {
//	case agenthook.Before: // checkpoint the whole tree as the person
//	case agenthook.After:  // checkpoint ev.Paths (or, for ev.Shell, the tree) as the model
//	case agenthook.None:   // nothing to attribute
//	}
//
// # The protocol
//
// Every hook event is one of three kinds ([Phase]):
//
//   - Before: the event fires before the agent acts (Claude Code's
//     SessionStart, UserPromptSubmit and PreToolUse; Codex's SessionStart,
//     UserPromptSubmit and PreToolUse; Cursor's sessionStart,
//     beforeSubmitPrompt, beforeShellExecution, beforeMCPExecution and
//     preToolUse; Gemini CLI's SessionStart, BeforeAgent and BeforeTool;
//     Copilot's sessionStart, userPromptSubmitted and preToolUse; Windsurf's
//     pre_user_prompt, pre_write_code, pre_run_command and
//     pre_mcp_tool_use; Cline's TaskStart, TaskResume, UserPromptSubmit and
//     PreToolUse). What changed in the work tree since the last checkpoint
//     was typed by the person: the caller checkpoints the whole tree as the
//     person.
//   - After: the event fires after the agent acted (PostToolUse of an
//     editing tool, Cursor's afterFileEdit and afterTabFileEdit, Codex's
//     apply_patch, Windsurf's post_write_code, a turn's end in Codex's
//     notify). The caller checkpoints as the model, limited to
//     [Event.Paths]. A tool that names no file (Bash and other shell
//     commands, MCP tools, a notebook run) sets [Event.Shell]: what changed
//     between the pre-event and the post-event checkpoint is the tool's, so
//     the caller checkpoints the whole tree as the model, and only when a
//     Before event of the same session was seen (otherwise the person's
//     typing since the last checkpoint would be handed to the model).
//   - None: read-only tools (Read, Grep, Glob, web fetches, MCP tools whose
//     names say they read), Stop and turn ends that follow Before/After
//     pairs, notifications, compaction: no attribution at all.
//
// A tool this package does not know is treated as a shell command: with a
// pre-event checkpoint before it, what it changed, and only that, is the
// model's, and a tool that changed nothing gets nothing.
//
// # Model
//
// [Event.Model] is the model the payload names (Codex's and Cursor's
// model, Windsurf's model_name, Cline's model.provider and model.slug,
// Claude Code's SessionStart model, Gemini CLI's llm_request.model),
// normalised to the models.dev form provider/model by [NormalizeModel].
// When the payload names none, the caller uses the model an earlier event
// of the session named, else the one it was told (--model), else it says
// the model is unknown.
//
// # Paths
//
// Paths are as the payload gives them: absolute, or relative to
// [Event.Cwd], which is the payload's cwd or workspace root, never the
// hook process's directory. The caller resolves them against Cwd and
// drops, with a warning, those outside the repository.
//
// # Agents
//
// [Agents] lists the formats read. Fixtures built from each vendor's
// documentation, with the source cited in each, are in testdata/. Codex's
// notify program receives its JSON as its last command-line argument, not
// on standard input; the caller passes that argument to [Parse]. OpenCode
// and Amp have no command hooks: they run plugins, and the plugins that
// `hallmark install-agent` writes send the payload read here. "generic" is
// for any other tool: {"event": "before"|"after", "files": [...],
// "session_id": "...", "model": "...", "cwd": "..."}.
//
// A payload that cannot be read is an error wrapping [ErrPayload]; the
// edits it would have named are covered by the next checkpoint.
package agenthook
