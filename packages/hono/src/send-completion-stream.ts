import { type ChatStreamSource, chatSseHeaders, openChatSseFrames } from '@llm-session/core'
import type { Context } from 'hono'

const encoder = new TextEncoder()

/**
 * Answers with a completion stream as OpenAI-style server-sent events. The body is pulled, so it is
 * produced no faster than the caller reads; a cancelled body (the caller went away) aborts the
 * upstream call. An error before the first chunk is thrown, so `app.onError` answers with a status.
 * @example
 * app.post('/chat/stream', async (c) =>
 *   sendCompletionStream(c, c.var.llm.stream({ model, ...parseUntrustedChatRequest(await c.req.json()) })),
 * )
 */
export async function sendCompletionStream(c: Context, stream: ChatStreamSource): Promise<Response> {
  const frames = await openChatSseFrames(stream)
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await frames.next()
      if (next.done === true) controller.close()
      else controller.enqueue(encoder.encode(next.value))
    },
    async cancel() {
      await frames.return(undefined)
    },
  })
  return c.body(body, 200, { ...chatSseHeaders })
}
