import diagnosticsChannel from 'node:diagnostics_channel'
import type { CallOperation } from '../client/call-middleware.js'
import type { ChatCompletion, EmbeddingResponse } from '../types/chat.js'
import type { TelemetryAttributes } from './gen-ai-attributes.js'

/**
 * The diagnostics_channel TracingChannel every call is published on.
 * @example
 * diagnostics_channel.tracingChannel(callTracingChannelName).subscribe(handlers)
 */
export const callTracingChannelName = 'llm-session:call'

/**
 * What subscribers of `llm-session:call` get, the same object for every event of one call:
 * `start` and `end` around the call's synchronous start, `asyncStart` and `asyncEnd` when it
 * settles (a stream when it ends, fails or is abandoned), `error` before them on failure.
 * Never a key, a header or message content.
 * @example
 * diagnostics_channel.tracingChannel('llm-session:call').subscribe({
 *   start(message) {}, end() {}, asyncStart() {},
 *   asyncEnd(message: LlmCallChannelMessage) { console.log(message.operation, message.attributes['gen_ai.usage.output_tokens']) },
 *   error(message) { console.error(message.error) },
 * })
 */
export interface LlmCallChannelMessage {
  operation: CallOperation
  /** The model string as asked, e.g. `openai/gpt-4o`. */
  model: string
  requestId: string | undefined
  sessionId: string | undefined
  /** The span's attributes (GenAI conventions), updated as the call goes on. */
  attributes: TelemetryAttributes
  result?: ChatCompletion | EmbeddingResponse
  error?: unknown
}

export const callTracingChannel = diagnosticsChannel.tracingChannel<unknown, LlmCallChannelMessage>(
  callTracingChannelName,
)
