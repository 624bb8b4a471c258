import { InvalidArgumentError } from '../../errors/errors.js'
import type { CompletionRequest } from '../../types/request.js'
import { readFunctionTools } from '../shared/read-function-tools.js'
import type { AnthropicTool, AnthropicToolChoice } from './anthropic-api-types.js'

/**
 * Maps OpenAI `tools`, `tool_choice` and `parallel_tool_calls` to Anthropic's `tools` and
 * `tool_choice` (`required` → `any`, a named function → `tool`, `parallel_tool_calls: false` →
 * `disable_parallel_tool_use`).
 * @example prepareAnthropicTools({ model: 'anthropic/x', messages: [], tools, tool_choice: 'required' })
 */
export function prepareAnthropicTools(request: CompletionRequest): {
  tools?: AnthropicTool[]
  tool_choice?: AnthropicToolChoice
} {
  if (request.tools === undefined || request.tools.length === 0) return {}
  const tools = readFunctionTools(request.tools).map(
    (tool): AnthropicTool => ({
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      input_schema: tool.parameters ?? { type: 'object', properties: {} },
    }),
  )
  const choice = request.tool_choice
  let toolChoice: AnthropicToolChoice | undefined
  if (choice === 'auto') toolChoice = { type: 'auto' }
  else if (choice === 'required') toolChoice = { type: 'any' }
  else if (choice === 'none') toolChoice = { type: 'none' }
  else if (typeof choice === 'object' && choice !== null && typeof choice.function?.name === 'string') {
    toolChoice = { type: 'tool', name: choice.function.name }
  } else if (choice !== undefined) {
    throw new InvalidArgumentError('tool_choice must be auto, required, none or a named function', {
      field: 'tool_choice',
    })
  }
  if (request.parallel_tool_calls === false && toolChoice?.type !== 'none') {
    toolChoice = { ...(toolChoice ?? { type: 'auto' }), disable_parallel_tool_use: true }
  }
  return toolChoice === undefined ? { tools } : { tools, tool_choice: toolChoice }
}
