import { Agent, request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { formatResetDuration } from './mock-rate-limits.js'
import { type MockProvider, startMockProvider } from './start-mock-provider.js'

const agent = new Agent()
const chat = (mock: MockProvider, key = 'k1', extra: Record<string, unknown> = {}) =>
  request(`${mock.url}/v1/chat/completions`, {
    method: 'POST',
    dispatcher: agent,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: 'one two three' }], ...extra }),
  })
const message = (mock: MockProvider) =>
  request(`${mock.url}/v1/messages`, {
    method: 'POST',
    dispatcher: agent,
    headers: { 'x-api-key': 'ant', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'claude',
      max_tokens: 10,
      messages: [{ role: 'user', content: 'hi there' }],
    }),
  })

describe('mock provider rate limits', () => {
  const started: MockProvider[] = []
  const start = async (options: Parameters<typeof startMockProvider>[0]) => {
    const mock = await startMockProvider(options)
    started.push(mock)
    return mock
  }
  afterEach(async () => {
    await Promise.all(started.splice(0).map((mock) => mock.close()))
  })

  it('counts requests per key and answers the one over the limit with an OpenAI 429 and retry-after', async () => {
    const mock = await start({ rateLimits: { requestsPerMinute: 3 } })
    const remaining: string[] = []
    for (let i = 0; i < 3; i++) {
      const response = await chat(mock)
      expect(response.statusCode).toBe(200)
      await response.body.json()
      expect(response.headers['x-ratelimit-limit-requests']).toBe('3')
      expect(response.headers['x-ratelimit-reset-requests']).toMatch(/^\d+(\.\d+)?s$|^\d+ms$/)
      remaining.push(String(response.headers['x-ratelimit-remaining-requests']))
    }
    expect(remaining).toEqual(['2', '1', '0'])
    const refused = await chat(mock)
    expect(refused.statusCode).toBe(429)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    const body = (await refused.body.json()) as { error: { message: string } }
    expect(body.error.message).toContain('requests per min')
    const other = await chat(mock, 'k2')
    expect(other.statusCode).toBe(200)
    await other.body.dump()
    expect(mock.stats().rateLimited).toBe(1)
  })

  it('charges the usage it reports to the token bucket', async () => {
    const mock = await start({ rateLimits: { tokensPerMinute: 100 } })
    const response = await chat(mock)
    const body = (await response.body.json()) as { usage: { total_tokens: number } }
    expect(Number(response.headers['x-ratelimit-remaining-tokens'])).toBe(100 - body.usage.total_tokens)
    expect(response.headers['x-ratelimit-limit-tokens']).toBe('100')
  })

  it('refuses a call beyond the concurrency limit while another is in flight', async () => {
    const mock = await start({ rateLimits: { maxConcurrent: 1 }, latencyMs: 300 })
    const first = chat(mock)
    await mock.waitFor('requests', 1)
    const second = await chat(mock)
    expect(second.statusCode).toBe(429)
    await second.body.dump()
    const answered = await first
    expect(answered.statusCode).toBe(200)
    await answered.body.dump()
  })

  it("sends Anthropic's anthropic-ratelimit-* headers with RFC 3339 resets on Anthropic routes", async () => {
    const mock = await start({ rateLimits: { requestsPerMinute: 50, tokensPerMinute: 1_000 } })
    const response = await message(mock)
    expect(response.statusCode).toBe(200)
    await response.body.dump()
    expect(response.headers['anthropic-ratelimit-requests-limit']).toBe('50')
    expect(response.headers['anthropic-ratelimit-requests-remaining']).toBe('49')
    expect(String(response.headers['anthropic-ratelimit-tokens-reset'])).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    )
    expect(response.headers['x-ratelimit-limit-requests']).toBeUndefined()
  })

  it('formats resets as Go durations the way OpenAI does', () => {
    expect(formatResetDuration(12)).toBe('12ms')
    expect(formatResetDuration(1_000)).toBe('1s')
    expect(formatResetDuration(360_000)).toBe('6m0s')
    expect(formatResetDuration(20_500)).toBe('20.5s')
  })
})
