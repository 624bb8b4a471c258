import { Agent, Pool, request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../invalid-argument-error.js'
import { type MockProvider, startMockProvider } from './start-mock-provider.js'

const chatBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: 'count me' }], ...extra })
const headers = { authorization: 'Bearer k', 'content-type': 'application/json' }

describe('startMockProvider', () => {
  const started: MockProvider[] = []
  const start = async (options: Parameters<typeof startMockProvider>[0] = {}) => {
    const mock = await startMockProvider(options)
    started.push(mock)
    return mock
  }
  afterEach(async () => {
    await Promise.all(started.splice(0).map((mock) => mock.close()))
  })

  it('counts N sequential requests on one keep-alive client as 1 connection', async () => {
    const mock = await start()
    const pool = new Pool(mock.url, { connections: 1 })
    try {
      for (let index = 0; index < 5; index++) {
        const response = await pool.request({
          path: '/v1/chat/completions',
          method: 'POST',
          headers,
          body: chatBody(),
        })
        expect(response.statusCode).toBe(200)
        await response.body.json()
      }
      expect(mock.stats()).toMatchObject({
        connections: 1,
        openConnections: 1,
        peakOpenConnections: 1,
        requests: 5,
        responses: 5,
        tlsHandshakes: 0,
      })
      expect(mock.stats().byRoute).toEqual({ 'openai.chat': 5 })
    } finally {
      await pool.close()
    }
    await mock.waitFor((stats) => stats.openConnections === 0)
  })

  it('serves HTTPS with a generated CA and counts TLS handshakes', async () => {
    const mock = await start({ tls: true })
    expect(mock.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/)
    expect(mock.ca).toContain('BEGIN CERTIFICATE')
    const pool = new Pool(mock.url, { connections: 1, connect: { ca: mock.ca } })
    const untrusting = new Agent()
    try {
      for (let index = 0; index < 3; index++) {
        const response = await pool.request({
          path: '/v1/chat/completions',
          method: 'POST',
          headers,
          body: chatBody(),
        })
        await response.body.json()
      }
      expect(mock.stats()).toMatchObject({ connections: 1, tlsHandshakes: 1, requests: 3 })
      await expect(request(`${mock.url}/health`, { dispatcher: untrusting })).rejects.toThrow(/certificate/i)
      await mock.waitFor('connections', 2)
      expect(mock.stats().tlsHandshakes).toBe(1)
    } finally {
      await pool.close()
      await untrusting.close()
    }
  })

  it('closes cleanly with clients connected, including a stalled stream, and is idempotent', async () => {
    const mock = await start()
    const agent = new Agent()
    const stalled = request(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...headers, 'x-mock-fault': 'stall-mid-stream' },
      body: chatBody({ stream: true }),
      dispatcher: agent,
    })
    const idle = await request(`${mock.url}/health`, { dispatcher: agent })
    await idle.body.json()
    const stalledResponse = await stalled
    expect(stalledResponse.statusCode).toBe(200)
    expect(mock.stats().openConnections).toBe(2)
    expect(mock.stats().peakOpenConnections).toBe(2)
    const [first, second] = [mock.close(), mock.close()]
    await Promise.all([first, second])
    expect(mock.closed).toBe(true)
    expect(mock.stats().openConnections).toBe(0)
    expect(mock.stats().peakOpenConnections).toBe(2)
    await expect(stalledResponse.body.text()).rejects.toThrow()
    await mock.close()
    await agent.close()
  })

  it('counts a request as aborted when the client goes away before the response ends', async () => {
    const mock = await start()
    const controller = new AbortController()
    const pending = request(`${mock.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...headers, 'x-mock-fault': 'stall' },
      body: chatBody(),
      signal: controller.signal,
    })
    await mock.waitFor('requests', 1)
    controller.abort()
    await expect(pending).rejects.toThrow()
    await mock.waitFor('aborted', 1)
    expect(mock.stats()).toMatchObject({ aborted: 1, responses: 0 })
  })

  it('records requests without credentials, bounded by historySize, and reset() clears them', async () => {
    const mock = await start({ historySize: 2 })
    for (const content of ['a', 'b', 'c']) {
      await fetch(`${mock.url}/v1/chat/completions?key=secret-in-url`, {
        method: 'POST',
        headers: { authorization: 'Bearer secret-key', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content }] }),
      }).then((response) => response.json())
    }
    const history = mock.requests()
    expect(
      history.map((item) => (item.body as { messages: { content: string }[] }).messages[0]?.content),
    ).toEqual(['b', 'c'])
    expect(JSON.stringify(history)).not.toContain('secret')
    expect(mock.lastRequest()?.path).toBe('/v1/chat/completions?key=%5Bredacted%5D')
    mock.reset()
    expect(mock.requests()).toEqual([])
    expect(mock.stats()).toMatchObject({ requests: 0, connections: 0 })
  })

  it('answers unknown routes with 404 and times out waitFor with the stats in the message', async () => {
    const mock = await start()
    const response = await fetch(`${mock.url}/nope`, { method: 'POST' })
    expect(response.status).toBe(404)
    await response.body?.cancel()
    expect(mock.stats().byRoute.unknown).toBe(1)
    await expect(mock.waitFor('aborted', 1, { timeoutMs: 20 })).rejects.toThrow(/timed out.*"requests":1/)
  })

  it('checks options eagerly with a typed error naming the field', async () => {
    await expect(startMockProvider({ port: 70000 })).rejects.toThrow(InvalidArgumentError)
    await expect(startMockProvider({ latencyMs: -1 })).rejects.toMatchObject({ field: 'latencyMs' })
    await expect(startMockProvider({ toolCalls: [{ name: '', arguments: {} }] })).rejects.toMatchObject({
      field: 'toolCalls[0].name',
    })
    const mock = await start()
    expect(() => mock.configure({ tokens: 0 })).toThrow(expect.objectContaining({ field: 'tokens' }))
  })
})
