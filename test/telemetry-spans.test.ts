import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { Agent } from 'undici'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createClientWithInternals } from '../packages/core/src/client/create-client.js'
import type { ChatCompletion, EmbeddingResponse, LlmError } from '../packages/core/src/index.js'
import { durationBuckets, tokenBuckets } from '../packages/core/src/telemetry/gen-ai-metrics.js'
import { type MockProvider, startMockProvider } from '../packages/testing/src/index.js'
import { dataPoints, registerTestOtelSdk, type TestOtelSdk } from './helpers/otel-sdk.js'

let mock: MockProvider
let sdk: TestOtelSdk
let agent: Agent
let port: number

beforeAll(async () => {
  sdk = registerTestOtelSdk()
  mock = await startMockProvider()
  agent = new Agent()
  port = Number(new URL(mock.url).port)
})
afterAll(async () => {
  await agent.close()
  await mock.close()
  await sdk.shutdown()
})
beforeEach(() => sdk.reset())

const secrets = ['sk-SECRET-config-1111', 'sk-SECRET-request-2222', 'hdr-SECRET-3333', 'ant-SECRET-4444']

const client = (options: { captureContent?: boolean } = {}) =>
  createClientWithInternals(
    {
      session: agent,
      telemetry: options.captureContent ? { captureContent: true } : undefined,
      headers: { 'x-custom-auth': secrets[2]! },
      providers: {
        openai: { apiKey: secrets[0], baseUrl: `${mock.url}/v1` },
        azure: { apiKey: secrets[0], baseUrl: mock.url },
        anthropic: { apiKey: secrets[3], baseUrl: mock.url },
        gemini: { apiKey: secrets[0], baseUrl: `${mock.url}/v1beta` },
        ollama: { baseUrl: mock.url },
      },
    },
    { sleep: async () => {}, random: () => 0 },
  )

const messages = [
  { role: 'system' as const, content: 'Be brief.' },
  { role: 'user' as const, content: 'hello there friend' },
]
const sampling = { max_tokens: 50, temperature: 0.2, top_p: 0.9, stop: ['zzz'] }

const providerNames: Record<string, string> = {
  openai: 'openai',
  azure: 'azure.ai.openai',
  anthropic: 'anthropic',
  gemini: 'gcp.gemini',
  ollama: 'ollama',
}

function only(name: string): ReadableSpan {
  const spans = sdk.spans().filter((span) => span.name === name)
  expect(spans).toHaveLength(1)
  return spans[0]!
}

const server = () => ({ 'server.address': '127.0.0.1', 'server.port': port })

function responsePart(result: ChatCompletion): Record<string, unknown> {
  return {
    'gen_ai.response.id': result.id,
    'gen_ai.response.model': result.model,
    'gen_ai.response.finish_reasons': result.choices.map((choice) => String(choice.finish_reason)),
    'gen_ai.usage.input_tokens': result.usage?.prompt_tokens,
    'gen_ai.usage.output_tokens': result.usage?.completion_tokens,
  }
}

