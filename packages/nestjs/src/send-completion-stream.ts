import type { ServerResponse } from 'node:http'
import { type CompletionStreamLike, openCompletionFrames, sseHeaders } from './completion-sse.js'

/** An Express response (a Node `ServerResponse`) or a Fastify reply (`.raw`, `.hijack()`). */
export type NestResponse = ServerResponse | { raw: ServerResponse; hijack(): unknown }

/**
 * Sends a completion stream as OpenAI-style server-sent events through `@Res()`, writing no faster
 * than the caller reads (waits for `'drain'`). An error before the first chunk is thrown, so exception
 * filters answer with a status; the caller disconnecting aborts the upstream call.
 * @example
 * @Post('chat/stream')
 * async stream(@Body() body: CompletionRequest, @Llm() llm: LlmClient, @Res() res: Response) {
 *   await sendCompletionStream(res, llm.stream(body))
 * }
 */
export async function sendCompletionStream(
  target: NestResponse,
  stream: CompletionStreamLike,
): Promise<void> {
  const response = 'raw' in target ? target.raw : target
  const onClose = () => {
    if (!response.writableFinished) stream.abort()
  }
  response.once('close', onClose)
  try {
    const frames = await openCompletionFrames(stream)
    // Fastify must be told the reply is written by hand.
    if ('hijack' in target) target.hijack()
    response.writeHead(200, sseHeaders)
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
