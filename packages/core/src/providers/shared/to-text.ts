import { InvalidArgumentError } from '../../errors/errors.js'
import type { ContentPart } from '../../types/chat.js'
import { toContentParts } from './to-content-parts.js'

/**
 * Shared because system, assistant and tool messages may only hold text for every non-OpenAI
 * provider: the texts of `content`, one per part; an image part is an `InvalidArgumentError`.
 * @example toTextParts([{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], 'messages[0].content') // ['a', 'b']
 */
export function toTextParts(content: string | readonly ContentPart[], field: string): string[] {
  return toContentParts(content, field).map((part, j) => {
    if (part.type !== 'text')
      throw new InvalidArgumentError(`${field}[${j}] must be a text part`, { field: `${field}[${j}]` })
    return part.text
  })
}

/**
 * The text of a text-only `content`, parts joined (see `toTextParts`).
 * @example toText([{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], 'messages[0].content') // 'ab'
 */
export function toText(content: string | readonly ContentPart[], field: string): string {
  return toTextParts(content, field).join('')
}
