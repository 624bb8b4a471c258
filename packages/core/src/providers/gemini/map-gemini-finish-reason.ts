import type { FinishReason } from '../../types/chat.js'

const contentFilterReasons = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
])

/**
 * Maps a Gemini `finishReason` to the OpenAI finish reason. Gemini has no tool-calls reason (a
 * function-call turn ends with `STOP`), so pass whether the turn produced function calls. Reasons
 * with no OpenAI match (`MALFORMED_FUNCTION_CALL`, `OTHER`, `LANGUAGE`…) pass through in lower
 * case, never as `stop`.
 * @example mapGeminiFinishReason('STOP', true) // 'tool_calls'
 */
export function mapGeminiFinishReason(
  finishReason: string | undefined,
  hasToolCalls: boolean,
): FinishReason | null {
  if (finishReason === undefined || finishReason === '' || finishReason === 'FINISH_REASON_UNSPECIFIED')
    return null
  if (finishReason === 'STOP') return hasToolCalls ? 'tool_calls' : 'stop'
  if (finishReason === 'MAX_TOKENS') return 'length'
  if (contentFilterReasons.has(finishReason)) return 'content_filter'
  return finishReason.toLowerCase()
}
