import type { FinishReason } from '../../types/chat.js'

/**
 * Maps an Anthropic `stop_reason` to the OpenAI finish reason.
 * `pause_turn` (a server tool paused a long turn) ends our turn like `stop`.
 * @example mapAnthropicStopReason('tool_use') // 'tool_calls'
 */
export function mapAnthropicStopReason(stopReason: string | null | undefined): FinishReason | null {
  switch (stopReason) {
    case undefined:
    case null:
      return null
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length'
    case 'tool_use':
      return 'tool_calls'
    case 'refusal':
      return 'content_filter'
    default:
      // end_turn, stop_sequence, pause_turn and reasons added later
      return 'stop'
  }
}
