import { randomUUID } from 'node:crypto'
import type { ChatCompletionChunk } from '../../types/chat.js'
import type { ChunkMapper, ProviderResponseContext, StreamEvent } from '../provider.js'
import { createChunkFactory } from '../shared/create-chunk-factory.js'
import { parseStreamEventJson } from '../shared/parse-stream-event-json.js'
import { mapOllamaFinishReason } from './map-ollama-finish-reason.js'
import { mapOllamaUsage } from './map-ollama-usage.js'
import type { OllamaChatResponse } from './ollama-api-types.js'
import { parseOllamaError } from './ollama-error.js'

/**
 * Maps Ollama NDJSON lines (`/api/chat`, also `/api/generate`'s `response`) to OpenAI chunks.
 * Tool calls arrive whole with object arguments: each becomes one delta with stringified
 * arguments and an id (`call_<n>` when Ollama sends none). `done: true` gives the finish reason
 * and usage; an `{"error": "…"}` line throws.
 * @example const mapper = createOllamaChunkMapper(context); mapper.map({ data: line })
 */
export function createOllamaChunkMapper(context: ProviderResponseContext): ChunkMapper {
  let created: number | undefined
  let toolCount = 0
  let finished = false
  let first = true
  const identity = {
    id: `chatcmpl-${randomUUID()}`,
    model: context.model,
    // The first line's created_at, once one came; until then the time of each chunk.
    get created() {
      return created ?? Math.floor(Date.now() / 1000)
    },
  }
  const { chunk, usageChunk } = createChunkFactory(identity)

  return {
    get finished() {
      return finished
    },
    map(event: StreamEvent): ChatCompletionChunk[] {
      if (event.data.trim() === '') return []
      const line = parseStreamEventJson<OllamaChatResponse>(event.data, context, { unit: 'line' })
      if (line === undefined) return []
      if (line.error !== undefined) {
        throw parseOllamaError({ status: 200, headers: context.headers, body: line }, context)
      }
      if (typeof line.model === 'string' && line.model !== '') identity.model = line.model
      if (created === undefined && line.created_at !== undefined) {
        const time = Date.parse(line.created_at)
        if (!Number.isNaN(time)) created = Math.floor(time / 1000)
      }
      const chunks: ChatCompletionChunk[] = []
      // The openai package's stream reader needs a role per choice: the first chunk carries it.
      if (first) {
        first = false
        chunks.push(chunk({ role: 'assistant', content: '' }))
      }
      const message = line.message
      if (message?.thinking) chunks.push(chunk({ reasoning: message.thinking }))
      const text = message?.content ?? line.response
      if (text) chunks.push(chunk({ content: text }))
      for (const call of message?.tool_calls ?? []) {
        const index = toolCount++
        chunks.push(
          chunk({
            tool_calls: [
              {
                index,
                id: call.id || `call_${index}`,
                type: 'function',
                function: {
                  name: call.function.name,
                  arguments: JSON.stringify(call.function.arguments ?? {}),
                },
              },
            ],
          }),
        )
      }
      if (line.done === true && !finished) {
        finished = true
        chunks.push(chunk({}, mapOllamaFinishReason(line.done_reason, toolCount > 0), line.done_reason))
        chunks.push(usageChunk(mapOllamaUsage(line)))
      }
      return chunks
    },
  }
}
