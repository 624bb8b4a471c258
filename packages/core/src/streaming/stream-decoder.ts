import type { StreamEvent } from '../providers/provider.js'
import { createEventStreamDecoder } from './event-stream-decoder.js'
import { createNdjsonFramer } from './ndjson-framer.js'
import { createSseFramer, type StreamFramerOptions } from './sse-framer.js'

/** Bytes in, framed events out. */
export interface StreamDecoder {
  push(bytes: Uint8Array): StreamEvent[]
  end(): StreamEvent[]
}

/**
 * Decodes a response body as UTF-8 with a streaming `TextDecoder` (a chunk may end inside a
 * character) and frames it as SSE or NDJSON. Bytes that are not UTF-8 become U+FFFD, as in
 * openai-node, the Anthropic SDK and @google/genai (all decode with a non-fatal TextDecoder): one
 * bad byte from a server costs one character, not the whole answer.
 * @example
 * const decoder = createStreamDecoder('sse')
 * for await (const bytes of body) for (const event of decoder.push(bytes)) handle(event)
 * for (const event of decoder.end()) handle(event)
 */
export function createStreamDecoder(
  format: 'sse' | 'ndjson' | 'eventstream',
  options: StreamFramerOptions = {},
): StreamDecoder {
  // Binary framing: no text decoding before it.
  if (format === 'eventstream') return createEventStreamDecoder(options)
  const text = new TextDecoder('utf-8')
  const framer = format === 'sse' ? createSseFramer(options) : createNdjsonFramer(options)
  return {
    push(bytes) {
      return framer.push(text.decode(bytes, { stream: true }))
    },
    end() {
      const rest = text.decode()
      const events = rest === '' ? [] : framer.push(rest)
      return events.concat(framer.end())
    },
  }
}
