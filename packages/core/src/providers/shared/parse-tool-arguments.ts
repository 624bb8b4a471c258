import { InvalidArgumentError } from '../../errors/errors.js'

/**
 * Shared because Anthropic, Gemini and Ollama all want a tool call's arguments as an object, while
 * OpenAI messages carry them as a JSON string: parses it, `''` meaning no arguments.
 * @example parseToolArguments('{"city":"Paris"}', 'messages[1].tool_calls[0].function.arguments') // { city: 'Paris' }
 */
export function parseToolArguments(text: string, field: string): Record<string, unknown> {
  if (typeof text !== 'string') throw new InvalidArgumentError(`${field} must be a JSON string`, { field })
  if (text.trim() === '') return {}
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new InvalidArgumentError(`${field} is not valid JSON`, { field })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(`${field} must be a JSON object`, { field })
  }
  return value as Record<string, unknown>
}
