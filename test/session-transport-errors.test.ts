import { afterEach, describe, expect, it } from 'vitest'
import { ConnectionError, createSession, TimeoutError } from '../packages/core/src/index.js'
import { mapTransportError } from '../packages/core/src/session/map-transport-error.js'
import { createHeldResponses } from './helpers/held-responses.js'
import { type LoopbackServer, startLoopbackServer } from './helpers/loopback-server.js'

const servers: LoopbackServer[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
})

describe('real transport errors, mapped', () => {
  it('a closed port gives a ConnectionError saying the connection was refused', async () => {
    const server = await startLoopbackServer()
    await server.close()
    const session = createSession()
    const error = await session.dispatcher
      .request({ origin: server.url, path: '/', method: 'GET' })
      .catch((caught: unknown) => caught)
    const mapped = mapTransportError(error, { origin: server.url })
    expect(mapped).toBeInstanceOf(ConnectionError)
    expect(mapped.message).toContain(`${server.url} refused the connection (ECONNREFUSED)`)
    await session.close()
  })

  it('headersTimeout reaches the Agent and its expiry maps to a TimeoutError', async () => {
    const held = createHeldResponses()
    const server = await startLoopbackServer({ handler: held.handler })
    servers.push(server)
    const session = createSession({ headersTimeout: 100 })
    const error = await session.dispatcher
      .request({ origin: server.url, path: '/', method: 'GET' })
      .catch((caught: unknown) => caught)
    const mapped = mapTransportError(error, { origin: server.url })
    expect(mapped).toBeInstanceOf(TimeoutError)
    expect(mapped).toMatchObject({ timeout: 'headers' })
    held.release()
    await session.close()
  })
})
