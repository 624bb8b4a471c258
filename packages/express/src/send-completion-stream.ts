import { type ChatStreamSource, pipeChatStreamToResponse } from '@llm-session/core'
import type { Response } from 'express'

/**
 * Sends a completion stream as OpenAI-style server-sent events, writing no faster than the caller
 * reads. An error before the first chunk is thrown (so the error handler answers with a status); the
 * caller disconnecting aborts the upstream call.
 * @example
 * app.post('/chat/stream', async (req, res) => {
 *   await sendCompletionStream(res, req.llm.stream({ model, ...parseUntrustedChatRequest(req.body) }))
 * })
 */
export function sendCompletionStream(response: Response, stream: ChatStreamSource): Promise<void> {
  return pipeChatStreamToResponse(response, stream)
}
