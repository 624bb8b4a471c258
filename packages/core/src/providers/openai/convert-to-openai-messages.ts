import type { AssistantMessage, ChatMessage } from '../../types/chat.js'
import { defaultOpenAICompatibility, type OpenAICompatibility } from './openai-compatibility.js'

function convertAssistantMessage(
  message: AssistantMessage,
  compatibility: OpenAICompatibility,
): Record<string, unknown> {
  const out: Record<string, unknown> = { role: 'assistant', content: message.content ?? null }
  if (message.name !== undefined && !compatibility.strict) out.name = message.name
  if (compatibility.refusal && typeof message.refusal === 'string') out.refusal = message.refusal
  if (message.tool_calls !== undefined && message.tool_calls.length > 0)
    out.tool_calls = message.tool_calls.map((call) => ({
      id: call.id,
      type: call.type,
      function: { name: call.function.name, arguments: call.function.arguments },
    }))
  const reasoning = message.reasoning ?? message.reasoning_content
  if (compatibility.reasoningField !== undefined && typeof reasoning === 'string')
    out[compatibility.reasoningField] = reasoning
  return out
}

/**
 * Builds the `messages` a server accepts. Assistant messages (often pushed back exactly as we
 * returned them) keep only the fields the target takes: no `refusal: null`, `annotations`,
 * `thinking_blocks` or our `provider_metadata`, which strict servers reject; `reasoning` goes
 * back under the server's own name when it requires it (DeepSeek's `reasoning_content`).
 * @example
 * convertToOpenAIMessages([{ role: 'user', content: 'Hi' }])
 */
export function convertToOpenAIMessages(
  messages: ChatMessage[],
  compatibility: OpenAICompatibility = defaultOpenAICompatibility,
): Record<string, unknown>[] {
  return messages.map((message) => {
    if (message.role === 'assistant') return convertAssistantMessage(message, compatibility)
    const out: Record<string, unknown> = { ...message }
    if (compatibility.strict && message.role !== 'tool') delete out.name
    return out
  })
}
