import { Agent, interceptors, Pool, request } from 'undici'
import { afterEach, describe, expect, it } from 'vitest'
import { createClient, createSession, SessionClosedError, TimeoutError } from '../packages/core/src/index.js'
import { createHeldResponses } from './helpers/held-responses.js'
import { type LoopbackServer, startLoopbackServer } from './helpers/loopback-server.js'

const servers: LoopbackServer[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
})

async function heldServer() {
  const held = createHeldResponses()
  const server = await startLoopbackServer({ handler: held.handler })
  servers.push(server)
  return { held, server }
}

async function okServer() {
  const server = await startLoopbackServer()
  servers.push(server)
  return server
}

describe('close()', () => {
  it('lets in-flight requests finish, refuses new ones at once without a socket, and is idempotent', async () => {
    const { held, server } = await heldServer()
    const session = createSession()
    const inFlight = Array.from({ length: 3 }, () =>
      session.dispatcher
        .request({ origin: server.url, path: '/', method: 'POST', body: '{}' })
        .then(async (response) => ({ status: response.statusCode, body: await response.body.text() })),
    )
    await held.arrived(3)
    const connections = server.connections
    expect(session.stats().inFlight).toBe(3)

    const first = session.close()
    const second = session.close()
    expect(session.closed).toBe(true)

    const refused = session.dispatcher.request({ origin: server.url, path: '/', method: 'GET' })
    await expect(refused).rejects.toBeInstanceOf(SessionClosedError)
    await expect(refused).rejects.toThrow(session.id)
    expect(server.connections).toBe(connections)

    held.release()
    await expect(Promise.all(inFlight)).resolves.toEqual(Array(3).fill({ status: 200, body: 'done' }))
    await Promise.all([first, second, session.close()])
    await server.allClosed()
    expect(session.stats()).toMatchObject({ requests: 3, inFlight: 0, errors: 0, socketsOpen: 0 })
  })

  it('is what `await using` calls, and what session.dispatcher.close() does', async () => {
    const server = await okServer()
    let kept: ReturnType<typeof createSession> | undefined
    {
      await using session = createSession()
      kept = session
      const response = await session.dispatcher.request({ origin: server.url, path: '/', method: 'GET' })
      await response.body.text()
    }
    expect(kept.closed).toBe(true)
    await server.allClosed()

    const other = createSession()
    await other.dispatcher.close()
    expect(other.closed).toBe(true)
    await expect(
      fetch(server.url, { dispatcher: other.dispatcher } as unknown as RequestInit),
    ).rejects.toThrow()
  })
})

describe('destroy()', () => {
  it('aborts in-flight requests with a typed error, and is idempotent and safe beside close()', async () => {
    const { held, server } = await heldServer()
    const session = createSession()
    const inFlight = Array.from({ length: 2 }, () =>
      session.dispatcher.request({ origin: server.url, path: '/', method: 'GET' }),
    )
    const settled = Promise.allSettled(inFlight)
    await held.arrived(2)
    const closing = session.close()
    await Promise.all([session.destroy(), session.destroy()])
    await closing
    for (const outcome of await settled) {
      expect(outcome.status).toBe('rejected')
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(SessionClosedError)
    }
    await server.allClosed()
    expect(session.stats()).toMatchObject({ requests: 2, inFlight: 0, errors: 2, socketsOpen: 0 })
    await session.close()
    await session.destroy()
  })

  it('uses the reason it is given', async () => {
    const { held, server } = await heldServer()
    const session = createSession()
    const outcome = session.dispatcher
      .request({ origin: server.url, path: '/', method: 'GET' })
      .catch((error: unknown) => error)
    await held.arrived(1)
    const reason = new TimeoutError('shutdown deadline', { timeout: 'total' })
    await session.destroy(reason)
    expect(await outcome).toBe(reason)
  })
})