describe.each(Object.keys(providerNames))('telemetry spans: %s', (provider) => {
  const request = () => ({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': providerNames[provider],
    'gen_ai.request.model': 'test-model',
    ...server(),
    'gen_ai.request.max_tokens': 50,
    'gen_ai.request.temperature': 0.2,
    'gen_ai.request.top_p': 0.9,
    'gen_ai.request.stop_sequences': ['zzz'],
  })

  it('a completion: one CLIENT span with the exact GenAI attributes and one attempt event', async () => {
    const result = await client().completion({ model: `${provider}/test-model`, messages, ...sampling })
    const span = only('chat test-model')
    expect(span.kind).toBe(SpanKind.CLIENT)
    expect(span.status.code).toBe(SpanStatusCode.UNSET)
    expect(span.attributes).toEqual({ ...request(), ...responsePart(result) })
    expect(span.events.map((event) => [event.name, event.attributes])).toEqual([
      [
        'llm_session.attempt',
        {
          'llm_session.run': 1,
          'llm_session.attempt': 1,
          'gen_ai.provider.name': providerNames[provider],
          'gen_ai.request.model': 'test-model',
          ...server(),
          'http.response.status_code': 200,
        },
      ],
    ])
  })

  it('a stream: the same plus stream and time to first chunk', async () => {
    const stream = client().stream({ model: `${provider}/test-model`, messages, ...sampling })
    const result = await stream.finalCompletion()
    const span = only('chat test-model')
    const expected: Record<string, unknown> = {
      ...request(),
      'gen_ai.request.stream': true,
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      ...responsePart(result),
    }
    for (const key of Object.keys(expected)) if (expected[key] === undefined) delete expected[key]
    expect(span.attributes).toEqual(expected)
    expect(span.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThanOrEqual(0)
  })

  it('an error: error.type is the error code, the status is ERROR', async () => {
    const error = (await client()
      .completion({ model: `${provider}/mock-fail-400`, messages, retries: 0 })
      .catch((e: unknown) => e)) as LlmError
    const span = only('chat mock-fail-400')
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': providerNames[provider],
      'gen_ai.request.model': 'mock-fail-400',
      ...server(),
      'error.type': error.code,
    })
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: error.message })
    expect(span.events.map((event) => event.attributes)).toEqual([
      {
        'llm_session.run': 1,
        'llm_session.attempt': 1,
        'gen_ai.provider.name': providerNames[provider],
        'gen_ai.request.model': 'mock-fail-400',
        ...server(),
        'http.response.status_code': 400,
        'error.type': error.code,
      },
    ])
  })

  it('a retry: one event per attempt, the first with its error and retry-after', async () => {
    await client().completion({
      model: `${provider}/mock-fail-503-retry-after-0-times-1`,
      messages,
      retries: 1,
      headers: { 'x-mock-fault-id': `retry-${provider}` },
    })
    const span = only('chat mock-fail-503-retry-after-0-times-1')
    expect(span.status.code).toBe(SpanStatusCode.UNSET)
    expect(span.events.map((event) => event.attributes)).toEqual([
      expect.objectContaining({
        'llm_session.attempt': 1,
        'http.response.status_code': 503,
        'http.response.header.retry-after': ['0'],
        'error.type': 'LLM_SERVICE_UNAVAILABLE',
      }),
      expect.not.objectContaining({ 'error.type': expect.anything() }),
    ])
    expect(span.events[1]?.attributes?.['http.response.status_code']).toBe(200)
  })
})

