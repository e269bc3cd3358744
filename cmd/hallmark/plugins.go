package main

import "strings"

// pluginSource is the OpenCode or Amp plugin install-agent writes. Both
// agents load TypeScript plugins rather than running hook commands; the
// plugins send `hallmark checkpoint --hook AGENT` the payloads agenthook
// reads (agenthook/testdata/opencode.txtar, amp.txtar), on standard input,
// and never block the agent.
func pluginSource(agent, command string) string {
	src := opencodePlugin
	if agent == "amp" {
		src = ampPlugin
	}
	return strings.ReplaceAll(src, "__COMMAND__", command)
}

// opencodePlugin uses OpenCode's plugin hooks (opencode.ai/docs/plugins):
// chat.message before a turn, tool.execute.before and tool.execute.after
// around each tool (input {tool, sessionID, callID}, output {args}), and
// chat.params for the model.
const opencodePlugin = `// Written by hallmark install-agent: tells hallmark who changed the work tree.
// Remove with: hallmark install-agent opencode --remove
import type { Plugin } from "@opencode-ai/plugin"
import { spawnSync } from "child_process"

const COMMAND = "__COMMAND__"

export const Hallmark: Plugin = async ({ directory, worktree }) => {
  const cwd = worktree || directory || process.cwd()
  const models = new Map<string, string>()
  const calls = new Map<string, unknown>()
  const send = (payload: Record<string, unknown>) => {
    try {
      spawnSync("sh", ["-c", COMMAND], {
        input: JSON.stringify({ cwd, ...payload }),
        stdio: ["pipe", "ignore", "inherit"],
        timeout: 10000,
      })
    } catch {
      // hallmark never blocks the agent
    }
  }
  return {
    "chat.params": async (input: any) => {
      if (input?.model?.providerID && input?.model?.id) {
        models.set(String(input.sessionID), input.model.providerID + "/" + input.model.id)
      }
    },
    "chat.message": async (input: any) => {
      send({ hook_event_name: "UserPromptSubmit", session_id: input?.sessionID, model: models.get(String(input?.sessionID)) })
    },
    "tool.execute.before": async (input: any, output: any) => {
      calls.set(String(input.callID), output?.args)
      send({ hook_event_name: "PreToolUse", session_id: input.sessionID, tool_name: input.tool, tool_input: output?.args, model: models.get(String(input.sessionID)) })
    },
    "tool.execute.after": async (input: any) => {
      const args = calls.get(String(input.callID))
      calls.delete(String(input.callID))
      send({ hook_event_name: "PostToolUse", session_id: input.sessionID, tool_name: input.tool, tool_input: args, model: models.get(String(input.sessionID)) })
    },
  }
}
`

// ampPlugin uses Amp's plugin API as git-ai's plugin does
// (agent-support/amp/git-ai.ts): amp.on('tool.call') before a tool runs,
// amp.on('tool.result') after, and amp.helpers.filesModifiedByToolCall.
const ampPlugin = `// @i-know-the-amp-plugin-api-is-wip-and-very-experimental-right-now
// Written by hallmark install-agent: tells hallmark who changed the work tree.
// Remove with: hallmark install-agent amp --remove --scope user
import type { PluginAPI } from '@ampcode/plugin'
import { spawnSync } from 'child_process'
import { fileURLToPath } from 'url'

const COMMAND = '__COMMAND__'

export default function hallmark(amp: PluginAPI) {
	const calls = new Map<string, { tool: string; input: unknown; files: string[] }>()
	const send = (payload: Record<string, unknown>) => {
		try {
			spawnSync('sh', ['-c', COMMAND], {
				input: JSON.stringify({ cwd: process.cwd(), ...payload }),
				stdio: ['pipe', 'ignore', 'inherit'],
				timeout: 10000,
			})
		} catch {
			// hallmark never blocks the agent
		}
	}
	const filesOf = (event: any): string[] => {
		try {
			return (amp.helpers.filesModifiedByToolCall(event) ?? []).map((u: any) => fileURLToPath(u.toString()))
		} catch {
			return []
		}
	}
	amp.on('tool.call', async (event: any) => {
		const call = { tool: event.tool, input: event.input, files: filesOf(event) }
		calls.set(event.toolUseID, call)
		send({ hook_event_name: 'PreToolUse', tool_use_id: event.toolUseID, thread_id: event.threadID, tool_name: call.tool, tool_input: call.input })
		return { action: 'allow' as const }
	})
	amp.on('tool.result', async (event: any) => {
		const call = calls.get(event.toolUseID)
		calls.delete(event.toolUseID)
		if (!call) return
		send({ hook_event_name: 'PostToolUse', tool_use_id: event.toolUseID, thread_id: event.threadID, tool_name: call.tool, tool_input: call.input, edited_filepaths: call.files })
	})
}
`