describe('ownership', () => {
  it('leaves a borrowed dispatcher open, waits for its in-flight requests, and counts its sockets', async () => {
    const { held, server } = await heldServer()
    const agent = new Agent({ connections: 4 })
    const session = createSession({ dispatcher: agent })
    const pending = session.dispatcher.request({ origin: server.url, path: '/', method: 'GET' })
    await held.arrived(1)
    let closed = false
    const closing = session.close().then(() => {
      closed = true
    })
    await Promise.resolve()
    expect(closed).toBe(false)
    held.release()
    expect((await pending).statusCode).toBe(200)
    await closing
    expect(session.stats()).toMatchObject({ requests: 1, socketsOpened: 1, socketsOpen: 1 })

    expect(agent.closed).toBe(false)
    const direct = await request(server.url, { dispatcher: agent })
    expect(await direct.body.text()).toBe('done')
    await agent.close()
  })

  it('destroy() aborts requests on a borrowed dispatcher without destroying it', async () => {
    const { held, server } = await heldServer()
    const pool = new Pool(server.url, { connections: 2 })
    const session = createSession({ dispatcher: pool })
    const outcome = session.dispatcher
      .request({ origin: server.url, path: '/', method: 'GET' })
      .catch((error: unknown) => error)
    await held.arrived(1)
    await session.destroy()
    expect(await outcome).toBeInstanceOf(SessionClosedError)
    expect(pool.destroyed).toBe(false)
    held.release()
    expect((await pool.request({ path: '/', method: 'GET' })).statusCode).toBe(200)
    await pool.close()
  })

  it('works over a composed dispatcher it borrows', async () => {
    const server = await okServer()
    const agent = new Agent()
    const composed = agent.compose(interceptors.responseError())
    const session = createSession({ dispatcher: composed })
    const response = await session.dispatcher.request({ origin: server.url, path: '/', method: 'GET' })
    expect(await response.body.json()).toEqual({ ok: true })
    await session.close()
    expect(agent.closed).toBe(false)
    await agent.close()
  })

  it('closes what it owns: its own Agent, and a given dispatcher with ownsDispatcher: true', async () => {
    const server = await okServer()
    const owned = createSession()
    await (await owned.dispatcher.request({ origin: server.url, path: '/', method: 'GET' })).body.text()
    expect(server.openConnections).toBe(1)
    await owned.close()
    await server.allClosed()

    const agent = new Agent()
    const session = createSession({ dispatcher: agent, ownsDispatcher: true })
    await (await session.dispatcher.request({ origin: server.url, path: '/', method: 'GET' })).body.text()
    await session.close()
    expect(agent.closed).toBe(true)
    await server.allClosed()
  })
})

describe('timeouts', () => {
  it('ends a request that outlives the session timeout with a TimeoutError', async () => {
    const { held, server } = await heldServer()
    const session = createSession({ timeout: 200 })
    const pending = session.dispatcher.request({ origin: server.url, path: '/', method: 'GET' })
    await held.arrived(1)
    const error = await pending.catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(TimeoutError)
    expect(error).toMatchObject({ timeout: 'total' })
    expect(session.stats()).toMatchObject({ errors: 1, inFlight: 0 })
    await session.close()
  })

  it('ends a client call at the session timeout when the call itself would allow longer', async () => {
    const { held, server } = await heldServer()
    const session = createSession({ timeout: 200 })
    const llm = createClient({
      session,
      retries: 0,
      timeout: 60_000,
      providers: { openai: { apiKey: 'sk-test', baseUrl: `${server.url}/v1` } },
    })
    const pending = llm
      .completion({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'hi' }] })
      .catch((caught: unknown) => caught)
    await held.arrived(1)
    const error = await pending
    expect(error).toBeInstanceOf(TimeoutError)
    expect((error as Error).message).toContain('session timeout of 200 ms')
    expect(session.stats()).toMatchObject({ errors: 1, inFlight: 0 })
    await session.close()
  })
})
