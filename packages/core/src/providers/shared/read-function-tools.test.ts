import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../../errors/errors.js'
import type { FunctionTool } from '../../types/chat.js'
import type { CompletionRequest } from '../../types/request.js'
import { createAnthropicRequestBody } from '../anthropic/anthropic-provider.js'
import { createGeminiRequestBody } from '../gemini/prepare-gemini-request.js'
import { createOllamaRequestBody } from '../ollama/ollama-provider.js'
import { readFunctionTools } from './read-function-tools.js'

const good: FunctionTool = {
  type: 'function',
  function: { name: 'get_weather', parameters: { type: 'object' } },
}
const bad = { type: 'function', function: { name: '' } } as FunctionTool

describe('readFunctionTools', () => {
  it('returns the function of each tool', () => {
    expect(readFunctionTools([good])).toEqual([good.function])
  })

  it.each([
    ['anthropic', (request: CompletionRequest) => createAnthropicRequestBody(request, 'm', false)],
    ['gemini', (request: CompletionRequest) => createGeminiRequestBody(request)],
    ['ollama', (request: CompletionRequest) => createOllamaRequestBody(request, 'm', false)],
  ])('%s refuses a nameless tool with the same typed error', (_, create) => {
    const request: CompletionRequest = {
      model: 'x/m',
      messages: [{ role: 'user', content: 'Hi' }],
      tools: [good, bad],
    }
    expect(() => create(request)).toThrow(
      expect.objectContaining({
        constructor: InvalidArgumentError,
        field: 'tools[1]',
        message: 'tools[1] must be a function tool with a name',
      }),
    )
  })
})
