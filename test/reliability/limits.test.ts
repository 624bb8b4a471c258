import { once } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createClient,
  createSession,
  type LlmClient,
  type LlmSession,
  ResponseParseError,
  TimeoutError,
} from '../../packages/core/src/index.js'
import {
  assertNoLeaks,
  listOpenFileDescriptors,
  type MockProvider,
  type OpenFileDescriptor,
  startMockProvider,
} from '../../packages/testing/src/index.js'
import { type LoopbackServer, startLoopbackServer } from '../helpers/loopback-server.js'

const apiKey = 'sk-reliability-limits-0123456789'
const messages = [{ role: 'user' as const, content: 'tell me everything' }]
// 64 times the limit below: the mock builds its answer in memory, so "endless" is 16 MiB here; the
// loopback server further down sends an event that really never ends.
const endless = String(16 * 1024 * 1024)

let mock: MockProvider
let session: LlmSession
let client: LlmClient
let baselineFds: OpenFileDescriptor[]
let endlessServer: LoopbackServer
let endlessBytesSent = 0
beforeAll(async () => {
  mock = await startMockProvider({ tls: true })
  // One SSE event that never ends: writes until the client goes away (bounded at 1 GiB).
  endlessServer = await startLoopbackServer({
    handler: async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      const piece = Buffer.from('data: {"choices":[{"index":0,"delta":{"content":"'.padEnd(64 * 1024, 'a'))
      const closed = once(response, 'close')
      while (!response.destroyed && endlessBytesSent < 1024 * 1024 * 1024) {
        endlessBytesSent += piece.length
        if (!response.write(piece)) await Promise.race([once(response, 'drain'), closed])
      }
      response.end()
    },
  })
  baselineFds = listOpenFileDescriptors()
  session = createSession({ tls: { ca: mock.ca } })
  client = createClient({
    session,
    retries: 0,
    maxResponseBytes: 256 * 1024,
    providers: { openai: { apiKey, baseUrl: `${mock.url}/v1` } },
    // One test points a call at the endless server: the developer allows it.
    allowedBaseUrls: [endlessServer.url],
  })
})
afterAll(async () => {
  await session.close()
  await assertNoLeaks({ baselineFds, mock })
  await mock.close()
  await endlessServer.close()
})

const readAll = async (stream: AsyncIterable<unknown>) => {
  for await (const _chunk of stream) {
  }
}

describe('limits', () => {
  it('maxResponseBytes stops a provider that sends an endless JSON body, and the socket goes away', async () => {
    const error = await client
      .completion({
        model: 'openai/gpt-4o-mini',
        messages,
        headers: { 'x-mock-fault': 'oversized', 'x-mock-size': endless },
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResponseParseError)
    expect((error as Error).message).toContain('larger than 262144 bytes')
    // The client hung up long before the 16 MiB were sent.
    await mock.waitFor('aborted', 1)
  })

  it('maxResponseBytes stops a stream event that never ends', async () => {
    const error = await readAll(
      client.stream({ model: 'openai/gpt-4o-mini', messages, baseUrl: endlessServer.url }),
    ).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResponseParseError)
    expect((error as Error).message).toMatch(/262144/)
    await endlessServer.allClosed()
    expect(endlessBytesSent).toBeLessThan(64 * 1024 * 1024)
  })

  it('a smaller maxResponseBytes per client applies to the same provider', async () => {
    const small = createClient({
      session,
      retries: 0,
      maxResponseBytes: 1024,
      providers: { openai: { apiKey, baseUrl: `${mock.url}/v1` } },
    })
    const error = await small
      .completion({
        model: 'openai/gpt-4o-mini',
        messages,
        headers: { 'x-mock-fault': 'oversized', 'x-mock-size': '65536' },
      })
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ResponseParseError)
    expect((error as Error).message).toContain('larger than 1024 bytes')
  })

  it('the stream idle timeout stops a provider that stalls mid-stream', async () => {
    const aborted = mock.stats().aborted
    const started = performance.now()
    const stream = client.stream({
      model: 'openai/gpt-4o-mini',
      messages,
      idleTimeout: 200,
      headers: { 'x-mock-fault': 'stall-mid-stream' },
    })
    let chunks = 0
    const error = await (async () => {
      for await (const _chunk of stream) chunks++
    })().catch((e: unknown) => e)
    expect(chunks).toBeGreaterThan(0)
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as TimeoutError).timeout).toBe('idle')
    // Ended by the idle clock, far before the client's 10-minute total timeout or the mock's stall limit.
    expect(performance.now() - started).toBeLessThan(30_000)
    await mock.waitFor('aborted', aborted + 1)
  })
})
