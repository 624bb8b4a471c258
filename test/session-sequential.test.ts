import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, createSession } from '../packages/core/src/index.js'
import { startMockProvider } from '../packages/testing/src/index.js'
import { type LoopbackServer, startLoopbackServer } from './helpers/loopback-server.js'

// undici waits a full event-loop turn before it reuses a keep-alive socket, and its pool opens a
// new connection for a request sent during that turn. Calls awaited one after another are exactly
// that case; the session must still carry them on one connection.
describe('sequential calls on one session', () => {
  let server: LoopbackServer

  beforeAll(async () => {
    server = await startLoopbackServer()
  })
  afterAll(() => server.close())

  it('carry 1,000 requests awaited one after another on one connection', async () => {
    const session = createSession()
    const before = server.connections
    for (let i = 0; i < 1_000; i++) {
      const response = await session.dispatcher.request({
        origin: server.url,
        path: '/',
        method: 'POST',
        body: '{}',
      })
      await response.body.json()
    }
    expect(server.connections - before).toBe(1)
    expect(session.stats()).toMatchObject({ requests: 1_000, socketsOpened: 1, inFlight: 0 })
    await session.close()
    await server.allClosed()
  })

  it('carry 1,000 sequential Ollama embedding calls on one connection, with no warning', async () => {
    const mock = await startMockProvider()
    const warnings: Error[] = []
    const onWarning = (warning: Error) => warnings.push(warning)
    process.on('warning', onWarning)
    const session = createSession()
    const llm = createClient({ session, providers: { ollama: { baseUrl: mock.url } } })
    try {
      for (let i = 0; i < 1_000; i++) {
        const result = await llm.embedding({ model: 'ollama/nomic-embed-text', input: `text ${i}` })
        expect(result.data).toHaveLength(1)
      }
      expect(mock.stats()).toMatchObject({ connections: 1, requests: 1_000 })
    } finally {
      await session.close()
      process.off('warning', onWarning)
      await mock.close()
    }
    expect(mock.stats().openConnections).toBe(0)
    expect(warnings).toEqual([])
  })
})
