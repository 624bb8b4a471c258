import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../../errors/errors.js'
import type { ChatMessage } from '../../types/chat.js'
import { convertToAnthropicMessages } from '../anthropic/convert-to-anthropic-messages.js'
import { convertToGeminiMessages } from '../gemini/convert-to-gemini-messages.js'
import { convertToOllamaMessages } from '../ollama/convert-to-ollama-messages.js'
import { parseToolArguments } from './parse-tool-arguments.js'

const field = 'messages[0].tool_calls[0].function.arguments'

describe('parseToolArguments', () => {
  it('parses a JSON object and reads an empty string as no arguments', () => {
    expect(parseToolArguments('{"city":"Paris"}', field)).toEqual({ city: 'Paris' })
    expect(parseToolArguments('  ', field)).toEqual({})
  })

  it.each([
    ['not JSON', '{city', 'is not valid JSON'],
    ['an array', '[1]', 'must be a JSON object'],
    ['null', 'null', 'must be a JSON object'],
    ['not a string', 42, 'must be a JSON string'],
  ])('throws InvalidArgumentError naming the field for %s', (_, text, message) => {
    const error = (() => {
      try {
        parseToolArguments(text as string, field)
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(InvalidArgumentError)
    expect((error as InvalidArgumentError).field).toBe(field)
    expect((error as Error).message).toBe(`${field} ${message}`)
  })

  it.each([
    ['anthropic', convertToAnthropicMessages],
    ['gemini', convertToGeminiMessages],
    ['ollama', convertToOllamaMessages],
  ])('gives %s the same typed error for arguments that are not a string', (_, convert) => {
    const messages = [
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: { a: 1 } } }],
      },
    ] as unknown as ChatMessage[]
    expect(() => convert(messages)).toThrow(InvalidArgumentError)
  })
})
