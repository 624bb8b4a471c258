import type { ChatCompletion, ChatMessage, ContentPart } from '../types/chat.js'
import type { CompletionRequest } from '../types/request.js'
import type { TelemetryAttributes } from './gen-ai-attributes.js'

type Part = Record<string, unknown>

function partsOf(content: string | readonly ContentPart[] | null | undefined): Part[] {
  if (typeof content === 'string') return [{ type: 'text', content }]
  if (!Array.isArray(content)) return []
  // Images are referred to, never copied: a data URL can be megabytes.
  return content.map((part) =>
    part.type === 'text' ? { type: 'text', content: part.text } : { type: 'uri', modality: 'image' },
  )
}

function messageParts(message: ChatMessage): Part[] {
  const parts = partsOf(message.content as string | ContentPart[] | null | undefined)
  if (message.role === 'assistant')
    for (const call of message.tool_calls ?? [])
      parts.push({
        type: 'tool_call',
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
      })
  if (message.role === 'tool')
    return [{ type: 'tool_call_response', id: message.tool_call_id, response: parts }]
  return parts
}

/**
 * `gen_ai.system_instructions`, `gen_ai.input.messages` and `gen_ai.output.messages` (JSON, in the
 * conventions' parts shape). Opt-in only: messages are the user's data. Keys and headers are never
 * part of them.
 */
export function contentAttributes(
  request: Readonly<CompletionRequest>,
  result: ChatCompletion | undefined,
): TelemetryAttributes {
  const attributes: TelemetryAttributes = {}
  const system = request.messages.filter((m) => m.role === 'system' || m.role === 'developer')
  const input = request.messages.filter((m) => m.role !== 'system' && m.role !== 'developer')
  if (system.length > 0)
    attributes['gen_ai.system_instructions'] = JSON.stringify(system.flatMap((m) => messageParts(m)))
  attributes['gen_ai.input.messages'] = JSON.stringify(
    input.map((message) => ({ role: message.role, parts: messageParts(message) })),
  )
  if (result !== undefined)
    attributes['gen_ai.output.messages'] = JSON.stringify(
      result.choices.map((choice) => ({
        role: 'assistant',
        parts: messageParts({ ...choice.message, role: 'assistant' } as ChatMessage),
        finish_reason: choice.finish_reason ?? 'error',
      })),
    )
  return attributes
}

/** The conventions' opt-in switch for content, as the OTel GenAI instrumentations read it. */
export function captureContentFromEnv(): boolean {
  const value = process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT
  return value !== undefined && value.trim().toLowerCase() === 'true'
}
