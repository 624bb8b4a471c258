import { inspect } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConnectionError, createSession, type SessionLogger } from '../packages/core/src/index.js'
import { mapTransportError } from '../packages/core/src/session/map-transport-error.js'
import { type ConnectProxy, startConnectProxy } from './helpers/connect-proxy.js'
import { type LoopbackServer, startLoopbackServer } from './helpers/loopback-server.js'
import { createTestCertificates, type TestCertificates } from './helpers/test-certificates.js'

let certificates: TestCertificates
let https: LoopbackServer
let http: LoopbackServer
let proxy: ConnectProxy

beforeAll(async () => {
  certificates = await createTestCertificates()
  https = await startLoopbackServer({ tls: { cert: certificates.cert, key: certificates.key } })
  http = await startLoopbackServer()
  proxy = await startConnectProxy()
})
afterAll(async () => {
  await Promise.all([https.close(), http.close(), proxy.close()])
})

function capturingLogger(): SessionLogger & { lines: string[] } {
  const lines: string[] = []
  const write = (object: unknown, message?: string) => lines.push(`${message} ${JSON.stringify(object)}`)
  return { lines, debug: write, info: write, warn: write, error: write }
}

/** Sets only these proxy variables while `run` runs (undici reads NO_PROXY at each request). */
async function withProxyEnvironment(
  variables: Record<string, string>,
  run: () => Promise<void>,
): Promise<void> {
  const names = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']
  const saved = Object.fromEntries(names.map((name) => [name, process.env[name]]))
  for (const name of names) delete process.env[name]
  Object.assign(process.env, variables)
  try {
    await run()
  } finally {
    for (const name of names) {
      if (saved[name] === undefined) delete process.env[name]
      else process.env[name] = saved[name]
    }
  }
}

describe('tls', () => {
  it('connects to a server whose CA is given as tls.ca', async () => {
    const session = createSession({ tls: { ca: certificates.ca } })
    const response = await session.dispatcher.request({ origin: https.url, path: '/', method: 'GET' })
    expect(await response.body.json()).toEqual({ ok: true })
    expect(session.stats().socketsOpened).toBe(1)
    await session.close()
  })

  it.each([
    ['no CA', undefined],
    ['another CA', 'other'],
  ])('fails with a ConnectionError naming TLS with %s', async (_label, which) => {
    const ca = which === undefined ? undefined : (await createTestCertificates()).ca
    const session = createSession(ca === undefined ? {} : { tls: { ca } })
    const failure = await session.dispatcher
      .request({ origin: https.url, path: '/', method: 'GET' })
      .catch((error: unknown) => error)
    const mapped = mapTransportError(failure, { origin: https.url, sessionId: session.id })
    expect(mapped).toBeInstanceOf(ConnectionError)
    expect(mapped.message).toMatch(/^TLS certificate of 127\.0\.0\.1:\d+ is not trusted \(\w+\): pass its CA/)
    expect(mapped.cause).toBe(failure)
    expect(session.stats()).toMatchObject({ errors: 1, inFlight: 0 })
    await session.close()
  })

  it('turns verification off only when asked, and warns through the logger', async () => {
    const logger = capturingLogger()
    const session = createSession({ tls: { rejectUnauthorized: false }, logger })
    expect(logger.lines.some((line) => line.includes('TLS certificate verification is off'))).toBe(true)
    const response = await session.dispatcher.request({ origin: https.url, path: '/', method: 'GET' })
    expect(response.statusCode).toBe(200)
    await response.body.text()
    await session.close()
  })
})

describe('proxy', () => {
  it("'env' sends HTTPS and HTTP requests through the CONNECT proxy in HTTPS_PROXY and HTTP_PROXY", async () => {
    await withProxyEnvironment({ HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url }, async () => {
      const session = createSession({ proxy: 'env', tls: { ca: certificates.ca } })
      const before = proxy.connects.length
      for (const origin of [https.url, http.url]) {
        const response = await session.dispatcher.request({ origin, path: '/', method: 'GET' })
        expect(await response.body.json()).toEqual({ ok: true })
      }
      expect(proxy.connects.slice(before)).toEqual([`127.0.0.1:${https.port}`, `127.0.0.1:${http.port}`])
      expect(session.stats()).toMatchObject({ requests: 2, socketsOpened: 2, socketsOpen: 2 })
      await session.close()
      expect(session.stats().socketsOpen).toBe(0)
    })
  })

  it("'env' leaves hosts in NO_PROXY direct", async () => {
    await withProxyEnvironment({ HTTPS_PROXY: proxy.url, NO_PROXY: '127.0.0.1' }, async () => {
      const session = createSession({ proxy: 'env', tls: { ca: certificates.ca } })
      const before = proxy.connects.length
      await (await session.dispatcher.request({ origin: https.url, path: '/', method: 'GET' })).body.text()
      expect(proxy.connects.length).toBe(before)
      expect(https.connections).toBeGreaterThan(0)
      await session.close()
    })
  })

  it('a proxy URL with credentials works, and the credentials show in no log, inspect or JSON', async () => {
    const logger = capturingLogger()
    const url = new URL(proxy.url)
    url.username = 'proxyuser'
    url.password = 'planted-proxy-secret'
    const session = createSession({ proxy: url.href, tls: { ca: certificates.ca }, logger })
    const before = proxy.connects.length
    await (await session.dispatcher.request({ origin: https.url, path: '/', method: 'GET' })).body.text()
    expect(proxy.connects.length).toBe(before + 1)
    await session.close()
    const shown = [
      ...logger.lines,
      inspect(session, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
      inspect(session.dispatcher, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
      JSON.stringify(session),
    ].join('\n')
    expect(logger.lines.some((line) => line.includes('session created'))).toBe(true)
    expect(shown).not.toContain('planted-proxy-secret')
  })
})
