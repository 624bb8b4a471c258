import { describe, expect, it } from 'vitest'
import { assembleChatCompletion } from '../../streaming/chat-completion-assembler.js'
import type { ChatCompletionChunk } from '../../types/chat.js'
import type { ProviderResponseContext } from '../provider.js'
import { createOpenAIChunkMapper } from './openai-chunk-mapper.js'
import { createOpenAIError } from './openai-error.js'
import { parseOpenAIResponse } from './parse-openai-response.js'

const context: ProviderResponseContext = {
  provider: 'mistral',
  model: 'm',
  requestId: undefined,
  headers: {},
  request: { model: 'mistral/m', messages: [] },
}

function replay(payloads: unknown[]) {
  const mapper = createOpenAIChunkMapper(context)
  const chunks: ChatCompletionChunk[] = payloads.flatMap((payload) =>
    mapper.map({ data: JSON.stringify(payload) }),
  )
  return { chunks, completion: assembleChatCompletion(chunks), mapper }
}
const choice = (delta: Record<string, unknown>, finish: string | null = null) => ({
  id: 'c',
  choices: [{ index: 0, delta, finish_reason: finish }],
})

describe('OpenAI-family stream shapes', () => {
  it('Mistral typed content chunks: delta.content stays a string, thinking goes to reasoning', () => {
    const { chunks, completion } = replay([
      choice({
        role: 'assistant',
        content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'Let me ' }] }],
      }),
      choice({ content: [{ type: 'thinking', thinking: [{ type: 'text', text: 'think.' }] }] }),
      choice({ content: [{ type: 'text', text: 'Answer' }] }),
      choice({ content: '!' }, 'stop'),
    ])
    for (const chunk of chunks) {
      const content = chunk.choices[0]?.delta.content
      expect(content === undefined || typeof content === 'string').toBe(true)
    }
    expect(completion.choices[0]?.message).toMatchObject({ content: 'Answer!', reasoning: 'Let me think.' })
  })

  it('Mistral typed content in a JSON answer', () => {
    const completion = parseOpenAIResponse(
      {
        choices: [
          {
            message: {
              content: [
                { type: 'thinking', thinking: [{ type: 'text', text: 'Hm.' }] },
                { type: 'text', text: 'Hi' },
              ],
            },
            finish_reason: 'stop',
          },
        ],
      },
      context,
    )
    expect(completion.choices[0]?.message).toMatchObject({ content: 'Hi', reasoning: 'Hm.' })
  })

  it('parallel calls that all reuse index 0 with distinct ids stay separate calls', () => {
    const call = (id: string | undefined, name: string | undefined, args: string) => ({
      tool_calls: [
        {
          index: 0,
          ...(id ? { id, type: 'function' } : {}),
          function: { ...(name ? { name } : {}), arguments: args },
        },
      ],
    })
    const { completion } = replay([
      choice({ role: 'assistant', ...call('call_a', 'get_weather', '') }),
      choice(call(undefined, undefined, '{"city":"Paris"}')),
      choice(call('call_b', 'get_time', '')),
      choice(call(undefined, undefined, '{}')),
      choice({}, 'tool_calls'),
    ])
    expect(
      completion.choices[0]?.message.tool_calls?.map((c) => [c.id, c.function.name, c.function.arguments]),
    ).toEqual([
      ['call_a', 'get_weather', '{"city":"Paris"}'],
      ['call_b', 'get_time', '{}'],
    ])
  })

  it('is complete once every choice finished, before [DONE]; not before', () => {
    const { mapper } = replay([choice({ content: 'a' })])
    expect(mapper.complete).toBe(false)
    const done = replay([choice({ content: 'a' }), choice({}, 'stop')])
    expect(done.mapper.complete).toBe(true)
    expect(done.mapper.finished).toBe(false)
  })

  it('unknown finish reasons pass through with the raw value kept', () => {
    const { completion } = replay([choice({ content: 'a' }, 'error')])
    expect(completion.choices[0]).toMatchObject({ finish_reason: 'error', native_finish_reason: 'error' })
    const openrouter = replay([
      {
        id: 'c',
        choices: [{ index: 0, delta: {}, finish_reason: 'stop', native_finish_reason: 'end_turn' }],
      },
    ])
    expect(openrouter.completion.choices[0]).toMatchObject({
      finish_reason: 'stop',
      native_finish_reason: 'end_turn',
    })
  })
})

describe('error messages keep their detail whatever their shape', () => {
  it("Mistral's 422 object message", () => {
    const error = createOpenAIError(
      {
        object: 'error',
        message: {
          detail: [
            {
              type: 'extra_forbidden',
              loc: ['body', 'messages', 1, 'assistant', 'refusal'],
              msg: 'Extra inputs are not permitted',
            },
          ],
        },
        type: 'invalid_request_error',
      },
      { provider: 'mistral', status: 422 },
    )
    expect(error.message).toBe(
      'mistral answered HTTP 422: body.messages.1.assistant.refusal: Extra inputs are not permitted',
    )
  })

  it("Gemini's OpenAI-compatible array body", () => {
    const error = createOpenAIError(
      [{ error: { code: 400, message: 'Invalid JSON payload received.', status: 'INVALID_ARGUMENT' } }],
      { provider: 'openai-compatible', status: 400 },
    )
    expect(error.message).toContain('Invalid JSON payload received.')
  })
})

describe('role on the first chunk of each choice', () => {
  it('is added when the server sends none (the openai reader needs it), kept when it does', () => {
    const { chunks } = replay([
      {
        id: 'c',
        choices: [
          { index: 0, delta: { content: 'a' } },
          { index: 1, delta: { role: 'assistant', content: 'b' } },
        ],
      },
      { id: 'c', choices: [{ index: 0, delta: { content: 'c' } }] },
    ])
    expect(chunks[0]?.choices.map((choice) => choice.delta.role)).toEqual(['assistant', 'assistant'])
    expect(chunks[1]?.choices[0]?.delta.role).toBeUndefined()
  })
})
