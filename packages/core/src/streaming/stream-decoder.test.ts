import { describe, expect, it } from 'vitest'
import { createStreamDecoder } from './stream-decoder.js'

describe('createStreamDecoder', () => {
  it('joins a character split across two chunks', () => {
    const decoder = createStreamDecoder('sse')
    const bytes = Buffer.from('data: é\n\n')
    const split = bytes.indexOf(0xa9)
    expect(decoder.push(bytes.subarray(0, split))).toEqual([])
    expect(decoder.push(bytes.subarray(split)).map((event) => event.data)).toEqual(['é'])
  })

  it('replaces bytes that are not UTF-8 with U+FFFD, as the SDKs do, and keeps the rest', () => {
    const decoder = createStreamDecoder('ndjson')
    expect(decoder.push(Buffer.from([0x7b, 0xc3, 0x28, 0x7d, 0x0a])).map((event) => event.data)).toEqual([
      '{\ufffd(}',
    ])
    expect(createStreamDecoder('sse').push(Buffer.from('data: a\xff b\n\n', 'latin1'))[0]?.data).toBe(
      'a\ufffd b',
    )
  })

  it('ends a character cut off by the end of the stream as U+FFFD', () => {
    const decoder = createStreamDecoder('sse')
    expect(decoder.push(Buffer.from([0x64, 0x61, 0x74, 0x61, 0x3a, 0x20, 0x64, 0xc3]))).toEqual([])
    expect(decoder.end().map((event) => event.data)).toEqual(['d\ufffd'])
  })
})
