import type { ChatMessage } from '../../types/chat.js'

/**
 * Copies the fields OpenAI accepts, dropping our own `provider_metadata` on tool calls (OpenAI
 * rejects unknown fields).
 * @example
 * convertToOpenAIMessages([{ role: 'user', content: 'Hi' }])
 */
export function convertToOpenAIMessages(messages: ChatMessage[]): Record<string, unknown>[] {
  return messages.map((message) => {
    const out: Record<string, unknown> = { ...message }
    if (message.role === 'assistant' && message.tool_calls !== undefined) {
      out.tool_calls = message.tool_calls.map((call) => ({
        id: call.id,
        type: call.type,
        function: { name: call.function.name, arguments: call.function.arguments },
      }))
    }
    return out
  })
}
