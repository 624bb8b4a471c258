import { once } from 'node:events'
import type { ServerResponse } from 'node:http'
import { Agent, type Dispatcher } from 'undici'
import { Agent as Agent6 } from 'undici6'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HttpExchange } from '../packages/core/src/client/http-transport.js'
import { createClient, ResponseParseError } from '../packages/core/src/index.js'
import { type MockProvider, startMockProvider } from '../packages/testing/src/index.js'
import { startLoopbackServer } from './helpers/loopback-server.js'

const messages = [{ role: 'user' as const, content: 'hello there' }]

let mock: MockProvider
beforeAll(async () => {
  mock = await startMockProvider({ tokens: 40 })
})
afterAll(async () => {
  await mock.close()
})

describe('the dispatch transport', () => {
  it('sends every provider call through dispatch() with a handler of undici 7 API, never request()', async () => {
    // compose() wraps a legacy handler (request()'s) in a WrapHandler; ours comes through as it is.
    const seen: string[] = []
    const agent = new Agent().compose((dispatch) => (options, handler) => {
      seen.push(typeof handler.onRequestStart === 'function' ? handler.constructor.name : 'legacy')
      return dispatch(options, handler)
    })
    // request() builds its own handler on top of dispatch(): make it fail loudly instead.
    Object.defineProperty(agent, 'request', {
      value: () => {
        throw new Error('request() used')
      },
    })
    const client = createClient({
      session: agent,
      telemetry: false,
      providers: { openai: { apiKey: 'sk-test', baseUrl: `${mock.url}/v1` } },
    })
    const completion = await client.completion({ model: 'openai/gpt-4o-mini', messages })
    expect(completion.choices[0]?.message.content).toBeTruthy()
    const embedding = await client.embedding({ model: 'openai/text-embedding-3-small', input: 'hi' })
    expect(embedding.data.length).toBe(1)
    let chunks = 0
    for await (const _chunk of client.stream({ model: 'openai/gpt-4o-mini', messages })) chunks++
    expect(chunks).toBeGreaterThan(10)
    expect(seen).toEqual(['HttpExchange', 'HttpExchange', 'HttpExchange'])
    await client.close()
    await agent.close()
  })

  it('works over a borrowed dispatcher that speaks only the legacy handler API (undici 6)', async () => {
    const agent = new Agent6()
    const client = createClient({
      session: agent as unknown as Dispatcher,
      telemetry: false,
      providers: { openai: { apiKey: 'sk-test', baseUrl: `${mock.url}/v1` } },
    })
    const completion = await client.completion({ model: 'openai/gpt-4o-mini', messages })
    expect(completion.choices[0]?.message.content).toBeTruthy()
    const stream = client.stream({ model: 'openai/gpt-4o-mini', messages })
    const final = await stream.finalCompletion()
    expect(final.choices[0]?.message.content).toBe(completion.choices[0]?.message.content)
    await client.close()
    await agent.close()
  })
})

/** A stream's exchange started on a controller that records pause / resume / abort. */
function streamingExchange() {
  const signal = {
    aborted: false,
    reason: undefined,
    on: () => signal,
    once: () => signal,
    removeListener: () => signal,
  }
  const exchange = new HttpExchange(
    signal as never,
    { maxBytes: 1 << 20, provider: 'openai', stream: true },
    { onAnswer() {}, onFailure() {} },
  )
  const calls: string[] = []
  const controller = {
    paused: false,
    aborted: false,
    reason: null,
    pause() {
      calls.push('pause')
      this.paused = true
    },
    resume() {
      calls.push('resume')
      this.paused = false
    },
    abort() {
      calls.push('abort')
    },
  }
  exchange.onRequestStart(controller)
  return { exchange, controller, calls }
}

