import { randomUUID } from 'node:crypto'
import type { ChatCompletionChunk } from '../../types/chat.js'
import type { ChunkMapper, ProviderResponseContext, StreamEvent } from '../provider.js'
import { createChunkFactory } from '../shared/create-chunk-factory.js'
import { parseStreamEventJson } from '../shared/parse-stream-event-json.js'
import type { GeminiGenerateContentResponse } from './gemini-api-types.js'
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js'
import { mapGeminiUsage } from './map-gemini-usage.js'
import { mapGeminiParts, throwIfGeminiFailed } from './parse-gemini-response.js'

/**
 * Maps `streamGenerateContent?alt=sse` events (each a whole GenerateContentResponse) to OpenAI
 * chunks. The first chunk carries `role` (the openai package's stream reader needs it). Function
 * calls arrive whole and become one tool-call delta each. Usage repeats on every event, so it is
 * emitted once with the finish reason (and again only if it changes afterwards). Gemini has no
 * terminator: events after a finishReason are still read (late usage, gateways that send an early
 * empty STOP), `complete` turns true at the first finishReason, and the stream ends at EOF.
 * @example const mapper = createGeminiChunkMapper(context); mapper.map({ data: line })
 */
export function createGeminiChunkMapper(context: ProviderResponseContext): ChunkMapper {
  const identity = { id: '', created: Math.floor(Date.now() / 1000), model: context.model }
  const { chunk, usageChunk } = createChunkFactory(identity)
  let toolCount = 0
  let complete = false
  let first = true
  let sinceFinish = false
  let lastUsage: string | undefined

  return {
    get finished() {
      return false
    },
    get complete() {
      return complete
    },
    map(event: StreamEvent): ChatCompletionChunk[] {
      if (event.data.trim() === '') return []
      const response = parseStreamEventJson<GeminiGenerateContentResponse>(event.data, context)
      if (response === undefined) return []
      throwIfGeminiFailed(response, context)
      const chunks: ChatCompletionChunk[] = []
      if (identity.id === '') identity.id = response.responseId ?? `chatcmpl-${randomUUID()}`
      if (response.modelVersion) identity.model = response.modelVersion
      if (first) {
        first = false
        chunks.push(chunk({ role: 'assistant', content: '' }))
      }
      const candidate = response.candidates?.[0]
      const { text, reasoning, toolCalls } = mapGeminiParts(candidate?.content?.parts ?? [], toolCount)
      if (reasoning !== '') chunks.push(chunk({ reasoning }))
      if (text !== '') chunks.push(chunk({ content: text }))
      for (const call of toolCalls) {
        chunks.push(
          chunk({
            tool_calls: [
              {
                index: toolCount++,
                id: call.id,
                type: 'function',
                function: { name: call.function.name, arguments: call.function.arguments },
                ...(call.provider_metadata ? { provider_metadata: call.provider_metadata } : {}),
              },
            ],
          }),
        )
      }
      const finishReason = mapGeminiFinishReason(candidate?.finishReason, toolCount > 0)
      // Again after an early empty STOP that more content followed: the last finish reason counts.
      const grew = text !== '' || reasoning !== '' || toolCalls.length > 0
      if (grew) sinceFinish = true
      if (finishReason !== null && (!complete || sinceFinish)) {
        complete = true
        sinceFinish = false
        chunks.push(chunk({}, finishReason, candidate?.finishReason))
      }
      if (complete && response.usageMetadata !== undefined) {
        const usage = JSON.stringify(response.usageMetadata)
        if (usage !== lastUsage) {
          lastUsage = usage
          chunks.push(usageChunk(mapGeminiUsage(response.usageMetadata)))
        }
      }
      return chunks
    },
  }
}
