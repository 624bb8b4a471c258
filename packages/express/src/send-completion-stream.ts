import type { Response } from 'express'
import { type CompletionStreamLike, openCompletionFrames, sseHeaders } from './completion-sse.js'

/**
 * Sends a completion stream as OpenAI-style server-sent events, writing no faster than the caller
 * reads (waits for `'drain'` when `write()` returns false). An error before the first chunk is thrown
 * (so the error handler answers with a status); the caller disconnecting aborts the upstream call.
 * @example
 * app.post('/chat/stream', async (req, res) => {
 *   await sendCompletionStream(res, req.llm.stream(req.body))
 * })
 */
export async function sendCompletionStream(response: Response, stream: CompletionStreamLike): Promise<void> {
  const onClose = () => {
    if (!response.writableFinished) stream.abort()
  }
  response.once('close', onClose)
  try {
    const frames = await openCompletionFrames(stream)
    response.status(200).set(sseHeaders)
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

function drained(response: Response): Promise<void> {
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
