import { Agent, request } from 'undici'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { parseMockFault } from './mock-fault.js'
import { type MockProvider, startMockProvider } from './start-mock-provider.js'

const routes = {
  openai: { path: '/v1/chat/completions', headers: { authorization: 'Bearer k' } },
  anthropic: { path: '/v1/messages', headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' } },
  gemini: { path: '/v1beta/models/MODEL:streamGenerateContent?alt=sse', headers: { 'x-goog-api-key': 'k' } },
  ollama: { path: '/api/chat', headers: {} },
}
type Family = keyof typeof routes

function body(family: Family, model: string, stream: boolean): string {
  const messages = [{ role: 'user', content: 'one two three four five six' }]
  if (family === 'gemini')
    return JSON.stringify({ contents: [{ role: 'user', parts: [{ text: messages[0]?.content }] }] })
  return JSON.stringify({ model, messages, max_tokens: 100, stream })
}

describe('faults', () => {
  let mock: MockProvider
  let agent: Agent
  beforeAll(async () => {
    mock = await startMockProvider({ maxStallMs: 5_000 })
    agent = new Agent()
  })
  beforeEach(() => mock.reset())
  afterAll(async () => {
    await agent.close()
    await mock.close()
  })

  const send = (
    family: Family,
    options: {
      model?: string
      fault?: string
      stream?: boolean
      headers?: Record<string, string>
      signal?: AbortSignal
    } = {},
  ) => {
    const route = routes[family]
    const model = options.model ?? 'model-x'
    return request(`${mock.url}${route.path.replace('MODEL', model)}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...route.headers,
        ...(options.fault ? { 'x-mock-fault': options.fault } : {}),
        ...options.headers,
      },
      body: body(family, model, options.stream ?? true),
      dispatcher: agent,
      signal: options.signal,
    })
  }

  it('parses fault names, with retry controls and -times-N', () => {
    expect(parseMockFault('fail-429-retry-after-1.5-times-2')).toMatchObject({
      name: 'fail',
      status: 429,
      retryAfterSeconds: 1.5,
      times: 2,
    })
    expect(parseMockFault('fail-503-retry-after-ms-20-no-retry')).toMatchObject({
      status: 503,
      retryAfterMs: 20,
      shouldRetry: false,
    })
    expect(parseMockFault('reset-mid-stream')).toMatchObject({ name: 'reset-mid-stream' })
    expect(parseMockFault('fail-200')).toBeUndefined()
    expect(parseMockFault('model')).toBeUndefined()
  })

  it("fail-<status> answers with each provider's own error body and retry headers", async () => {
    const openai = await send('openai', { model: 'mock-fail-429-retry-after-1', stream: false })
    expect(openai.statusCode).toBe(429)
    expect(openai.headers['retry-after']).toBe('1')
    expect(await openai.body.json()).toEqual({
      error: { message: expect.any(String), type: 'requests', param: null, code: 'rate_limit_exceeded' },
    })

    const anthropic = await send('anthropic', { model: 'mock-fail-529' })
    expect(anthropic.statusCode).toBe(529)
    expect(await anthropic.body.json()).toEqual({
      type: 'error',
      error: { details: null, type: 'overloaded_error', message: 'Overloaded' },
      request_id: expect.stringMatching(/^req_/),
    })

    const gemini = await send('gemini', { fault: 'fail-429', headers: { 'x-mock-retry-after-ms': '250' } })
    expect(gemini.statusCode).toBe(429)
    expect(gemini.headers['retry-after-ms']).toBe('250')
    expect(await gemini.body.json()).toEqual({
      error: {
        code: 429,
        message: expect.any(String),
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.25s' }],
      },
    })

    const ollama = await send('ollama', { fault: 'fail-500', headers: { 'x-mock-should-retry': 'false' } })
    expect(ollama.statusCode).toBe(500)
    expect(ollama.headers['x-should-retry']).toBe('false')
    expect(await ollama.body.json()).toEqual({ error: expect.any(String) })
    expect(mock.stats().byFault).toEqual({
      'fail-429-retry-after-1': 1,
      'fail-529': 1,
      'fail-429': 2 - 1,
      'fail-500': 1,
    })
  })

  it('the fault option fails every request that asks for none, from configure() on', async () => {
    const before = await send('openai', { stream: false })
    expect(before.statusCode).toBe(200)
    await before.body.dump()
    mock.configure({ fault: 'fail-503' })
    try {
      const failing = await send('openai', { stream: false })
      expect(failing.statusCode).toBe(503)
      await failing.body.dump()
      // A request's own fault still wins.
      const own = await send('openai', { fault: 'fail-429', stream: false })
      expect(own.statusCode).toBe(429)
      await own.body.dump()
      expect(mock.requests().map((request) => request.fault)).toEqual([undefined, 'fail-503', 'fail-429'])
      const times = mock.requests().map((request) => request.receivedAt)
      expect(times[0]).toBeGreaterThan(Date.now() - 60_000)
      expect(times).toEqual([...times].sort((a, b) => a - b))
    } finally {
      mock.configure({ fault: undefined })
    }
    expect(() => mock.configure({ fault: 'fail-200' })).toThrow(/fault must be a fault name/)
  })

  it('fails the first N attempts with the same fault id, then succeeds', async () => {
    const statuses: number[] = []
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await send('openai', {
        stream: false,
        headers: { 'x-mock-fail-times': '2', 'x-mock-fault-id': 'retry-test' },
      })
      statuses.push(response.statusCode)
      await response.body.dump()
    }
    expect(statuses).toEqual([503, 503, 200])
    const byModel: number[] = []
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await send('anthropic', { model: 'mock-fail-529-times-1', stream: false })
      byModel.push(response.statusCode)
      await response.body.dump()
    }
    expect(byModel).toEqual([529, 200])
  })

  it('reset cuts the connection before any header', async () => {
    await expect(send('openai', { fault: 'reset' })).rejects.toMatchObject({ code: 'ECONNRESET' })
    expect(mock.stats()).toMatchObject({ faults: 1, aborted: 0, responses: 0 })
  })

  it('reset-mid-stream sends headers and some chunks, then resets', async () => {
    const response = await send('openai', { fault: 'reset-mid-stream' })
    expect(response.statusCode).toBe(200)
    const received: string[] = []
    await expect(
      (async () => {
        for await (const chunk of response.body) received.push(String(chunk))
      })(),
    ).rejects.toThrow()
    expect(received.join('')).toContain('"role":"assistant"')
    expect(received.join('')).not.toContain('[DONE]')
  })

  it('stall sends no headers until the client gives up', async () => {
    const controller = new AbortController()
    let headersArrived = false
    const stalled = send('anthropic', { fault: 'stall', signal: controller.signal }).then((response) => {
      headersArrived = true
      return response
    })
    await mock.waitFor('requests', 1)
    // A full round trip on another connection completes meanwhile.
    const other = await request(`${mock.url}/health`)
    await other.body.json()
    expect(headersArrived).toBe(false)
    controller.abort()
    await expect(stalled).rejects.toThrow()
    await mock.waitFor('aborted', 1)
  })

  it('stall-mid-stream stops after some chunks and never ends on its own', async () => {
    const controller = new AbortController()
    const response = await send('ollama', { fault: 'stall-mid-stream', signal: controller.signal })
    expect(response.statusCode).toBe(200)
    const iterator = response.body[Symbol.asyncIterator]()
    const first = await iterator.next()
    expect(String(first.value)).toContain('"done":false')
    controller.abort()
    await expect(iterator.next()).rejects.toThrow()
    await mock.waitFor('aborted', 1)
  })

  it('a stall ends by itself after maxStallMs', async () => {
    mock.configure({ maxStallMs: 30 })
    try {
      await expect(send('openai', { fault: 'stall' })).rejects.toThrow()
    } finally {
      mock.configure({ maxStallMs: 5_000 })
    }
  })

  it('malformed-json breaks the JSON body and the stream', async () => {
    const json = await send('openai', { fault: 'malformed-json', stream: false })
    expect(json.statusCode).toBe(200)
    const text = await json.body.text()
    expect(() => JSON.parse(text)).toThrow()
    const stream = await send('anthropic', { fault: 'malformed-json' })
    const events = (await stream.body.text()).split('\n\n').filter(Boolean)
    expect(() => JSON.parse(events.at(-1)?.split('data: ')[1] ?? '')).toThrow()
  })

  it('truncated-stream ends cleanly before the terminator of each format', async () => {
    const openai = await (await send('openai', { fault: 'truncated-stream' })).body.text()
    expect(openai).toContain('"content"')
    expect(openai).not.toContain('"finish_reason":"stop"')
    expect(openai).not.toContain('[DONE]')
    const anthropic = await (await send('anthropic', { fault: 'truncated-stream' })).body.text()
    expect(anthropic).toContain('message_delta')
    expect(anthropic).not.toContain('message_stop')
    const gemini = await (await send('gemini', { fault: 'truncated-stream' })).body.text()
    expect(gemini).not.toContain('finishReason')
    const ollama = await (await send('ollama', { fault: 'truncated-stream' })).body.text()
    expect(ollama).not.toContain('"done":true')
  })

  it('stream-error sends each format error inside a 200 stream', async () => {
    const expected: Record<Family, RegExp> = {
      openai: /event: error\ndata: \{"error":\{/,
      anthropic: /event: error\ndata: \{"type":"error","error":\{"type":"overloaded_error"/,
      gemini: /data: \{"error":\{"code":503,.*"status":"UNAVAILABLE"\}\}\r\n\r\n$/,
      ollama: /\{"error":"[^"]+"\}\n$/,
    }
    for (const family of Object.keys(routes) as Family[]) {
      const response = await send(family, { fault: 'stream-error' })
      expect(response.statusCode).toBe(200)
      expect(await response.body.text()).toMatch(expected[family])
    }
  })

  it('unknown fault names are a 400 in the provider shape', async () => {
    const response = await send('openai', { fault: 'explode' })
    expect(response.statusCode).toBe(400)
    expect(await response.body.json()).toMatchObject({ error: { message: 'Unknown mock fault "explode"' } })
  })

  it('oversized streams a huge body and waits for drain when the client reads slowly', async () => {
    const size = 16 * 1024 * 1024
    const response = await send('openai', { fault: 'oversized', headers: { 'x-mock-size': String(size) } })
    // Not reading yet: the mock must hit backpressure and wait for 'drain'.
    await mock.waitFor('drainWaits', 1)
    let received = 0
    for await (const chunk of response.body) received += (chunk as Buffer).length
    expect(received).toBeGreaterThan(size)
    expect(mock.stats().responses).toBe(1)
  })
})
