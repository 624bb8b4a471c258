import { describe, expect, it } from 'vitest'
import { AuthenticationError, InvalidArgumentError, RateLimitError } from '../../errors/errors.js'
import type { ChatMessage } from '../../types/chat.js'
import type { ProviderCallContext, ProviderDefinition, ProviderResponseContext } from '../provider.js'
import { vertexProvider } from '../vertex/vertex-provider.js'
import { geminiProvider } from './gemini-provider.js'

const callContext = (provider: string, settings: Record<string, unknown> = {}): ProviderCallContext => ({
  provider,
  model: 'gemini-3-pro-preview',
  apiKey: provider === 'gemini' ? 'AIza-test-key' : undefined,
  baseUrl: provider === 'gemini' ? 'https://generativelanguage.googleapis.com/v1beta' : '',
  headers: {},
  settings,
  send: () => Promise.reject(new Error('no I/O expected')),
  signal: new AbortController().signal,
})
const responseContext: ProviderResponseContext = {
  provider: 'gemini',
  model: 'gemini-3-pro-preview',
  requestId: undefined,
  headers: {},
  request: { model: 'gemini/gemini-3-pro-preview', messages: [] },
}

const functionCallResponse = {
  candidates: [
    {
      content: {
        role: 'model',
        parts: [
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'sig-A' },
          { functionCall: { name: 'get_time', args: {} } },
        ],
      },
      finishReason: 'STOP',
    },
  ],
  usageMetadata: {
    promptTokenCount: 20,
    candidatesTokenCount: 6,
    thoughtsTokenCount: 4,
    totalTokenCount: 30,
  },
  responseId: 'resp-1',
}

const roundTrip = [
  ['gemini', geminiProvider, {}],
  ['vertex', vertexProvider, { project: 'p', location: 'us-central1', getAccessToken: () => 'ya29.token' }],
] as const

