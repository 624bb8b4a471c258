import { InvalidArgumentError } from '../../errors/errors.js'
import type { FunctionTool } from '../../types/chat.js'

/**
 * Shared because Anthropic, Gemini and Ollama each rebuild OpenAI `tools` in their own shape and
 * must refuse the same bad input first: the `function` of each tool, or an `InvalidArgumentError`
 * naming the first entry that is not a function tool with a name.
 * @example readFunctionTools([{ type: 'function', function: { name: 'f' } }]) // [{ name: 'f' }]
 */
export function readFunctionTools(tools: readonly FunctionTool[]): FunctionTool['function'][] {
  return tools.map((tool, i) => {
    if (tool?.type !== 'function' || typeof tool.function?.name !== 'string' || tool.function.name === '') {
      throw new InvalidArgumentError(`tools[${i}] must be a function tool with a name`, {
        field: `tools[${i}]`,
      })
    }
    return tool.function
  })
}
