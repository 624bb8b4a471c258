import type { ChatCompletionChunk } from '@llm-session/core'
import { mapLlmError } from './map-llm-error.js'

/** What the SSE helpers need of `client.stream()`. */
export interface CompletionStreamLike extends AsyncIterable<ChatCompletionChunk> {
  abort(reason?: unknown): void
}

/** The headers of an OpenAI-style completion stream. */
export const sseHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
} as const

/**
 * Waits for the first chunk, so that an error before any token (429, bad request) still becomes a
 * normal HTTP error answer, then yields OpenAI-style SSE frames ending with `data: [DONE]`. An error
 * after the first chunk is sent as a last `data: {"error": ...}` frame. Returning early (the client
 * went away) aborts the upstream call.
 */
export async function openCompletionFrames(stream: CompletionStreamLike): Promise<AsyncGenerator<string>> {
  const iterator = stream[Symbol.asyncIterator]()
  const first = await iterator.next()
  return (async function* frames() {
    let finished = false
    try {
      if (first.done !== true) yield `data: ${JSON.stringify(first.value)}\n\n`
      while (first.done !== true) {
        const next = await iterator.next()
        if (next.done === true) break
        yield `data: ${JSON.stringify(next.value)}\n\n`
      }
      finished = true
      yield 'data: [DONE]\n\n'
    } catch (error) {
      finished = true
      const mapped = mapLlmError(error)
      const body = mapped?.body ?? { error: { message: 'Internal error.', type: 'internal_error' } }
      yield `data: ${JSON.stringify(body)}\n\n`
    } finally {
      if (!finished) {
        stream.abort()
        await iterator.return?.().catch(() => undefined)
      }
    }
  })()
}
