import type {
  ChatCompletionChunk,
  ChatCompletionChunkDelta,
  CompletionUsage,
  FinishReason,
} from '../../types/chat.js'

/** What every chunk of one stream repeats; read at each call, so a mapper may update it as it learns. */
export interface ChunkIdentity {
  id: string
  created: number
  model: string
}

/** Builds the one-choice chunks of a stream (see `createChunkFactory`). */
export interface ChunkFactory {
  /** A chunk with one choice carrying `delta` (and `finishReason`, null by default, with the provider's raw reason). */
  chunk(
    delta: ChatCompletionChunkDelta,
    finishReason?: FinishReason | null,
    nativeFinishReason?: string,
  ): ChatCompletionChunk
  /** The closing chunk with no choices and the stream's usage, as OpenAI sends with include_usage. */
  usageChunk(usage: CompletionUsage): ChatCompletionChunk
}

/**
 * Shared because the Anthropic, Gemini and Ollama mappers all answer in OpenAI chunks with a
 * single choice: one place builds them from the stream's id, creation time and model.
 * @example
 * const identity = { id: 'msg_1', created: 1700000000, model: 'claude-sonnet-4-5' }
 * createChunkFactory(identity).chunk({ content: 'Hi' }).choices[0].delta // { content: 'Hi' }
 */
export function createChunkFactory(identity: Readonly<ChunkIdentity>): ChunkFactory {
  const chunk = (
    delta: ChatCompletionChunkDelta,
    finishReason: FinishReason | null = null,
    nativeFinishReason?: string,
  ): ChatCompletionChunk => ({
    id: identity.id,
    object: 'chat.completion.chunk',
    created: identity.created,
    model: identity.model,
    choices: [
      nativeFinishReason === undefined
        ? { index: 0, delta, finish_reason: finishReason }
        : { index: 0, delta, finish_reason: finishReason, native_finish_reason: nativeFinishReason },
    ],
  })
  return {
    chunk,
    usageChunk: (usage) => ({ ...chunk({}), choices: [], usage }),
  }
}
