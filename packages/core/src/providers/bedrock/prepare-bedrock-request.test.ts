import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../../errors/errors.js'
import type { CompletionRequest } from '../../types/request.js'
import { createBedrockRequestBody } from './prepare-bedrock-request.js'

const tools: CompletionRequest['tools'] = [
  {
    type: 'function',
    function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: {} } },
  },
]

function body(request: Partial<CompletionRequest>) {
  return createBedrockRequestBody({ model: 'bedrock/m', messages: [], ...request })
}

describe('createBedrockRequestBody', () => {
  it('lifts system and developer messages, maps inference settings', () => {
    const result = body({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: [{ type: 'text', text: 'Use French.' }] },
        { role: 'user', content: 'Hi' },
      ],
      max_tokens: 100,
      temperature: 0.2,
      top_p: 0.9,
      stop: 'END',
    })
    expect(result).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
      system: [{ text: 'Be brief.' }, { text: 'Use French.' }],
      inferenceConfig: { maxTokens: 100, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
    })
    expect(body({ messages: [], max_completion_tokens: 7, max_tokens: 100 }).inferenceConfig).toEqual({
      maxTokens: 7,
    })
  })

  it('round-trips tool calls and tool results, merging consecutive user turns', () => {
    const result = body({
      tools,
      tool_choice: 'required',
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: '',
          tool_calls: [
            {
              id: 'tooluse_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
            { id: 'tooluse_2', type: 'function', function: { name: 'get_weather', arguments: '' } },
          ],
        },
        { role: 'tool', tool_call_id: 'tooluse_1', content: 'sunny' },
        { role: 'tool', tool_call_id: 'tooluse_2', content: [{ type: 'text', text: 'rain' }] },
        { role: 'user', content: 'Thanks' },
      ],
    })
    expect(result.messages).toEqual([
      { role: 'user', content: [{ text: 'Weather?' }] },
      {
        role: 'assistant',
        content: [
          { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } } },
          { toolUse: { toolUseId: 'tooluse_2', name: 'get_weather', input: {} } },
        ],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 'tooluse_1', content: [{ text: 'sunny' }] } },
          { toolResult: { toolUseId: 'tooluse_2', content: [{ text: 'rain' }] } },
          { text: 'Thanks' },
        ],
      },
    ])
    expect(result.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'get_weather',
            description: 'Weather',
            inputSchema: { json: { type: 'object', properties: {} } },
          },
        },
      ],
      toolChoice: { any: {} },
    })
  })

  it('maps tool_choice auto and a named function; none sends no tools', () => {
    expect(body({ tools, tool_choice: 'auto' }).toolConfig?.toolChoice).toEqual({ auto: {} })
    expect(
      body({ tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } }).toolConfig
        ?.toolChoice,
    ).toEqual({ tool: { name: 'get_weather' } })
    expect(body({ tools, tool_choice: 'none' }).toolConfig).toBeUndefined()
  })

  it('sends data-URL images as bytes and refuses http URLs before any I/O', () => {
    const result = body({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          ],
        },
      ],
    })
    expect(result.messages[0]!.content[1]).toEqual({
      image: { format: 'png', source: { bytes: 'iVBORw0KGgo=' } },
    })
    const refuse = () =>
      body({
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] },
        ],
      })
    expect(refuse).toThrow(InvalidArgumentError)
    expect(refuse).toThrow(expect.objectContaining({ field: 'messages[0].content[0].image_url.url' }))
  })

  it('routes extraBody: Converse fields at the top level, model fields in additionalModelRequestFields', () => {
    const result = body({
      extraBody: {
        thinking: { type: 'enabled', budget_tokens: 1024 },
        top_k: 40,
        additionalModelRequestFields: { anthropic_beta: ['x'] },
        guardrailConfig: { guardrailIdentifier: 'g', guardrailVersion: '1' },
      },
    })
    expect(result.additionalModelRequestFields).toEqual({
      thinking: { type: 'enabled', budget_tokens: 1024 },
      top_k: 40,
      anthropic_beta: ['x'],
    })
    expect(result.guardrailConfig).toEqual({ guardrailIdentifier: 'g', guardrailVersion: '1' })
  })

  it('refuses bad input with the field named', () => {
    const cases: Array<[Partial<CompletionRequest>, string]> = [
      [{ messages: 'x' as never }, 'messages'],
      [{ messages: [{ role: 'tool', tool_call_id: '', content: 'x' }] }, 'messages[0].tool_call_id'],
      [{ messages: [{ role: 'robot' as never, content: 'x' }] }, 'messages[0].role'],
      [{ response_format: { type: 'json_object' } }, 'response_format'],
      [{ extraBody: { additionalModelRequestFields: [] } }, 'extraBody.additionalModelRequestFields'],
      [{ tools, tool_choice: 'sometimes' as never }, 'tool_choice'],
    ]
    for (const [request, field] of cases) {
      expect(() => body(request)).toThrow(expect.objectContaining({ name: 'InvalidArgumentError', field }))
    }
  })
})