describe('gemini / vertex request mapping', () => {
  for (const [name, provider, settings] of roundTrip) {
    it(`${name}: a tool call round-trips with its thoughtSignature`, async () => {
      const completion = (provider as ProviderDefinition).parseChatResponse(
        functionCallResponse,
        responseContext,
      )
      const answer = completion.choices[0]!.message
      expect(completion.choices[0]!.finish_reason).toBe('tool_calls')
      expect(answer.tool_calls).toEqual([
        {
          id: 'call_0',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          provider_metadata: { gemini: { thoughtSignature: 'sig-A' } },
        },
        { id: 'call_1', type: 'function', function: { name: 'get_time', arguments: '{}' } },
      ])
      const messages: ChatMessage[] = [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'Weather and time?' },
        { role: 'assistant', content: answer.content, tool_calls: answer.tool_calls! },
        { role: 'tool', tool_call_id: 'call_0', content: '22C' },
        { role: 'tool', tool_call_id: 'call_1', content: '10:00' },
      ]
      const http = await provider.createChatRequest(
        {
          model: `${name}/gemini-3-pro-preview`,
          messages,
          tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
          tool_choice: { type: 'function', function: { name: 'get_weather' } },
          temperature: 0,
          max_tokens: 100,
          response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } },
        },
        callContext(name, settings),
        { stream: true },
      )
      expect(JSON.parse(http.body!)).toEqual({
        systemInstruction: { parts: [{ text: 'Be brief.' }] },
        contents: [
          { role: 'user', parts: [{ text: 'Weather and time?' }] },
          {
            role: 'model',
            parts: [
              { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'sig-A' },
              { functionCall: { name: 'get_time', args: {} } },
            ],
          },
          {
            role: 'user',
            parts: [
              { functionResponse: { name: 'get_weather', response: { content: '22C' } } },
              { functionResponse: { name: 'get_time', response: { content: '10:00' } } },
            ],
          },
        ],
        tools: [
          { functionDeclarations: [{ name: 'get_weather', parametersJsonSchema: { type: 'object' } }] },
        ],
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
        generationConfig: {
          temperature: 0,
          maxOutputTokens: 100,
          responseMimeType: 'application/json',
          responseJsonSchema: { type: 'object' },
        },
      })
      expect(http.url).toMatch(/models\/gemini-3-pro-preview:streamGenerateContent\?alt=sse$/)
      if (name === 'gemini') {
        expect(http.url).toBe(
          'https://generativelanguage.googleapis.com/v1beta/models/gemini-3-pro-preview:streamGenerateContent?alt=sse',
        )
        expect(http.headers['x-goog-api-key']).toBe('AIza-test-key')
        expect(http.url).not.toContain('AIza')
      } else {
        expect(http.headers.authorization).toBe('Bearer ya29.token')
      }
    })
  }

  it('rejects bad input with InvalidArgumentError naming the field', async () => {
    const cases: Array<[ChatMessage[], string]> = [
      [
        [
          { role: 'user', content: 'hi' },
          { role: 'tool', tool_call_id: 'call_9', content: 'x' },
        ],
        'messages[1].tool_call_id',
      ],
      [
        [
          {
            role: 'assistant',
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '[1' } }],
          },
        ],
        'messages[0].tool_calls[0].function.arguments',
      ],
      [
        [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] }],
        'messages[0].content[0].image_url.url',
      ],
    ]
    for (const [messages, field] of cases) {
      const error = await Promise.resolve()
        .then(() =>
          geminiProvider.createChatRequest({ model: 'gemini/x', messages }, callContext('gemini'), {
            stream: false,
          }),
        )
        .catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(InvalidArgumentError)
      expect((error as InvalidArgumentError).field).toBe(field)
    }
  })

  it('embeddings: embedContent for one input, batchEmbedContents for many', async () => {
    const one = await geminiProvider.createEmbeddingRequest!(
      { model: 'gemini/e', input: 'a' },
      callContext('gemini'),
    )
    expect(one.url).toMatch(/models\/gemini-3-pro-preview:embedContent$/)
    expect(JSON.parse(one.body!)).toEqual({ content: { parts: [{ text: 'a' }] } })
    const many = await geminiProvider.createEmbeddingRequest!(
      { model: 'gemini/e', input: ['a', 'b'], dimensions: 8 },
      callContext('gemini'),
    )
    expect(many.url).toMatch(/:batchEmbedContents$/)
    expect(JSON.parse(many.body!).requests[1]).toEqual({
      model: 'models/gemini-3-pro-preview',
      content: { parts: [{ text: 'b' }] },
      outputDimensionality: 8,
    })
    const parsed = geminiProvider.parseEmbeddingResponse!(
      { embeddings: [{ values: [1] }, { values: [2] }] },
      responseContext,
    )
    expect(parsed.data.map((item) => [item.index, item.embedding])).toEqual([
      [0, [1]],
      [1, [2]],
    ])
  })
})

describe('gemini errors', () => {
  it('an invalid key (400 API_KEY_INVALID) is an AuthenticationError; RetryInfo sets retryAfterMs', () => {
    const invalid = geminiProvider.parseError(
      {
        status: 400,
        headers: {},
        body: {
          error: {
            code: 400,
            message: 'API key not valid. Please pass a valid API key.',
            status: 'INVALID_ARGUMENT',
            details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
          },
        },
      },
      { provider: 'gemini', requestId: undefined },
    )
    expect(invalid).toBeInstanceOf(AuthenticationError)
    expect(invalid).toMatchObject({ status: 400, providerCode: 'API_KEY_INVALID', retryable: false })
    const limited = geminiProvider.parseError(
      {
        status: 429,
        headers: {},
        body: [
          {
            error: {
              code: 429,
              status: 'RESOURCE_EXHAUSTED',
              details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }],
            },
          },
        ],
      },
      { provider: 'gemini', requestId: undefined },
    )
    expect(limited).toBeInstanceOf(RateLimitError)
    expect(limited.retryAfterMs).toBe(2000)
  })
})
