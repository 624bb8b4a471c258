import {
  createClient,
  createSession,
  getCallInfo,
  InvalidArgumentError,
  type LlmClient,
  type LlmSession,
  RateLimitError,
} from '@llm-session/core'
import { type MockProvider, startMockProvider } from '@llm-session/testing'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'

let a: MockProvider
let b: MockProvider
let session: LlmSession
const clients: LlmClient[] = []
const messages = [{ role: 'user' as const, content: 'route me please' }]
const client = (options: Parameters<typeof createClient>[0]) => {
  const llm = createClient({ session, telemetry: false, retries: 0, ...options })
  clients.push(llm)
  return llm
}

beforeAll(async () => {
  ;[a, b] = await Promise.all([startMockProvider(), startMockProvider()])
  session = createSession({ connections: 16 })
})
beforeEach(() => {
  a.reset()
  b.reset()
})
afterAll(async () => {
  await Promise.all(clients.map((llm) => llm.close()))
  await session.close()
  await Promise.all([a.close(), b.close()])
})

describe('deployments and model groups', () => {
  it('spreads a group by weight over its deployments, each with its own key', async () => {
    const llm = client({
      deployments: {
        chat: [
          { id: 'a', model: 'openai/gpt-4o', baseUrl: `${a.url}/v1`, apiKey: 'key-a' },
          { id: 'b', model: 'openai/gpt-4o', baseUrl: `${b.url}/v1`, apiKey: 'key-b' },
        ],
      },
    })
    const answered = new Set<string | undefined>()
    for (let i = 0; i < 40; i++)
      answered.add(getCallInfo(await llm.completion({ model: 'chat', messages }))?.deployment)
    expect(answered).toEqual(new Set(['a', 'b']))
    expect(a.stats().requests + b.stats().requests).toBe(40)
    expect(a.lastRequest()?.headers.authorization).toBe('[redacted]')
    expect(a.lastRequest()?.model).toBe('gpt-4o')
  })

  it('falls back on a 429 and keeps the deployment in cooldown for the time the provider asked', async () => {
    const llm = client({
      deployments: {
        chat: [
          {
            id: 'limited',
            model: 'openai/mock-fail-429-retry-after-30',
            baseUrl: `${a.url}/v1`,
            apiKey: 'k',
            weight: 1_000_000,
          },
          { id: 'spare', model: 'openai/gpt-4o', baseUrl: `${b.url}/v1`, apiKey: 'k' },
        ],
      },
    })
    const first = await llm.completion({ model: 'chat', messages })
    expect(getCallInfo(first)?.deployment).toBe('spare')
    for (let i = 0; i < 5; i++) await llm.completion({ model: 'chat', messages })
    expect(a.stats().requests).toBe(1)
    expect(b.stats().requests).toBe(6)
  })

  it('falls back to a fallback group after repeated 5xx, within the deadline', async () => {
    const llm = client({
      deployments: {
        chat: [{ id: 'broken', model: 'openai/mock-fail-500', baseUrl: `${a.url}/v1`, apiKey: 'k' }],
        backup: [{ id: 'backup', model: 'openai/gpt-4o-mini', baseUrl: `${b.url}/v1`, apiKey: 'k' }],
      },
      routing: { fallbacks: { chat: ['backup'] }, cooldown: { failures: 2, cooldownMs: 60_000 } },
    })
    for (let i = 0; i < 4; i++)
      expect(getCallInfo(await llm.completion({ model: 'chat', messages }))?.deployment).toBe('backup')
    // Two failures put it in cooldown: the later calls went straight to the backup.
    expect(a.stats().requests).toBe(2)
  })

  it('falls back a stream before its first chunk', async () => {
    const llm = client({
      deployments: {
        chat: [
          {
            id: 'down',
            model: 'openai/mock-fail-503',
            baseUrl: `${a.url}/v1`,
            apiKey: 'k',
            weight: 1_000_000,
          },
          { id: 'up', model: 'openai/gpt-4o', baseUrl: `${b.url}/v1`, apiKey: 'k' },
        ],
      },
    })
    const stream = llm.stream({ model: 'chat', messages })
    let text = ''
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? ''
    expect(text).toBe('route me please')
    expect(stream.callInfo?.provider).toBe('openai')
    // The deployment that answered, not the one tried first.
    expect(stream.callInfo?.deployment).toBe('up')
    expect(getCallInfo(stream)?.deployment).toBe('up')
    expect(a.stats().requests).toBe(1)
    expect(b.stats().requests).toBe(1)
  })

  it('names the deployment that answered a stream, as for a completion', async () => {
    const llm = client({
      providers: { openai: { baseUrl: `${b.url}/v1`, apiKey: 'k' } },
      deployments: {
        chat: [
          { id: 'first', model: 'openai/gpt-4o', baseUrl: `${a.url}/v1`, apiKey: 'k', weight: 1_000_000 },
          { id: 'second', model: 'openai/gpt-4o', baseUrl: `${b.url}/v1`, apiKey: 'k', weight: 1e-6 },
        ],
      },
    })
    // The group's first deployment runs on the call as prepared (no new route): it is named too.
    const stream = llm.stream({ model: 'chat', messages })
    for await (const _ of stream);
    expect(getCallInfo(stream)?.deployment).toBe('first')
    const completion = await llm.completion({ model: 'chat', messages })
    expect(getCallInfo(completion)?.deployment).toBe('first')
    // A model outside any group names no deployment.
    const plain = llm.stream({ model: 'openai/gpt-4o-mini', messages })
    for await (const _ of plain);
    expect(getCallInfo(plain)?.deployment).toBeUndefined()
  })

  it('waits for capacity, and fails a call whose deadline comes first with RateLimitError naming the limit, before any I/O', async () => {
    const llm = client({
      deployments: {
        chat: [
          { model: 'openai/gpt-4o', baseUrl: `${a.url}/v1`, apiKey: 'k', limits: { requestsPerMinute: 1 } },
        ],
      },
    })
    await llm.completion({ model: 'chat', messages })
    const error = await llm
      .completion({ model: 'chat', messages, timeout: 500 })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(RateLimitError)
    expect((error as RateLimitError).type).toBe('requests')
    expect((error as RateLimitError).message).toContain('openai/gpt-4o: requests per minute limit reached')
    expect(a.stats().requests).toBe(1)
  })

  // Each attempt that goes to the provider takes a request from the limits, retries included: 4 a
  // minute fit 3 at once (the bucket keeps a margin), so a call answered on its third attempt
  // leaves none for the next call. (Counting only first attempts would let the next one through.)
  it.each([
    ['503', 'mock-fail-503-retry-after-ms-10-times-2', 3],
    ['429', 'mock-fail-429-retry-after-ms-50-times-1', 2],
  ])(
    'counts every attempt of a call the client retries after a %s against the limits',
    async (_, model, attempts) => {
      const llm = client({
        retries: 2,
        deployments: {
          chat: [
            {
              id: 'flaky',
              model: `openai/${model}`,
              baseUrl: `${a.url}/v1`,
              apiKey: 'k',
              limits: { requestsPerMinute: attempts === 3 ? 4 : 3 },
            },
          ],
        },
        // Room for the 429's 50 ms cooldown on a busy machine; the refusal comes at once (the next slot is seconds away).
        routing: { maxQueueWait: 1000 },
      })
      const answer = await llm.completion({ model: 'chat', messages })
      expect(getCallInfo(answer)).toMatchObject({ deployment: 'flaky', attempts })
      expect(a.stats().requests).toBe(attempts)
      const refused = await llm.completion({ model: 'chat', messages }).catch((error) => error)
      expect(refused).toBeInstanceOf(RateLimitError)
      expect(refused.type).toBe('requests')
      expect(a.stats().requests).toBe(attempts)
    },
  )

  it('keeps the provider under its concurrency limit: no 429 for calls over it, they queue', async () => {
    const limited = await startMockProvider({ rateLimits: { maxConcurrent: 2 }, latencyMs: 20 })
    try {
      const llm = client({
        deployments: {
          chat: [
            {
              model: 'openai/gpt-4o',
              baseUrl: `${limited.url}/v1`,
              apiKey: 'k',
              limits: { maxConcurrent: 2 },
            },
          ],
        },
      })
      const results = await Promise.all(
        Array.from({ length: 12 }, () => llm.completion({ model: 'chat', messages })),
      )
      expect(results).toHaveLength(12)
      expect(limited.stats()).toMatchObject({ requests: 12, rateLimited: 0 })
    } finally {
      await limited.close()
    }
  })

  it('routes a request-scoped client (with()) the same way, and passes other models through', async () => {
    const llm = client({
      providers: { openai: { baseUrl: `${b.url}/v1`, apiKey: 'k' } },
      deployments: { chat: [{ id: 'a', model: 'openai/gpt-4o', baseUrl: `${a.url}/v1`, apiKey: 'key-a' }] },
    })
    const scoped = llm.with({ signal: new AbortController().signal })
    expect(getCallInfo(await scoped.completion({ model: 'chat', messages }))?.deployment).toBe('a')
    const direct = await scoped.completion({ model: 'openai/gpt-4o-mini', messages })
    expect(getCallInfo(direct)?.deployment).toBeUndefined()
    expect(b.stats().requests).toBe(1)
  })

  it('least-busy sends concurrent calls to the deployment with fewer in flight', async () => {
    const llm = client({
      deployments: {
        chat: [
          { id: 'a', model: 'openai/gpt-4o', baseUrl: `${a.url}/v1`, apiKey: 'k' },
          { id: 'b', model: 'openai/gpt-4o', baseUrl: `${b.url}/v1`, apiKey: 'k' },
        ],
      },
      routing: { strategy: 'least-busy' },
    })
    await Promise.all(Array.from({ length: 10 }, () => llm.completion({ model: 'chat', messages })))
    expect([a.stats().requests, b.stats().requests]).toEqual([5, 5])
  })

  it('lowest-latency moves to the faster deployment once both are measured', async () => {
    const slow = await startMockProvider({ latencyMs: 60 })
    try {
      const llm = client({
        deployments: {
          chat: [
            { id: 'slow', model: 'openai/gpt-4o', baseUrl: `${slow.url}/v1`, apiKey: 'k' },
            { id: 'fast', model: 'openai/gpt-4o', baseUrl: `${b.url}/v1`, apiKey: 'k' },
          ],
        },
        routing: { strategy: 'lowest-latency' },
      })
      const answered: (string | undefined)[] = []
      for (let i = 0; i < 10; i++)
        answered.push(getCallInfo(await llm.completion({ model: 'chat', messages }))?.deployment)
      expect(answered.filter((id) => id === 'slow')).toHaveLength(1)
      expect(answered.slice(2)).toEqual(Array(8).fill('fast'))
    } finally {
      await slow.close()
    }
  })

  it('refuses bad deployments and routing when the client is created', () => {
    const refused = (options: Parameters<typeof createClient>[0]) => {
      try {
        createClient(options)
      } catch (error) {
        return error instanceof InvalidArgumentError ? error.field : error
      }
      return 'accepted'
    }
    expect(refused({ deployments: { chat: [{ model: 'gpt-4o' }] } })).toBe('deployments.chat[0].model')
    expect(refused({ deployments: { chat: [] } })).toBe('deployments.chat')
    expect(
      refused({ deployments: { chat: [{ model: 'openai/x', limits: { requestsPerMinute: -1 } }] } }),
    ).toBe('deployments.chat[0].limits.requestsPerMinute')
    expect(
      refused({ deployments: { chat: [{ model: 'openai/x' }] }, routing: { fallbacks: { chat: ['nope'] } } }),
    ).toBe('routing.fallbacks.chat[0]')
    expect(refused({ routing: { strategy: 'fastest' as never } })).toBe('routing.strategy')
  })
})
