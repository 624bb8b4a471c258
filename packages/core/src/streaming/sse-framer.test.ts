import { describe, expect, it } from 'vitest'
import { createSseFramer } from './sse-framer.js'
import { createStreamDecoder } from './stream-decoder.js'

const frame = (...pieces: string[]) => {
  const framer = createSseFramer()
  return [...pieces.flatMap((piece) => framer.push(piece)), ...framer.end()]
}

describe('createSseFramer', () => {
  it('splits events on \\n\\n, \\r\\n\\r\\n and \\r\\r', () => {
    expect(frame('data: a\n\ndata: b\r\n\r\ndata: c\r\rdata: d\n\n')).toEqual([
      { data: 'a' },
      { data: 'b' },
      { data: 'c' },
      { data: 'd' },
    ])
  })

  it('keeps a \\r\\n pair split across pieces as one line end', () => {
    expect(frame('data: a\r', '\n\r', '\ndata: b\r\n\r\n')).toEqual([{ data: 'a' }, { data: 'b' }])
  })

  it('ignores comments, joins multi-line data, keeps the event name, strips one space', () => {
    expect(frame(': OPENROUTER PROCESSING\n\nevent: error\ndata:  x\ndata: y\n\n')).toEqual([
      { event: 'error', data: ' x\ny' },
    ])
  })

  it('flushes a last event that lacks its blank line at end of body', () => {
    expect(frame('data: [DONE]')).toEqual([{ data: '[DONE]' }])
  })

  it('frames a 1 MB event written in 1-byte pieces with linear work', () => {
    // Counts characters the parser scans (indexOf from its start point, and joins) instead of timing.
    const size = 1024 * 1024
    const body = `data: ${'x'.repeat(size)}\n\n`
    const bytes = new TextEncoder().encode(body)
    const decoder = createStreamDecoder('sse')
    const originalIndexOf = String.prototype.indexOf
    const originalJoin = Array.prototype.join
    let scanned = 0
    String.prototype.indexOf = function (this: string, search: string, from?: number) {
      scanned += this.length - (from ?? 0)
      return originalIndexOf.call(this, search, from)
    }
    Array.prototype.join = function (this: unknown[], separator?: string) {
      const joined = originalJoin.call(this, separator)
      scanned += joined.length
      return joined
    }
    const events = []
    try {
      for (let offset = 0; offset < bytes.length; offset++)
        events.push(...decoder.push(bytes.subarray(offset, offset + 1)))
      events.push(...decoder.end())
    } finally {
      String.prototype.indexOf = originalIndexOf
      Array.prototype.join = originalJoin
    }
    expect(events).toHaveLength(1)
    expect(events[0]?.data.length).toBe(size)
    // Quadratic re-scanning would be ~size²/2 = 5.5e11; linear is a small multiple of size.
    expect(scanned).toBeGreaterThan(size)
    expect(scanned).toBeLessThan(10 * size)
  })
})

describe('createStreamDecoder', () => {
  it('decodes UTF-8 split inside a character', () => {
    const bytes = new TextEncoder().encode('data: héllo €😀\n\n')
    const decoder = createStreamDecoder('sse')
    const events = []
    for (let offset = 0; offset < bytes.length; offset++)
      events.push(...decoder.push(bytes.subarray(offset, offset + 1)))
    events.push(...decoder.end())
    expect(events).toEqual([{ data: 'héllo €😀' }])
  })

  it('frames NDJSON lines, with \\r\\n and without a final newline', () => {
    const decoder = createStreamDecoder('ndjson')
    const bytes = new TextEncoder().encode('{"a":1}\r\n\n{"b":')
    const events = [...decoder.push(bytes), ...decoder.push(new TextEncoder().encode('2}')), ...decoder.end()]
    expect(events).toEqual([{ data: '{"a":1}' }, { data: '{"b":2}' }])
  })
})
