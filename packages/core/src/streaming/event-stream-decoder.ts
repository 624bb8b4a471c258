import { EventStreamCodec } from '@smithy/core/event-streams'
import type { StreamEvent } from '../providers/provider.js'
import type { StreamFramerOptions } from './sse-framer.js'
import { StreamFramingError } from './sse-framer.js'
import type { StreamDecoder } from './stream-decoder.js'

/** Prelude (total length, headers length, prelude CRC) plus the message CRC. */
const minimumMessageLength = 16

const utf8 = new TextDecoder('utf-8', { fatal: true })
const encoder = new TextEncoder()

/**
 * Decodes an AWS event stream (`application/vnd.amazon.eventstream`) straight from the response
 * bytes: each binary message is cut out by the total length in its prelude and decoded by the AWS
 * SDK's own codec (`@smithy/core/event-streams`), which checks the prelude and message CRCs. Each
 * message becomes one event: `event` is its `:event-type` (or `:exception-type` / `:error-code`),
 * `data` the UTF-8 payload, `messageType` its `:message-type`.
 * @example
 * const decoder = createEventStreamDecoder()
 * for await (const bytes of body) for (const event of decoder.push(bytes)) handle(event)
 */
export function createEventStreamDecoder(options: StreamFramerOptions = {}): StreamDecoder {
  const maxEventSize = options.maxEventSize ?? 32 * 1024 * 1024
  const codec = new EventStreamCodec(
    (bytes) => utf8.decode(bytes),
    (text) => encoder.encode(text),
  )
  const chunks: Uint8Array[] = []
  let buffered = 0

  const take = (length: number): Uint8Array => {
    const out = new Uint8Array(length)
    let filled = 0
    while (filled < length) {
      const head = chunks[0]!
      const count = Math.min(head.length, length - filled)
      out.set(head.subarray(0, count), filled)
      filled += count
      if (count === head.length) chunks.shift()
      else chunks[0] = head.subarray(count)
    }
    buffered -= length
    return out
  }

  const peekLength = (): number => {
    const prelude = new Uint8Array(4)
    let filled = 0
    for (const chunk of chunks) {
      const count = Math.min(chunk.length, 4 - filled)
      prelude.set(chunk.subarray(0, count), filled)
      filled += count
      if (filled === 4) break
    }
    return new DataView(prelude.buffer).getUint32(0, false)
  }

  return {
    push(bytes) {
      if (bytes.length > 0) {
        chunks.push(bytes)
        buffered += bytes.length
      }
      const events: StreamEvent[] = []
      while (buffered >= 4) {
        const length = peekLength()
        if (length < minimumMessageLength)
          throw new StreamFramingError(
            `an event-stream message declares ${length} bytes, fewer than its prelude`,
          )
        if (length > maxEventSize)
          throw new StreamFramingError(
            `an event-stream message of ${length} bytes is past the limit of ${maxEventSize}`,
          )
        if (buffered < length) break
        events.push(toStreamEvent(codec, take(length)))
      }
      return events
    },
    end() {
      if (buffered > 0)
        throw new StreamFramingError(`the event stream ended inside a message (${buffered} bytes left)`)
      return []
    },
  }
}

function toStreamEvent(codec: EventStreamCodec, bytes: Uint8Array): StreamEvent {
  let message: ReturnType<EventStreamCodec['decode']>
  let data: string
  try {
    message = codec.decode(bytes)
    data = utf8.decode(message.body)
  } catch (error) {
    throw new StreamFramingError(
      `an event-stream message could not be decoded (${error instanceof Error ? error.message : String(error)})`,
    )
  }
  const header = (name: string): string | undefined => {
    const value = message.headers[name]?.value
    return typeof value === 'string' ? value : undefined
  }
  const messageType = header(':message-type') ?? 'event'
  if (messageType === 'exception') return { event: header(':exception-type'), data, messageType }
  if (messageType === 'error')
    // An unmodeled error carries its code and message in headers, not in the payload.
    return {
      event: header(':error-code'),
      data: JSON.stringify({ message: header(':error-message') ?? data }),
      messageType,
    }
  return { event: header(':event-type'), data, messageType }
}
