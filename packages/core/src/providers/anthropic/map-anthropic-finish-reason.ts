import type { FinishReason } from '../../types/chat.js'

/**
 * Maps an Anthropic `stop_reason` to the OpenAI finish reason where one means the same; others
 * (`pause_turn`: a server tool paused a long turn, send it back to continue) pass through as they
 * are, never as `stop`. The raw value also goes to `native_finish_reason`.
 * @example mapAnthropicStopReason('tool_use') // 'tool_calls'
 */
export function mapAnthropicStopReason(stopReason: string | null | undefined): FinishReason | null {
  switch (stopReason) {
    case undefined:
    case null:
    case '':
      return null
    case 'end_turn':
    case 'stop_sequence':
      return 'stop'
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length'
    case 'tool_use':
      return 'tool_calls'
    case 'refusal':
      return 'content_filter'
    default:
      return stopReason
  }
}
