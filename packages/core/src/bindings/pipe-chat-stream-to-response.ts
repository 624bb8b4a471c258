import type { ServerResponse } from 'node:http'
import { type ChatStreamSource, chatSseHeaders, openChatSseFrames } from './open-chat-sse-frames.js'

/** Options of `pipeChatStreamToResponse()`. */
export interface PipeChatStreamOptions {
  /** Runs once the first chunk arrived, right before the headers are written (Fastify: `reply.hijack()`). */
  beforeHeaders?: () => void
}

/**
 * Writes a completion stream to a Node `ServerResponse` as OpenAI-style server-sent events, no faster
 * than the caller reads (waits for `'drain'` when `write()` returns false). An error before the first
 * chunk is thrown with nothing written, so the framework's error handler answers with a status; the
 * caller disconnecting aborts the upstream call.
 * @example
 * app.post('/chat/stream', async (req, res) => {
 *   await pipeChatStreamToResponse(res, req.llm.stream(req.body))
 * })
 */
export async function pipeChatStreamToResponse(
  response: ServerResponse,
  stream: ChatStreamSource,
  options: PipeChatStreamOptions = {},
): Promise<void> {
  const onClose = () => {
    if (!response.writableFinished) stream.abort()
  }
  response.once('close', onClose)
  try {
    const frames = await openChatSseFrames(stream)
    options.beforeHeaders?.()
    response.writeHead(200, chatSseHeaders)
    response.flushHeaders()
    for await (const frame of frames) {
      if (response.destroyed) break
      if (!response.write(frame)) await drained(response)
    }
    if (!response.destroyed) response.end()
  } finally {
    response.off('close', onClose)
  }
}

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done)
      response.off('close', done)
      resolve()
    }
    response.on('drain', done)
    response.on('close', done)
  })
}
