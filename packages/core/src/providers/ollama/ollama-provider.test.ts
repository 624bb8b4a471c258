import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../../errors/errors.js'
import type { ChatMessage } from '../../types/chat.js'
import type { ProviderCallContext, ProviderResponseContext } from '../provider.js'
import { ollamaProvider } from './ollama-provider.js'

const callContext: ProviderCallContext = {
  provider: 'ollama',
  model: 'llama3.2',
  apiKey: undefined,
  baseUrl: 'http://127.0.0.1:11434',
  headers: {},
  settings: {},
  send: () => Promise.reject(new Error('no I/O expected')),
  signal: new AbortController().signal,
}
const responseContext: ProviderResponseContext = {
  provider: 'ollama',
  model: 'llama3.2',
  requestId: undefined,
  headers: {},
  request: { model: 'ollama/llama3.2', messages: [] },
}

describe('ollama request mapping', () => {
  it('round-trips tool calls: object arguments out, tool_name resolved from the call id', async () => {
    const completion = ollamaProvider.parseChatResponse(
      {
        model: 'llama3.2',
        created_at: '2025-07-07T20:22:19.184789Z',
        message: {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Tokyo' } } }],
        },
        done: true,
        done_reason: 'stop',
        prompt_eval_count: 5,
        eval_count: 3,
      },
      responseContext,
    )
    const answer = completion.choices[0]!.message
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls')
    expect(completion.usage).toEqual({ prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 })
    expect(answer.tool_calls).toEqual([
      { id: 'call_0', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } },
    ])
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Be brief.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather? ' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
        ],
      },
      { role: 'assistant', content: answer.content, tool_calls: answer.tool_calls! },
      { role: 'tool', tool_call_id: 'call_0', content: '22C' },
    ]
    const http = await ollamaProvider.createChatRequest(
      {
        model: 'ollama/llama3.2',
        messages,
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
        temperature: 0.2,
        max_tokens: 50,
        stop: ['x'],
        seed: 1,
        response_format: { type: 'json_object' },
      },
      callContext,
      { stream: false },
    )
    expect(http.url).toBe('http://127.0.0.1:11434/api/chat')
    expect(http.headers.authorization).toBeUndefined()
    expect(JSON.parse(http.body!)).toEqual({
      model: 'llama3.2',
      stream: false,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather? ', images: ['AAAA'] },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Tokyo' } } }],
        },
        { role: 'tool', content: '22C', tool_name: 'get_weather' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      options: { temperature: 0.2, num_predict: 50, stop: ['x'], seed: 1 },
      format: 'json',
    })
  })

  it('rejects bad input with InvalidArgumentError naming the field', async () => {
    const cases: Array<[ChatMessage[], string]> = [
      [
        [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }],
        'messages[0].content[0].image_url.url',
      ],
      [
        [
          {
            role: 'assistant',
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: 'nope' } }],
          },
        ],
        'messages[0].tool_calls[0].function.arguments',
      ],
    ]
    for (const [messages, field] of cases) {
      const error = await Promise.resolve()
        .then(() =>
          ollamaProvider.createChatRequest({ model: 'ollama/x', messages }, callContext, { stream: true }),
        )
        .catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(InvalidArgumentError)
      expect((error as InvalidArgumentError).field).toBe(field)
    }
  })
})
