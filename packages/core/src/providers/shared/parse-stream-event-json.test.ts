import { describe, expect, it } from 'vitest'
import { ResponseParseError } from '../../errors/errors.js'
import { parseStreamEventJson, parseStreamEventObject } from './parse-stream-event-json.js'

const context = { provider: 'ollama', requestId: 'req_1' }

describe('parseStreamEventJson', () => {
  it('returns objects and arrays, and undefined for other JSON', () => {
    expect(parseStreamEventJson('{"done":true}', context)).toEqual({ done: true })
    expect(parseStreamEventJson('[{"a":1}]', context)).toEqual([{ a: 1 }])
    expect(parseStreamEventJson('null', context)).toBeUndefined()
    expect(parseStreamEventJson('"text"', context)).toBeUndefined()
  })

  it('throws ResponseParseError naming sender and unit, with the JSON error as cause', () => {
    const read = (options?: { sender?: string; unit?: string }) => {
      try {
        parseStreamEventJson('{"done":', context, options)
      } catch (error) {
        return error
      }
    }
    const error = read({ unit: 'line' }) as ResponseParseError
    expect(error).toBeInstanceOf(ResponseParseError)
    expect(error.message).toBe('ollama sent a line that is not JSON')
    expect(error.requestId).toBe('req_1')
    expect(error.cause).toBeInstanceOf(SyntaxError)
    expect((read({ sender: 'Anthropic' }) as Error).message).toBe(
      'Anthropic sent a stream event that is not JSON',
    )
  })
})

describe('parseStreamEventObject', () => {
  it('returns objects and refuses other JSON with a ResponseParseError naming the sender', () => {
    expect(parseStreamEventObject('{"a":1}', context)).toEqual({ a: 1 })
    expect(() => parseStreamEventObject('42', context, { sender: 'Bedrock' })).toThrow(
      'Bedrock sent a stream event that is not an object',
    )
  })
})
