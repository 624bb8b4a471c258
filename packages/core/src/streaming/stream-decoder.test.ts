import { describe, expect, it } from 'vitest'
import { StreamFramingError } from './sse-framer.js'
import { createStreamDecoder } from './stream-decoder.js'

describe('createStreamDecoder', () => {
  it('joins a character split across two chunks', () => {
    const decoder = createStreamDecoder('sse')
    const bytes = Buffer.from('data: é\n\n')
    const split = bytes.indexOf(0xa9)
    expect(decoder.push(bytes.subarray(0, split))).toEqual([])
    expect(decoder.push(bytes.subarray(split)).map((event) => event.data)).toEqual(['é'])
  })

  it('fails on bytes that are not UTF-8 instead of passing U+FFFD on', () => {
    const decoder = createStreamDecoder('ndjson')
    expect(() => decoder.push(Buffer.from([0x7b, 0xc3, 0x28, 0x7d, 0x0a]))).toThrow(StreamFramingError)
    expect(() => createStreamDecoder('sse').push(Buffer.from([0xff]))).toThrow('not valid UTF-8')
  })

  it('fails at the end on a character cut off by the end of the stream', () => {
    const decoder = createStreamDecoder('sse')
    decoder.push(Buffer.from([0x64, 0xc3]))
    expect(() => decoder.end()).toThrow('not valid UTF-8')
  })
})
