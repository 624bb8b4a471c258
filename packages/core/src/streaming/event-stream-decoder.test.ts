import { EventStreamCodec } from '@smithy/core/event-streams'
import { describe, expect, it } from 'vitest'
import { createEventStreamDecoder } from './event-stream-decoder.js'
import { StreamFramingError } from './sse-framer.js'

const codec = new EventStreamCodec(
  (bytes) => new TextDecoder().decode(bytes),
  (text) => new TextEncoder().encode(text),
)
const string = (value: string) => ({ type: 'string' as const, value })

function message(headers: Record<string, string>, payload: string): Uint8Array {
  return codec.encode({
    headers: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, string(value)])),
    body: new TextEncoder().encode(payload),
  })
}

const event = (type: string, payload: unknown) =>
  message(
    { ':event-type': type, ':message-type': 'event', ':content-type': 'application/json' },
    JSON.stringify(payload),
  )

describe('createEventStreamDecoder', () => {
  it('decodes messages cut at every byte, with a multi-byte character split across reads', () => {
    const bytes = Buffer.concat([
      event('messageStart', { role: 'assistant' }),
      event('contentBlockDelta', { delta: { text: 'héllo 👋' } }),
    ])
    const decoder = createEventStreamDecoder()
    const events = []
    for (let i = 0; i < bytes.length; i++) events.push(...decoder.push(bytes.subarray(i, i + 1)))
    events.push(...decoder.end())
    expect(events).toEqual([
      { event: 'messageStart', data: '{"role":"assistant"}', messageType: 'event' },
      { event: 'contentBlockDelta', data: '{"delta":{"text":"héllo 👋"}}', messageType: 'event' },
    ])
  })

  it('names exceptions by :exception-type and errors by :error-code', () => {
    const decoder = createEventStreamDecoder()
    const exception = message(
      { ':exception-type': 'throttlingException', ':message-type': 'exception' },
      '{"message":"slow down"}',
    )
    const error = message(
      { ':error-code': 'InternalFailure', ':error-message': 'boom', ':message-type': 'error' },
      '',
    )
    expect(decoder.push(Buffer.concat([exception, error]))).toEqual([
      { event: 'throttlingException', data: '{"message":"slow down"}', messageType: 'exception' },
      { event: 'InternalFailure', data: '{"message":"boom"}', messageType: 'error' },
    ])
  })

  it('fails on a bad checksum, a truncated message, an impossible or oversized length', () => {
    const corrupt = Buffer.from(event('contentBlockDelta', { delta: { text: 'x' } }))
    corrupt[corrupt.length - 6]! ^= 0xff
    expect(() => createEventStreamDecoder().push(corrupt)).toThrow(StreamFramingError)

    const whole = Buffer.from(event('messageStop', { stopReason: 'end_turn' }))
    const truncated = createEventStreamDecoder()
    expect(truncated.push(whole.subarray(0, whole.length - 3))).toEqual([])
    expect(() => truncated.end()).toThrow(/ended inside a message/)

    const tiny = Buffer.alloc(8)
    tiny.writeUInt32BE(8, 0)
    expect(() => createEventStreamDecoder().push(tiny)).toThrow(/fewer than its prelude/)
    expect(() => createEventStreamDecoder({ maxEventSize: 32 }).push(whole)).toThrow(/past the limit/)
  })

  it('refuses a payload that is not UTF-8', () => {
    const bytes = codec.encode({
      headers: { ':event-type': string('x') },
      body: new Uint8Array([0xff, 0xfe]),
    })
    expect(() => createEventStreamDecoder().push(bytes)).toThrow(StreamFramingError)
  })
})
