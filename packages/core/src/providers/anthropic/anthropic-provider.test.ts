import { describe, expect, it } from 'vitest'
import {
  BadRequestError,
  ContextWindowExceededError,
  InvalidArgumentError,
  PermissionDeniedError,
  RateLimitError,
} from '../../errors/errors.js'
import type { ChatMessage } from '../../types/chat.js'
import type { CompletionRequest } from '../../types/request.js'
import type { ProviderCallContext, ProviderResponseContext } from '../provider.js'
import { anthropicProvider } from './anthropic-provider.js'

const callContext: ProviderCallContext = {
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  apiKey: 'sk-ant-test',
  baseUrl: 'https://api.anthropic.com/',
  headers: {},
  settings: {},
  send: () => Promise.reject(new Error('no I/O expected')),
  signal: new AbortController().signal,
}
const responseContext: ProviderResponseContext = {
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  requestId: undefined,
  headers: {},
  request: { model: 'anthropic/claude-sonnet-4-5', messages: [] },
}
const body = async (request: CompletionRequest, stream = false) => {
  const http = await anthropicProvider.createChatRequest(request, callContext, { stream })
  return { http, body: JSON.parse(http.body!) }
}

describe('anthropic request mapping', () => {
  it('round-trips tool calls: tool_use from the response, tool_result blocks merged into one user turn', async () => {
    const completion = anthropicProvider.parseChatResponse(
      {
        id: 'msg_1',
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-5',
        content: [
          { type: 'text', text: 'Checking both.' },
          { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_b', name: 'get_time', input: {} },
        ],
        stop_reason: 'tool_use',
        stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 3 },
      },
      responseContext,
    )
    const answer = completion.choices[0]!.message
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls')
    expect(completion.usage).toMatchObject({ prompt_tokens: 13, completion_tokens: 5, total_tokens: 18 })
    const messages: ChatMessage[] = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather and time in Paris?' },
      { role: 'assistant', content: answer.content, tool_calls: answer.tool_calls! },
      { role: 'tool', tool_call_id: 'toolu_a', content: '22C' },
      { role: 'tool', tool_call_id: 'toolu_b', content: [{ type: 'text', text: '10:00' }] },
    ]
    const { http, body: sent } = await body({
      model: 'anthropic/claude-sonnet-4-5',
      messages,
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object' } },
        },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
      max_completion_tokens: 300,
      stop: 'END',
    })
    expect(http.url).toBe('https://api.anthropic.com/v1/messages')
    expect(http.headers).toMatchObject({ 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' })
    expect(sent).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 300,
      system: [{ type: 'text', text: 'Be brief.' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather and time in Paris?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Checking both.' },
            { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_b', name: 'get_time', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_a', content: '22C' },
            { type: 'tool_result', tool_use_id: 'toolu_b', content: [{ type: 'text', text: '10:00' }] },
          ],
        },
      ],
      stop_sequences: ['END'],
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object' } }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
    })
  })

  it('defaults max_tokens to 4096, maps images and streams on request', async () => {
    const { body: sent } = await body(
      {
        model: 'anthropic/x',
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
            ],
          },
        ],
        tool_choice: { type: 'function', function: { name: 'f' } },
      },
      true,
    )
    expect(sent).toEqual({
      model: 'claude-sonnet-4-5',
      max_tokens: 4096,
      stream: true,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
          ],
        },
      ],
    })
  })

  it('rejects bad input with InvalidArgumentError naming the field', async () => {
    const cases: Array<[ChatMessage[], string]> = [
      [
        [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{oops' } }],
          },
        ],
        'messages[1].tool_calls[0].function.arguments',
      ],
      [
        [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }],
        'messages[0].content[0].image_url.url',
      ],
      [[{ role: 'tool', tool_call_id: '', content: 'x' }], 'messages[0].tool_call_id'],
    ]
    for (const [messages, field] of cases) {
      const error = await Promise.resolve()
        .then(() =>
          anthropicProvider.createChatRequest({ model: 'anthropic/x', messages }, callContext, {
            stream: false,
          }),
        )
        .catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(InvalidArgumentError)
      expect((error as InvalidArgumentError).field).toBe(field)
    }
  })
})

describe('anthropic errors', () => {
  const parse = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    anthropicProvider.parseError({ status, headers, body }, { provider: 'anthropic', requestId: undefined })

  it('maps the status table, retry-after and the spend limit', () => {
    const limited = parse(
      429,
      { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } },
      { 'retry-after': '7' },
    )
    expect(limited).toBeInstanceOf(RateLimitError)
    expect(limited).toMatchObject({ retryable: true, retryAfterMs: 7000 })
    const spend = parse(429, {
      type: 'error',
      error: {
        type: 'rate_limit_error',
        message: 'limit',
        details: { error_code: 'enforced_spend_limit_reached' },
      },
    })
    expect(spend).toBeInstanceOf(RateLimitError)
    expect(spend.retryable).toBe(false)
    expect(parse(402, { type: 'error', error: { type: 'billing_error', message: 'pay' } })).toBeInstanceOf(
      PermissionDeniedError,
    )
    const tooLarge = parse(413, 'Request Entity Too Large')
    expect(tooLarge).toBeInstanceOf(BadRequestError)
    expect(tooLarge.message).toMatch(/request too large/)
    const long = parse(400, {
      type: 'error',
      error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' },
    })
    expect(long).toBeInstanceOf(ContextWindowExceededError)
  })
})

describe('anthropic round trip', () => {
  const bodyOf = (messages: ChatMessage[]) =>
    JSON.parse(
      (
        anthropicProvider.createChatRequest({ model: 'anthropic/c', messages }, callContext, {
          stream: false,
        }) as {
          body: string
        }
      ).body,
    ) as { messages: Array<{ role: string; content: unknown[] }> }

  it('an empty assistant turn is left out instead of content: []', () => {
    const body = bodyOf([
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: '', refusal: null },
      { role: 'user', content: 'Again' },
    ])
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Hi' },
          { type: 'text', text: 'Again' },
        ],
      },
    ])
  })

  it('a malformed thinking block is an InvalidArgumentError naming it, before any I/O', () => {
    expect(() =>
      bodyOf([
        { role: 'user', content: 'Hi' },
        {
          role: 'assistant',
          content: 'x',
          thinking_blocks: [{ type: 'thinking', thinking: 'no signature' } as never],
        },
      ]),
    ).toThrow(expect.objectContaining({ field: 'messages[1].thinking_blocks[0]' }))
  })

  it('pause_turn and other reasons are not collapsed into stop; the raw reason is kept', () => {
    const completion = anthropicProvider.parseChatResponse(
      {
        id: 'msg',
        type: 'message',
        role: 'assistant',
        model: 'c',
        content: [
          { type: 'thinking', thinking: 'T', signature: 'S' },
          { type: 'text', text: 'Searching' },
        ],
        stop_reason: 'pause_turn',
        stop_sequence: null,
      },
      responseContext,
    )
    expect(completion.choices[0]).toMatchObject({
      finish_reason: 'pause_turn',
      native_finish_reason: 'pause_turn',
    })
    expect(completion.choices[0]?.message.thinking_blocks).toEqual([
      { type: 'thinking', thinking: 'T', signature: 'S' },
    ])
  })
})
