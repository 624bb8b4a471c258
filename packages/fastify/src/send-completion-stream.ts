import { Readable } from 'node:stream'
import type { FastifyReply } from 'fastify'
import { type CompletionStreamLike, openCompletionFrames, sseHeaders } from './completion-sse.js'

/**
 * Sends a completion stream as OpenAI-style server-sent events. Fastify pipes it, so it writes no
 * faster than the caller reads; the caller disconnecting destroys the pipe, which aborts the upstream
 * call. An error before the first chunk is thrown, so the error handler answers with a status.
 * @example
 * app.post('/chat/stream', (request, reply) => sendCompletionStream(reply, request.llm.stream(request.body)))
 */
export async function sendCompletionStream(
  reply: FastifyReply,
  stream: CompletionStreamLike,
): Promise<FastifyReply> {
  const frames = await openCompletionFrames(stream)
  return reply
    .code(200)
    .headers(sseHeaders)
    .send(Readable.from(frames, { objectMode: false }))
}
