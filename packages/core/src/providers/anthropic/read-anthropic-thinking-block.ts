import type { ThinkingBlock } from '../../types/chat.js'
import type { AnthropicResponseBlock } from './anthropic-api-types.js'

/**
 * The round-trip form of a `thinking` or `redacted_thinking` block, or undefined for other blocks.
 * @example
 * readAnthropicThinkingBlock({ type: 'redacted_thinking', data: 'EmwK…' }) // { type: 'redacted_thinking', data: 'EmwK…' }
 */
export function readAnthropicThinkingBlock(block: AnthropicResponseBlock): ThinkingBlock | undefined {
  if (block.type === 'thinking')
    return { type: 'thinking', thinking: block.thinking ?? '', signature: block.signature ?? '' }
  if (block.type === 'redacted_thinking' && typeof block.data === 'string')
    return { type: 'redacted_thinking', data: block.data }
  return undefined
}