describe('stream backpressure', () => {
  // One event is ~1 KiB; 16 MiB in all, far past what socket buffers hold.
  const chunkOf = (content: string, finish: string | null) =>
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`
  const event = chunkOf('x'.repeat(1000), null)
  const totalEvents = 16_384

  it('the handler pauses the socket while the reader is behind and resumes it as the reader takes', () => {
    const { exchange, controller, calls } = streamingExchange()
    exchange.onResponseStart(controller, 200, { 'content-type': 'text/event-stream' })
    const piece = Buffer.alloc(16 * 1024, 'a')
    for (let i = 0; i < 4; i++) exchange.onResponseData(controller, piece)
    expect(calls).toEqual([])
    exchange.onResponseData(controller, piece)
    expect(calls).toEqual(['pause'])
    expect(exchange.take()).toBe(piece)
    expect(calls).toEqual(['pause', 'resume'])
    exchange.onResponseEnd()
    let taken = 0
    for (let bytes = exchange.take(); bytes != null; bytes = exchange.take()) taken++
    expect(taken).toBe(4)
    expect(exchange.take()).toBeNull()
  })

  it('bytes handed to a waiting reader are not counted as queued', async () => {
    const { exchange, controller, calls } = streamingExchange()
    exchange.onResponseStart(controller, 200, {})
    const piece = Buffer.alloc(32 * 1024, 'a')
    for (let i = 0; i < 8; i++) {
      expect(exchange.take()).toBeUndefined()
      const waited = exchange.wait()
      exchange.onResponseData(controller, piece)
      expect(await waited).toBe(piece)
    }
    expect(calls).toEqual([])
  })

  it('a reader that stalls mid-stream and reads on gets every chunk, over a real socket', async () => {
    let written = 0
    let stalls = 0
    let held = false
    const server = await startLoopbackServer({
      handler: async (_request, response: ServerResponse) => {
        response.writeHead(200, { 'content-type': 'text/event-stream' })
        for (let i = 0; i < totalEvents; i++) {
          written += event.length
          if (!response.write(event)) {
            stalls++
            held = true
            await once(response, 'drain')
            held = false
          }
        }
        response.end(`${chunkOf('', 'stop')}data: [DONE]\n\n`)
      },
    })
    const client = createClient({
      telemetry: false,
      providers: { openai: { apiKey: 'sk-test', baseUrl: `${server.url}/v1` } },
    })
    const iterator = client.stream({ model: 'openai/gpt-4o-mini', messages })[Symbol.asyncIterator]()
    let chunks = 0
    let content = 0
    for (;;) {
      const next = await iterator.next()
      if (next.done) break
      chunks++
      content += next.value.choices[0]?.delta.content?.length ?? 0
      // A slow reader: every 1,000 chunks it waits for the server to be held up by the socket.
      if (chunks % 1000 === 0) {
        while (!held && written < totalEvents * event.length) await new Promise(setImmediate)
      }
    }
    expect(chunks).toBe(totalEvents + 1)
    expect(content).toBe(totalEvents * 1000)
    expect(stalls).toBeGreaterThan(0)
    await client.close()
    await server.close()
  })
})

describe('whole bodies', () => {
  it('refuses a chunked JSON answer past maxResponseBytes and closes its socket', async () => {
    const server = await startLoopbackServer({
      handler: async (_request, response: ServerResponse) => {
        response.writeHead(200, { 'content-type': 'application/json' })
        // No content-length: the cap is found while reading.
        for (let i = 0; i < 64; i++) response.write(`${' '.repeat(1023)}\n`)
        response.end('{}')
      },
    })
    const client = createClient({
      telemetry: false,
      retries: 0,
      maxResponseBytes: 16 * 1024,
      providers: { openai: { apiKey: 'sk-test', baseUrl: `${server.url}/v1` } },
    })
    const error = await client.completion({ model: 'openai/gpt-4o-mini', messages }).catch((e) => e)
    expect(error).toBeInstanceOf(ResponseParseError)
    expect(String(error.message)).toContain('larger than 16384 bytes')
    await server.allClosed()
    expect(server.openConnections).toBe(0)
    await client.close()
    await server.close()
  })
})
