import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession } from '../packages/core/src/index.js'
import { type LoopbackServer, startLoopbackServer } from './helpers/loopback-server.js'
import { countOpenFds } from './helpers/open-fds.js'
import { createTestCertificates, type TestCertificates } from './helpers/test-certificates.js'

let certificates: TestCertificates

beforeAll(async () => {
  certificates = await createTestCertificates()
})

/** Sends `total` GET requests, `concurrency` at a time, and returns how many answered 200. */
async function sendMany(
  request: () => Promise<{ statusCode: number; body: { text(): Promise<string> } }>,
  total: number,
  concurrency: number,
): Promise<number> {
  let next = 0
  let ok = 0
  const worker = async () => {
    while (next < total) {
      next++
      const response = await request()
      await response.body.text()
      if (response.statusCode === 200) ok++
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return ok
}

describe.each(['http', 'https'] as const)('one session over %s', (scheme) => {
  let server: LoopbackServer
  let requestsSeen = 0

  beforeAll(async () => {
    server = await startLoopbackServer({
      ...(scheme === 'https' && { tls: { cert: certificates.cert, key: certificates.key } }),
      handler: (_request, response) => {
        requestsSeen++
        response.end('{"ok":true}')
      },
    })
  })
  afterAll(() => server.close())

  it('carries 2,000 requests at concurrency 20 on at most 20 connections, and stats() agrees', async () => {
    const session = createSession({ connections: 20, tls: { ca: certificates.ca } })
    const before = server.connections
    const ok = await sendMany(
      () => session.dispatcher.request({ origin: server.url, path: '/v1/chat/completions', method: 'GET' }),
      2_000,
      20,
    )
    const opened = server.connections - before
    expect(ok).toBe(2_000)
    expect(requestsSeen).toBeGreaterThanOrEqual(2_000)
    expect(opened).toBeGreaterThan(0)
    expect(opened).toBeLessThanOrEqual(20)
    const stats = session.stats()
    expect(stats).toMatchObject({ requests: 2_000, inFlight: 0, errors: 0, socketsOpened: opened })
    expect(stats.socketsOpen).toBe(server.openConnections)
    await session.close()
    await server.allClosed()
    expect(session.stats().socketsOpen).toBe(0)
  })

  it('after close() the server sees every connection closed and no file descriptor is left open', async () => {
    // Warm up once so that lazily loaded modules and TLS state are not counted as the session's.
    const warmUp = createSession({ tls: { ca: certificates.ca } })
    await (await warmUp.dispatcher.request({ origin: server.url, path: '/', method: 'GET' })).body.text()
    await warmUp.close()
    await server.allClosed()

    const fdsBefore = countOpenFds()
    const session = createSession({ connections: 8, tls: { ca: certificates.ca } })
    await sendMany(() => session.dispatcher.request({ origin: server.url, path: '/', method: 'GET' }), 200, 8)
    expect(server.openConnections).toBeGreaterThan(0)
    expect(countOpenFds()).toBeGreaterThan(fdsBefore)

    await session.close()
    await server.allClosed()
    expect(server.openConnections).toBe(0)
    expect(session.stats().socketsOpen).toBe(0)
    expect(countOpenFds()).toBe(fdsBefore)
  })
})
