import { InvalidArgumentError } from '../../errors/errors.js'
import type { ContentPart } from '../../types/chat.js'

/**
 * Shared so every message converter reads OpenAI `content` the same way: a string is one text
 * part, an array is taken as is, anything else is an `InvalidArgumentError` naming the field.
 * @example toContentParts('Hi', 'messages[0].content') // [{ type: 'text', text: 'Hi' }]
 */
export function toContentParts(
  content: string | readonly ContentPart[],
  field: string,
): readonly ContentPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }]
  if (!Array.isArray(content))
    throw new InvalidArgumentError(`${field} must be a string or an array`, { field })
  return content
}
