import { ResponseParseError } from '../../errors/errors.js'
import { createToolCallIndexer, type ToolCallIndexer } from '../../streaming/tool-call-indexer.js'
import type {
  ChatCompletionChunk,
  ChatCompletionChunkChoice,
  ChatCompletionChunkDelta,
  CompletionUsage,
} from '../../types/chat.js'
import type { ChunkMapper, ProviderResponseContext } from '../provider.js'
import { parseStreamEventJson } from '../shared/parse-stream-event-json.js'
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js'
import type { OpenAIChunkPayload } from './openai-api-types.js'
import { createOpenAIError } from './openai-error.js'
import { readOpenAIContent } from './read-openai-content.js'

/**
 * Maps OpenAI-family SSE events to normalised chunks: stops at `[DONE]`, throws a typed error for
 * `event: error` or any payload with a top-level `error` (as openai-node does), gives every tool
 * call fragment an index, and moves `reasoning`/`reasoning_content` to `delta.reasoning`.
 * @example
 * const mapper = createOpenAIChunkMapper(context)
 * const chunks = mapper.map({ data: '{"choices":[]}' })
 */
export function createOpenAIChunkMapper(context: ProviderResponseContext): ChunkMapper {
  let finished = false
  // Choices seen, and those that got their finish reason: a body ending without [DONE] is complete
  // when every choice finished, as openai-node accepts it (llama.cpp, older TGI).
  const open = new Set<number>()
  let sawChoice = false
  const withRole = new Set<number>()
  const indexers = new Map<number, ToolCallIndexer>()
  const indexerFor = (choice: number): ToolCallIndexer => {
    let indexer = indexers.get(choice)
    if (indexer === undefined) {
      indexer = createToolCallIndexer()
      indexers.set(choice, indexer)
    }
    return indexer
  }
  const errorContext = { provider: context.provider, requestId: context.requestId, headers: context.headers }

  return {
    get finished() {
      return finished
    },
    get complete() {
      return sawChoice && open.size === 0
    },
    map(event) {
      if (finished) return []
      if (event.data.trim() === '[DONE]') {
        finished = true
        return []
      }
      let payload: OpenAIChunkPayload | undefined
      try {
        payload = parseStreamEventJson<OpenAIChunkPayload>(event.data, context)
      } catch (error) {
        // An error event whose data is plain text is still the provider's error, not a parse failure.
        if (event.event === 'error') throw createOpenAIError(event.data, errorContext)
        throw error
      }
      if (payload === undefined)
        throw new ResponseParseError(`${context.provider} sent a stream event that is not an object`, {
          provider: context.provider,
          requestId: context.requestId,
        })
      if (
        event.event === 'error' ||
        payload.error != null ||
        (payload as { object?: unknown }).object === 'error'
      )
        throw createOpenAIError(payload, errorContext)
      const chunk = normalizeChunk(payload, indexerFor)
      for (const choice of chunk.choices) {
        // Servers that never send a role (the openai package's reader needs one per choice).
        if (!withRole.has(choice.index)) {
          withRole.add(choice.index)
          choice.delta.role ??= 'assistant'
        }
        sawChoice = true
        if (choice.finish_reason === null) open.add(choice.index)
        else open.delete(choice.index)
      }
      return [chunk]
    },
  }
}

function normalizeChunk(
  payload: OpenAIChunkPayload,
  indexerFor: (choice: number) => ToolCallIndexer,
): ChatCompletionChunk {
  const choices: ChatCompletionChunkChoice[] = (Array.isArray(payload.choices) ? payload.choices : []).map(
    (choice, position) => {
      const index = typeof choice.index === 'number' ? choice.index : position
      const raw = choice.delta ?? {}
      const delta: ChatCompletionChunkDelta = {}
      if (raw.role === 'assistant') delta.role = 'assistant'
      let contentReasoning = ''
      if (Array.isArray(raw.content)) {
        // Mistral's typed chunks: `delta.content` stays a string for every reader.
        const parts = readOpenAIContent(raw.content)
        if (parts.text !== null) delta.content = parts.text
        contentReasoning = parts.reasoning
      } else if (raw.content !== undefined) delta.content = raw.content
      if (raw.refusal !== undefined) delta.refusal = raw.refusal
      const reasoning = raw.reasoning ?? raw.reasoning_content
      if (typeof reasoning === 'string') delta.reasoning = reasoning
      else if (contentReasoning !== '') delta.reasoning = contentReasoning
      if (Array.isArray(raw.annotations)) delta.annotations = raw.annotations
      if (Array.isArray(raw.tool_calls)) {
        const indexer = indexerFor(index)
        delta.tool_calls = raw.tool_calls.map((call, callPosition) => {
          const out: NonNullable<ChatCompletionChunkDelta['tool_calls']>[number] = {
            index: indexer.resolve(call, callPosition),
          }
          if (typeof call.id === 'string' && call.id !== '') out.id = call.id
          if (call.type === 'function' || out.id !== undefined) out.type = 'function'
          if (call.function !== undefined) out.function = { ...call.function }
          return out
        })
      }
      const normalized: ChatCompletionChunkChoice = {
        index,
        delta,
        finish_reason: mapOpenAIFinishReason(choice.finish_reason),
      }
      const native = choice.native_finish_reason ?? choice.finish_reason
      if (typeof native === 'string' && native !== '') normalized.native_finish_reason = native
      if (choice.logprobs !== undefined) normalized.logprobs = choice.logprobs
      return normalized
    },
  )
  const usage = (payload.usage ?? payload.x_groq?.usage ?? null) as CompletionUsage | null
  const chunk: ChatCompletionChunk = {
    id: typeof payload.id === 'string' ? payload.id : '',
    object: 'chat.completion.chunk',
    created: typeof payload.created === 'number' ? payload.created : 0,
    model: typeof payload.model === 'string' ? payload.model : '',
    choices,
    usage,
  }
  if (payload.system_fingerprint !== undefined) chunk.system_fingerprint = payload.system_fingerprint
  if (payload.service_tier !== undefined) chunk.service_tier = payload.service_tier
  return chunk
}
