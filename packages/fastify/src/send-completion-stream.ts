import { Readable } from 'node:stream'
import { type ChatStreamSource, chatSseHeaders, openChatSseFrames } from '@llm-session/core'
import type { FastifyReply } from 'fastify'

/**
 * Sends a completion stream as OpenAI-style server-sent events. Fastify pipes it, so it writes no
 * faster than the caller reads; the caller disconnecting destroys the pipe, which aborts the upstream
 * call. An error before the first chunk is thrown, so the error handler answers with a status.
 * @example
 * app.post('/chat/stream', (request, reply) =>
 *   sendCompletionStream(reply, request.llm.stream({ model, ...parseUntrustedChatRequest(request.body) })),
 * )
 */
export async function sendCompletionStream(
  reply: FastifyReply,
  stream: ChatStreamSource,
): Promise<FastifyReply> {
  const frames = await openChatSseFrames(stream)
  // A Readable sent through the reply rather than the raw pump: the reply stays Fastify's, so onSend
  // hooks (headers), logging and onResponse still run.
  return reply
    .code(200)
    .headers(chatSseHeaders)
    .send(Readable.from(frames, { objectMode: false }))
}
