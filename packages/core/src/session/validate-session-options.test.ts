import { Agent } from 'undici'
import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from '../errors/errors.js'
import { createSession } from './create-session.js'
import type { SessionOptions } from './session-options.js'

const agent = new Agent()
const logger = { debug() {}, info() {}, warn() {}, error() {} }

const bad: Array<[string, unknown]> = [
  ['options', null],
  ['options', 'fast'],
  ['conections', { conections: 8 }],
  ['connections', { connections: 0 }],
  ['connections', { connections: -1 }],
  ['connections', { connections: 1.5 }],
  ['connections', { connections: 'x' }],
  ['connections', { connections: Number.NaN }],
  ['keepAliveTimeout', { keepAliveTimeout: 0 }],
  ['connectTimeout', { connectTimeout: -1 }],
  ['headersTimeout', { headersTimeout: Number.NaN }],
  ['bodyTimeout', { bodyTimeout: Number.POSITIVE_INFINITY }],
  ['timeout', { timeout: -5 }],
  ['timeout', { timeout: 2 ** 31 }],
  ['timeout', { timeout: '600s' }],
  ['name', { name: '' }],
  ['tls', { tls: 'yes' }],
  ['tls.ca', { tls: { ca: 42 } }],
  ['tls.key', { tls: { cert: 'PEM' } }],
  ['tls.servername', { tls: { servername: '' } }],
  ['tls.rejectUnauthorized', { tls: { rejectUnauthorized: 'false' } }],
  ['tls.verify', { tls: { verify: false } }],
  ['proxy', { proxy: 'not a url' }],
  ['proxy', { proxy: 'ftp://proxy:21' }],
  ['proxy', { proxy: true }],
  ['dns', { dns: 'yes' }],
  ['dns.maxTTL', { dns: { maxTTL: -1 } }],
  ['dns.ttl', { dns: { ttl: 5 } }],
  ['http2', { http2: 1 }],
  ['logger', { logger: console.log }],
  ['logger', { logger: { debug() {} } }],
  ['dispatcher', { dispatcher: {} }],
  ['connections', { dispatcher: agent, connections: 4 }],
  ['proxy', { dispatcher: agent, proxy: 'env' }],
  ['tls', { dispatcher: agent, tls: {} }],
  ['ownsDispatcher', { ownsDispatcher: true }],
  ['ownsDispatcher', { dispatcher: agent, ownsDispatcher: 'yes' }],
]

describe('session options', () => {
  it.each(bad)('reject a wrong %s with an InvalidArgumentError naming it', (field, options) => {
    let caught: unknown
    try {
      createSession(options as SessionOptions)
    } catch (error) {
      caught = error
    }
    expect(caught).toBeInstanceOf(InvalidArgumentError)
    expect((caught as InvalidArgumentError).field).toBe(field)
    expect((caught as Error).message).toContain(field.split('.')[0])
  })

  it('never echo a proxy value, which may hold credentials', () => {
    expect(() => createSession({ proxy: 'http//user:hunter2@proxy' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    )
  })

  it('accept every documented option', async () => {
    const sessions = [
      createSession({
        name: 'all',
        connections: 1,
        keepAliveTimeout: 1,
        connectTimeout: 0,
        headersTimeout: 0,
        bodyTimeout: 1000,
        timeout: 0,
        tls: { ca: ['PEM'], cert: 'PEM', key: 'PEM', servername: 'api.internal', rejectUnauthorized: true },
        proxy: 'http://user:pass@proxy.internal:3128',
        dns: { maxTTL: 1000 },
        http2: true,
        logger,
      }),
      createSession({ proxy: 'env', dns: true }),
      createSession({ proxy: false }),
      createSession({
        dispatcher: agent,
        ownsDispatcher: false,
        timeout: 1000,
        dns: false,
        headersTimeout: 5,
      }),
    ]
    for (const session of sessions) await session.close()
  })
})
