import type { ServerResponse } from 'node:http'
import { type ChatStreamSource, pipeChatStreamToResponse } from '@llm-session/core'

/** An Express response (a Node `ServerResponse`) or a Fastify reply (`.raw`, `.hijack()`). */
export type NestResponse = ServerResponse | { raw: ServerResponse; hijack(): unknown }

/**
 * Sends a completion stream as OpenAI-style server-sent events through `@Res()`, writing no faster
 * than the caller reads (waits for `'drain'`). An error before the first chunk is thrown, so exception
 * filters answer with a status; the caller disconnecting aborts the upstream call.
 * @example
 * @Post('chat/stream')
 * async stream(@Body() body: unknown, @Llm() llm: LlmClient, @Res() res: Response) {
 *   await sendCompletionStream(res, llm.stream({ model, ...parseUntrustedChatRequest(body) }))
 * }
 */
export function sendCompletionStream(target: NestResponse, stream: ChatStreamSource): Promise<void> {
  if (!('raw' in target)) return pipeChatStreamToResponse(target, stream)
  // Fastify must be told the reply is written by hand, once the stream has started.
  return pipeChatStreamToResponse(target.raw, stream, { beforeHeaders: () => target.hijack() })
}
