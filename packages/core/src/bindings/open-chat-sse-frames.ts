import { mapErrorToCallerBody } from '../errors/map-llm-error-to-http.js'
import type { ChatCompletionChunk } from '../types/chat.js'

/** What the SSE helpers need of `client.stream()` (a `ChatStream`). */
export interface ChatStreamSource extends AsyncIterable<ChatCompletionChunk> {
  abort(reason?: unknown): void
}

/** The response headers of an OpenAI-style completion stream (no proxy buffering). */
export const chatSseHeaders: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
})

/**
 * Waits for the first chunk, so that an error before any token (429, bad request) still becomes a
 * normal HTTP error answer, then yields OpenAI-style SSE frames ending with `data: [DONE]`. An error
 * after the first chunk is sent as a last `data: {"error": ...}` frame (the mapped, secret-free body).
 * Returning early (the caller went away) aborts the upstream call.
 * @example
 * const frames = await openChatSseFrames(llm.stream(request)) // throws before any header is sent
 * return reply.headers(chatSseHeaders).send(Readable.from(frames))
 */
export async function openChatSseFrames(stream: ChatStreamSource): Promise<AsyncGenerator<string>> {
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
      yield `data: ${JSON.stringify(mapErrorToCallerBody(error))}\n\n`
    } finally {
      if (!finished) {
        stream.abort()
        await iterator.return?.().catch(() => undefined)
      }
    }
  })()
}
