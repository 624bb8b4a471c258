import { InvalidArgumentError } from '../../errors/errors.js'
import type { ToolMessage } from '../../types/chat.js'

/**
 * Shared because Anthropic and Bedrock both require user and assistant turns to alternate: adds
 * `content` to the last turn when it has the same role, else starts a new turn.
 * @example pushMergedTurn(turns, 'user', [{ text: 'Hi' }])
 */
export function pushMergedTurn<Block>(
  turns: Array<{ role: 'user' | 'assistant'; content: Block[] }>,
  role: 'user' | 'assistant',
  content: Block[],
): void {
  const last = turns.at(-1)
  if (last?.role === role) last.content.push(...content)
  else turns.push({ role, content })
}

/**
 * The `tool_call_id` of a tool message, or an `InvalidArgumentError` naming `${field}.tool_call_id`:
 * every provider that links tool results to calls needs it.
 * @example readToolCallId({ role: 'tool', tool_call_id: 'call_1', content: 'ok' }, 'messages[2]') // 'call_1'
 */
export function readToolCallId(message: ToolMessage, field: string): string {
  if (typeof message.tool_call_id !== 'string' || message.tool_call_id === '')
    throw new InvalidArgumentError(`${field}.tool_call_id must be a non-empty string`, {
      field: `${field}.tool_call_id`,
    })
  return message.tool_call_id
}

/**
 * The error for a `role` or part `type` a converter does not know, naming the field and the value.
 * @example throw unsupportedValueError('messages[0].role', 'robot') // messages[0].role "robot" is not supported
 */
export function unsupportedValueError(field: string, value: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`${field} ${JSON.stringify(value)} is not supported`, { field })
}
