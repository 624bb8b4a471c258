import type { FinishReason } from '../../types/chat.js'

const finishReasons: Record<string, FinishReason> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  tool_use: 'tool_calls',
  max_tokens: 'length',
  model_context_window_exceeded: 'length',
  guardrail_intervened: 'content_filter',
  content_filtered: 'content_filter',
  // No OpenAI reason says "the model's output was unreadable"; the answer did end.
  malformed_model_output: 'stop',
  malformed_tool_use: 'stop',
}

/**
 * Maps a Converse `stopReason` to an OpenAI finish reason; null when there is none, `stop` for
 * reasons added after this was written.
 * @example mapBedrockStopReason('guardrail_intervened') // 'content_filter'
 */
export function mapBedrockStopReason(reason: string | undefined | null): FinishReason | null {
  if (typeof reason !== 'string' || reason === '') return null
  return finishReasons[reason] ?? 'stop'
}
