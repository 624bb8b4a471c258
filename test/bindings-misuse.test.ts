// The misuse each binding guards against: a factory given where its result belongs, or a handler
// called where the function itself belongs. Each fails at once with what to write instead of
// hanging requests or reporting an options error about the request object.
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import { InvalidArgumentError } from '@llm-session/core'
import * as express from '@llm-session/express'
import * as fastify from '@llm-session/fastify'
import * as hono from '@llm-session/hono'
import { startMockProvider } from '@llm-session/testing'
import Express, { type NextFunction, type Request, type Response } from 'express'
import Fastify from 'fastify'
import { Hono } from 'hono'
import { request } from 'undici'
import { describe, expect, it } from 'vitest'
import { clientOptionsFor } from './helpers/describe-binding.js'

async function listen(app: Express.Express) {
  const server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

describe('express misuse', () => {
  it('app.use(llmSession) throws a TypeError saying to call the factory, on the first request', async () => {
    const errors: unknown[] = []
    const app = Express()
    app.use(express.llmSession as never)
    app.get('/', (_req, res) => res.send('ok'))
    app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
      errors.push(error)
      res.status(500).end()
    })
    const { url, server } = await listen(app)
    const response = await request(url)
    await response.body.dump()
    expect(response.statusCode).toBe(500)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(TypeError)
    expect(errors[0]).not.toBeInstanceOf(InvalidArgumentError)
    expect((errors[0] as Error).message).toContain('write app.use(llmSession())')
    server.close()
    await once(server, 'close')
  })

  it('app.use(llmErrorHandler) without parentheses answers an LlmError like llmErrorHandler()', async () => {
    const mock = await startMockProvider()
    const llm = express.llmSession({ client: clientOptionsFor(mock) })
    const app = Express()
    app.use(Express.json(), llm)
    app.post('/chat', async (req, res) => {
      res.json(await req.llm.completion({ model: 'openai/gpt-4o-mini', messages: req.body.messages }))
    })
    app.get('/plain', (_req, res) => res.send('plain'))
    app.use(express.llmErrorHandler)
    const { url, server } = await listen(app)
    llm.attach(server)
    const bad = await request(`${url}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: 'not a list' }),
    })
    expect(bad.statusCode).toBe(400)
    expect(await bad.body.json()).toMatchObject({ error: { type: 'invalid_request_error' } })
    // Other requests pass by it: Express skips a four-parameter function unless there is an error.
    const plain = await request(`${url}/plain`)
    expect(plain.statusCode).toBe(200)
    expect(await plain.body.text()).toBe('plain')
    expect(mock.stats().requests).toBe(0)
    server.close()
    await once(server, 'close')
    await llm.close()
    await mock.close()
  })
})

describe('hono misuse', () => {
  it('app.use(llmSession) answers 500 and reports a TypeError saying to call the factory', async () => {
    const errors: unknown[] = []
    const app = new Hono()
    app.use(hono.llmSession as never)
    app.get('/', (c) => c.text('ok'))
    app.onError((error, c) => {
      errors.push(error)
      return c.text('failed', 500)
    })
    const response = await app.request('/')
    expect(response.status).toBe(500)
    expect(errors[0]).toBeInstanceOf(TypeError)
    expect((errors[0] as Error).message).toContain('write app.use(llmSession())')
  })

  it('app.onError(llmErrorHandler()) throws at once, saying to leave out the parentheses', () => {
    const app = new Hono()
    expect(() => app.onError((hono.llmErrorHandler as () => never)())).toThrow(
      /write app\.onError\(llmErrorHandler\), without parentheses/,
    )
  })
})

describe('fastify misuse', () => {
  it('app.setErrorHandler(llmErrorHandler()) throws at once, saying to leave out the parentheses', () => {
    const app = Fastify()
    expect(() => app.setErrorHandler((fastify.llmErrorHandler as () => never)())).toThrow(
      /write app\.setErrorHandler\(llmErrorHandler\), without parentheses/,
    )
  })

  it('app.register(llmSession()) fails at registration, saying to pass the plugin itself', async () => {
    const app = Fastify()
    await expect(app.register((fastify.llmSession as () => never)())).rejects.toThrow(
      /write app\.register\(llmSession, options\)/,
    )
    await app.close()
  })
})