describe('telemetry spans: abort, embeddings, content, secrets, metrics', () => {
  it('an aborted call ends its span with error.type AbortError', async () => {
    const controller = new AbortController()
    const waiting = client().completion({ model: 'openai/mock-stall', messages, signal: controller.signal })
    await mock.waitFor((stats) => (stats.byFault.stall ?? 0) >= 1)
    controller.abort()
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' })
    const span = only('chat mock-stall')
    expect(span.attributes['error.type']).toBe('AbortError')
    expect(span.status.code).toBe(SpanStatusCode.ERROR)
  })

  it('a fallback in a middleware is visible: one event per run and route, the span names the route that answered', async () => {
    const llm = createClientWithInternals(
      {
        session: agent,
        providers: {
          openai: { apiKey: secrets[0], baseUrl: `${mock.url}/v1` },
          anthropic: { apiKey: secrets[3], baseUrl: mock.url },
        },
        middleware: [
          async (_call, next) => {
            try {
              return await next()
            } catch {
              return next({ provider: 'anthropic', model: 'claude-fallback' })
            }
          },
        ],
      },
      {},
    )
    await llm.completion({ model: 'openai/mock-fail-429', messages, retries: 0 })
    const span = only('chat mock-fail-429')
    expect(span.status.code).toBe(SpanStatusCode.UNSET)
    expect(span.attributes['gen_ai.provider.name']).toBe('anthropic')
    expect(span.attributes['gen_ai.request.model']).toBe('claude-fallback')
    expect(span.events.map((event) => event.attributes)).toEqual([
      {
        'llm_session.run': 1,
        'llm_session.attempt': 1,
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'mock-fail-429',
        ...server(),
        'http.response.status_code': 429,
        'error.type': 'LLM_RATE_LIMIT',
      },
      {
        'llm_session.run': 2,
        'llm_session.attempt': 1,
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': 'claude-fallback',
        ...server(),
        'http.response.status_code': 200,
      },
    ])
  })

  it('an embedding: operation embeddings with its input tokens', async () => {
    const result: EmbeddingResponse = await client().embedding({
      model: 'openai/test-embed',
      input: ['a', 'b'],
    })
    expect(only('embeddings test-embed').attributes).toEqual({
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'test-embed',
      ...server(),
      'gen_ai.response.model': result.model,
      'gen_ai.usage.input_tokens': result.usage.prompt_tokens,
    })
  })

  it('content is captured only when opted in, in the conventions parts shape', async () => {
    await client().completion({ model: 'openai/test-model', messages })
    expect(Object.keys(only('chat test-model').attributes).filter((key) => key.includes('messages'))).toEqual(
      [],
    )
    sdk.reset()
    await client({ captureContent: true }).completion({ model: 'openai/test-model', messages })
    const attributes = only('chat test-model').attributes
    expect(JSON.parse(String(attributes['gen_ai.system_instructions']))).toEqual([
      { type: 'text', content: 'Be brief.' },
    ])
    expect(JSON.parse(String(attributes['gen_ai.input.messages']))).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'hello there friend' }] },
    ])
    expect(JSON.parse(String(attributes['gen_ai.output.messages']))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'hello there friend' }], finish_reason: 'stop' },
    ])
  })

  it('planted keys and secret headers appear in no span, event or metric attribute, content captured', async () => {
    const llm = client({ captureContent: true })
    for (const provider of Object.keys(providerNames)) {
      await llm.completion({ model: `${provider}/test-model`, messages, apiKey: secrets[1] })
      await llm.stream({ model: `${provider}/test-model`, messages, apiKey: secrets[1] }).finalCompletion()
      await llm
        .completion({ model: `${provider}/mock-fail-401`, messages, apiKey: secrets[1] })
        .catch(() => {})
    }
    const spans = sdk.spans()
    expect(spans.length).toBe(15)
    const exported = JSON.stringify([
      spans.map((span) => [span.name, span.attributes, span.status, span.events, span.links]),
      await sdk.collect(),
    ])
    expect(exported).toContain('hello there friend')
    expect(secrets.filter((secret) => exported.includes(secret))).toEqual([])
  })

  it('metrics: duration, token usage and stream chunk timings with the conventions buckets', async () => {
    const llm = client()
    await llm.completion({ model: 'openai/metric-model', messages })
    let chunks = 0
    for await (const _chunk of llm.stream({ model: 'openai/metric-model', messages })) chunks++
    const collected = await sdk.collect()
    const points = dataPoints(collected)
    const ours = (name: string) =>
      (points.get(name) ?? []).filter(
        (point) => (point.attributes as Record<string, unknown>)['gen_ai.request.model'] === 'metric-model',
      )
    const attributes = {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'metric-model',
      'gen_ai.response.model': expect.any(String),
      ...server(),
    }
    const duration = ours('gen_ai.client.operation.duration')
    expect(duration.map((point) => point.attributes)).toEqual([attributes])
    expect((duration[0]!.value as { count: number; buckets: { boundaries: number[] } }).count).toBe(2)
    expect((duration[0]!.value as { buckets: { boundaries: number[] } }).buckets.boundaries).toEqual(
      durationBuckets,
    )
    const tokens = ours('gen_ai.client.token.usage')
    expect(
      tokens.map((point) => (point.attributes as Record<string, unknown>)['gen_ai.token.type']).sort(),
    ).toEqual(['input', 'output'])
    expect((tokens[0]!.value as { buckets: { boundaries: number[] } }).buckets.boundaries).toEqual(
      tokenBuckets,
    )
    expect((ours('gen_ai.client.operation.time_to_first_chunk')[0]!.value as { count: number }).count).toBe(1)
    // One value per chunk after the first.
    expect(chunks).toBeGreaterThan(3)
    expect((ours('gen_ai.client.operation.time_per_output_chunk')[0]!.value as { count: number }).count).toBe(
      chunks - 1,
    )
  })
})
