import { once } from 'node:events'
import { createSecureServer, type Http2SecureServer } from 'node:http2'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSession } from '../packages/core/src/index.js'
import { startLoopbackServer } from './helpers/loopback-server.js'
import { createTestCertificates, type TestCertificates } from './helpers/test-certificates.js'

describe('http2: true', () => {
  let certificates: TestCertificates
  let server: Http2SecureServer
  let origin: string
  let connections = 0

  beforeAll(async () => {
    certificates = await createTestCertificates()
    // Offers HTTP/2 and HTTP/1.1 by ALPN, and answers with the version each request came in.
    server = createSecureServer(
      { cert: certificates.cert, key: certificates.key, allowHTTP1: true },
      (request, response) => {
        response.setHeader('content-type', 'application/json')
        response.end(JSON.stringify({ httpVersion: request.httpVersion }))
      },
    )
    server.on('secureConnection', () => connections++)
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.close()
  })

  // undici's pool opens a new socket for a call made while every socket is still connecting, also for
  // HTTP/2, so a cold burst can open up to `connections` sockets; `connections: 1` multiplexes all.
  it('speaks HTTP/2 when opted in, and multiplexes concurrent calls on one connection', async () => {
    const session = createSession({ http2: true, connections: 1, tls: { ca: certificates.ca } })
    const before = connections
    const versions = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const response = await session.dispatcher.request({ origin, path: '/', method: 'POST', body: '{}' })
        return ((await response.body.json()) as { httpVersion: string }).httpVersion
      }),
    )
    expect(new Set(versions)).toEqual(new Set(['2.0']))
    expect(connections - before).toBe(1)
    await session.close()
  })

  it('stays on HTTP/1.1 by default', async () => {
    const session = createSession({ tls: { ca: certificates.ca } })
    const response = await session.dispatcher.request({ origin, path: '/', method: 'GET' })
    expect(await response.body.json()).toEqual({ httpVersion: '1.1' })
    await session.close()
  })
})

describe('dns: true', () => {
  it('resolves host names through the dns interceptor and carries calls on the session', async () => {
    const server = await startLoopbackServer()
    const session = createSession({ dns: { maxTTL: 10_000 } })
    const port = server.port
    for (let i = 0; i < 20; i++) {
      const response = await session.dispatcher.request({
        origin: `http://localhost:${port}`,
        path: '/',
        method: 'GET',
      })
      expect(await response.body.json()).toEqual({ ok: true })
    }
    expect(session.stats()).toMatchObject({ requests: 20, errors: 0 })
    expect(server.connections).toBe(1)
    await session.close()
    await server.close()
  })
})
