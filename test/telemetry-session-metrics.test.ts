import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createClient,
  createSession,
  type LlmSession,
  observeSessionMetrics,
} from '../packages/core/src/index.js'
import { type MockProvider, startMockProvider } from '../packages/testing/src/index.js'
import { dataPoints, registerTestOtelSdk, type TestOtelSdk } from './helpers/otel-sdk.js'

let sdk: TestOtelSdk
let mock: MockProvider
let session: LlmSession

beforeAll(async () => {
  sdk = registerTestOtelSdk()
  mock = await startMockProvider({ tls: true })
  session = createSession({ connections: 1, tls: { ca: mock.ca } })
})
afterAll(async () => {
  await session.close()
  await mock.close()
  await sdk.shutdown()
})

const messages = [{ role: 'user' as const, content: 'hi pool' }]

async function read(name: string) {
  return (dataPoints(await sdk.collect()).get(name) ?? []).filter(
    (point) => (point.attributes as Record<string, unknown>)['llm_session.session.id'] === session.id,
  )
}

describe('observeSessionMetrics: the session pool as observable instruments', () => {
  it('reports open, queued and opened sockets, TLS handshakes and errors by type, as the mock counts them', async () => {
    const metrics = observeSessionMetrics(session)
    const llm = createClient({
      session,
      providers: { openai: { apiKey: 'sk-test', baseUrl: `${mock.url}/v1` } },
    })
    await llm.completion({ model: 'openai/gpt-4o', messages })
    // One socket, and a stalled request holding it: the next one queues.
    const controller = new AbortController()
    const stalled = llm.completion({ model: 'openai/mock-stall', messages, signal: controller.signal })
    await mock.waitFor((stats) => (stats.byFault.stall ?? 0) >= 1)
    const queuedCall = llm.completion({ model: 'openai/gpt-4o', messages, signal: controller.signal })
    const port = Number(new URL(mock.url).port)
    const at = { 'llm_session.session.id': session.id, 'server.address': '127.0.0.1', 'server.port': port }
    await expect.poll(async () => (await read('llm_session.session.requests.queued'))[0]?.value).toBe(1)
    expect(await read('http.client.open_connections')).toEqual([
      { attributes: { ...at, 'http.connection.state': 'active' }, value: 1 },
      { attributes: { ...at, 'http.connection.state': 'idle' }, value: 0 },
    ])
    controller.abort()
    await Promise.allSettled([stalled, queuedCall])
    await llm.completion({ model: 'openai/mock-reset', messages, retries: 0 }).catch(() => {})
    await llm.completion({ model: 'openai/gpt-4o', messages })
    // Every socket the mock accepted is a TLS one (the reset fault destroys its socket after the
    // handshake started, so the mock's own handshake count may miss that one).
    const handshakes = mock.stats().connections
    expect(handshakes).toBeGreaterThanOrEqual(3)
    expect(await read('llm_session.session.sockets.opened')).toEqual([{ attributes: at, value: handshakes }])
    expect(await read('llm_session.session.tls.handshakes')).toEqual([{ attributes: at, value: handshakes }])
    const errors = await read('llm_session.session.errors')
    expect(errors.reduce((sum, point) => sum + Number(point.value), 0)).toBe(session.stats().errors)
    expect(errors.map((point) => (point.attributes as Record<string, unknown>)['error.type'])).toContain(
      'AbortError',
    )
    metrics.close()
    metrics.close()
    // Not observed any more: a new socket after close() is not counted.
    await llm.completion({ model: 'openai/mock-reset', messages, retries: 0 }).catch(() => {})
    await llm.completion({ model: 'openai/gpt-4o', messages })
    expect(session.stats().socketsOpened).toBe(handshakes + 1)
    expect(await read('llm_session.session.sockets.opened')).toEqual([{ attributes: at, value: handshakes }])
  })
})
