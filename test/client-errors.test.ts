import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createClientWithInternals } from '../packages/core/src/client/create-client.js'
import {
  AuthenticationError,
  BadRequestError,
  ConnectionError,
  ContentPolicyViolationError,
  ContextWindowExceededError,
  createSession,
  getCallInfo,
  InternalServerError,
  type LlmSession,
  NotFoundError,
  PermissionDeniedError,
  ProviderError,
  RateLimitError,
  ResponseParseError,
  ServiceUnavailableError,
  TimeoutError,
} from '../packages/core/src/index.js'
import { type Handler, type LoopbackServer, startLoopbackServer } from './helpers/loopback-server.js'

let server: LoopbackServer
let session: LlmSession
let handler: Handler = (_request, response) => response.end()
const delays: number[] = []
const messages = [{ role: 'user' as const, content: 'Hi' }]
const okBody = JSON.stringify({
  id: 'c1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
})

beforeAll(async () => {
  server = await startLoopbackServer({ handler: (request, response, raw) => handler(request, response, raw) })
  session = createSession({ connections: 4 })
})
afterAll(async () => {
  await session.close()
  await server.close()
})
afterEach(() => {
  delays.length = 0
})

// Every client carries the current test's run id, so that a request of an earlier test which reaches
// the server late (its caller timed out while the machine was busy) is told apart from this test's.
let run = 0

/** A client whose retry waits are recorded, not slept; jitter 0. */
const client = (
  options: { retries?: number; timeout?: number; idleTimeout?: number; maxResponseBytes?: number } = {},
) =>
  createClientWithInternals(
    {
      session,
      providers: { openai: { apiKey: 'sk-test', baseUrl: `${server.url}/v1` } },
      headers: { 'x-test-run': String(run) },
      ...options,
    },
    {
      sleep: async (ms) => {
        delays.push(ms)
      },
      random: () => 0,
    },
  )

const errorBody = (code: string | null, message = 'provider says no') =>
  JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code } })

