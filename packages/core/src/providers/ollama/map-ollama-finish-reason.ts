import type { FinishReason } from '../../types/chat.js'

/**
 * Maps Ollama's `done_reason` to the OpenAI finish reason. Ollama says `stop` even after tool
 * calls, so pass whether any tool call was seen.
 * @example mapOllamaFinishReason('stop', true) // 'tool_calls'
 */
export function mapOllamaFinishReason(doneReason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (doneReason === 'length') return 'length'
  return hasToolCalls ? 'tool_calls' : 'stop'
}
