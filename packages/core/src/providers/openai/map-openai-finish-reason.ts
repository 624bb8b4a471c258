import type { FinishReason } from '../../types/chat.js'

const known = new Set<string>(['stop', 'length', 'tool_calls', 'content_filter', 'function_call'])
const aliases: Record<string, FinishReason> = {
  eos: 'stop',
  end_turn: 'stop',
  stop_sequence: 'stop',
  max_tokens: 'length',
  model_length: 'length',
  tool_use: 'tool_calls',
}

/**
 * OpenAI-compatible servers mostly send OpenAI's values; a few send their own, which map to
 * OpenAI's where one means the same and otherwise pass through (`error`, `abort`), never as `stop`.
 * @example
 * mapOpenAIFinishReason('model_length') // 'length'
 */
export function mapOpenAIFinishReason(value: unknown): FinishReason | null {
  if (typeof value !== 'string' || value === '') return null
  if (known.has(value)) return value as FinishReason
  return aliases[value] ?? value
}