describe('HTTP errors map to the taxonomy', () => {
  it.each([
    [400, null, BadRequestError],
    [400, 'context_length_exceeded', ContextWindowExceededError],
    [400, 'content_filter', ContentPolicyViolationError],
    [401, 'invalid_api_key', AuthenticationError],
    [403, null, PermissionDeniedError],
    [404, 'model_not_found', NotFoundError],
    [408, null, ProviderError],
    [409, null, ProviderError],
    [429, 'rate_limit_exceeded', RateLimitError],
    [500, null, InternalServerError],
    [502, null, ServiceUnavailableError],
    [503, null, ServiceUnavailableError],
    [504, null, ServiceUnavailableError],
    [529, null, ServiceUnavailableError],
  ] as const)('%i %s → %s', async (status, code, ErrorClass) => {
    handler = (_request, response) => {
      response.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req_${status}` })
      response.end(errorBody(code))
    }
    const error = await client({ retries: 0 })
      .completion({ model: 'openai/gpt-4o', messages })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ErrorClass)
    expect(error).toMatchObject({
      status,
      provider: 'openai',
      requestId: `req_${status}`,
      message: expect.stringContaining('provider says no'),
    })
  })

  it('a 200 body that is not JSON is a ResponseParseError', async () => {
    handler = (_request, response) => response.end('<html>gateway</html>')
    await expect(client().completion({ model: 'openai/gpt-4o', messages })).rejects.toBeInstanceOf(
      ResponseParseError,
    )
  })

  it('a 200 JSON body of an unexpected shape is a ResponseParseError, not retried as a connection failure', async () => {
    let requests = 0
    handler = (_request, response) => {
      requests++
      response.end('{"id":"msg_1","content":[null]}')
    }
    const llm = createClientWithInternals(
      { session, providers: { anthropic: { apiKey: 'sk-test', baseUrl: server.url } } },
      { sleep: async (ms) => void delays.push(ms), random: () => 0 },
    )
    const error = await llm
      .completion({ model: 'anthropic/claude-sonnet-4-5', messages })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ResponseParseError)
    expect(error).toMatchObject({ provider: 'anthropic', retryable: false })
    expect((error as Error).cause).toBeInstanceOf(TypeError)
    expect(requests).toBe(1)
    expect(delays).toEqual([])
  })

  it('a body over maxResponseBytes is a ResponseParseError', async () => {
    handler = (_request, response) => response.end(okBody.padEnd(5000, ' '))
    const error = await client({ maxResponseBytes: 1000 })
      .completion({ model: 'openai/gpt-4o', messages })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ResponseParseError)
    expect((error as Error).message).toContain('larger than 1000 bytes')
  })

  it('a refused connection is a ConnectionError after the retries', async () => {
    const closed = await startLoopbackServer({ handler: () => {} })
    const baseUrl = `${closed.url}/v1`
    await closed.close()
    // A base URL of the call's own goes with a key of its own: the client's key stays home.
    const error = await client({ retries: 1 })
      .completion({ model: 'openai/gpt-4o', messages, baseUrl, apiKey: 'sk-call' })
      .catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(ConnectionError)
    expect(delays).toEqual([500])
  })

  it('an idle stream is a TimeoutError (idle); a call without an answer is a TimeoutError (total)', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      response.write('data: {"id":"a","choices":[{"index":0,"delta":{"content":"x"}}]}\n\n')
    }
    const idle = await client({ idleTimeout: 50 })
      .stream({ model: 'openai/gpt-4o', messages })
      .finalCompletion()
      .catch((caught: unknown) => caught)
    expect(idle).toBeInstanceOf(TimeoutError)
    expect(idle).toMatchObject({ timeout: 'idle' })
    handler = () => {}
    const total = await client({ timeout: 80 })
      .stream({ model: 'openai/gpt-4o', messages })
      .finalCompletion()
      .catch((caught: unknown) => caught)
    expect(total).toBeInstanceOf(TimeoutError)
    expect(total).toMatchObject({ timeout: 'total' })
  })

  it('the total timeout stops at the first byte of a stream; streamTimeout bounds the body', async () => {
    // Sends a piece every 20 ms for 10 pieces: far longer than the total timeout of 60 ms.
    handler = async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      for (let i = 0; i < 10; i++) {
        response.write(`data: {"id":"a","choices":[{"index":0,"delta":{"content":"${i}"}}]}\n\n`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      response.end(
        'data: {"id":"a","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n',
      )
    }
    const long = await client({ timeout: 60, idleTimeout: 5_000 })
      .stream({ model: 'openai/gpt-4o', messages })
      .finalCompletion()
    expect(long.choices[0]?.message.content).toBe('0123456789')
    const cut = await client({ idleTimeout: 5_000 })
      .stream({ model: 'openai/gpt-4o', messages, streamTimeout: 60 })
      .finalCompletion()
      .catch((caught: unknown) => caught)
    expect(cut).toBeInstanceOf(TimeoutError)
    expect(cut).toMatchObject({ timeout: 'stream' })
  })
})

describe('retries', () => {
  /** Answers with each response in turn, then the last one again. */
  const sequence = (...answers: Array<{ status: number; headers?: Record<string, string> }>) => {
    let index = 0
    const current = String(++run)
    handler = (request, response) => {
      const own = request.headers['x-test-run'] === current
      const answer = answers[Math.min(own ? index++ : 0, answers.length - 1)]!
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
      response.end(answer.status === 200 ? okBody : errorBody(null))
    }
  }
  const requestsDuring = async (call: () => Promise<unknown>) => {
    const current = String(run)
    const result = await call().catch((caught: unknown) => caught)
    const requests = server.requests.filter((request) => request.headers['x-test-run'] === current).length
    return { result, requests }
  }

  it('retries 503 with exponential backoff and counts attempts', async () => {
    sequence({ status: 503 }, { status: 503 }, { status: 200 })
    const { result, requests } = await requestsDuring(() =>
      client().completion({ model: 'openai/gpt-4o', messages }),
    )
    expect(requests).toBe(3)
    expect(delays).toEqual([500, 1000])
    expect(getCallInfo(result as object)?.attempts).toBe(3)
  })

  it.each([
    ['retry-after-ms', { 'retry-after-ms': '1234.5' }, 1234.5],
    ['retry-after seconds', { 'retry-after': '7' }, 7000],
    ['retry-after over 60 s falls back to backoff', { 'retry-after': '120' }, 500],
  ])('honours %s', async (_name, headers, expected) => {
    sequence({ status: 429, headers }, { status: 200 })
    const { requests } = await requestsDuring(() => client().completion({ model: 'openai/gpt-4o', messages }))
    expect(requests).toBe(2)
    expect(delays).toEqual([expected])
  })

  it('honours retry-after as an HTTP date', async () => {
    sequence(
      { status: 429, headers: { 'retry-after': new Date(Date.now() + 20_000).toUTCString() } },
      { status: 200 },
    )
    await client().completion({ model: 'openai/gpt-4o', messages })
    expect(delays).toHaveLength(1)
    expect(delays[0]).toBeGreaterThan(15_000)
    expect(delays[0]).toBeLessThanOrEqual(20_000)
  })

  it('x-should-retry: false stops a retryable status; true retries a 400', async () => {
    sequence({ status: 503, headers: { 'x-should-retry': 'false' } }, { status: 200 })
    const stopped = await requestsDuring(() => client().completion({ model: 'openai/gpt-4o', messages }))
    expect(stopped.requests).toBe(1)
    expect(stopped.result).toBeInstanceOf(ServiceUnavailableError)
    sequence({ status: 400, headers: { 'x-should-retry': 'true' } }, { status: 200 })
    const retried = await requestsDuring(() => client().completion({ model: 'openai/gpt-4o', messages }))
    expect(retried.requests).toBe(2)
  })

  it('does not retry a 400, and stops after `retries`', async () => {
    sequence({ status: 400 })
    expect(
      (await requestsDuring(() => client().completion({ model: 'openai/gpt-4o', messages }))).requests,
    ).toBe(1)
    sequence({ status: 500 })
    const exhausted = await requestsDuring(() =>
      client().completion({ model: 'openai/gpt-4o', messages, retries: 1 }),
    )
    expect(exhausted.requests).toBe(2)
    expect(exhausted.result).toBeInstanceOf(InternalServerError)
  })

  it('an abort cancels a waiting retry at once', async () => {
    sequence({ status: 429, headers: { 'retry-after': '30' } })
    const real = createClientWithInternals(
      { session, providers: { openai: { apiKey: 'sk-test', baseUrl: `${server.url}/v1` } } },
      {},
    )
    const controller = new AbortController()
    const before = server.requests.length
    const pending = real.completion({ model: 'openai/gpt-4o', messages, signal: controller.signal })
    await new Promise<void>((resolve) => {
      const check = () => (server.requests.length > before ? resolve() : setImmediate(check))
      check()
    })
    controller.abort()
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
    expect(server.requests.length - before).toBe(1)
  })

  it('never retries once a stream has started: a reset mid-stream is one attempt and a ConnectionError', async () => {
    handler = (_request, response, raw) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      response.write('data: {"id":"a","choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n', () =>
        raw.socket.destroy(),
      )
    }
    const before = server.requests.length
    const stream = client().stream({ model: 'openai/gpt-4o', messages })
    const seen: string[] = []
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '')
    })().catch((caught: unknown) => caught)
    expect(seen).toEqual(['Hel'])
    expect(error).toBeInstanceOf(ConnectionError)
    expect(server.requests.length - before).toBe(1)
    expect(delays).toEqual([])
  })
})

describe('abort', () => {
  const openStream: Handler = (_request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream' })
    response.write('data: {"id":"a","choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n')
  }

  it.each(['signal', 's.abort()'])(
    'abort mid-stream (%s) surfaces AbortError and closes the connection',
    async (how) => {
      let requestClosed!: Promise<void>
      let socketClosed!: Promise<void>
      handler = (request, response, raw) => {
        requestClosed = new Promise((resolve) => response.on('close', () => resolve()))
        socketClosed = new Promise((resolve) => raw.socket.once('close', () => resolve()))
        openStream(request, response, raw)
      }
      const controller = new AbortController()
      const stream = client().stream({ model: 'openai/gpt-4o', messages, signal: controller.signal })
      const iterator = stream[Symbol.asyncIterator]()
      expect((await iterator.next()).value?.choices[0]?.delta.content).toBe('Hel')
      if (how === 'signal') controller.abort()
      else stream.abort()
      await expect(iterator.next()).rejects.toMatchObject({ name: 'AbortError' })
      await requestClosed
      await expect(stream.finalCompletion()).rejects.toMatchObject({ name: 'AbortError' })
      // The socket that carried the stream is closed, not left dangling in the pool.
      await socketClosed
    },
  )

  it('toSSEStream relays chunks, ends with [DONE], and reports errors as an event', async () => {
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      response.end(
        'data: {"id":"a","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n',
      )
    }
    const text = await new Response(
      client().stream({ model: 'openai/gpt-4o', messages }).toSSEStream(),
    ).text()
    expect(text).toMatch(/^data: \{.*"content":"Hi".*\}\n\ndata: \[DONE\]\n\n$/s)
    handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      response.end('event: error\ndata: {"error":{"message":"bad","code":"x","status_code":400}}\n\n')
    }
    const failed = await new Response(
      client().stream({ model: 'openai/gpt-4o', messages }).toSSEStream(),
    ).text()
    // The mapped body of mapLlmErrorToHttp, never the provider's message ("bad").
    expect(failed).toBe(
      'event: error\ndata: {"error":{"message":"The model provider rejected the request.","type":"invalid_request_error","code":"LLM_BAD_REQUEST","param":null}}\n\n',
    )
  })
})
