import { describe, expect, it } from 'vitest'
import { assembleChatCompletion } from '../../streaming/chat-completion-assembler.js'
import type { ChatCompletion } from '../../types/chat.js'
import { createBedrockChunkMapper } from './bedrock-chunk-mapper.js'
import { parseBedrockResponse } from './parse-bedrock-response.js'
import { createBedrockRequestBody } from './prepare-bedrock-request.js'

const context = {
  provider: 'bedrock',
  model: 'm',
  requestId: 'r',
  headers: {},
  request: { model: 'bedrock/m', messages: [] },
}
const reasoning = { reasoningText: { text: 'Paris needs a lookup.', signature: 'EqoBCkgIARABGAIiQL2UoU0b' } }

function nextRequestAfter(completion: ChatCompletion) {
  const message = completion.choices[0]!.message
  return createBedrockRequestBody({
    model: 'bedrock/m',
    messages: [
      { role: 'user', content: 'Weather in Paris?' },
      message,
      { role: 'tool', tool_call_id: message.tool_calls![0]!.id, content: 'sunny' },
    ],
  }).messages[1]
}

describe('Bedrock reasoning blocks travel back with the tool calls of their turn', () => {
  it('Converse: reasoning text and signature come back before the text and tool use', () => {
    const completion = parseBedrockResponse(
      {
        output: {
          message: {
            role: 'assistant',
            content: [
              { reasoningContent: reasoning },
              { text: 'Checking.' },
              { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } } },
            ],
          },
        },
        stopReason: 'tool_use',
      },
      context,
    )
    expect(completion.choices[0]!.message.reasoning).toBe('Paris needs a lookup.')
    expect(nextRequestAfter(completion)).toEqual({
      role: 'assistant',
      content: [
        { reasoningContent: reasoning },
        { text: 'Checking.' },
        { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather', input: { city: 'Paris' } } },
      ],
    })
  })

  it('ConverseStream: reasoning deltas and the signature are assembled onto the first tool call', () => {
    const mapper = createBedrockChunkMapper(context)
    const events: Array<[string, unknown]> = [
      ['messageStart', { role: 'assistant' }],
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'Paris needs ' } } }],
      ['contentBlockDelta', { contentBlockIndex: 0, delta: { reasoningContent: { text: 'a lookup.' } } }],
      [
        'contentBlockDelta',
        { contentBlockIndex: 0, delta: { reasoningContent: { signature: 'EqoBCkgIARABGAIiQL2UoU0b' } } },
      ],
      ['contentBlockStop', { contentBlockIndex: 0 }],
      [
        'contentBlockStart',
        { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tooluse_1', name: 'get_weather' } } },
      ],
      ['contentBlockDelta', { contentBlockIndex: 1, delta: { toolUse: { input: '{"city":"Paris"}' } } }],
      ['contentBlockStop', { contentBlockIndex: 1 }],
      ['messageStop', { stopReason: 'tool_use' }],
      ['metadata', { usage: { inputTokens: 1, outputTokens: 2, totalTokens: 3 } }],
    ]
    const chunks = events.flatMap(([event, payload]) =>
      mapper.map({ event, data: JSON.stringify(payload), messageType: 'event' }),
    )
    const completion = assembleChatCompletion(chunks)
    expect(completion.choices[0]!.message.reasoning).toBe('Paris needs a lookup.')
    expect(nextRequestAfter(completion)!.content[0]).toEqual({ reasoningContent: reasoning })
  })

  it('refuses malformed reasoning metadata from the caller, naming the field', () => {
    const build = (reasoningContent: unknown) =>
      createBedrockRequestBody({
        model: 'bedrock/m',
        messages: [
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 't',
                type: 'function',
                function: { name: 'f', arguments: '{}' },
                provider_metadata: { bedrock: { reasoningContent } },
              },
            ],
          },
        ],
      })
    expect(() => build('text')).toThrow(
      expect.objectContaining({
        field: 'messages[0].tool_calls[0].provider_metadata.bedrock.reasoningContent',
      }),
    )
    expect(() => build([{ reasoningText: { text: 1 } }])).toThrow(
      expect.objectContaining({
        field: 'messages[0].tool_calls[0].provider_metadata.bedrock.reasoningContent[0]',
      }),
    )
    expect(build([{ redactedContent: 'AAEC' }]).messages[0]!.content[0]).toEqual({
      reasoningContent: { redactedContent: 'AAEC' },
    })
  })
})
